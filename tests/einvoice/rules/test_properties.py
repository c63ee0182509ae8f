"""Property-based tests: valid invoices built from the model pass; each mutation fires its rule.

A mutation must make its expected rule fire, the rule must not fire on the valid original, and
the other findings it causes must be the consequences the EN 16931 arithmetic implies.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openchorus.einvoice import write
from openchorus.einvoice.errors import Severity
from openchorus.einvoice.model import Identifier, Invoice, InvoiceLine, PostalAddress
from openchorus.einvoice.rules import validate, validate_file
from tests.einvoice.rules.factories import RATES, build_invoice, document_allowance, document_charge, line

D = Decimal
RULE_SETS = ("en16931", "chorus")


@st.composite
def lines(draw: st.DrawFn) -> list[InvoiceLine]:
    count = draw(st.integers(min_value=1, max_value=8))
    return [
        line(
            i + 1,
            quantity=D(draw(st.integers(min_value=1, max_value=500))),
            price=D(draw(st.integers(min_value=0, max_value=99_999))) / 100,
            rate=draw(st.sampled_from(RATES)),
        )
        for i in range(count)
    ]


@st.composite
def invoices(draw: st.DrawFn) -> Invoice:
    allowances = (document_allowance(f"{draw(st.integers(1, 999))}.{draw(st.integers(0, 99)):02d}"),)
    charges = (document_charge(f"{draw(st.integers(1, 99))}.{draw(st.integers(0, 99)):02d}"),)
    return build_invoice(
        draw(lines()),
        allowances=allowances if draw(st.booleans()) else (),
        charges=charges if draw(st.booleans()) else (),
    )


def fatal(invoice: Invoice, rule_sets: tuple[str, ...] = RULE_SETS) -> set[str]:
    return {i.rule_id for i in validate(invoice, rule_sets=rule_sets) if i.severity == Severity.FATAL}


def replace_totals(invoice: Invoice, **changes: object) -> Invoice:
    return dataclasses.replace(invoice, totals=dataclasses.replace(invoice.totals, **changes))


FAST = settings(max_examples=30, deadline=None)
cent = st.integers(min_value=1, max_value=10_000).map(lambda n: D(n) / 100)


@FAST
@given(invoices())
def test_built_invoices_are_valid(invoice: Invoice) -> None:
    assert fatal(invoice, ("en16931", "chorus", "fr-warning")) == set()


@FAST
@given(invoices(), cent)
def test_wrong_line_total_fires_br_co_10(invoice: Invoice, delta: Decimal) -> None:
    mutant = replace_totals(invoice, line_net_total=invoice.totals.line_net_total + delta)
    fired = fatal(mutant)
    assert "BR-CO-10" in fired and "BR-CO-10" not in fatal(invoice)
    assert fired <= {"BR-CO-10", "BR-CO-13"}


@FAST
@given(invoices(), cent)
def test_wrong_total_with_vat_fires_br_co_15(invoice: Invoice, delta: Decimal) -> None:
    mutant = replace_totals(invoice, total_with_vat=invoice.totals.total_with_vat + delta)
    fired = fatal(mutant)
    assert "BR-CO-15" in fired and "BR-CO-15" not in fatal(invoice)
    assert fired <= {"BR-CO-15", "BR-CO-16"}


@FAST
@given(invoices(), cent)
def test_wrong_amount_due_fires_br_co_16(invoice: Invoice, delta: Decimal) -> None:
    mutant = replace_totals(invoice, amount_due=invoice.totals.amount_due - delta)
    assert fatal(mutant) == {"BR-CO-16"}


@FAST
@given(invoices(), st.integers(min_value=2, max_value=10_000).map(lambda n: D(n)))
def test_wrong_vat_amount_fires_br_co_17_and_br_s_09(invoice: Invoice, delta: Decimal) -> None:
    first = invoice.vat_breakdown[0]
    broken = dataclasses.replace(first, tax_amount=first.tax_amount + delta)
    mutant = dataclasses.replace(invoice, vat_breakdown=(broken, *invoice.vat_breakdown[1:]))
    fired = fatal(mutant)
    assert {"BR-CO-17", "BR-S-09", "BR-CO-14"} <= fired
    assert fired <= {"BR-CO-14", "BR-CO-17", "BR-S-09"}


@FAST
@given(invoices(), st.sampled_from(["seller.name", "buyer.name", "number", "currency_code", "issue_date"]))
def test_missing_mandatory_term_fires_its_rule(invoice: Invoice, term: str) -> None:
    expected = {
        "seller.name": {"BR-06", "CPRO-MENTION-02"},
        "buyer.name": {"BR-07", "CPRO-MENTION-02"},
        "number": {"BR-02", "CPRO-MENTION-03"},
        "currency_code": {"BR-05"},
        "issue_date": {"BR-03", "CPRO-MENTION-01"},
    }[term]
    if term == "seller.name":
        mutant = dataclasses.replace(invoice, seller=dataclasses.replace(invoice.seller, name=""))
    elif term == "buyer.name":
        mutant = dataclasses.replace(invoice, buyer=dataclasses.replace(invoice.buyer, name=" "))
    elif term == "issue_date":
        mutant = dataclasses.replace(invoice, issue_date=None)
    else:
        mutant = dataclasses.replace(invoice, **{term: ""})
    assert fatal(mutant) == expected
    assert not expected & fatal(invoice)


@FAST
@given(invoices(), st.sampled_from(["ABC", "EURO", "eur", "FRF"]))
def test_bad_currency_fires_br_cl_04(invoice: Invoice, code: str) -> None:
    assert fatal(dataclasses.replace(invoice, currency_code=code)) == {"BR-CL-04"}


@FAST
@given(invoices(), st.sampled_from(["PIECE", "ZZZZ", "kg", "unit"]))
def test_bad_unit_code_fires_br_cl_23(invoice: Invoice, code: str) -> None:
    first = dataclasses.replace(invoice.lines[0], unit_code=code)
    mutant = dataclasses.replace(invoice, lines=(first, *invoice.lines[1:]))
    assert fatal(mutant) == {"BR-CL-23"}


@FAST
@given(invoices(), st.sampled_from(["ZZ", "FR", "US-"]))
def test_bad_country_code_fires_br_cl_14(invoice: Invoice, code: str) -> None:
    address = dataclasses.replace(invoice.buyer.address, country_code=code)
    mutant = dataclasses.replace(invoice, buyer=dataclasses.replace(invoice.buyer, address=address))
    assert ("BR-CL-14" in fatal(mutant)) == (code != "FR")


@FAST
@given(invoices(), st.integers(min_value=1, max_value=9))
def test_bad_siret_fires_cpro_siret(invoice: Invoice, shift: int) -> None:
    siret = invoice.buyer.identifier.value
    wrong = siret[:-1] + str((int(siret[-1]) + shift) % 10)
    buyer = dataclasses.replace(invoice.buyer, identifier=Identifier(value=wrong, scheme_id="0009"))
    fired = fatal(dataclasses.replace(invoice, buyer=buyer))
    assert fired == {"CPRO-SIRET"}
    assert "CPRO-SIRET" not in fatal(invoice)


@FAST
@given(invoices())
def test_missing_buyer_address_fires_br_10(invoice: Invoice) -> None:
    mutant = dataclasses.replace(invoice, buyer=dataclasses.replace(invoice.buyer, address=PostalAddress()))
    assert fatal(mutant) == {"BR-10"}


@FAST
@given(invoices())
def test_no_lines_fires_br_16(invoice: Invoice) -> None:
    fired = fatal(dataclasses.replace(invoice, lines=()))
    assert "BR-16" in fired and "BR-16" not in fatal(invoice)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invoices(), st.sampled_from(["ubl", "cii"]))
def test_written_invoices_pass_native_and_strict_alike(invoice: Invoice, syntax: str) -> None:
    """Sampled (the strict mode costs tens of milliseconds a document): both modes find no fatal
    EN 16931 finding in invoices the writers produce from valid models."""
    data = write(invoice, syntax)  # type: ignore[arg-type]
    native = validate_file(data, rule_sets=("en16931",))
    official = validate_file(data, rule_sets=("en16931",), strict=True)
    assert native.valid, [i.as_dict() for i in native.issues]
    assert official.valid, [i.as_dict() for i in official.issues]
