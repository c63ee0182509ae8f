"""BR-01 to BR-65: cardinalities and the presence of terms and groups."""

from __future__ import annotations

import operator
from collections.abc import Iterator

from ...errors import Severity
from ...model import DocumentAllowanceCharge, Invoice
from ..engine import Hit, RuleRegistry
from ..source import SourceView
from ._common import (
    _address_missing,
    _blank,
    _group_present,
    _has_totals,
)

_registry = RuleRegistry()
rule = _registry.rule
source_rule = _registry.source_rule

# --- BR-01 to BR-65: cardinalities and presence ----------------------------------------------------


@rule(
    "BR-01",
    "BT-24",
    "An Invoice shall have a Specification identifier (BT-24).",
    "Une facture doit comporter un identifiant de spécification (BT-24).",
    fix_fr="Indiquez le profil, par exemple « urn:cen.eu:en16931:2017 ».",
    fix_en="State the profile, for instance 'urn:cen.eu:en16931:2017'.",
)
def _br01(inv: Invoice) -> Iterator[Hit]:
    if _blank(inv.customization_id):
        yield Hit("customization_id")


@rule(
    "BR-02",
    "BT-1",
    "An Invoice shall have an Invoice number (BT-1).",
    "Une facture doit comporter un numéro de facture (BT-1).",
)
def _br02(inv: Invoice) -> Iterator[Hit]:
    if _blank(inv.number):
        yield Hit("number")


@rule(
    "BR-03",
    "BT-2",
    "An Invoice shall have an Invoice issue date (BT-2).",
    "Une facture doit comporter une date d'émission (BT-2).",
)
def _br03(inv: Invoice) -> Iterator[Hit]:
    if inv.issue_date is None:
        yield Hit("issue_date")


@rule(
    "BR-04",
    "BT-3",
    "An Invoice shall have an Invoice type code (BT-3).",
    "Une facture doit comporter un code de type de facture (BT-3).",
)
def _br04(inv: Invoice) -> Iterator[Hit]:
    if _blank(inv.type_code):
        yield Hit("type_code")


@rule(
    "BR-05",
    "BT-5",
    "An Invoice shall have an Invoice currency code (BT-5).",
    "Une facture doit comporter un code de devise de facturation (BT-5).",
)
def _br05(inv: Invoice) -> Iterator[Hit]:
    if _blank(inv.currency_code):
        yield Hit("currency_code")


@rule(
    "BR-06",
    "BT-27",
    "An Invoice shall contain the Seller name (BT-27).",
    "Une facture doit comporter le nom du vendeur (BT-27).",
)
def _br06(inv: Invoice) -> Iterator[Hit]:
    if _blank(inv.seller.name):
        yield Hit("seller.name")


@rule(
    "BR-07",
    "BT-44",
    "An Invoice shall contain the Buyer name (BT-44).",
    "Une facture doit comporter le nom de l'acheteur (BT-44).",
)
def _br07(inv: Invoice) -> Iterator[Hit]:
    if _blank(inv.buyer.name):
        yield Hit("buyer.name")


