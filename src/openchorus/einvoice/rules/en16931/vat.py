"""The rules per VAT category: S, Z, E, AE, K (BR-IC), G, O, L (BR-AF), M (BR-AG), B."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ...model import Invoice
from ..engine import Hit, RuleRegistry
from ._common import (
    _HUNDRED,
    _ONE,
    _all_categories,
    _at,
    _base_of,
    _blank,
    _doc_categories,
    _expected,
    _line_categories,
    _round2,
    _seller_tax_ids,
    _seller_vat,
)

_registry = RuleRegistry()
rule = _registry.rule

# --- Rules per VAT category ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Category:
    code: str
    prefix: str
    name_en: str
    name_fr: str
    breakdown_exactly_one: bool
    seller: str  # "tax_ids", "vat", "vat_and_buyer", "reverse", "none"
    rate: str  # "positive", "zero", "absent", "non_negative"
    per_rate: bool  # taxable amount per rate with a one-unit tolerance (S, L, M)
    tax_from_rate: bool  # tax = base x rate (S, L, M) rather than zero
    exemption_required: bool  # True: reason required; False: reason forbidden


_CATEGORIES = (
    _Category("S", "BR-S", "Standard rated", "taux normal", False, "tax_ids", "positive", True, True, False),
    _Category("Z", "BR-Z", "Zero rated", "taux zéro", True, "tax_ids", "zero", False, False, False),
    _Category("E", "BR-E", "Exempt from VAT", "exonéré de TVA", True, "tax_ids", "zero", False, False, True),
    _Category(
        "AE", "BR-AE", "Reverse charge", "autoliquidation", True, "reverse", "zero", False, False, True
    ),
    _Category(
        "K",
        "BR-IC",
        "Intra-community supply",
        "livraison intracommunautaire",
        True,
        "vat_and_buyer",
        "zero",
        False,
        False,
        True,
    ),
    _Category(
        "G", "BR-G", "Export outside the EU", "exportation hors UE", True, "vat", "zero", False, False, True
    ),
    _Category(
        "O", "BR-O", "Not subject to VAT", "hors champ de la TVA", True, "none", "absent", False, False, True
    ),
    _Category("L", "BR-AF", "IGIC", "IGIC", False, "tax_ids", "non_negative", True, True, False),
    _Category("M", "BR-AG", "IPSI", "IPSI", False, "tax_ids", "non_negative", True, True, False),
)


def _seller_ok(inv: Invoice, cat: _Category) -> bool:
    if cat.seller == "tax_ids":
        return _seller_tax_ids(inv)
    if cat.seller == "vat":
        return _seller_vat(inv)
    if cat.seller == "vat_and_buyer":
        return _seller_vat(inv) and not _blank(inv.buyer.vat_identifier)
    if cat.seller == "reverse":
        buyer = inv.buyer
        return _seller_tax_ids(inv) and (
            not _blank(buyer.vat_identifier) or buyer.legal_registration is not None
        )
    rep = inv.tax_representative
    return (
        _blank(inv.seller.vat_identifier)
        and (rep is None or _blank(rep.vat_identifier))
        and _blank(inv.buyer.vat_identifier)
    )


def _rate_ok(rate: Decimal | None, cat: _Category) -> bool:
    if cat.rate == "positive":
        return rate is not None and rate > 0
    if cat.rate == "zero":
        return rate is not None and rate == 0
    if cat.rate == "non_negative":
        return rate is not None and rate >= 0
    return rate is None


def _seller_texts(cat: _Category) -> tuple[str, str]:
    if cat.seller == "tax_ids":
        return (
            "shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) "
            "and/or the Seller tax representative VAT identifier (BT-63).",
            "doit comporter le numéro de TVA du vendeur (BT-31), son identifiant fiscal (BT-32) et/ou le "
            "numéro de TVA de son représentant fiscal (BT-63).",
        )
    if cat.seller == "vat":
        return (
            "shall contain the Seller VAT Identifier (BT-31) or the Seller tax representative VAT identifier "
            "(BT-63).",
            "doit comporter le numéro de TVA du vendeur (BT-31) ou celui de son représentant fiscal (BT-63).",
        )
    if cat.seller == "vat_and_buyer":
        return (
            "shall contain the Seller VAT Identifier (BT-31) or the Seller tax representative VAT identifier "
            "(BT-63) and the Buyer VAT identifier (BT-48).",
            "doit comporter le numéro de TVA du vendeur (BT-31) ou de son représentant fiscal (BT-63), et le "
            "numéro de TVA de l'acheteur (BT-48).",
        )
    if cat.seller == "reverse":
        return (
            "shall contain the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) "
            "and/or the Seller tax representative VAT identifier (BT-63) and the Buyer VAT identifier (BT-48) "
            "and/or the Buyer legal registration identifier (BT-47).",
            "doit comporter le numéro de TVA du vendeur (BT-31), son identifiant fiscal (BT-32) et/ou le "
            "numéro de TVA de son représentant fiscal (BT-63), ainsi que le numéro de TVA de l'acheteur "
            "(BT-48) et/ou son identifiant légal (BT-47).",
        )
    return (
        "shall not contain the Seller VAT identifier (BT-31), the Seller tax representative VAT identifier "
        "(BT-63) or the Buyer VAT identifier (BT-48).",
        "ne doit comporter ni le numéro de TVA du vendeur (BT-31), ni celui de son représentant fiscal "
        "(BT-63), ni celui de l'acheteur (BT-48).",
    )


def _rate_texts(cat: _Category) -> tuple[str, str]:
    return {
        "positive": ("shall be greater than zero.", "doit être supérieur à zéro."),
        "zero": ("shall be 0 (zero).", "doit être 0 (zéro)."),
        "non_negative": (
            "shall be 0 (zero) or greater than zero.",
            "doit être 0 (zéro) ou supérieur à zéro.",
        ),
        "absent": ("shall not be present.", "ne doit pas être présent."),
    }[cat.rate]


def _declare_category(cat: _Category) -> None:
    p, code = cat.prefix, cat.code
    q_en, q_fr = f'"{cat.name_en}"', f"« {cat.name_fr} »"
    how_many_en = "exactly one" if cat.breakdown_exactly_one else "at least one"
    how_many_fr = "exactement une" if cat.breakdown_exactly_one else "au moins une"

    @rule(
        f"{p}-01",
        "BT-118",
        f"An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document "
        f"level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is {q_en} shall contain "
        f"in the VAT breakdown (BG-23) {how_many_en} VAT category code (BT-118) equal with {q_en}.",
        f"Une facture dont une ligne, une remise ou une charge a la catégorie de TVA {q_fr} doit comporter "
        f"{how_many_fr} ventilation de TVA (BG-23) de catégorie {q_fr} (BT-118).",
    )
    def breakdown(inv: Invoice) -> Iterator[Hit]:
        if code not in _all_categories(inv):
            return
        count = sum(1 for vat in inv.vat_breakdown if vat.category_code == code)
        if count == 0 or (cat.breakdown_exactly_one and count != 1):
            yield Hit("vat_breakdown", f"({count} trouvée(s))", f"({count} found)")

    seller_en, seller_fr = _seller_texts(cat)
    for suffix, what_en, what_fr, items_of in (
        (
            "02",
            "an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151)",
            "une ligne",
            None,
        ),
        (
            "03",
            "a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95)",
            "une remise au niveau du document",
            "allowances",
        ),
        (
            "04",
            "a Document level charge (BG-21) where the Document level charge VAT category code (BT-102)",
            "une charge au niveau du document",
            "charges",
        ),
    ):

        def make_seller(kind: str | None, suffix: str, what_en: str, what_fr: str) -> None:
            @rule(
                f"{p}-{suffix}",
                "BT-31",
                f"An Invoice that contains {what_en} is {q_en} {seller_en}",
                f"Une facture dont {what_fr} a la catégorie de TVA {q_fr} {seller_fr}",
            )
            def seller(inv: Invoice) -> Iterator[Hit]:
                present = _line_categories(inv) if kind is None else _doc_categories(getattr(inv, kind))
                if code in present and not _seller_ok(inv, cat):
                    yield Hit("seller")

        make_seller(items_of, suffix, what_en, what_fr)

    rate_en, rate_fr = _rate_texts(cat)

    @rule(
        f"{p}-05",
        "BT-152",
        f"In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is {q_en} the Invoiced "
        f"item VAT rate (BT-152) {rate_en}",
        f"Dans une ligne de catégorie de TVA {q_fr} (BT-151), le taux de TVA (BT-152) {rate_fr}",
    )
    def line_rate(inv: Invoice) -> Iterator[Hit]:
        for i, line in enumerate(inv.lines):
            if line.vat.category_code == code and not _rate_ok(line.vat.rate, cat):
                yield Hit(f"lines[{i}].vat.rate")

    for suffix, kind, bt, name_en, name_fr in (
        ("06", "allowances", "BT-96", "Document level allowance", "une remise au niveau du document"),
        ("07", "charges", "BT-103", "Document level charge", "une charge au niveau du document"),
    ):

        def make_rate(kind: str, bt: str, suffix: str, name_en: str, name_fr: str) -> None:
            @rule(
                f"{p}-{suffix}",
                bt,
                f"In a {name_en} where the VAT category code is {q_en} the {name_en} VAT rate ({bt}) {rate_en}",
                f"Dans {name_fr} de catégorie de TVA {q_fr}, le taux de TVA ({bt}) {rate_fr}",
            )
            def doc_rate(inv: Invoice) -> Iterator[Hit]:
                for i, item in enumerate(getattr(inv, kind)):
                    if item.vat_category_code == code and not _rate_ok(item.vat_rate, cat):
                        yield Hit(f"{kind}[{i}].vat_rate")

        make_rate(kind, bt, suffix, name_en, name_fr)

    @rule(
        f"{p}-08",
        "BT-116",
        f"In a VAT breakdown (BG-23) where the VAT category code (BT-118) is {q_en} the VAT category taxable "
        f"amount (BT-116) shall equal the sum of Invoice line net amounts (BT-131) minus the sum of Document "
        f"level allowance amounts (BT-92) plus the sum of Document level charge amounts (BT-99) where the VAT "
        f"category codes (BT-151, BT-95, BT-102) are {q_en}"
        + (" and the VAT rate equals the VAT category rate (BT-119)." if cat.per_rate else "."),
        f"Dans une ventilation de TVA de catégorie {q_fr}, la base d'imposition (BT-116) doit être égale à la "
        f"somme des montants nets des lignes, moins les remises, plus les charges de cette catégorie"
        + (" et de ce taux (BT-119)." if cat.per_rate else "."),
    )
    def taxable(inv: Invoice) -> Iterator[Hit]:
        for i, vat in enumerate(inv.vat_breakdown):
            if vat.category_code != code:
                continue
            path = f"vat_breakdown[{i}].taxable_amount"
            if cat.per_rate:
                if vat.rate is None:
                    continue
                expected = _base_of(inv, code, vat.rate, by_rate=True)
                has_items = (
                    code == "S"
                    and any(x.vat.category_code == code and x.vat.rate == vat.rate for x in inv.lines)
                ) or any(
                    a.vat_category_code == code and a.vat_rate == vat.rate
                    for a in (*inv.allowances, *inv.charges)
                )
                if code != "S":
                    has_items = bool(inv.lines)
                base = vat.taxable_amount
                if not has_items or base is None or not (base - _ONE < expected < base + _ONE):
                    yield _at(path, _expected(base, expected))
            else:
                expected = _base_of(inv, code)
                if not inv.lines or vat.taxable_amount != expected:
                    yield _at(path, _expected(vat.taxable_amount, expected))

    if cat.tax_from_rate:
        tax_en = (
            f"The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where VAT category code (BT-118) is "
            f"{q_en} shall equal the VAT category taxable amount (BT-116) multiplied by the VAT category rate "
            "(BT-119)."
        )
        tax_fr = (
            f"Dans une ventilation de TVA de catégorie {q_fr}, le montant de TVA (BT-117) doit être égal à la "
            "base d'imposition (BT-116) multipliée par le taux (BT-119)."
        )
    else:
        tax_en = (
            f"The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where the VAT category code "
            f"(BT-118) is {q_en} shall be 0 (zero)."
        )
        tax_fr = (
            f"Dans une ventilation de TVA de catégorie {q_fr}, le montant de TVA (BT-117) doit être 0 (zéro)."
        )

    @rule(f"{p}-09", "BT-117", tax_en, tax_fr)
    def tax(inv: Invoice) -> Iterator[Hit]:
        for i, vat in enumerate(inv.vat_breakdown):
            if vat.category_code != code:
                continue
            path = f"vat_breakdown[{i}].tax_amount"
            amount = vat.tax_amount
            if not cat.tax_from_rate:
                if amount is None or amount != 0:
                    yield _at(path, _expected(amount, Decimal("0.00")))
                continue
            if amount is None or vat.taxable_amount is None or vat.rate is None:
                yield Hit(path)
                continue
            expected = _round2(abs(vat.taxable_amount) * vat.rate / _HUNDRED)
            if not (abs(amount) - _ONE < expected < abs(amount) + _ONE):
                yield _at(path, _expected(amount, expected))

    if cat.exemption_required:
        ex_en = (
            f"A VAT breakdown (BG-23) with VAT Category code (BT-118) {q_en} shall have a VAT exemption reason "
            "code (BT-121) or a VAT exemption reason text (BT-120)."
        )
        ex_fr = (
            f"Une ventilation de TVA de catégorie {q_fr} doit avoir un code (BT-121) ou un texte (BT-120) de "
            "motif d'exonération."
        )
    else:
        ex_en = (
            f"A VAT breakdown (BG-23) with VAT Category code (BT-118) {q_en} shall not have a VAT exemption "
            "reason code (BT-121) or VAT exemption reason text (BT-120)."
        )
        ex_fr = (
            f"Une ventilation de TVA de catégorie {q_fr} ne doit avoir ni code (BT-121) ni texte (BT-120) de "
            "motif d'exonération."
        )

    @rule(f"{p}-10", "BT-120", ex_en, ex_fr)
    def exemption(inv: Invoice) -> Iterator[Hit]:
        for i, vat in enumerate(inv.vat_breakdown):
            if vat.category_code != code:
                continue
            has_reason = not _blank(vat.exemption_reason) or not _blank(vat.exemption_reason_code)
            if has_reason != cat.exemption_required:
                yield Hit(f"vat_breakdown[{i}].exemption_reason")


for _cat in _CATEGORIES:
    _declare_category(_cat)


@rule(
    "BR-IC-11",
    "BT-72",
    'In an Invoice with a VAT breakdown (BG-23) where the VAT category code (BT-118) is "Intra-community '
    'supply" the Actual delivery date (BT-72) or the Invoicing period (BG-14) shall not be blank.',
    "Dans une facture avec une ventilation de TVA « livraison intracommunautaire », la date de livraison "
    "(BT-72) ou la période de facturation (BG-14) doit être renseignée.",
)
def _bric11(inv: Invoice) -> Iterator[Hit]:
    if not any(vat.category_code == "K" for vat in inv.vat_breakdown):
        return
    delivered = inv.delivery is not None and inv.delivery.actual_delivery_date is not None
    if not delivered and inv.invoicing_period is None:
        yield Hit("delivery")


@rule(
    "BR-IC-12",
    "BT-80",
    'In an Invoice with a VAT breakdown (BG-23) where the VAT category code (BT-118) is "Intra-community '
    'supply" the Deliver to country code (BT-80) shall not be blank.',
    "Dans une facture avec une ventilation de TVA « livraison intracommunautaire », le code pays de "
    "livraison (BT-80) doit être renseigné.",
)
def _bric12(inv: Invoice) -> Iterator[Hit]:
    if not any(vat.category_code == "K" for vat in inv.vat_breakdown):
        return
    address = inv.delivery.address if inv.delivery else None
    if address is None or len(address.country_code.strip()) <= 1:
        yield Hit("delivery.address.country_code")


def _only_o(inv: Invoice) -> bool:
    return any(vat.category_code == "O" for vat in inv.vat_breakdown)


@rule(
    "BR-O-11",
    "BG-23",
    'An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) "Not subject to '
    'VAT" shall not contain other VAT breakdown groups (BG-23).',
    "Une facture avec une ventilation de TVA « hors champ de la TVA » ne doit pas comporter d'autre "
    "ventilation de TVA.",
)
def _bro11(inv: Invoice) -> Iterator[Hit]:
    if _only_o(inv):
        for i, vat in enumerate(inv.vat_breakdown):
            if vat.category_code != "O":
                yield Hit(f"vat_breakdown[{i}].category_code")


@rule(
    "BR-O-12",
    "BT-151",
    'An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) "Not subject to '
    'VAT" shall not contain an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is not '
    '"Not subject to VAT".',
    "Une facture avec une ventilation de TVA « hors champ de la TVA » ne doit pas comporter de ligne d'une "
    "autre catégorie de TVA.",
)
def _bro12(inv: Invoice) -> Iterator[Hit]:
    if _only_o(inv):
        for i, line in enumerate(inv.lines):
            if line.vat.category_code and line.vat.category_code != "O":
                yield Hit(f"lines[{i}].vat.category_code")


def _o_doc(rule_id: str, kind: str, bt: str, name_en: str, name_fr: str) -> None:
    @rule(
        rule_id,
        bt,
        f'An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) "Not subject '
        f'to VAT" shall not contain {name_en} where the VAT category code ({bt}) is not "Not subject to VAT".',
        f"Une facture avec une ventilation de TVA « hors champ de la TVA » ne doit pas comporter de {name_fr} "
        "d'une autre catégorie de TVA.",
    )
    def check(inv: Invoice) -> Iterator[Hit]:
        if _only_o(inv):
            for i, item in enumerate(getattr(inv, kind)):
                if item.vat_category_code and item.vat_category_code != "O":
                    yield Hit(f"{kind}[{i}].vat_category_code")


_o_doc("BR-O-13", "allowances", "BT-95", "Document level allowances (BG-20)", "remise au niveau du document")
_o_doc("BR-O-14", "charges", "BT-102", "Document level charges (BG-21)", "charge au niveau du document")


@rule(
    "BR-B-01",
    "BT-151",
    "An Invoice where the VAT category code (BT-151, BT-95 or BT-102) is “Split payment” shall be a domestic "
    "Italian invoice.",
    "Une facture dont une catégorie de TVA est « split payment » (B) doit être une facture italienne "
    "domestique.",
)
def _brb01(inv: Invoice) -> Iterator[Hit]:
    categories = _all_categories(inv) | {vat.category_code for vat in inv.vat_breakdown}
    if "B" not in categories:
        return
    countries = [
        inv.seller.address.country_code,
        inv.buyer.address.country_code,
        inv.tax_representative.address.country_code if inv.tax_representative else "",
        inv.delivery.address.country_code if inv.delivery and inv.delivery.address else "",
        *(line.item.origin_country_code or "" for line in inv.lines),
    ]
    if any(c and c != "IT" for c in countries):
        yield Hit("seller.address.country_code")


@rule(
    "BR-B-02",
    "BT-151",
    "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level "
    'charge (BG-21) where the VAT category code (BT-151, BT-95, BT-118 or BT-102) is “Split payment" shall '
    "not contain an invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge "
    "(BG-21) where the VAT category code (BT-151, BT-95, BT-118 or BT-102) is “Standard rated”.",
    "Une facture comportant la catégorie de TVA « split payment » (B) ne doit comporter aucune ligne, remise, "
    "charge ni ventilation au taux normal (S).",
)
def _brb02(inv: Invoice) -> Iterator[Hit]:
    categories = _all_categories(inv) | {vat.category_code for vat in inv.vat_breakdown}
    if "B" in categories and "S" in categories:
        yield Hit("vat_breakdown")
