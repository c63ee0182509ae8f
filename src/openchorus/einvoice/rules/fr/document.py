"""BR-FR-01 to BR-FR-08, BR-FR-15, BR-FR-16, BR-FR-20: numbers, dates, types, notes, frames, VAT."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

from ...errors import Severity
from ...model import Invoice
from ..engine import Hit, Rule, RuleRegistry
from ._common import (
    _ID_FORMAT,
    BAR_TREATMENTS,
    BILLING_FRAMES,
    MANDATORY_NOTES,
    TYPE_CODES,
    VAT_CATEGORIES,
    VAT_RATES,
    _at,
    _fmt,
    _french_rates,
    _rate_values,
    _rates,
    _value,
)

_registry = RuleRegistry()
rule = _registry.rule


def _references(inv: Invoice) -> list[tuple[str, str]]:
    refs = [("number", inv.number)]
    refs += [
        (f"preceding_invoices[{i}].reference", p.reference) for i, p in enumerate(inv.preceding_invoices)
    ]
    return refs


def _fr01(inv: Invoice, *, characters: bool) -> Iterator[Hit]:
    for path, value in _references(inv):
        if len(value) > 35 or (characters and value and not _ID_FORMAT.fullmatch(value)):
            yield _at(path, _value(value))


def _fr01_cii(inv: Invoice) -> Iterator[Hit]:
    return _fr01(inv, characters=False)


_registry.add(
    Rule(
        "BR-FR-01",
        Severity.FATAL,
        "BT-1",
        "L'identifiant de facture (BT-1) et les références de factures antérieures (BT-25) ne doivent pas "
        "dépasser 35 caractères.",
        "The invoice number (BT-1) and the preceding invoice references (BT-25) shall not exceed 35 characters.",
        # The UBL artefact also reports a forbidden character under BR-FR-01 (BR-FR-01_BT-1-2).
        lambda inv: _fr01(inv, characters=True),
        cii_check=_fr01_cii,
    )
)


@rule(
    "BR-FR-02",
    "BT-1",
    "The invoice number (BT-1) and the preceding invoice references (BT-25) shall only contain letters, "
    "digits and the symbols + - _ /, without spaces.",
    "L'identifiant de facture (BT-1) et les références de factures antérieures (BT-25) ne doivent contenir "
    "que des caractères alphanumériques et les symboles + - _ /, sans espaces.",
)
def _fr02(inv: Invoice) -> Iterator[Hit]:
    refs = [("number", inv.number)]
    refs += [
        (f"preceding_invoices[{i}].reference", p.reference) for i, p in enumerate(inv.preceding_invoices)
    ]
    for path, value in refs:
        if value and not _ID_FORMAT.fullmatch(value):
            yield _at(path, _value(value))


def _dates(inv: Invoice) -> Iterator[tuple[str, date | None]]:
    yield "issue_date", inv.issue_date
    yield "tax_point_date", inv.tax_point_date
    yield "due_date", inv.due_date
    for i, ref in enumerate(inv.preceding_invoices):
        yield f"preceding_invoices[{i}].issue_date", ref.issue_date
    if inv.delivery is not None:
        yield "delivery.actual_delivery_date", inv.delivery.actual_delivery_date
    if inv.invoicing_period is not None:
        yield "invoicing_period.start_date", inv.invoicing_period.start_date
        yield "invoicing_period.end_date", inv.invoicing_period.end_date
    for i, line in enumerate(inv.lines):
        if line.period is not None:
            yield f"lines[{i}].period.start_date", line.period.start_date
            yield f"lines[{i}].period.end_date", line.period.end_date


@rule(
    "BR-FR-03",
    "BT-2",
    "Dates (BT-2, BT-7, BT-9, BT-26, BT-72, BT-73, BT-74, BT-134, BT-135) shall have a year between 2000 and "
    "2099.",
    "Les dates (BT-2, BT-7, BT-9, BT-26, BT-72, BT-73, BT-74, BT-134, BT-135) doivent avoir une année comprise "
    "entre 2000 et 2099.",
)
def _fr03(inv: Invoice) -> Iterator[Hit]:
    for path, value in _dates(inv):
        if value is not None and not 2000 <= value.year <= 2099:
            yield _at(path, _value(value.isoformat()))


@rule(
    "BR-FR-04",
    "BT-3",
    "The document type code (BT-3) shall be one of 380, 389, 393, 501, 386, 500, 384, 471, 472, 473, 261, 262, "
    "381, 396, 502, 503; the other UNTDID 1001 codes shall not be used.",
    "Le code type de document (BT-3) n'est pas autorisé. Valeurs acceptées : 380, 389, 393, 501, 386, 500, "
    "384, 471, 472, 473, 261, 262, 381, 396, 502, 503.",
)
def _fr04(inv: Invoice) -> Iterator[Hit]:
    if inv.type_code and inv.type_code not in TYPE_CODES:
        yield _at("type_code", _value(inv.type_code))


@rule(
    "BR-FR-05",
    "BT-22",
    "The notes (BG-1) shall contain the recovery costs mention (subject PMT), the late payment penalties "
    "mention (PMD) and the early payment discount mention or its absence (AAB).",
    "Les notes (BG-1) doivent comporter la mention relative aux frais de recouvrement (code PMT), celle "
    "relative aux pénalités de retard (PMD) et celle relative à l'escompte ou à son absence (AAB).",
    fix_fr="Ajoutez les notes #PMT#, #PMD# et #AAB# (mentions obligatoires du Code de commerce).",
    fix_en="Add the notes #PMT#, #PMD# and #AAB# (mentions required by the French Commercial Code).",
)
def _fr05(inv: Invoice) -> Iterator[Hit]:
    present = {note.subject_code for note in inv.notes}
    for code in MANDATORY_NOTES:
        if code not in present:
            yield Hit("notes", f"(code {code} absent)", f"(subject {code} missing)")


@rule(
    "BR-FR-06",
    "BT-21",
    "The note subjects PMT, PMD, AAB and TXD shall appear at most once in the notes (BG-1).",
    "Les codes sujet PMT, PMD, AAB et TXD ne doivent apparaître qu'une seule fois dans les notes (BG-1).",
)
def _fr06(inv: Invoice) -> Iterator[Hit]:
    counts = Counter(note.subject_code for note in inv.notes)
    for code in (*MANDATORY_NOTES, "TXD"):
        if counts[code] > 1:
            yield Hit(
                "notes", f"(code {code} : {counts[code]} fois)", f"(subject {code}: {counts[code]} times)"
            )


@rule(
    "BR-FR-08",
    "BT-23",
    "The billing frame (BT-23) shall be present and one of B1, S1, M1, B2, S2, M2, S3, B4, S4, M4, S5, S6, B7, "
    "S7, B8, S8, M8, B9, S9, M9.",
    "Le cadre de facturation (BT-23) est absent ou n'est pas autorisé. Valeurs acceptées : B1, S1, M1, B2, S2, "
    "M2, S3, B4, S4, M4, S5, S6, B7, S7, B8, S8, M8, B9, S9, M9.",
)
def _fr08(inv: Invoice) -> Iterator[Hit]:
    if (inv.business_process_type or "").strip() not in BILLING_FRAMES:
        yield _at("business_process_type", _value(inv.business_process_type or ""))


def _categories(inv: Invoice) -> Iterator[tuple[str, str]]:
    for i, vat in enumerate(inv.vat_breakdown):
        yield f"vat_breakdown[{i}].category_code", vat.category_code
    for kind in ("allowances", "charges"):
        for i, item in enumerate(getattr(inv, kind)):
            yield f"{kind}[{i}].vat_category_code", item.vat_category_code
    for i, line in enumerate(inv.lines):
        yield f"lines[{i}].vat.category_code", line.vat.category_code


@rule(
    "BR-FR-15",
    "BT-118",
    "VAT category codes (BT-95, BT-102, BT-118, BT-151) shall be one of S, E, AE, K, G, O, Z (L and M do not "
    "apply in France).",
    "Les codes de catégorie de TVA (BT-95, BT-102, BT-118, BT-151) doivent être S, E, AE, K, G, O ou Z (les "
    "codes L et M ne sont pas pertinents en France).",
)
def _fr15(inv: Invoice) -> Iterator[Hit]:
    for path, code in _categories(inv):
        if code and code not in VAT_CATEGORIES:
            yield _at(path, _value(code))


@rule(
    "BR-FR-16",
    "BT-119",
    "VAT rates (BT-96, BT-103, BT-119, BT-152) shall be a percentage without the % sign, among the French "
    "rates (0, 0.9, 1.05, 1.75, 2.1, 5.5, 7, 8.5, 9.2, 9.6, 10, 13, 19.6, 20, 20.6).",
    "Les taux de TVA (BT-96, BT-103, BT-119, BT-152) doivent être exprimés en pourcentage sans symbole « % » "
    "et faire partie des valeurs autorisées (0, 0,9, 1,05, 1,75, 2,1, 5,5, 7, 8,5, 9,2, 9,6, 10, 13, 19,6, 20, "
    "20,6).",
)
def _fr16(inv: Invoice) -> Iterator[Hit]:
    if _french_rates(_rate_values(inv)):
        return
    for path, rate in _rates(inv):
        if rate is not None and _fmt(rate) not in VAT_RATES:
            yield _at(path, _value(_fmt(rate)))


@rule(
    "BR-FR-20",
    "BT-22",
    "A note with subject BAR (BT-21) shall contain one of B2B, B2BINT, B2C, B2CINT, OUTOFSCOPE, ARCHIVEONLY.",
    "Lorsqu'une note a pour code sujet « BAR » (BT-21), son contenu (BT-22) doit être l'une des valeurs "
    "B2B, B2BINT, B2C, B2CINT, OUTOFSCOPE, ARCHIVEONLY.",
)
def _fr20(inv: Invoice) -> Iterator[Hit]:
    for i, note in enumerate(inv.notes):
        if note.subject_code == "BAR" and note.text.strip() not in BAR_TREATMENTS:
            yield _at(f"notes[{i}].text", _value(note.text))
