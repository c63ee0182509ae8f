"""The Chorus Pro rules (B2G): party identifiers, billing frames and the mandatory mentions.

- Identifiers: a party identifier with ICD scheme 0009 is a SIRET and 0002 a SIREN; both are
  checked with their real check algorithms (python-stdnum, which knows La Poste's SIRET
  exception). The public recipient is routed by its SIRET, so the buyer must carry one.
- Billing frames (cadre de facturation, BT-23 in Chorus Pro flows): A1 supplier invoice, A2 already
  paid, A9 subcontractor, A12 co-contractor, …, A25. The invoice flows take A1, A2, A9 and A12;
  the works documents (A4–A8, A10, A11, A13–A20, A22–A25), the legal-fees memoranda (A3) and the
  TIC refund requests (A21) have their own spaces.
- The 12 mandatory mentions of décret n° 2019-748 of 18 July 2019, as the Chorus Pro help lists
  them. Mentions that depend on the recipient's settings (engagement, service code) are warnings
  here: the recipient checks (INV-5) decide with the directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from ..errors import Severity
from ..model import Identifier, Invoice
from .engine import Hit, RuleRegistry, RuleSet

_registry = RuleRegistry()
rule = _registry.rule

SCHEME_SIRET = "0009"
SCHEME_SIREN = "0002"

# Billing frames (codeCadreFacturation) of the Chorus Pro API and of the CPP pivot format.
BILLING_FRAMES: dict[str, str] = {
    "A1": "A1_FACTURE_FOURNISSEUR",
    "A2": "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
    "A3": "A3_MEMOIRE_JUSTICE",
    "A4": "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR",
    "A5": "A5_ETAT_ACOMPTE_FOURNISSEUR",
    "A6": "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR",
    "A7": "A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR",
    "A8": "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR",
    "A9": "A9_FACTURE_SOUSTRAITANT",
    "A10": "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT",
    "A11": "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT",
    "A12": "A12_FACTURE_COTRAITANT",
    "A13": "A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT",
    "A14": "A14_PROJET_DECOMPTE_FINAL_COTRAITANT",
    "A15": "A15_ETAT_ACOMPTE_MOE",
    "A16": "A16_ETAT_ACOMPTE_VALIDE_MOE",
    "A17": "A17_PROJET_DECOMPTE_GENERAL_MOE",
    "A18": "A18_DECOMPTE_GENERAL_MOE",
    "A19": "A19_ETAT_ACOMPTE_VALIDE_MOA",
    "A20": "A20_DECOMPTE_GENERAL_MOA",
    "A21": "A21_DEMANDE_REMBOURSEMENT_TIC",
    "A22": "A22_PROJET_DECOMPTE_GENERAL_FOURNISSEUR_PROCEDURE_TACITE",
    "A23": "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR",
    "A24": "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE",
    "A25": "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE",
}
INVOICE_FRAMES = frozenset({"A1", "A2", "A9", "A12"})
_FRAME = re.compile(r"(A\d{1,2})(_[A-Z_]+)?")


def billing_frame(inv: Invoice) -> str | None:
    """The Chorus Pro billing frame that BT-23 declares ("A1"…"A25"), or None when it declares none."""
    value = (inv.business_process_type or "").strip().upper()
    match = _FRAME.fullmatch(value)
    return match.group(1) if match else None


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _party_identifiers(inv: Invoice) -> Iterator[tuple[str, Identifier]]:
    for i, ident in enumerate(inv.seller.identifiers):
        yield f"seller.identifiers[{i}]", ident
    pairs: list[tuple[str, Identifier | None]] = [
        ("seller.legal_registration", inv.seller.legal_registration),
        ("seller.electronic_address", inv.seller.electronic_address),
        ("buyer.identifier", inv.buyer.identifier),
        ("buyer.legal_registration", inv.buyer.legal_registration),
        ("buyer.electronic_address", inv.buyer.electronic_address),
    ]
    if inv.payee is not None:
        pairs += [
            ("payee.identifier", inv.payee.identifier),
            ("payee.legal_registration", inv.payee.legal_registration),
        ]
    if inv.delivery is not None:
        pairs.append(("delivery.location_identifier", inv.delivery.location_identifier))
    for path, maybe in pairs:
        if maybe is not None:
            yield path, maybe


def _siret_of(*idents: Identifier | None) -> str | None:
    for ident in idents:
        if ident is not None and ident.scheme_id == SCHEME_SIRET and ident.value.strip():
            return ident.value.strip()
    return None


@rule(
    "CPRO-SIRET",
    "BT-29",
    "An identifier with scheme 0009 shall be a valid SIRET (14 digits, INSEE check digit).",
    "Un identifiant de schéma 0009 doit être un SIRET valide (14 chiffres, clé de contrôle INSEE).",
    fix_fr="Vérifiez le SIRET sur l'annuaire des entreprises (annuaire-entreprises.data.gouv.fr).",
    fix_en="Check the SIRET in the French business directory (annuaire-entreprises.data.gouv.fr).",
)
def _siret(inv: Invoice) -> Iterator[Hit]:
    for path, ident in _party_identifiers(inv):
        if ident.scheme_id == SCHEME_SIRET and not stdnum_siret.is_valid(ident.value):
            yield Hit(path, f"(« {ident.value} »)", f"('{ident.value}')")


@rule(
    "CPRO-SIREN",
    "BT-30",
    "An identifier with scheme 0002 shall be a valid SIREN (9 digits, INSEE check digit).",
    "Un identifiant de schéma 0002 doit être un SIREN valide (9 chiffres, clé de contrôle INSEE).",
)
def _siren(inv: Invoice) -> Iterator[Hit]:
    for path, ident in _party_identifiers(inv):
        if ident.scheme_id == SCHEME_SIREN and not stdnum_siren.is_valid(ident.value):
            yield Hit(path, f"(« {ident.value} »)", f"('{ident.value}')")


@rule(
    "CPRO-SIRET-SIREN",
    "BT-30",
    "The seller's SIRET (scheme 0009) shall start with its SIREN (scheme 0002).",
    "Le SIRET du vendeur (schéma 0009) doit commencer par son SIREN (schéma 0002).",
)
def _siret_siren(inv: Invoice) -> Iterator[Hit]:
    legal = inv.seller.legal_registration
    siret = _siret_of(*inv.seller.identifiers, inv.seller.electronic_address)
    if (
        legal is not None
        and legal.scheme_id == SCHEME_SIREN
        and siret
        and not siret.startswith(legal.value.strip())
    ):
        yield Hit(
            "seller.legal_registration",
            f"(SIRET {siret}, SIREN {legal.value})",
            f"(SIRET {siret}, SIREN {legal.value})",
        )


@rule(
    "CPRO-ID-BUYER",
    "BT-46",
    "The public recipient shall be identified by its SIRET: Buyer identifier (BT-46), Buyer legal "
    "registration identifier (BT-47) or Buyer electronic address (BT-49) with scheme 0009.",
    "Le destinataire public doit être identifié par son SIRET : identifiant de l'acheteur (BT-46), "
    "identifiant légal (BT-47) ou adresse électronique (BT-49) avec le schéma 0009.",
    fix_fr="Indiquez le SIRET de la structure publique destinataire (annuaire Chorus Pro), schéma 0009.",
    fix_en="Give the SIRET of the recipient public structure (Chorus Pro directory), scheme 0009.",
)
def _buyer_id(inv: Invoice) -> Iterator[Hit]:
    buyer = inv.buyer
    if _siret_of(buyer.identifier, buyer.legal_registration, buyer.electronic_address) is None:
        yield Hit("buyer.identifier")


@rule(
    "CPRO-ID-SELLER",
    "BT-29",
    "A supplier established in France shall be identified by its SIRET (Seller identifier BT-29, legal "
    "registration BT-30 or electronic address BT-34 with scheme 0009).",
    "Un fournisseur établi en France doit être identifié par son SIRET (identifiant du vendeur BT-29, "
    "identifiant légal BT-30 ou adresse électronique BT-34 avec le schéma 0009).",
)
def _seller_id(inv: Invoice) -> Iterator[Hit]:
    seller = inv.seller
    if seller.address.country_code != "FR":
        return
    if _siret_of(*seller.identifiers, seller.legal_registration, seller.electronic_address) is None:
        yield Hit("seller.identifiers")


@rule(
    "CPRO-CADRE-01",
    "BT-23",
    "The billing frame (BT-23) shall be one of the Chorus Pro frames A1 to A25.",
    "Le cadre de facturation (BT-23) doit être l'un des cadres Chorus Pro A1 à A25.",
)
def _frame_known(inv: Invoice) -> Iterator[Hit]:
    frame = billing_frame(inv)
    if frame is not None and frame not in BILLING_FRAMES:
        yield Hit("business_process_type", f"(« {frame} »)", f"('{frame}')")


@rule(
    "CPRO-CADRE-02",
    "BT-23",
    "Invoice flows take the billing frames A1 (supplier invoice), A2 (already paid), A9 (subcontractor) and "
    "A12 (co-contractor); works documents, legal-fees memoranda and TIC refund requests have their own "
    "spaces.",
    "Les flux de factures acceptent les cadres A1 (facture fournisseur), A2 (déjà payée), A9 (sous-traitant) "
    "et A12 (cotraitant) ; les documents de travaux, mémoires de frais de justice et demandes de "
    "remboursement TIC ont leur propre espace.",
    severity=Severity.WARNING,
)
def _frame_invoice(inv: Invoice) -> Iterator[Hit]:
    frame = billing_frame(inv)
    if frame is not None and frame in BILLING_FRAMES and frame not in INVOICE_FRAMES:
        yield Hit("business_process_type", f"({BILLING_FRAMES[frame]})", f"({BILLING_FRAMES[frame]})")


@rule(
    "CPRO-CADRE-A2",
    "BT-115",
    "An invoice in frame A2 (already paid) shall have an amount due (BT-115) of zero.",
    "Une facture au cadre A2 (déjà payée) doit avoir un montant net à payer (BT-115) nul.",
)
def _frame_a2(inv: Invoice) -> Iterator[Hit]:
    due = inv.totals.amount_due
    if billing_frame(inv) == "A2" and (due is None or due != 0):
        yield Hit("totals.amount_due")


@rule(
    "CPRO-MENTION-01",
    "BT-2",
    "Mandatory mention 1 of decree 2019-748: the invoice issue date (BT-2).",
    "Mention obligatoire n° 1 du décret 2019-748 : la date d'émission de la facture (BT-2).",
)
def _m01(inv: Invoice) -> Iterator[Hit]:
    if inv.issue_date is None:
        yield Hit("issue_date")


@rule(
    "CPRO-MENTION-02",
    "BT-27",
    "Mandatory mention 2 of decree 2019-748: the designation of the issuer and of the recipient (names, "
    "BT-27 and BT-44, and SIRET).",
    "Mention obligatoire n° 2 du décret 2019-748 : la désignation de l'émetteur et du destinataire (noms, "
    "BT-27 et BT-44, et numéro SIRET).",
)
def _m02(inv: Invoice) -> Iterator[Hit]:
    if _blank(inv.seller.name):
        yield Hit("seller.name")
    if _blank(inv.buyer.name):
        yield Hit("buyer.name")


@rule(
    "CPRO-MENTION-03",
    "BT-1",
    "Mandatory mention 3 of decree 2019-748: the unique invoice number (BT-1).",
    "Mention obligatoire n° 3 du décret 2019-748 : le numéro unique de la facture (BT-1).",
)
def _m03(inv: Invoice) -> Iterator[Hit]:
    if _blank(inv.number):
        yield Hit("number")


@rule(
    "CPRO-MENTION-04",
    "BT-13",
    "Mandatory mention 4 of decree 2019-748: the purchase order number (BT-13) or, otherwise, the contract "
    "reference (BT-12) or the engagement number.",
    "Mention obligatoire n° 4 du décret 2019-748 : le numéro du bon de commande (BT-13) ou, à défaut, les "
    "références du contrat (BT-12) ou le numéro d'engagement.",
    severity=Severity.WARNING,
    fix_fr="Indiquez le numéro d'engagement juridique (EJ) communiqué par l'acheteur public en BT-13.",
    fix_en="Give the engagement number (EJ) the public buyer sent you, in BT-13.",
)
def _m04(inv: Invoice) -> Iterator[Hit]:
    if _blank(inv.purchase_order_reference) and _blank(inv.contract_reference):
        yield Hit("purchase_order_reference")


@rule(
    "CPRO-MENTION-05",
    "BT-10",
    "Mandatory mention 5 of decree 2019-748: the designation of the payer with, for public structures, the "
    "code of the service in charge of payment (service code, BT-10).",
    "Mention obligatoire n° 5 du décret 2019-748 : la désignation du payeur avec, pour les structures "
    "publiques, le code du service chargé du paiement (code service, BT-10).",
    severity=Severity.WARNING,
)
def _m05(inv: Invoice) -> Iterator[Hit]:
    if _blank(inv.buyer_reference):
        yield Hit("buyer_reference")


@rule(
    "CPRO-MENTION-06",
    "BT-72",
    "Mandatory mention 6 of decree 2019-748: the date of delivery or of execution of the services or works "
    "(BT-72, or an invoicing period BG-14 or line periods BG-26).",
    "Mention obligatoire n° 6 du décret 2019-748 : la date de livraison des fournitures ou d'exécution des "
    "services ou des travaux (BT-72, ou une période de facturation BG-14 ou des périodes de ligne BG-26).",
    severity=Severity.WARNING,
)
def _m06(inv: Invoice) -> Iterator[Hit]:
    delivered = inv.delivery is not None and inv.delivery.actual_delivery_date is not None
    periods = inv.invoicing_period is not None or (inv.lines and all(line.period for line in inv.lines))
    if not delivered and not periods:
        yield Hit("delivery")


@rule(
    "CPRO-MENTION-07",
    "BT-129",
    "Mandatory mention 7 of decree 2019-748: the quantity (BT-129) and precise name (BT-153) of the products, "
    "services and works.",
    "Mention obligatoire n° 7 du décret 2019-748 : la quantité (BT-129) et la dénomination précise (BT-153) "
    "des produits livrés, prestations et travaux réalisés.",
)
def _m07(inv: Invoice) -> Iterator[Hit]:
    for i, line in enumerate(inv.lines):
        if line.quantity is None:
            yield Hit(f"lines[{i}].quantity")
        if _blank(line.item.name):
            yield Hit(f"lines[{i}].item.name")


@rule(
    "CPRO-MENTION-08",
    "BT-146",
    "Mandatory mention 8 of decree 2019-748: the unit price excluding VAT (BT-146) of the products, services "
    "and works.",
    "Mention obligatoire n° 8 du décret 2019-748 : le prix unitaire hors taxes (BT-146) des produits, "
    "prestations et travaux.",
)
def _m08(inv: Invoice) -> Iterator[Hit]:
    for i, line in enumerate(inv.lines):
        if line.price.net_price is None:
            yield Hit(f"lines[{i}].price.net_price")


@rule(
    "CPRO-MENTION-09",
    "BT-112",
    "Mandatory mention 9 of decree 2019-748: the total amount (BT-112), the total without VAT (BT-109), the "
    "VAT due (BT-110) and their breakdown per VAT rate or exemption (BG-23).",
    "Mention obligatoire n° 9 du décret 2019-748 : le montant total (BT-112), le total hors taxes (BT-109), "
    "le montant de la TVA (BT-110) et leur répartition par taux ou exonération (BG-23).",
)
def _m09(inv: Invoice) -> Iterator[Hit]:
    t = inv.totals
    for name in ("total_with_vat", "total_without_vat", "vat_total"):
        if getattr(t, name) is None:
            yield Hit(f"totals.{name}")
    if not inv.vat_breakdown:
        yield Hit("vat_breakdown")


@rule(
    "CPRO-MENTION-10",
    "BG-11",
    "Mandatory mention 10 of decree 2019-748: where there is one, the identification of the issuer's tax "
    "representative (name BT-62 and VAT identifier BT-63).",
    "Mention obligatoire n° 10 du décret 2019-748 : le cas échéant, l'identification du représentant fiscal "
    "de l'émetteur (nom BT-62 et numéro de TVA BT-63).",
)
def _m10(inv: Invoice) -> Iterator[Hit]:
    rep = inv.tax_representative
    if rep is not None and (_blank(rep.name) or _blank(rep.vat_identifier)):
        yield Hit("tax_representative")


@rule(
    "CPRO-MENTION-11",
    "BT-20",
    "Mandatory mention 11 of decree 2019-748: where an amount is due, the payment terms (payment means "
    "BG-16, due date BT-9 or payment terms BT-20).",
    "Mention obligatoire n° 11 du décret 2019-748 : lorsqu'un montant est dû, les modalités de règlement "
    "(moyen de paiement BG-16, échéance BT-9 ou conditions de paiement BT-20).",
    severity=Severity.WARNING,
)
def _m11(inv: Invoice) -> Iterator[Hit]:
    due = inv.totals.amount_due
    if due is None or due <= 0:
        return
    if inv.payment_instructions is None and inv.due_date is None and _blank(inv.payment_terms):
        yield Hit("payment_terms")


@rule(
    "CPRO-MENTION-12",
    "BT-97",
    "Mandatory mention 12 of decree 2019-748: where there are any, the details of deductions or additional "
    "payments (reason BT-97/BT-98 of each allowance, BT-104/BT-105 of each charge).",
    "Mention obligatoire n° 12 du décret 2019-748 : le cas échéant, les renseignements relatifs aux "
    "déductions ou versements complémentaires (motif BT-97/BT-98 de chaque remise, BT-104/BT-105 de chaque "
    "charge).",
)
def _m12(inv: Invoice) -> Iterator[Hit]:
    for kind in ("allowances", "charges"):
        for i, item in enumerate(getattr(inv, kind)):
            if _blank(item.reason) and _blank(item.reason_code):
                yield Hit(f"{kind}[{i}].reason")


RULE_SET: RuleSet = _registry.rule_set("Chorus Pro")
