"""BR-CL: the code lists of the CEN artefacts (`einvoice.codes`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ... import codes
from ...errors import Severity
from ...model import Invoice
from ..engine import Hit, Rule, RuleRegistry
from ..source import SourceView
from ._common import (
    Values,
)

_registry = RuleRegistry()
rule = _registry.rule
source_rule = _registry.source_rule

# --- BR-CL: code lists ------------------------------------------------------------------------------


def _code_rule(
    rule_id: str,
    bt: str,
    allowed: frozenset[str],
    msg_en: str,
    msg_fr: str,
    values: Values,
    normalise: bool = False,
    cii_allowed: frozenset[str] | None = None,
) -> None:
    def judge(inv: Invoice, codes_allowed: frozenset[str]) -> Iterator[Hit]:
        for path, value in values(inv):
            if value is None:
                continue
            key = value.strip().upper() if normalise else value.strip()
            if key not in codes_allowed or " " in key:
                yield Hit(path, f"(« {value} »)", f"('{value}')")

    def cii_check(inv: Invoice) -> Iterator[Hit]:
        return judge(inv, cii_allowed or allowed)

    _registry.add(
        Rule(
            rule_id,
            Severity.FATAL,
            bt,
            msg_fr,
            msg_en,
            lambda inv: judge(inv, allowed),
            cii_check=cii_check if cii_allowed is not None else None,
        )
    )


def _ids(prefix: str, idents: Iterable[object]) -> Iterator[tuple[str, str | None]]:
    for i, ident in enumerate(idents):
        scheme = getattr(ident, "scheme_id", None)
        yield f"{prefix}[{i}].scheme_id", scheme


def _one_id(path: str, ident: object | None) -> Iterator[tuple[str, str | None]]:
    if ident is not None:
        yield f"{path}.scheme_id", getattr(ident, "scheme_id", None)


def _addresses(inv: Invoice) -> Iterator[tuple[str, str | None]]:
    yield "seller.address.country_code", inv.seller.address.country_code or None
    yield "buyer.address.country_code", inv.buyer.address.country_code or None
    if inv.tax_representative is not None:
        yield "tax_representative.address.country_code", inv.tax_representative.address.country_code or None
    if inv.delivery is not None and inv.delivery.address is not None:
        yield "delivery.address.country_code", inv.delivery.address.country_code or None


_code_rule(
    "BR-CL-01",
    "BT-3",
    codes.INVOICE_TYPE_CODES | codes.CREDIT_NOTE_TYPE_CODES,
    "The document type code MUST be coded by the invoice and credit note related code lists of UNTDID 1001.",
    "Le code de type de document (BT-3) doit appartenir aux listes facture et avoir de l'UNTDID 1001.",
    lambda inv: [("type_code", inv.type_code or None)],
)


@source_rule(
    "BR-CL-03",
    "BT-5",
    "currencyID MUST be coded using ISO code list 4217 alpha-3",
    "Les attributs currencyID des montants doivent appartenir à la liste ISO 4217 alpha-3.",
)
def _brcl03(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    # The model keeps amounts without their currencyID: only the source document can say.
    if source is None:
        return
    for currency in source.currency_ids():
        if currency.strip() not in codes.CURRENCY_CODES:
            yield Hit(source.locate_currency_id(currency), f"(« {currency} »)", f"('{currency}')")


_code_rule(
    "BR-CL-04",
    "BT-5",
    codes.CURRENCY_CODES,
    "Invoice currency code MUST be coded using ISO code list 4217 alpha-3",
    "Le code de devise de la facture (BT-5) doit appartenir à la liste ISO 4217 alpha-3.",
    lambda inv: [("currency_code", inv.currency_code or None)],
)
_code_rule(
    "BR-CL-05",
    "BT-6",
    codes.CURRENCY_CODES,
    "Tax currency code MUST be coded using ISO code list 4217 alpha-3",
    "Le code de devise de comptabilisation de la TVA (BT-6) doit appartenir à la liste ISO 4217 alpha-3.",
    lambda inv: [("tax_currency_code", inv.tax_currency_code)],
)
_code_rule(
    "BR-CL-06",
    "BT-8",
    codes.VAT_DATE_CODES,
    "Value added tax point date code MUST be coded using a restriction of UNTDID 2005.",
    "Le code de date d'exigibilité de la TVA (BT-8) doit appartenir à la restriction de l'UNTDID 2005 "
    "(3, 35, 432 ; en CII, UNTDID 2475 : 5, 29, 72).",
    lambda inv: [("tax_point_date_code", inv.tax_point_date_code)],
    cii_allowed=frozenset({"5", "29", "72"}),
)
_code_rule(
    "BR-CL-07",
    "BT-18-1",
    codes.OBJECT_SCHEME_CODES,
    "Object identifier identification scheme identifier MUST be coded using a restriction of UNTDID 1153.",
    "Le schéma de l'identifiant d'objet facturé (BT-18-1, BT-128-1) doit appartenir à l'UNTDID 1153.",
    lambda inv: [
        *_one_id("invoiced_object_identifier", inv.invoiced_object_identifier),
        *(
            pair
            for i, line in enumerate(inv.lines)
            if line.object_identifier is not None  # (the usual case: no path to write out)
            for pair in _one_id(f"lines[{i}].object_identifier", line.object_identifier)
        ),
    ],
)
_code_rule(
    "BR-CL-08",
    "BT-21",
    codes.NOTE_SUBJECT_CODES,
    "Invoiced note subject code shall be coded using UNCL4451",
    "Le code du sujet d'une note (BT-21) doit appartenir à l'UNCL 4451.",
    lambda inv: [(f"notes[{i}].subject_code", note.subject_code) for i, note in enumerate(inv.notes)],
)
_code_rule(
    "BR-CL-10",
    "BT-29-1",
    codes.ICD_SCHEMES,
    "Any identifier identification scheme identifier MUST be coded using one of the ISO 6523 ICD list.",
    "Le schéma d'un identifiant de partie (BT-29-1, BT-46-1, BT-60-1) doit appartenir à la liste ISO 6523 "
    "ICD.",
    lambda inv: [
        *_ids("seller.identifiers", inv.seller.identifiers),
        *_one_id("buyer.identifier", inv.buyer.identifier),
        *_one_id("payee.identifier", inv.payee.identifier if inv.payee else None),
    ],
)
_code_rule(
    "BR-CL-11",
    "BT-30-1",
    codes.ICD_SCHEMES,
    "Any registration identifier identification scheme identifier MUST be coded using one of the ISO 6523 "
    "ICD list.",
    "Le schéma d'un identifiant d'immatriculation (BT-30-1, BT-47-1, BT-61-1) doit appartenir à la liste "
    "ISO 6523 ICD.",
    lambda inv: [
        *_one_id("seller.legal_registration", inv.seller.legal_registration),
        *_one_id("buyer.legal_registration", inv.buyer.legal_registration),
        *_one_id("payee.legal_registration", inv.payee.legal_registration if inv.payee else None),
    ],
)
_code_rule(
    "BR-CL-13",
    "BT-158-1",
    codes.ITEM_CLASSIFICATION_SCHEMES,
    "Item classification identifier identification scheme identifier MUST be coded using one of the UNTDID "
    "7143 list.",
    "Le schéma de l'identifiant de classification d'article (BT-158-1) doit appartenir à l'UNTDID 7143.",
    lambda inv: [
        (f"lines[{i}].item.classifications[{j}].value", c.scheme_id or None)
        for i, line in enumerate(inv.lines)
        for j, c in enumerate(line.item.classifications)
    ],
)
_code_rule(
    "BR-CL-14",
    "BT-40",
    codes.COUNTRY_CODES,
    "Country codes in an invoice MUST be coded using ISO code list 3166-1",
    "Les codes pays des adresses doivent appartenir à la liste ISO 3166-1.",
    _addresses,
)
_code_rule(
    "BR-CL-15",
    "BT-159",
    codes.COUNTRY_CODES,
    "Country codes in an invoice MUST be coded using ISO code list 3166-1",
    "Le code du pays d'origine de l'article (BT-159) doit appartenir à la liste ISO 3166-1.",
    lambda inv: [
        (f"lines[{i}].item.origin_country_code", line.item.origin_country_code)
        for i, line in enumerate(inv.lines)
        if line.item.origin_country_code is not None  # `judge` skips None: no path to write out
    ],
)
_code_rule(
    "BR-CL-16",
    "BT-81",
    codes.PAYMENT_MEANS_CODES,
    "Payment means in an invoice MUST be coded using UNCL4461 code list",
    "Le code du moyen de paiement (BT-81) doit appartenir à l'UNCL 4461.",
    lambda inv: [
        ("payment_instructions.means_code", inv.payment_instructions.means_code or None)
        if inv.payment_instructions
        else ("", None)
    ],
)
_code_rule(
    "BR-CL-17",
    "BT-118",
    codes.VAT_CATEGORY_CODES,
    "Invoice tax categories MUST be coded using UNCL5305 code list",
    "Les codes de catégorie de TVA (BT-118, BT-95, BT-102) doivent appartenir à l'UNCL 5305.",
    lambda inv: [
        *(
            (f"vat_breakdown[{i}].category_code", v.category_code or None)
            for i, v in enumerate(inv.vat_breakdown)
        ),
        *(
            (f"allowances[{i}].vat_category_code", a.vat_category_code or None)
            for i, a in enumerate(inv.allowances)
        ),
        *(
            (f"charges[{i}].vat_category_code", c.vat_category_code or None)
            for i, c in enumerate(inv.charges)
        ),
    ],
)
_code_rule(
    "BR-CL-18",
    "BT-151",
    codes.VAT_CATEGORY_CODES,
    "Invoice tax categories MUST be coded using UNCL5305 code list",
    "Le code de catégorie de TVA d'une ligne (BT-151) doit appartenir à l'UNCL 5305.",
    lambda inv: [
        (f"lines[{i}].vat.category_code", line.vat.category_code or None) for i, line in enumerate(inv.lines)
    ],
)
_code_rule(
    "BR-CL-19",
    "BT-98",
    codes.ALLOWANCE_REASON_CODES,
    "Coded allowance reasons MUST belong to the UNCL 5189 code list",
    "Les codes de motif de remise (BT-98, BT-140) doivent appartenir à l'UNCL 5189.",
    lambda inv: [
        *((f"allowances[{i}].reason_code", a.reason_code) for i, a in enumerate(inv.allowances)),
        *(
            (f"lines[{i}].allowances[{j}].reason_code", a.reason_code)
            for i, line in enumerate(inv.lines)
            for j, a in enumerate(line.allowances)
        ),
    ],
)
_code_rule(
    "BR-CL-20",
    "BT-105",
    codes.CHARGE_REASON_CODES,
    "Coded charge reasons MUST belong to the UNCL 7161 code list",
    "Les codes de motif de charge (BT-105, BT-145) doivent appartenir à l'UNCL 7161.",
    lambda inv: [
        *((f"charges[{i}].reason_code", c.reason_code) for i, c in enumerate(inv.charges)),
        *(
            (f"lines[{i}].charges[{j}].reason_code", c.reason_code)
            for i, line in enumerate(inv.lines)
            for j, c in enumerate(line.charges)
        ),
    ],
)
_code_rule(
    "BR-CL-21",
    "BT-157-1",
    codes.ICD_SCHEMES,
    "Item standard identifier scheme identifier MUST belong to the ISO 6523 ICD code list",
    "Le schéma de l'identifiant normalisé d'article (BT-157-1) doit appartenir à la liste ISO 6523 ICD.",
    lambda inv: [
        pair
        for i, line in enumerate(inv.lines)
        if line.item.standard_identifier is not None  # (the usual case: no path to write out)
        for pair in _one_id(f"lines[{i}].item.standard_identifier", line.item.standard_identifier)
    ],
)
_code_rule(
    "BR-CL-22",
    "BT-121",
    frozenset(c.upper() for c in codes.VATEX_CODES),
    "Tax exemption reason code identifier scheme identifier MUST belong to the CEF VATEX code list",
    "Le code de motif d'exonération de TVA (BT-121) doit appartenir à la liste VATEX.",
    lambda inv: [
        (f"vat_breakdown[{i}].exemption_reason_code", v.exemption_reason_code)
        for i, v in enumerate(inv.vat_breakdown)
    ],
    normalise=True,
)
_code_rule(
    "BR-CL-23",
    "BT-130",
    codes.UNIT_CODES,
    "Unit code MUST be coded according to the UN/ECE Recommendation 20 with Rec 21 extension",
    "Le code d'unité de mesure (BT-130, BT-150) doit appartenir à la recommandation UN/ECE 20 (avec la "
    "recommandation 21).",
    lambda inv: [
        *((f"lines[{i}].unit_code", line.unit_code or None) for i, line in enumerate(inv.lines)),
        *(
            (f"lines[{i}].price.base_quantity_unit_code", line.price.base_quantity_unit_code)
            for i, line in enumerate(inv.lines)
            if line.price.base_quantity_unit_code is not None  # `judge` skips None
        ),
    ],
)
_code_rule(
    "BR-CL-24",
    "BT-125-1",
    codes.MIME_CODES,
    "For Mime code in attribute use MIMEMediaType.",
    "Le type MIME d'une pièce jointe (BT-125-1) doit être l'un de ceux admis (PDF, PNG, JPEG, CSV, XLSX, ODS).",
    lambda inv: [
        (f"supporting_documents[{i}].attachment", d.attachment.mime_code or None)
        for i, d in enumerate(inv.supporting_documents)
        if d.attachment is not None
    ],
)
_code_rule(
    "BR-CL-25",
    "BT-34-1",
    codes.EAS_SCHEMES,
    "Endpoint identifier scheme identifier MUST belong to the CEF EAS code list",
    "Le schéma d'une adresse électronique (BT-34-1, BT-49-1) doit appartenir à la liste EAS.",
    lambda inv: [
        *_one_id("seller.electronic_address", inv.seller.electronic_address),
        *_one_id("buyer.electronic_address", inv.buyer.electronic_address),
    ],
)
_code_rule(
    "BR-CL-26",
    "BT-71-1",
    codes.ICD_SCHEMES,
    "Delivery location identifier scheme identifier MUST belong to the ISO 6523 ICD code list",
    "Le schéma de l'identifiant du lieu de livraison (BT-71-1) doit appartenir à la liste ISO 6523 ICD.",
    lambda inv: list(
        _one_id("delivery.location_identifier", inv.delivery.location_identifier if inv.delivery else None)
    ),
)
