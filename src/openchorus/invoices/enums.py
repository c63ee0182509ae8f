"""Enumerations of the invoice record: EN 16931 and Chorus Pro codes as values, French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceType(models.TextChoices):
    """BT-3, the UNTDID 1001 codes the portal offers (Chorus Pro "type de facture")."""

    INVOICE = "380", _("Facture")
    CREDIT_NOTE = "381", _("Avoir")
    CORRECTED = "384", _("Facture rectificative")
    PREPAYMENT = "386", _("Facture d'acompte")
    SELF_BILLED = "389", _("Autofacture")


CREDIT_NOTE_TYPES = frozenset({InvoiceType.CREDIT_NOTE})


class BillingFrame(models.TextChoices):
    """Cadre de facturation of an invoice (the frames the invoice space takes; works documents,
    legal-fees memoranda and TIC refunds have their own spaces)."""

    A1 = "A1_FACTURE_FOURNISSEUR", _("A1 - Dépôt par un fournisseur d'une facture")
    A2 = "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE", _("A2 - Dépôt par un fournisseur d'une facture déjà payée")
    A9 = "A9_FACTURE_SOUSTRAITANT", _("A9 - Dépôt par un sous-traitant d'une facture")
    A12 = "A12_FACTURE_COTRAITANT", _("A12 - Dépôt par un cotraitant d'une facture")

    @property
    def short(self) -> str:
        """ "A1", "A2", … as BT-23 carries it in Chorus Pro flows."""
        return self.value.split("_", 1)[0]


class Channel(models.TextChoices):
    """How the invoice reached the platform (Chorus Pro "mode de dépôt")."""

    ENTRY = "SAISIE", _("Saisie sur le portail")
    PORTAL_DEPOSIT = "DEPOT", _("Dépôt sur le portail")
    API = "API", _("API (mode service)")
    EDI = "EDI", _("Flux EDI")


class SourceSyntax(models.TextChoices):
    """The syntax of the file the invoice was made from."""

    NONE = "", _("Saisie")
    UBL = "UBL", _("UBL 2.1")
    CII = "CII", _("CII D16B")
    FACTURX = "FACTURX", _("Factur-X")
    PDF = "PDF", _("PDF")


class VatCategory(models.TextChoices):
    """BT-151 / BT-118, UNCL 5305 as EN 16931 restricts it."""

    STANDARD = "S", _("Taux normal ou réduit")
    ZERO = "Z", _("Taux zéro")
    EXEMPT = "E", _("Exonéré de TVA")
    REVERSE_CHARGE = "AE", _("Autoliquidation")
    INTRA_EU = "K", _("Livraison intracommunautaire")
    EXPORT = "G", _("Export hors UE")
    NOT_SUBJECT = "O", _("Hors champ de la TVA")
    CANARY = "L", _("IGIC (Canaries)")
    CEUTA = "M", _("IPSI (Ceuta et Melilla)")


# Categories that carry no VAT and need an exemption reason (BR-E-10, BR-AE-10, …).
EXEMPTION_CATEGORIES = frozenset({"E", "AE", "K", "G", "O"})


class AttachmentKind(models.TextChoices):
    MAIN = "PRINCIPALE", _("Facture (pièce principale)")
    ANNEX = "ANNEXE", _("Pièce jointe complémentaire")
