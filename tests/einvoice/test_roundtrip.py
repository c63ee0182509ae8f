"""Round trips: model -> syntax -> model keeps every business term, for any invoice."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from openchorus.einvoice import read, write
from openchorus.einvoice.model import Invoice, iter_terms

from ._samples import full_invoice, invoices

_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _diff(left: Invoice, right: Invoice) -> list[object]:
    a, b = list(iter_terms(left)), list(iter_terms(right))
    return [term for term in a if term not in b] + [term for term in b if term not in a]


@_SETTINGS
@given(invoices())
def test_roundtrip_ubl_any_invoice_preserves_every_term(invoice: Invoice) -> None:
    back = read(write(invoice, "ubl")).invoice
    assert back == invoice, _diff(invoice, back)


@_SETTINGS
@given(invoices())
def test_roundtrip_cii_any_invoice_preserves_every_term(invoice: Invoice) -> None:
    back = read(write(invoice, "cii")).invoice
    assert back == invoice, _diff(invoice, back)


@_SETTINGS
@given(invoices())
def test_roundtrip_ubl_to_cii_any_invoice_preserves_every_term(invoice: Invoice) -> None:
    via_ubl = read(write(invoice, "ubl")).invoice
    back = read(write(via_ubl, "cii")).invoice
    assert back == invoice, _diff(invoice, back)


def test_roundtrip_full_invoice_every_syntax_preserves_every_term() -> None:
    invoice = full_invoice()
    for syntax in ("ubl", "cii"):
        assert read(write(invoice, syntax)).invoice == invoice, syntax


def test_roundtrip_full_credit_note_ubl_preserves_every_term() -> None:
    invoice = full_invoice(type_code="381")
    result = read(write(invoice, "ubl"))
    assert result.syntax == "ubl-creditnote"
    assert result.invoice == invoice


def test_roundtrip_syntax_modules_share_the_reader_protocol() -> None:
    from openchorus.einvoice.syntaxes import XmlSyntax, cii, ubl

    modules: list[XmlSyntax] = [ubl, cii]
    invoice = full_invoice(lines=1)
    for module in modules:
        root = module.build(invoice)
        assert module.read(root).invoice == invoice
