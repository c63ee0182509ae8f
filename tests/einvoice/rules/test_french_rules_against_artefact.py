"""The native BR-FR rules against the FNFE BR-FR artefact, on invoices broken one way each."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from openchorus.einvoice import read, strict, write
from openchorus.einvoice.errors import Severity
from openchorus.einvoice.model import Identifier, Invoice, Note
from openchorus.einvoice.rules import known_rule, validate_file
from openchorus.einvoice.xml import parse_xml
from tests.einvoice.rules.factories import build_invoice, line, typical_lines

D = Decimal


def french_invoice() -> Invoice:
    """The sample invoice in the reform's billing frame S1 (services), which BR-FR accepts."""
    return dataclasses.replace(build_invoice(typical_lines(3)), business_process_type="S1")


MUTATIONS: dict[str, tuple[Callable[[Invoice], Invoice], set[str]]] = {
    "valid": (lambda i: i, set()),
    "number with a space": (lambda i: dataclasses.replace(i, number="F 2026/1"), {"BR-FR-02"}),
    "number too long": (lambda i: dataclasses.replace(i, number="F" * 40), {"BR-FR-01"}),
    "missing PMD and AAB notes": (lambda i: dataclasses.replace(i, notes=i.notes[:1]), {"BR-FR-05"}),
    "Chorus Pro frame only": (lambda i: dataclasses.replace(i, business_process_type="A1"), {"BR-FR-08"}),
    "short SIREN": (
        lambda i: dataclasses.replace(
            i,
            seller=dataclasses.replace(
                i.seller, legal_registration=Identifier(value="12345", scheme_id="0002")
            ),
        ),
        {"BR-FR-09", "BR-FR-10", "BR-FR-32"},
    ),
    "credit note without reference": (lambda i: dataclasses.replace(i, type_code="381"), {"BR-FR-CO-05"}),
    "corrective invoice without reference": (
        lambda i: dataclasses.replace(i, type_code="384"),
        {"BR-FR-CO-04"},
    ),
    "unknown BAR treatment": (
        lambda i: dataclasses.replace(i, notes=(*i.notes, Note(subject_code="BAR", text="XYZ"))),
        {"BR-FR-20"},
    ),
    "due date before issue": (lambda i: dataclasses.replace(i, due_date=date(2026, 1, 1)), {"BR-FR-CO-07"}),
    "foreign currency without EUR VAT": (
        lambda i: dataclasses.replace(i, currency_code="USD"),
        {"BR-FR-CO-12"},
    ),
    "non-French VAT rate": (
        lambda i: dataclasses.replace(
            build_invoice([line(1, quantity=D(1), price=D("10.00"), rate=D("19.00"))]),
            business_process_type="S1",
        ),
        {"BR-FR-16"},
    ),
    "already paid frame with amount due": (
        lambda i: dataclasses.replace(i, business_process_type="S2"),
        {"BR-FR-CO-09"},
    ),
    "issue date before 2000": (lambda i: dataclasses.replace(i, issue_date=date(1999, 1, 1)), {"BR-FR-03"}),
}


def _fatal_br_fr(data: bytes, *, strict_mode: bool) -> set[str]:
    report = validate_file(data, rule_sets=("fr",), xsd=False, strict=strict_mode)
    return {
        i.rule_id for i in report.issues if i.severity == Severity.FATAL and i.rule_id.startswith("BR-FR")
    }


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_native_french_rules_match_the_artefact(mutation: str, syntax: str) -> None:
    mutate, expected = MUTATIONS[mutation]
    data = write(mutate(french_invoice()), syntax)  # type: ignore[arg-type]
    result = read(data)
    comparable: set[str] = set()
    for artefact in strict.artefacts_for(parse_xml(result.xml), profile=result.profile, french=True):
        comparable |= {i for i in strict.rule_ids(artefact) if known_rule(i) is not None}
    if mutation == "number with a space" and syntax == "ubl":
        expected = expected | {"BR-FR-01"}  # the UBL artefact also files the character check under BR-FR-01
    native = _fatal_br_fr(data, strict_mode=False)
    official = _fatal_br_fr(data, strict_mode=True) & comparable
    assert native == expected
    assert native & comparable == official