@source_rule(
    "BR-08",
    "BG-5",
    "An Invoice shall contain the Seller postal address.",
    "Une facture doit comporter l'adresse postale du vendeur (BG-5).",
)
def _br08(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    if not _group_present(not _address_missing(inv.seller.address), source, "seller.address"):
        yield Hit("seller.address")


@source_rule(
    "BR-09",
    "BT-40",
    "The Seller postal address (BG-5) shall contain a Seller country code (BT-40).",
    "L'adresse postale du vendeur (BG-5) doit comporter un code de pays (BT-40).",
)
def _br09(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    address = inv.seller.address
    if _group_present(not _address_missing(address), source, "seller.address") and _blank(
        address.country_code
    ):
        yield Hit("seller.address.country_code")


@source_rule(
    "BR-10",
    "BG-8",
    "An Invoice shall contain the Buyer postal address (BG-8).",
    "Une facture doit comporter l'adresse postale de l'acheteur (BG-8).",
)
def _br10(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    if not _group_present(not _address_missing(inv.buyer.address), source, "buyer.address"):
        yield Hit("buyer.address")


@source_rule(
    "BR-11",
    "BT-55",
    "The Buyer postal address shall contain a Buyer country code (BT-55).",
    "L'adresse postale de l'acheteur doit comporter un code de pays (BT-55).",
)
def _br11(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    address = inv.buyer.address
    if _group_present(not _address_missing(address), source, "buyer.address") and _blank(
        address.country_code
    ):
        yield Hit("buyer.address.country_code")


def _total_present(field: str, bt: str, name_en: str, name_fr: str, rule_id: str) -> None:
    @source_rule(
        rule_id,
        bt,
        f"An Invoice shall have the {name_en} ({bt}).",
        f"Une facture doit comporter le {name_fr} ({bt}).",
    )
    def check(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
        if _has_totals(inv, source) and getattr(inv.totals, field) is None:
            yield Hit(f"totals.{field}")


_total_present(
    "line_net_total", "BT-106", "Sum of Invoice line net amount", "montant total net des lignes", "BR-12"
)
_total_present(
    "total_without_vat", "BT-109", "Invoice total amount without VAT", "montant total hors TVA", "BR-13"
)
_total_present("total_with_vat", "BT-112", "Invoice total amount with VAT", "montant total TTC", "BR-14")
_total_present("amount_due", "BT-115", "Amount due for payment", "montant net à payer", "BR-15")


@rule(
    "BR-16",
    "BG-25",
    "An Invoice shall have at least one Invoice line (BG-25)",
    "Une facture doit comporter au moins une ligne de facture (BG-25).",
)
def _br16(inv: Invoice) -> Iterator[Hit]:
    if not inv.lines:
        yield Hit("lines")


@rule(
    "BR-17",
    "BT-59",
    "The Payee name (BT-59) shall be provided in the Invoice, if the Payee (BG-10) is different from the "
    "Seller (BG-4)",
    "Le nom du bénéficiaire (BT-59) doit figurer sur la facture si le bénéficiaire (BG-10) est différent "
    "du vendeur (BG-4).",
)
def _br17(inv: Invoice) -> Iterator[Hit]:
    payee = inv.payee
    if payee is None:
        return
    same_name = not _blank(payee.name) and payee.name == inv.seller.trading_name
    seller_ids = {i.value for i in inv.seller.identifiers}
    same_id = payee.identifier is not None and payee.identifier.value in seller_ids
    if _blank(payee.name) or same_name or same_id:
        yield Hit("payee.name")


@rule(
    "BR-18",
    "BT-62",
    "The Seller tax representative name (BT-62) shall be provided in the Invoice, if the Seller (BG-4) has "
    "a Seller tax representative party (BG-11)",
    "Le nom du représentant fiscal du vendeur (BT-62) doit figurer sur la facture si le vendeur (BG-4) a "
    "un représentant fiscal (BG-11).",
)
def _br18(inv: Invoice) -> Iterator[Hit]:
    if inv.tax_representative is not None and _blank(inv.tax_representative.name):
        yield Hit("tax_representative.name")


@source_rule(
    "BR-19",
    "BG-12",
    "The Seller tax representative postal address (BG-12) shall be provided in the Invoice, if the Seller "
    "(BG-4) has a Seller tax representative party (BG-11).",
    "L'adresse postale du représentant fiscal (BG-12) doit figurer sur la facture si le vendeur (BG-4) a "
    "un représentant fiscal (BG-11).",
)
def _br19(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    rep = inv.tax_representative
    if rep is not None and not _group_present(
        not _address_missing(rep.address), source, "tax_representative.address"
    ):
        yield Hit("tax_representative.address")


@source_rule(
    "BR-20",
    "BT-69",
    "The Seller tax representative postal address (BG-12) shall contain a Tax representative country code "
    "(BT-69), if the Seller (BG-4) has a Seller tax representative party (BG-11).",
    "L'adresse postale du représentant fiscal (BG-12) doit comporter un code de pays (BT-69) si le vendeur "
    "(BG-4) a un représentant fiscal (BG-11).",
)
def _br20(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    rep = inv.tax_representative
    if rep is None or not _blank(rep.address.country_code):
        return
    if _group_present(not _address_missing(rep.address), source, "tax_representative.address"):
        yield Hit("tax_representative.address.country_code")


def _line_term(rule_id: str, bt: str, field: str, msg_en: str, msg_fr: str) -> None:
    get = operator.attrgetter(field)

    @rule(rule_id, bt, msg_en, msg_fr)
    def check(inv: Invoice) -> Iterator[Hit]:
        for i, line in enumerate(inv.lines):
            value: object = get(line)
            if value is None or (isinstance(value, str) and not value.strip()):
                yield Hit(f"lines[{i}].{field}")


_line_term(
    "BR-21",
    "BT-126",
    "identifier",
    "Each Invoice line (BG-25) shall have an Invoice line identifier (BT-126).",
    "Chaque ligne de facture (BG-25) doit avoir un identifiant de ligne (BT-126).",
)
_line_term(
    "BR-22",
    "BT-129",
    "quantity",
    "Each Invoice line (BG-25) shall have an Invoiced quantity (BT-129).",
    "Chaque ligne de facture (BG-25) doit avoir une quantité facturée (BT-129).",
)
_line_term(
    "BR-23",
    "BT-130",
    "unit_code",
    "An Invoice line (BG-25) shall have an Invoiced quantity unit of measure code (BT-130).",
    "Une ligne de facture (BG-25) doit avoir un code d'unité de mesure de la quantité facturée (BT-130).",
)
_line_term(
    "BR-24",
    "BT-131",
    "net_amount",
    "Each Invoice line (BG-25) shall have an Invoice line net amount (BT-131).",
    "Chaque ligne de facture (BG-25) doit avoir un montant net de ligne (BT-131).",
)
_line_term(
    "BR-25",
    "BT-153",
    "item.name",
    "Each Invoice line (BG-25) shall contain the Item name (BT-153).",
    "Chaque ligne de facture (BG-25) doit comporter le nom de l'article (BT-153).",
)
_line_term(
    "BR-26",
    "BT-146",
    "price.net_price",
    "Each Invoice line (BG-25) shall contain the Item net price (BT-146).",
    "Chaque ligne de facture (BG-25) doit comporter le prix net de l'article (BT-146).",
)


@rule(
    "BR-27",
    "BT-146",
    "The Item net price (BT-146) shall NOT be negative.",
    "Le prix net de l'article (BT-146) ne doit PAS être négatif.",
)
def _br27(inv: Invoice) -> Iterator[Hit]:
    for i, line in enumerate(inv.lines):
        price = line.price.net_price
        if price is None or price < 0:
            yield Hit(f"lines[{i}].price.net_price")


@rule(
    "BR-28",
    "BT-148",
    "The Item gross price (BT-148) shall NOT be negative.",
    "Le prix brut de l'article (BT-148) ne doit PAS être négatif.",
)
def _br28(inv: Invoice) -> Iterator[Hit]:
    for i, line in enumerate(inv.lines):
        gross = line.price.gross_price
        if gross is not None and gross < 0:
            yield Hit(f"lines[{i}].price.gross_price")


@rule(
    "BR-29",
    "BT-74",
    "If both Invoicing period start date (BT-73) and Invoicing period end date (BT-74) are given then the "
    "Invoicing period end date (BT-74) shall be later or equal to the Invoicing period start date (BT-73).",
    "Si les dates de début (BT-73) et de fin (BT-74) de la période de facturation sont données, la date de "
    "fin (BT-74) doit être postérieure ou égale à la date de début (BT-73).",
)
def _br29(inv: Invoice) -> Iterator[Hit]:
    period = inv.invoicing_period
    if period and period.start_date and period.end_date and period.end_date < period.start_date:
        yield Hit("invoicing_period.end_date")


@rule(
    "BR-30",
    "BT-135",
    "If both Invoice line period start date (BT-134) and Invoice line period end date (BT-135) are given then "
    "the Invoice line period end date (BT-135) shall be later or equal to the Invoice line period start date "
    "(BT-134).",
    "Si les dates de début (BT-134) et de fin (BT-135) de la période de la ligne sont données, la date de fin "
    "(BT-135) doit être postérieure ou égale à la date de début (BT-134).",
)
def _br30(inv: Invoice) -> Iterator[Hit]:
    for i, line in enumerate(inv.lines):
        period = line.period
        if period and period.start_date and period.end_date and period.end_date < period.start_date:
            yield Hit(f"lines[{i}].period.end_date")


def _doc_ac_rules(kind: str) -> None:
    """BR-31..33 (allowances) and BR-36..38 (charges), BR-CO-21/22."""
    allowance = kind == "allowances"
    group = "BG-20" if allowance else "BG-21"
    name_en = "Document level allowance" if allowance else "Document level charge"
    name_fr = "remise au niveau du document" if allowance else "charge au niveau du document"
    ids = ("BR-31", "BR-32", "BR-33", "BR-CO-21") if allowance else ("BR-36", "BR-37", "BR-38", "BR-CO-22")
    bts = ("BT-92", "BT-95", "BT-97", "BT-98") if allowance else ("BT-99", "BT-102", "BT-104", "BT-105")

    def items(inv: Invoice) -> tuple[DocumentAllowanceCharge, ...]:
        return inv.allowances if allowance else inv.charges

    @rule(
        ids[0],
        bts[0],
        f"Each {name_en} ({group}) shall have a {name_en} amount ({bts[0]}).",
        f"Chaque {name_fr} ({group}) doit avoir un montant ({bts[0]}).",
    )
    def amount(inv: Invoice) -> Iterator[Hit]:
        for i, item in enumerate(items(inv)):
            if item.amount is None:
                yield Hit(f"{kind}[{i}].amount")

    @rule(
        ids[1],
        bts[1],
        f"Each {name_en} ({group}) shall have a {name_en} VAT category code ({bts[1]}).",
        f"Chaque {name_fr} ({group}) doit avoir un code de catégorie de TVA ({bts[1]}).",
    )
    def category(inv: Invoice) -> Iterator[Hit]:
        for i, item in enumerate(items(inv)):
            if _blank(item.vat_category_code):
                yield Hit(f"{kind}[{i}].vat_category_code")

    for rule_id, message_en in (
        (
            ids[2],
            f"Each {name_en} ({group}) shall have a {name_en} reason ({bts[2]}) or a {name_en} reason "
            f"code ({bts[3]}).",
        ),
        (
            ids[3],
            f"Each {name_en} ({group}) shall contain a {name_en} reason ({bts[2]}) or a {name_en} "
            f"reason code ({bts[3]}), or both.",
        ),
    ):

        @rule(
            rule_id,
            bts[2],
            message_en,
            f"Chaque {name_fr} ({group}) doit avoir un motif ({bts[2]}) ou un code de motif ({bts[3]}), "
            "ou les deux.",
        )
        def reason(inv: Invoice) -> Iterator[Hit]:
            for i, item in enumerate(items(inv)):
                if _blank(item.reason) and _blank(item.reason_code):
                    yield Hit(f"{kind}[{i}].reason")


_doc_ac_rules("allowances")
_doc_ac_rules("charges")


def _line_ac_rules(kind: str) -> None:
    """BR-41/42 (line allowances), BR-43/44 (line charges), BR-CO-23/24."""
    allowance = kind == "allowances"
    group = "BG-27" if allowance else "BG-28"
    name_en = "Invoice line allowance" if allowance else "Invoice line charge"
    name_fr = "remise de ligne" if allowance else "charge de ligne"
    ids = ("BR-41", "BR-42", "BR-CO-23") if allowance else ("BR-43", "BR-44", "BR-CO-24")
    bts = ("BT-136", "BT-139", "BT-140") if allowance else ("BT-141", "BT-144", "BT-145")

    @rule(
        ids[0],
        bts[0],
        f"Each {name_en} ({group}) shall have an {name_en} amount ({bts[0]}).",
        f"Chaque {name_fr} ({group}) doit avoir un montant ({bts[0]}).",
    )
    def amount(inv: Invoice) -> Iterator[Hit]:
        for i, line in enumerate(inv.lines):
            for j, item in enumerate(getattr(line, kind)):
                if item.amount is None:
                    yield Hit(f"lines[{i}].{kind}[{j}].amount")

    for rule_id in ids[1:]:

        @rule(
            rule_id,
            bts[1],
            f"Each {name_en} ({group}) shall contain an {name_en} reason ({bts[1]}) or an {name_en} reason "
            f"code ({bts[2]}), or both.",
            f"Chaque {name_fr} ({group}) doit avoir un motif ({bts[1]}) ou un code de motif ({bts[2]}), "
            "ou les deux.",
        )
        def reason(inv: Invoice) -> Iterator[Hit]:
            for i, line in enumerate(inv.lines):
                for j, item in enumerate(getattr(line, kind)):
                    if _blank(item.reason) and _blank(item.reason_code):
                        yield Hit(f"lines[{i}].{kind}[{j}].reason")


_line_ac_rules("allowances")
_line_ac_rules("charges")


def _breakdown_term(rule_id: str, bt: str, field: str, msg_en: str, msg_fr: str) -> None:
    @rule(rule_id, bt, msg_en, msg_fr)
    def check(inv: Invoice) -> Iterator[Hit]:
        for i, vat in enumerate(inv.vat_breakdown):
            value = getattr(vat, field)
            if value is None or (isinstance(value, str) and not value.strip()):
                yield Hit(f"vat_breakdown[{i}].{field}")


_breakdown_term(
    "BR-45",
    "BT-116",
    "taxable_amount",
    "Each VAT breakdown (BG-23) shall have a VAT category taxable amount (BT-116).",
    "Chaque ventilation de TVA (BG-23) doit avoir une base d'imposition (BT-116).",
)
_breakdown_term(
    "BR-46",
    "BT-117",
    "tax_amount",
    "Each VAT breakdown (BG-23) shall have a VAT category tax amount (BT-117).",
    "Chaque ventilation de TVA (BG-23) doit avoir un montant de TVA (BT-117).",
)
_breakdown_term(
    "BR-47",
    "BT-118",
    "category_code",
    "Each VAT breakdown (BG-23) shall be defined through a VAT category code (BT-118).",
    "Chaque ventilation de TVA (BG-23) doit être définie par un code de catégorie de TVA (BT-118).",
)


@rule(
    "BR-48",
    "BT-119",
    "Each VAT breakdown (BG-23) shall have a VAT category rate (BT-119), except if the Invoice is not subject "
    "to VAT.",
    "Chaque ventilation de TVA (BG-23) doit avoir un taux (BT-119), sauf si la facture n'est pas soumise à "
    "la TVA.",
)
def _br48(inv: Invoice) -> Iterator[Hit]:
    for i, vat in enumerate(inv.vat_breakdown):
        if vat.rate is None and vat.category_code != "O":
            yield Hit(f"vat_breakdown[{i}].rate")


def _br49_cii(inv: Invoice) -> Iterator[Hit]:
    # In CII the remittance information and the creditor id sit outside the payment means, so
    # only a payment means group with content but no type code breaks the rule.
    pay = inv.payment_instructions
    if pay is not None and _blank(pay.means_code) and (pay.means_text or pay.credit_transfers or pay.card):
        yield Hit("payment_instructions.means_code")


@rule(
    "BR-49",
    "BT-81",
    "A Payment instruction (BG-16) shall specify the Payment means type code (BT-81).",
    "Des instructions de paiement (BG-16) doivent indiquer le code du moyen de paiement (BT-81).",
    cii_check=_br49_cii,
)
def _br49(inv: Invoice) -> Iterator[Hit]:
    if inv.payment_instructions is not None and _blank(inv.payment_instructions.means_code):
        yield Hit("payment_instructions.means_code")


_CREDIT_TRANSFER_CODES = frozenset({"30", "58"})


@rule(
    "BR-50",
    "BT-84",
    "A Payment account identifier (BT-84) shall be present if Credit transfer (BG-17) information is provided "
    "in the Invoice.",
    "L'identifiant du compte de paiement (BT-84) doit figurer si des informations de virement (BG-17) sont "
    "fournies.",
)
def _br50(inv: Invoice) -> Iterator[Hit]:
    payment = inv.payment_instructions
    if payment is None or payment.means_code.strip() not in _CREDIT_TRANSFER_CODES:
        return
    for i, transfer in enumerate(payment.credit_transfers):
        if _blank(transfer.account_identifier):
            yield Hit(f"payment_instructions.credit_transfers[{i}].account_identifier")


@rule(
    "BR-51",
    "BT-87",
    "In accordance with card payments security standards an invoice should never include a full card primary "
    "account number (BT-87). At the moment PCI Security Standards Council has defined that the first 6 "
    "digits and last 4 digits are the maximum number of digits to be shown.",
    "Conformément aux normes de sécurité des paiements par carte, une facture ne devrait jamais comporter le "
    "numéro complet de la carte (BT-87) : au plus les 6 premiers et les 4 derniers chiffres.",
    severity=Severity.WARNING,
)
def _br51(inv: Invoice) -> Iterator[Hit]:
    card = inv.payment_instructions.card if inv.payment_instructions else None
    if card is not None and len(card.primary_account_number.strip()) > 10:
        yield Hit("payment_instructions.card.primary_account_number")


@rule(
    "BR-52",
    "BT-122",
    "Each Additional supporting document (BG-24) shall contain a Supporting document reference (BT-122).",
    "Chaque justificatif additionnel (BG-24) doit comporter une référence (BT-122).",
)
def _br52(inv: Invoice) -> Iterator[Hit]:
    for i, doc in enumerate(inv.supporting_documents):
        if _blank(doc.reference):
            yield Hit(f"supporting_documents[{i}].reference")


@rule(
    "BR-53",
    "BT-111",
    "If the VAT accounting currency code (BT-6) is present, then the Invoice total VAT amount in accounting "
    "currency (BT-111) shall be provided.",
    "Si le code de devise de comptabilisation de la TVA (BT-6) est présent, le montant total de TVA dans "
    "cette devise (BT-111) doit être fourni.",
)
def _br53(inv: Invoice) -> Iterator[Hit]:
    tax_currency = inv.tax_currency_code
    if _blank(tax_currency):
        return
    same = tax_currency == inv.currency_code
    present = inv.totals.vat_total if same else inv.totals.vat_total_accounting_currency
    if present is None:
        yield Hit("tax_currency_code")


@rule(
    "BR-54",
    "BG-32",
    "Each Item attribute (BG-32) shall contain an Item attribute name (BT-160) and an Item attribute value "
    "(BT-161).",
    "Chaque attribut d'article (BG-32) doit comporter un nom (BT-160) et une valeur (BT-161).",
)
def _br54(inv: Invoice) -> Iterator[Hit]:
    for i, line in enumerate(inv.lines):
        for j, attribute in enumerate(line.item.attributes):
            if _blank(attribute.name) or _blank(attribute.value):
                yield Hit(f"lines[{i}].item.attributes[{j}]")


@source_rule(
    "BR-55",
    "BT-25",
    "Each Preceding Invoice reference (BG-3) shall contain a Preceding Invoice reference (BT-25).",
    "Chaque référence à une facture antérieure (BG-3) doit comporter le numéro de cette facture (BT-25).",
)
def _br55(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    for i, ref in enumerate(inv.preceding_invoices):
        if _blank(ref.reference):
            yield Hit(f"preceding_invoices[{i}].reference")
    if source is not None and source.count("preceding_invoices") > len(inv.preceding_invoices):
        yield Hit("preceding_invoices")  # a reference group without a preceding invoice reference


@rule(
    "BR-56",
    "BT-63",
    "Each Seller tax representative party (BG-11) shall have a Seller tax representative VAT identifier "
    "(BT-63).",
    "Chaque représentant fiscal du vendeur (BG-11) doit avoir un numéro de TVA (BT-63).",
)
def _br56(inv: Invoice) -> Iterator[Hit]:
    if inv.tax_representative is not None and _blank(inv.tax_representative.vat_identifier):
        yield Hit("tax_representative.vat_identifier")


@rule(
    "BR-57",
    "BT-80",
    "Each Deliver to address (BG-15) shall contain a Deliver to country code (BT-80).",
    "Chaque adresse de livraison (BG-15) doit comporter un code de pays (BT-80).",
)
def _br57(inv: Invoice) -> Iterator[Hit]:
    address = inv.delivery.address if inv.delivery else None
    if address is not None and _blank(address.country_code):
        yield Hit("delivery.address.country_code")


@rule(
    "BR-61",
    "BT-84",
    "If the Payment means type code (BT-81) means SEPA credit transfer, Local credit transfer or Non-SEPA "
    "international credit transfer, the Payment account identifier (BT-84) shall be present.",
    "Si le code du moyen de paiement (BT-81) désigne un virement (SEPA, local ou international), "
    "l'identifiant du compte de paiement (BT-84) doit être présent.",
    fix_fr="Indiquez l'IBAN du compte à créditer.",
    fix_en="Give the IBAN of the account to be credited.",
)
def _br61(inv: Invoice) -> Iterator[Hit]:
    payment = inv.payment_instructions
    if payment is None or payment.means_code.strip() not in _CREDIT_TRANSFER_CODES:
        return
    if not any(not _blank(t.account_identifier) for t in payment.credit_transfers):
        yield Hit("payment_instructions.means_code")


def _scheme_rule(rule_id: str, bt: str, msg_en: str, msg_fr: str, paths: tuple[str, ...]) -> None:
    @rule(rule_id, bt, msg_en, msg_fr)
    def check(inv: Invoice) -> Iterator[Hit]:
        for path in paths:
            obj: object = inv
            for part in path.split("."):
                obj = getattr(obj, part) if obj is not None else None
            ident = obj
            if ident is not None and _blank(getattr(ident, "scheme_id", None)):
                yield Hit(f"{path}.scheme_id")


_scheme_rule(
    "BR-62",
    "BT-34-1",
    "The Seller electronic address (BT-34) shall have a Scheme identifier.",
    "L'adresse électronique du vendeur (BT-34) doit avoir un identifiant de schéma.",
    ("seller.electronic_address",),
)
_scheme_rule(
    "BR-63",
    "BT-49-1",
    "The Buyer electronic address (BT-49) shall have a Scheme identifier.",
    "L'adresse électronique de l'acheteur (BT-49) doit avoir un identifiant de schéma.",
    ("buyer.electronic_address",),
)


@rule(
    "BR-64",
    "BT-157-1",
    "The Item standard identifier (BT-157) shall have a Scheme identifier.",
    "L'identifiant normalisé de l'article (BT-157) doit avoir un identifiant de schéma.",
)
def _br64(inv: Invoice) -> Iterator[Hit]:
    for i, line in enumerate(inv.lines):
        ident = line.item.standard_identifier
        if ident is not None and _blank(ident.scheme_id):
            yield Hit(f"lines[{i}].item.standard_identifier")


@rule(
    "BR-65",
    "BT-158-1",
    "The Item classification identifier (BT-158) shall have a Scheme identifier.",
    "L'identifiant de classification de l'article (BT-158) doit avoir un identifiant de schéma.",
)
def _br65(inv: Invoice) -> Iterator[Hit]:
    for i, line in enumerate(inv.lines):
        for j, classification in enumerate(line.item.classifications):
            if _blank(classification.scheme_id):
                yield Hit(f"lines[{i}].item.classifications[{j}].value")
