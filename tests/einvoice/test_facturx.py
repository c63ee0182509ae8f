"""Factur-X: reading the CII out of PDF/A-3 files, writing a legible French PDF/A-3b with it."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from openchorus.einvoice import Profile, Syntax, read, write, xsd
from openchorus.einvoice.commands.convert import run
from openchorus.einvoice.errors import EInvoiceError
from openchorus.einvoice.model import CUSTOMIZATION_IDS, Invoice
from openchorus.einvoice.syntaxes import facturx
from openchorus.einvoice.xml import parse_xml

from ._samples import full_invoice
from .conftest import corpus_dir, corpus_params

FACTURX_EN16931 = (
    "zugferd-corpus/XML-Rechnung/FX/EN16931_*.pdf",
    "zugferd-corpus/ZUGFeRDv2/correct/Mustangproject/*.pdf",
    "zugferd-corpus/ZUGFeRDv2/correct/PHP_@gpFacturX/*.pdf",
)


@pytest.fixture(scope="module")
def written() -> tuple[Invoice, bytes]:
    invoice = full_invoice(lines=3)
    return invoice, write(invoice, "facturx")


def test_facturx_written_pdf_read_back_equal(written: tuple[Invoice, bytes]) -> None:
    invoice, pdf = written
    result = read(pdf)
    assert result.syntax == Syntax.FACTURX
    assert result.profile == Profile.EN16931
    assert result.invoice == invoice
    assert result.facturx is not None
    assert result.facturx.attachment_name == "factur-x.xml"
    assert result.facturx.xmp_conformance_level == "EN 16931"
    assert result.facturx.af_relationship == "Data"


def test_facturx_written_pdf_is_pdfa3_with_valid_embedded_cii(written: tuple[Invoice, bytes]) -> None:
    _invoice, pdf = written
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp or b'pdfaid:part="3"' in xmp
    assert b"urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in xmp
    assert "/AF" in reader.trailer["/Root"]
    assert xsd.validate(parse_xml(read(pdf).xml)) == []


def test_facturx_written_pdf_shows_french_mandatory_mentions(written: tuple[Invoice, bytes]) -> None:
    _invoice, pdf = written
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    for mention in (
        "Facture n° FA-2026-0001",
        "Date d'émission : 03/02/2026",
        "Échéance : 05/03/2026",
        "Fournitures Durand SAS",
        "732829320 (SIREN)",
        "N° TVA intracommunautaire : FR44732829320",
        "SAS au capital de 10 000 €",
        "Commune de Saint-Exemple",
        "Bon de commande",
        "EJ-1000123456",
        "Date de livraison",
        "Article 1",
        "Prix unitaire HT",
        "Récapitulatif de la TVA",
        "Total HT",
        "Total TTC",
        "Net à payer",
        "Indemnité forfaitaire pour frais de recouvrement : 40 €",
        "Pénalités de retard",
        "FR7630006000011234567890189",
        "Exonération, article 261 du CGI",
    ):
        assert mention in text, mention


def test_facturx_non_facturx_customization_written_as_en16931() -> None:
    invoice = replace(
        full_invoice(lines=1),
        customization_id="urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
    )
    result = read(write(invoice, "facturx"))
    assert result.invoice.customization_id == CUSTOMIZATION_IDS[Profile.EN16931]
    assert result.invoice == replace(invoice, customization_id=CUSTOMIZATION_IDS[Profile.EN16931])


def test_facturx_credit_note_written_titled_avoir() -> None:
    pdf = write(full_invoice(lines=1, type_code="381"), "facturx")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert "Avoir n° FA-2026-0001" in (document.pages[0].extract_text() or "")
    assert read(pdf).invoice.type_code == "381"


@pytest.mark.parametrize(
    ("relative", "profile", "level"),
    [
        (
            "zugferd-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_FR_MINIMUM.pdf",
            Profile.MINIMUM,
            "MINIMUM",
        ),
        (
            "zugferd-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_FR_BASICWL.pdf",
            Profile.BASIC_WL,
            "BASIC WL",
        ),
        (
            "zugferd-corpus/ZUGFeRDv2/correct/intarsys/BASIC/zugferd_2p0_BASIC_Einfach.pdf",
            Profile.BASIC,
            "BASIC",
        ),
        ("zugferd-corpus/XML-Rechnung/FX/EN16931_Einfach.pdf", Profile.EN16931, "EN 16931"),
        (
            "zugferd-corpus/ZUGFeRDv2/correct/intarsys/EXTENDED/zugferd_2p0_EXTENDED_Warenrechnung.pdf",
            Profile.EXTENDED,
            "EXTENDED",
        ),
        ("zugferd-corpus/XML-Rechnung/FX/XRECHNUNG_Einfach.pdf", Profile.XRECHNUNG, "XRECHNUNG"),
    ],
)
def test_facturx_corpus_profile_reported_with_xmp_level(
    corpus: Callable[[str], Path], relative: str, profile: Profile, level: str
) -> None:
    result = read(corpus(relative).read_bytes())
    assert result.profile == profile
    assert result.facturx is not None
    assert result.facturx.xmp_conformance_level == level


@pytest.mark.corpus
@pytest.mark.parametrize("relative", corpus_params(*FACTURX_EN16931))
def test_facturx_corpus_en16931_sample_read_as_its_embedded_cii(
    corpus: Callable[[str], Path], relative: str
) -> None:
    result = read(corpus(relative).read_bytes())
    assert result.syntax == Syntax.FACTURX
    assert result.issues == ()
    assert result.invoice.lines
    assert read(result.xml).invoice == result.invoice
    assert read(write(result.invoice, "cii")).invoice == result.invoice


def test_facturx_plain_pdf_refused_as_without_xml() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(EInvoiceError) as caught:
        read(out.getvalue())
    assert caught.value.issue.rule_id == "PDF-NO-XML"
    assert caught.value.issue.fix_fr


def test_facturx_broken_embedded_xml_refused_as_parse_error(corpus: Callable[[str], Path]) -> None:
    data = corpus("zugferd-corpus/ZUGFeRDv2/fail/Mustangproject/factur-x-invalid-xml-encoding-attribute.pdf")
    with pytest.raises(EInvoiceError) as caught:
        read(data.read_bytes())
    assert caught.value.issue.rule_id == "XML-PARSE"


def test_facturx_oversized_pdf_refused_before_opening(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facturx, "MAX_PDF_BYTES", 1000)
    with pytest.raises(EInvoiceError) as caught:
        facturx.extract_xml(b"%PDF-1.7\n" + b"0" * 2000)
    assert caught.value.issue.rule_id == "PDF-SIZE"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.data())
def test_facturx_mutated_pdf_only_einvoice_errors(data: st.DataObject) -> None:
    source = bytearray((corpus_dir() / "zugferd-corpus/XML-Rechnung/FX/EN16931_Einfach.pdf").read_bytes())
    for _ in range(data.draw(st.integers(min_value=1, max_value=20))):
        position = data.draw(st.integers(min_value=0, max_value=len(source) - 1))
        source[position] = data.draw(st.integers(min_value=0, max_value=255))
    try:
        read(bytes(source))
    except EInvoiceError as error:
        assert error.issue.message_fr


def test_convert_ubl_to_facturx_written_next_to_source(
    corpus: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "facture.xml"
    source.write_bytes(corpus("cen-en16931/ubl/examples/ubl-tc434-example1.xml").read_bytes())
    assert run([str(source), "--to", "facturx"]) == 0
    target = tmp_path / "facture.pdf"
    assert capsys.readouterr().out.strip() == str(target)
    assert read(target.read_bytes()).invoice.number == "12115118"


def test_convert_cii_to_ubl_output_option_honoured(corpus: Callable[[str], Path], tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    source = corpus("cen-en16931/cii/examples/CII_example2.xml")
    assert run([str(source), "--to", "ubl", "-o", str(out)]) == 0
    assert read(out.read_bytes()).invoice == read(source.read_bytes()).invoice


def test_convert_unreadable_file_exit_2_with_bilingual_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.xml"
    source.write_bytes(b"<Invoice><unclosed></Invoice>")
    assert run([str(source), "--to", "cii"]) == 2
    err = capsys.readouterr().err
    assert "XML bien formé" in err and "well-formed XML" in err
    assert not (tmp_path / "bad.cii.xml").exists()


def test_convert_missing_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(tmp_path / "absent.xml"), "--to", "ubl"]) == 2
    assert "impossible de lire" in capsys.readouterr().err


def test_convert_bad_arguments_exit_2_help_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["x.xml", "--to", "pdf"]) == 2
    assert run(["--help"]) == 0
    assert "--to" in capsys.readouterr().out
