"""Scanned or image-only PDFs are detected and refused with the four golden rules (seed 002)."""

from __future__ import annotations

import pytest

from openchorus.einvoice.errors import EInvoiceError, Severity
from openchorus.einvoice.pdf import extract_fields
from openchorus.einvoice.pdf.safe import read_pdf
from openchorus.einvoice.pdf.scan import refuse_if_scanned, scan_finding
from tests.einvoice.pdf.pdf_builders import image_only_pdf, raw_pdf, text_page

OCR_TEXT = "Facture F-2026-0042 du 12/03/2026, SIRET client 11000201100044, Total TTC 1 200,00 EUR"


@pytest.fixture(scope="module")
def image_only() -> bytes:
    return image_only_pdf()


def test_extract_fields_image_only_pdf_refused_as_scanned(image_only: bytes) -> None:
    extraction = extract_fields(image_only)

    assert extraction.scanned is True
    assert not extraction.accepted
    (finding,) = extraction.findings
    assert finding.rule_id == "PDF-SCANNED" and finding.severity is Severity.FATAL
    assert extraction.fields.invoice_number is None


def test_scan_finding_image_only_pdf_explains_the_four_golden_rules(image_only: bytes) -> None:
    finding = scan_finding(read_pdf(image_only))

    assert finding is not None
    for text in ("PDF texte", "pas de scan", "SIRET client", "engagement", "espace", "noir sur fond blanc"):
        assert text in finding.message_fr
    for text in ("text PDF", "no scan", "SIRET client", "engagement", "space", "black on white"):
        assert text in finding.message_en


def test_refuse_if_scanned_image_only_pdf_raises_einvoice_error(image_only: bytes) -> None:
    with pytest.raises(EInvoiceError) as caught:
        refuse_if_scanned(read_pdf(image_only))

    assert caught.value.issue.rule_id == "PDF-SCANNED"


def test_scan_finding_full_page_image_with_text_layer_warns() -> None:
    document = read_pdf(image_only_pdf(with_text=OCR_TEXT))

    finding = scan_finding(document)

    assert finding is not None
    assert finding.rule_id == "PDF-IMAGE-PAGES" and finding.severity is Severity.WARNING


def test_extract_fields_ocr_like_pdf_is_scanned_but_read() -> None:
    extraction = extract_fields(image_only_pdf(with_text=OCR_TEXT))

    assert extraction.scanned is True and extraction.accepted
    assert extraction.fields.recipient_siret is not None
    assert extraction.fields.recipient_siret.value == "11000201100044"


def test_scan_finding_text_pdf_returns_none() -> None:
    assert scan_finding(read_pdf(raw_pdf([text_page(OCR_TEXT)]))) is None


def test_extract_fields_page_with_a_few_characters_refused_as_scanned() -> None:
    extraction = extract_fields(raw_pdf([text_page("Page 1/1")]))

    assert extraction.scanned and extraction.findings[0].rule_id == "PDF-SCANNED"
