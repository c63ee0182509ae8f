"""BR-CO (conditions and calculations) and BR-DEC (number of decimals)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ... import codes
from ...errors import Severity
from ...model import DocumentAllowanceCharge, Invoice
from ..engine import Hit, Rule, RuleRegistry
from ..source import SourceView
from ._common import (
    _HUNDRED,
    _ONE,
    _at,
    _blank,
    _decimals_hit,
    _expected,
    _group_present,
    _has_totals,
    _round0,
    _round2,
    _sum,
    _too_many_decimals,
)

_registry = RuleRegistry()
rule = _registry.rule
source_rule = _registry.source_rule

# --- BR-CO: conditions and calculations ------------------------------------------------------------


@rule(
    "BR-CO-03",
    "BT-7",
    "Value added tax point date (BT-7) and Value added tax point date code (BT-8) are mutually exclusive.",
    "La date d'exigibilité de la TVA (BT-7) et son code (BT-8) s'excluent mutuellement.",
)
def _brco03(inv: Invoice) -> Iterator[Hit]:
    if inv.tax_point_date is not None and not _blank(inv.tax_point_date_code):
        yield Hit("tax_point_date")


@rule(
    "BR-CO-04",
    "BT-151",
    "Each Invoice line (BG-25) shall be categorized with an Invoiced item VAT category code (BT-151).",
    "Chaque ligne de facture (BG-25) doit porter un code de catégorie de TVA (BT-151).",
)
def _brco04(inv: Invoice) -> Iterator[Hit]:
    for i, line in enumerate(inv.lines):
        if _blank(line.vat.category_code):
            yield Hit(f"lines[{i}].vat.category_code")


_VAT_PREFIXES = codes.COUNTRY_CODES | {"EL"}


@rule(
    "BR-CO-09",
    "BT-31",
    "The Seller VAT identifier (BT-31), the Seller tax representative VAT identifier (BT-63) and the Buyer "
    "VAT identifier (BT-48) shall have a prefix in accordance with ISO code ISO 3166-1 alpha-2 by which the "
    "country of issue may be identified. Nevertheless, Greece may use the prefix ‘EL’.",
    "Les numéros de TVA du vendeur (BT-31), du représentant fiscal (BT-63) et de l'acheteur (BT-48) doivent "
    "commencer par le code pays ISO 3166-1 alpha-2 du pays émetteur (la Grèce peut utiliser « EL »).",
    fix_fr="Écrivez le numéro avec son préfixe pays, par exemple FR12345678901.",
    fix_en="Write the number with its country prefix, for instance FR12345678901.",
)
def _brco09(inv: Invoice) -> Iterator[Hit]:
    candidates = [
        ("seller.vat_identifier", inv.seller.vat_identifier),
        ("buyer.vat_identifier", inv.buyer.vat_identifier),
        (
            "tax_representative.vat_identifier",
            inv.tax_representative.vat_identifier if inv.tax_representative else None,
        ),
    ]
    for path, value in candidates:
        if not _blank(value) and (value or "")[:2] not in _VAT_PREFIXES:
            yield Hit(path, f"(« {value} »)", f"('{value}')")


@source_rule(
    "BR-CO-10",
    "BT-106",
    "Sum of Invoice line net amount (BT-106) = Σ Invoice line net amount (BT-131).",
    "Le montant total net des lignes (BT-106) doit être égal à la somme des montants nets des lignes (BT-131).",
)
def _brco10(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    if not _has_totals(inv, source):
        return
    expected = _round2(_sum(line.net_amount for line in inv.lines))
    if inv.totals.line_net_total != expected:
        yield _at("totals.line_net_total", _expected(inv.totals.line_net_total, expected))


def _sum_rule(rule_id: str, bt: str, field: str, kind: str, msg_en: str, msg_fr: str) -> None:
    @source_rule(rule_id, bt, msg_en, msg_fr)
    def check(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
        if not _has_totals(inv, source):
            return
        items: tuple[DocumentAllowanceCharge, ...] = getattr(inv, kind)
        found: Decimal | None = getattr(inv.totals, field)
        if found is None and not items:
            return
        expected = _round2(_sum(item.amount for item in items))
        if found != expected:
            yield _at(f"totals.{field}", _expected(found, expected))


_sum_rule(
    "BR-CO-11",
    "BT-107",
    "allowance_total",
    "allowances",
    "Sum of allowances on document level (BT-107) = Σ Document level allowance amount (BT-92).",
    "Le total des remises au niveau du document (BT-107) doit être égal à la somme de leurs montants (BT-92).",
)
_sum_rule(
    "BR-CO-12",
    "BT-108",
    "charge_total",
    "charges",
    "Sum of charges on document level (BT-108) = Σ Document level charge amount (BT-99).",
    "Le total des charges au niveau du document (BT-108) doit être égal à la somme de leurs montants (BT-99).",
)


@source_rule(
    "BR-CO-13",
    "BT-109",
    "Invoice total amount without VAT (BT-109) = Σ Invoice line net amount (BT-131) - Sum of allowances on "
    "document level (BT-107) + Sum of charges on document level (BT-108).",
    "Le montant total hors TVA (BT-109) doit être égal au total net des lignes (BT-106) moins les remises "
    "(BT-107) plus les charges (BT-108) au niveau du document.",
)
def _brco13(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    t = inv.totals
    if not _has_totals(inv, source):
        return
    if t.line_net_total is None:
        yield Hit("totals.total_without_vat")
        return
    expected = t.line_net_total + (t.charge_total or 0) - (t.allowance_total or 0)
    if t.charge_total is not None or t.allowance_total is not None:
        expected = _round2(expected)
    if t.total_without_vat != expected:
        yield _at("totals.total_without_vat", _expected(t.total_without_vat, expected))


def _brco14(inv: Invoice, *, cii: bool) -> Iterator[Hit]:
    if not inv.vat_breakdown or (cii and inv.totals.vat_total is None):
        return
    expected = _round2(_sum(vat.tax_amount for vat in inv.vat_breakdown))
    if inv.totals.vat_total != expected:
        yield _at("totals.vat_total", _expected(inv.totals.vat_total, expected))


def _brco14_cii(inv: Invoice) -> Iterator[Hit]:
    # The CII artefact judges BT-110 only when it is present (its context is the amount itself).
    return _brco14(inv, cii=True)


_registry.add(
    Rule(
        "BR-CO-14",
        Severity.FATAL,
        "BT-110",
        "Le montant total de TVA (BT-110) doit être égal à la somme des montants de TVA par catégorie (BT-117).",
        "Invoice total VAT amount (BT-110) = Σ VAT category tax amount (BT-117).",
        lambda inv: _brco14(inv, cii=False),
        cii_check=_brco14_cii,
    )
)


def _brco15(inv: Invoice, source: SourceView | None, *, cii: bool) -> Iterator[Hit]:
    t = inv.totals
    if _blank(inv.currency_code):
        return
    grand_is_basis = t.total_with_vat is not None and t.total_with_vat == t.total_without_vat
    if source is not None:
        # The artefacts want exactly one BT-110 in the invoice currency (CII: unless BT-112 = BT-109).
        in_currency = source.vat_total_currencies().count(inv.currency_code)
        if in_currency != 1 and not (cii and grand_is_basis):
            yield Hit(
                "totals.vat_total",
                f"({in_currency} montant(s) en {inv.currency_code})",
                f"({in_currency} amount(s) in {inv.currency_code})",
            )
            return
    if t.total_without_vat is None or (t.vat_total is None and not grand_is_basis):
        yield Hit("totals.total_with_vat")
        return
    expected = _round2(t.total_without_vat + (t.vat_total or 0))
    if t.total_with_vat != expected:
        yield _at("totals.total_with_vat", _expected(t.total_with_vat, expected))


def _brco15_ubl(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    return _brco15(inv, source, cii=False)


def _brco15_cii(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    return _brco15(inv, source, cii=True)


_registry.add(
    Rule(
        "BR-CO-15",
        Severity.FATAL,
        "BT-112",
        "Le montant total TTC (BT-112) doit être égal au montant total hors TVA (BT-109) plus le montant total "
        "de TVA (BT-110).",
        "Invoice total amount with VAT (BT-112) = Invoice total amount without VAT (BT-109) + Invoice total "
        "VAT amount (BT-110).",
        lambda inv: _brco15(inv, None, cii=False),
        source_check=_brco15_ubl,
        cii_source_check=_brco15_cii,
    )
)


@source_rule(
    "BR-CO-16",
    "BT-115",
    "Amount due for payment (BT-115) = Invoice total amount with VAT (BT-112) -Paid amount (BT-113) +Rounding "
    "amount (BT-114).",
    "Le montant net à payer (BT-115) doit être égal au montant TTC (BT-112) moins le montant déjà payé "
    "(BT-113) plus l'arrondi (BT-114).",
)
def _brco16(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    t = inv.totals
    if not _has_totals(inv, source):
        return
    if t.amount_due is None or t.total_with_vat is None:
        yield Hit("totals.amount_due")
        return
    paid, rounding = t.paid_amount, t.rounding_amount
    if rounding is None:
        expected = t.total_with_vat if paid is None else _round2(t.total_with_vat - paid)
        ok = t.amount_due == expected
    else:
        base = t.total_with_vat if paid is None else _round2(t.total_with_vat - paid)
        expected = base + rounding
        ok = _round2(t.amount_due - rounding) == base
    if not ok:
        yield _at("totals.amount_due", _expected(t.amount_due, expected))


def _vat_amounts(inv: Invoice, *, inclusive: bool) -> Iterator[Hit]:
    for i, vat in enumerate(inv.vat_breakdown):
        tax, base, rate = vat.tax_amount, vat.taxable_amount, vat.rate
        path = f"vat_breakdown[{i}].tax_amount"
        if tax is None:
            yield Hit(path)
            continue
        if rate is None or _round0(rate) == 0:
            if _round0(tax) != 0:
                yield _at(path, _expected(tax, Decimal("0.00")))
            continue
        if base is None:
            yield Hit(path)
            continue
        expected = _round2(abs(base) * rate / _HUNDRED)
        low, high = abs(tax) - _ONE, abs(tax) + _ONE
        within = low <= expected <= high if inclusive else low < expected < high
        if not within:
            yield _at(path, _expected(tax, expected))


def _brco17_cii(inv: Invoice) -> Iterator[Hit]:
    # The CII artefact accepts a deviation of exactly one unit; the UBL one does not.
    return _vat_amounts(inv, inclusive=True)


_registry.add(
    Rule(
        "BR-CO-17",
        Severity.FATAL,
        "BT-117",
        "Le montant de TVA d'une catégorie (BT-117) doit être égal à la base d'imposition (BT-116) multipliée "
        "par le taux (BT-119) / 100, arrondi à deux décimales.",
        "VAT category tax amount (BT-117) = VAT category taxable amount (BT-116) x (VAT category rate (BT-119) "
        "/ 100), rounded to two decimals.",
        lambda inv: _vat_amounts(inv, inclusive=False),
        cii_check=_brco17_cii,
    )
)


@rule(
    "BR-CO-18",
    "BG-23",
    "An Invoice shall at least have one VAT breakdown group (BG-23).",
    "Une facture doit comporter au moins une ventilation de TVA (BG-23).",
)
def _brco18(inv: Invoice) -> Iterator[Hit]:
    if not inv.vat_breakdown:
        yield Hit("vat_breakdown")


@source_rule(
    "BR-CO-19",
    "BG-14",
    "If Invoicing period (BG-14) is used, the Invoicing period start date (BT-73) or the Invoicing period "
    "end date (BT-74) shall be filled, or both.",
    "Si la période de facturation (BG-14) est utilisée, sa date de début (BT-73) ou sa date de fin (BT-74) "
    "doit être renseignée, ou les deux.",
)
def _brco19(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    period = inv.invoicing_period
    if not _group_present(period is not None, source, "invoicing_period"):
        return
    # UBL carries the VAT point date code (BT-8) in the same element: a code alone is a valid use.
    if (period is None or (period.start_date is None and period.end_date is None)) and _blank(
        inv.tax_point_date_code
    ):
        yield Hit("invoicing_period")


@source_rule(
    "BR-CO-20",
    "BG-26",
    "If Invoice line period (BG-26) is used, the Invoice line period start date (BT-134) or the Invoice line "
    "period end date (BT-135) shall be filled, or both.",
    "Si la période d'une ligne (BG-26) est utilisée, sa date de début (BT-134) ou sa date de fin (BT-135) "
    "doit être renseignée, ou les deux.",
)
def _brco20(inv: Invoice, source: SourceView | None) -> Iterator[Hit]:
    if source is not None and source.count("lines[*].period") == 0:
        return
    for i, line in enumerate(inv.lines):
        period = line.period
        if not _group_present(period is not None, source, f"lines[{i}].period"):
            continue
        if period is None or (period.start_date is None and period.end_date is None):
            yield Hit(f"lines[{i}].period")


@rule(
    "BR-CO-26",
    "BT-29",
    "In order for the buyer to automatically identify a supplier, the Seller identifier (BT-29), the Seller "
    "legal registration identifier (BT-30) and/or the Seller VAT identifier (BT-31) shall be present.",
    "Pour que l'acheteur identifie automatiquement le fournisseur, l'identifiant du vendeur (BT-29), son "
    "identifiant légal (BT-30) et/ou son numéro de TVA (BT-31) doivent être présents.",
    fix_fr="Indiquez le SIRET du vendeur (schéma 0009) ou son numéro de TVA intracommunautaire.",
    fix_en="Give the seller's SIRET (scheme 0009) or its VAT number.",
)
def _brco26(inv: Invoice) -> Iterator[Hit]:
    seller = inv.seller
    if not seller.identifiers and seller.legal_registration is None and _blank(seller.vat_identifier):
        yield Hit("seller")


# --- BR-DEC: number of decimals ----------------------------------------------------------------------


def _dec_doc_ac(rule_id: str, bt: str, kind: str, field: str, name_en: str, name_fr: str) -> None:
    @rule(
        rule_id,
        bt,
        f"The allowed maximum number of decimals for the {name_en} ({bt}) is 2.",
        f"Le {name_fr} ({bt}) a au plus 2 décimales.",
    )
    def check(inv: Invoice) -> Iterator[Hit]:
        for i, item in enumerate(getattr(inv, kind)):
            value = getattr(item, field)
            if _too_many_decimals(value):
                yield _decimals_hit(value, f"{kind}[{i}].{field}")


_dec_doc_ac(
    "BR-DEC-01", "BT-92", "allowances", "amount", "Document level allowance amount", "montant de remise"
)
_dec_doc_ac(
    "BR-DEC-02",
    "BT-93",
    "allowances",
    "base_amount",
    "Document level allowance base amount",
    "montant de base de la remise",
)
_dec_doc_ac("BR-DEC-05", "BT-99", "charges", "amount", "Document level charge amount", "montant de charge")
_dec_doc_ac(
    "BR-DEC-06",
    "BT-100",
    "charges",
    "base_amount",
    "Document level charge base amount",
    "montant de base de la charge",
)


def _dec_total(rule_id: str, bt: str, field: str, name_en: str, name_fr: str) -> None:
    @rule(
        rule_id,
        bt,
        f"The allowed maximum number of decimals for the {name_en} ({bt}) is 2.",
        f"Le {name_fr} ({bt}) a au plus 2 décimales.",
    )
    def check(inv: Invoice) -> Iterator[Hit]:
        value = getattr(inv.totals, field)
        if _too_many_decimals(value):
            yield _decimals_hit(value, f"totals.{field}")


_dec_total("BR-DEC-09", "BT-106", "line_net_total", "Sum of Invoice line net amount", "total net des lignes")
_dec_total(
    "BR-DEC-10", "BT-107", "allowance_total", "Sum of allowanced on document level", "total des remises"
)
_dec_total("BR-DEC-11", "BT-108", "charge_total", "Sum of charges on document level", "total des charges")
_dec_total(
    "BR-DEC-12", "BT-109", "total_without_vat", "Invoice total amount without VAT", "montant total hors TVA"
)
_dec_total("BR-DEC-13", "BT-110", "vat_total", "Invoice total VAT amount", "montant total de TVA")
_dec_total("BR-DEC-14", "BT-112", "total_with_vat", "Invoice total amount with VAT", "montant total TTC")
_dec_total(
    "BR-DEC-15",
    "BT-111",
    "vat_total_accounting_currency",
    "Invoice total VAT amount in accounting currency",
    "montant total de TVA en devise de comptabilisation",
)
_dec_total("BR-DEC-16", "BT-113", "paid_amount", "Paid amount", "montant déjà payé")
_dec_total("BR-DEC-17", "BT-114", "rounding_amount", "Rounding amount", "montant d'arrondi")
_dec_total("BR-DEC-18", "BT-115", "amount_due", "Amount due for payment", "montant net à payer")


def _dec_breakdown(rule_id: str, bt: str, field: str, name_en: str, name_fr: str) -> None:
    @rule(
        rule_id,
        bt,
        f"The allowed maximum number of decimals for the {name_en} ({bt}) is 2.",
        f"Le {name_fr} ({bt}) a au plus 2 décimales.",
    )
    def check(inv: Invoice) -> Iterator[Hit]:
        for i, vat in enumerate(inv.vat_breakdown):
            value = getattr(vat, field)
            if _too_many_decimals(value):
                yield _decimals_hit(value, f"vat_breakdown[{i}].{field}")


_dec_breakdown(
    "BR-DEC-19", "BT-116", "taxable_amount", "VAT category taxable amount", "montant de la base d'imposition"
)
_dec_breakdown("BR-DEC-20", "BT-117", "tax_amount", "VAT category tax amount", "montant de TVA par catégorie")


@rule(
    "BR-DEC-23",
    "BT-131",
    "The allowed maximum number of decimals for the Invoice line net amount (BT-131) is 2.",
    "Le montant net de ligne (BT-131) a au plus 2 décimales.",
)
def _brdec23(inv: Invoice) -> Iterator[Hit]:
    for i, line in enumerate(inv.lines):
        if _too_many_decimals(line.net_amount):
            yield _decimals_hit(line.net_amount, f"lines[{i}].net_amount")


def _dec_line_ac(rule_id: str, bt: str, kind: str, field: str, name_en: str, name_fr: str) -> None:
    @rule(
        rule_id,
        bt,
        f"The allowed maximum number of decimals for the {name_en} ({bt}) is 2.",
        f"Le {name_fr} ({bt}) a au plus 2 décimales.",
    )
    def check(inv: Invoice) -> Iterator[Hit]:
        for i, line in enumerate(inv.lines):
            for j, item in enumerate(getattr(line, kind)):
                value = getattr(item, field)
                if _too_many_decimals(value):
                    yield _decimals_hit(value, f"lines[{i}].{kind}[{j}].{field}")


_dec_line_ac(
    "BR-DEC-24",
    "BT-136",
    "allowances",
    "amount",
    "Invoice line allowance amount",
    "montant de remise de ligne",
)
_dec_line_ac(
    "BR-DEC-25",
    "BT-137",
    "allowances",
    "base_amount",
    "Invoice line allowance base amount",
    "montant de base de la remise de ligne",
)
_dec_line_ac(
    "BR-DEC-27", "BT-141", "charges", "amount", "Invoice line charge amount", "montant de charge de ligne"
)
_dec_line_ac(
    "BR-DEC-28",
    "BT-142",
    "charges",
    "base_amount",
    "Invoice line charge base amount",
    "montant de base de la charge de ligne",
)
