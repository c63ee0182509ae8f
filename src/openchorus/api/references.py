"""The reference lists of `transverses/v1/recuperer/…`, from the project's enumerations and the
values of the research notes (§4). Codes are the real platform's where known; the VAT-rate codes
and the attachment types are ours, the real ones not being published."""

from __future__ import annotations

from decimal import Decimal

import pycountry
from django.utils.translation import gettext_lazy as _

from openchorus.core.identifiers import IdentifierType
from openchorus.einvoice.codes import CURRENCY_CODES, VATEX_CODES
from openchorus.invoices.enums import BillingFrame

# (code, label, rate): metropolitan France's rates, then the overseas ones.
VAT_RATES = [
    ("TVA1", _("Taux normal 20 %"), Decimal("20.00")),
    ("TVA2", _("Taux intermédiaire 10 %"), Decimal("10.00")),
    ("TVA3", _("Taux réduit 5,5 %"), Decimal("5.50")),
    ("TVA4", _("Taux particulier 2,1 %"), Decimal("2.10")),
    ("TVA5", _("Taux zéro"), Decimal("0.00")),
    ("TVA6", _("Taux normal DOM 8,5 %"), Decimal("8.50")),
    ("TVA7", _("Taux réduit DOM 1,75 %"), Decimal("1.75")),
    ("TVA8", _("Taux particulier DOM 1,05 %"), Decimal("1.05")),
]

VATEX_LABELS = {
    "VATEX-EU-79-C": _("Exonéré : débours (article 79, c, de la directive 2006/112)"),
    "VATEX-EU-132": _("Exonéré : certaines activités d'intérêt général (article 132)"),
    "VATEX-EU-143": _("Exonéré : importations (article 143)"),
    "VATEX-EU-148": _("Exonéré : transports internationaux (article 148)"),
    "VATEX-EU-151": _("Exonéré : opérations assimilées aux exportations (article 151)"),
    "VATEX-EU-309": _("Exonéré : agences de voyages (article 309)"),
    "VATEX-EU-AE": _("Autoliquidation"),
    "VATEX-EU-D": _("Régime de la marge : agences de voyages"),
    "VATEX-EU-F": _("Régime de la marge : biens d'occasion"),
    "VATEX-EU-G": _("Exportation hors de l'Union européenne"),
    "VATEX-EU-I": _("Régime de la marge : objets d'art"),
    "VATEX-EU-IC": _("Livraison intracommunautaire"),
    "VATEX-EU-J": _("Régime de la marge : objets de collection et d'antiquité"),
    "VATEX-EU-O": _("Hors champ de la TVA"),
    "VATEX-FR-FRANCHISE": _("Franchise en base de TVA"),
    "VATEX-FR-CNWVAT": _("Facture sans TVA (article 283 du CGI)"),
}

MODES_DEPOT = [
    "SAISIE_API", "DEPOT_PDF_API", "DEPOT_PDF_SIGNE_API", "SAISIE_WEB", "PORTAIL_PDF", "EDI_XML_STRUCT",
    "EDI_MIXTE", "EDI_PDF_ARCHIVE", "SAISIE_PORTAIL", "DEPOT_PDF_PORTAIL", "DEPOT_PDF_SIGNE_PORTAIL", "EDI",
    "UPLOAD_PORTAIL", "UPLOAD_API", "EDI_NUMERISATION",
]  # fmt: skip
MODES_PAIEMENT = ["CHEQUE", "PRELEVEMENT", "VIREMENT", "ESPECE", "AUTRE", "REPORT"]
TYPES_DEMANDE_PAIEMENT = ["FACTURE", "FACTURE_TRAVAUX", "MEMOIRE_JUSTICE", "DEMANDE_REMBOURSEMENT"]

_WORKS_FRAMES = [
    "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", "A5_ETAT_ACOMPTE_FOURNISSEUR", "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR",
    "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR", "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR",
    "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT", "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT",
    "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT", "A14_PROJET_DECOMPTE_FINAL_COTRAITANT", "A15_ETAT_ACOMPTE_MOE",
    "A16_ETAT_ACOMPTE_VALIDE_MOE", "A17_PROJET_DECOMPTE_GENERAL_MOE", "A18_DECOMPTE_GENERAL_MOE",
    "A19_ETAT_ACOMPTE_VALIDE_MOA", "A20_DECOMPTE_GENERAL_MOA",
    "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE",
    "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR", "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE",
    "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE",
]  # fmt: skip
FRAMES_BY_TYPE = {
    "FACTURE": [frame.value for frame in BillingFrame],
    "FACTURE_TRAVAUX": _WORKS_FRAMES,
    "MEMOIRE_JUSTICE": ["A3_MEMOIRE_JUSTICE"],
    "DEMANDE_REMBOURSEMENT": ["A21_DEMANDE_REMBOURSEMENT_TIC"],
}

# deposer/flux syntaxes (research §4.4, the official request enumeration).
FORMATS_FLUX = [
    "IN_DP_E1_UBL_INVOICE", "IN_DP_E1_CII_16B", "IN_DP_E1_CII", "IN_DP_E1_PES_FACTURE", "IN_DP_E1_XCBL",
    "IN_DP_E2_UBL_INVOICE_MIN", "IN_DP_E2_CII_MIN_16B", "IN_DP_E2_CII_MIN", "IN_DP_E2_PES_FACTURE_MIN",
    "IN_DP_E2_CPP_FACTURE_MIN", "IN_DP_E2_CII_FACTURX", "IN_DP_PDFARCHIVE_UBL_INVOICE_MUG",
    "IN_DP_PDFARCHIVE_CII_MUG",
]  # fmt: skip

# (id, code, label): the attachment types offered on an invoice.
TYPES_PJ = [
    (1, "BON_COMMANDE", _("Bon de commande")),
    (2, "BON_LIVRAISON", _("Bon de livraison")),
    (3, "PV_RECEPTION", _("Procès-verbal de réception")),
    (4, "CONTRAT", _("Contrat ou marché")),
    (5, "DEVIS", _("Devis")),
    (6, "FACTURE", _("Facture (image)")),
    (7, "RIB", _("Relevé d'identité bancaire")),
    (99, "AUTRE", _("Autre pièce jointe")),
]

IDENTIFIER_TYPES = [value for value in IdentifierType.values]


def currencies() -> list[tuple[str, str]]:
    rows = []
    for code in sorted(CURRENCY_CODES):
        currency = pycountry.currencies.get(alpha_3=code)
        rows.append((code, currency.name if currency else code))
    return rows


def vat_exemptions() -> list[tuple[str, str]]:
    return [(code, str(VATEX_LABELS.get(code, code))) for code in sorted(VATEX_CODES)]
