"""Totals and VAT breakdown in Decimal, rounded to the cent per rate (BR-CO-17)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from openchorus.invoices.totals import LineInput, compute, decimal_or_none

D = Decimal


def test_breakdown_per_rate_and_totals():
    totals = compute(
        [
            LineInput(D("3"), D("33.333"), vat_rate=D("20")),
            LineInput(D("1"), D("10"), D("1.50"), vat_rate=D("5.5")),
            LineInput(D("2"), D("7.25"), vat_category="E"),
        ],
        paid_amount=D("10"),
        exemption_reason="Exonération art. 261 CGI",
    )
    assert totals.line_amounts == (D("100.00"), D("8.50"), D("14.50"))
    rows = {(v.category, v.rate): v for v in totals.vat_breakdown}
    assert rows[("S", D("20.00"))].tax == D("20.00")
    assert rows[("S", D("5.50"))].tax == D("0.47")
    assert (
        rows[("E", D("0.00"))].tax == D("0.00")
        and rows[("E", D("0.00"))].reason == "Exonération art. 261 CGI"
    )
    assert totals.total_excl_vat == D("123.00")
    assert totals.vat_total == D("20.47")
    assert totals.total_incl_vat == D("143.47")
    assert totals.amount_due == D("133.47")


def test_user_input_numbers():
    assert decimal_or_none("1 234,50") == D("1234.50")
    assert decimal_or_none("") is None
    assert decimal_or_none("abc") is None
    assert decimal_or_none("NaN") is None


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=0, max_value=10_000, places=2),
            st.decimals(min_value=0, max_value=10_000, places=2),
            st.sampled_from([D("20"), D("10"), D("5.5"), D("2.1")]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_totals_are_consistent(rows):
    totals = compute(LineInput(q, p, vat_rate=r) for q, p, r in rows)
    assert totals.line_total == sum(totals.line_amounts)
    assert totals.total_excl_vat == sum(v.taxable for v in totals.vat_breakdown)
    assert totals.vat_total == sum(v.tax for v in totals.vat_breakdown)
    assert totals.total_incl_vat == totals.total_excl_vat + totals.vat_total
