"""The words of EDI flows (RAC-3): statuses and syntaxes as the real Chorus Pro spells them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from openchorus.invoices.enums import SourceSyntax


class FlowStatus(models.TextChoices):
    """`etatCourantFlux`: IN_RECU → IN_EN_ATTENTE_TRAITEMENT_CPP → IN_EN_COURS_TRAITEMENT_CPP →
    IN_INTEGRE | IN_INTEGRE_PARTIEL | IN_REJETE, or IN_INCIDENTE on an internal fault."""

    RECEIVED = "IN_RECU", _("Reçu")
    QUEUED = "IN_EN_ATTENTE_TRAITEMENT_CPP", _("En attente de traitement")
    PROCESSING = "IN_EN_COURS_TRAITEMENT_CPP", _("En cours de traitement")
    INTEGRATED = "IN_INTEGRE", _("Intégré")
    PARTIAL = "IN_INTEGRE_PARTIEL", _("Intégré partiellement")
    REJECTED = "IN_REJETE", _("Rejeté")
    INCIDENT = "IN_INCIDENTE", _("Incidenté")


FINAL_STATUSES = frozenset(
    {FlowStatus.INTEGRATED, FlowStatus.PARTIAL, FlowStatus.REJECTED, FlowStatus.INCIDENT}
)


class FlowSyntax(models.TextChoices):
    """`syntaxeFlux`: the syntaxes whose invoices the e-invoice library reads."""

    E1_UBL = "IN_DP_E1_UBL_INVOICE", _("E1 — UBL 2.1 (Invoice, CreditNote)")
    E1_CII = "IN_DP_E1_CII_16B", _("E1 — CII D16B")
    E2_FACTURX = "IN_DP_E2_CII_FACTURX", _("E2 — Factur-X (PDF/A-3 et CII)")
    E2_UBL_MIN = "IN_DP_E2_UBL_INVOICE_MIN", _("E2 — UBL minimal et PDF")
    E2_CII_MIN = "IN_DP_E2_CII_MIN_16B", _("E2 — CII minimal et PDF")


# How a table names a syntax where the full code does not fit.
SYNTAX_SHORT: dict[str, str] = {
    FlowSyntax.E1_UBL: "E1 UBL",
    FlowSyntax.E1_CII: "E1 CII",
    FlowSyntax.E2_FACTURX: "E2 Factur-X",
    FlowSyntax.E2_UBL_MIN: "E2 UBL min.",
    FlowSyntax.E2_CII_MIN: "E2 CII min.",
}

# The syntax of each invoice a flow of that syntax may carry.
SYNTAX_FAMILY: dict[str, frozenset[str]] = {
    FlowSyntax.E1_UBL: frozenset({SourceSyntax.UBL}),
    FlowSyntax.E1_CII: frozenset({SourceSyntax.CII}),
    FlowSyntax.E2_FACTURX: frozenset({SourceSyntax.FACTURX}),
    FlowSyntax.E2_UBL_MIN: frozenset({SourceSyntax.UBL}),
    FlowSyntax.E2_CII_MIN: frozenset({SourceSyntax.CII, SourceSyntax.FACTURX}),
}


class FlowChannel(models.TextChoices):
    API = "API", _("API (deposer/flux)")
    FOLDER = "DEPOT_REPERTOIRE", _("Répertoire de dépôt (EDI)")


CHANNEL_SHORT: dict[str, str] = {FlowChannel.API: "API", FlowChannel.FOLDER: "EDI"}


class ItemOutcome(models.TextChoices):
    PENDING = "EN_ATTENTE", _("En attente")
    INTEGRATED = "INTEGREE", _("Intégrée")
    REJECTED = "REJETEE", _("Rejetée")
