"""Format detection from bytes: syntax and profile, never an exception for odd input."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfWriter

from openchorus.einvoice import Profile, Syntax, detect, write

from ._samples import full_invoice


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("relative", "syntax", "profile"),
    [
        ("cen-en16931/ubl/examples/ubl-tc434-example1.xml", Syntax.UBL_INVOICE, Profile.EN16931),
        ("cen-en16931/ubl/examples/ubl-tc434-creditnote1.xml", Syntax.UBL_CREDIT_NOTE, Profile.EN16931),
        ("cen-en16931/cii/examples/CII_example1.xml", Syntax.CII, Profile.EN16931),
        (
            "xrechnung-testsuite/business-cases/standard/01.01a-INVOICE_uncefact.xml",
            Syntax.CII,
            Profile.XRECHNUNG,
        ),
        ("mustangproject/library-test-resources/facturFrMinimum.xml", Syntax.CII, Profile.MINIMUM),
        ("mustangproject/validator-test-resources/validV1.xml", Syntax.ZUGFERD_1, None),
        (
            "zugferd-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_FR_BASICWL.pdf",
            Syntax.FACTURX,
            Profile.BASIC_WL,
        ),
        (
            "zugferd-corpus/ZUGFeRDv2/correct/intarsys/EXTENDED/zugferd_2p0_EXTENDED_Warenrechnung.pdf",
            Syntax.FACTURX,
            Profile.EXTENDED,
        ),
        ("zugferd-corpus/XML-Rechnung/FX/EN16931_Einfach.pdf", Syntax.FACTURX, Profile.EN16931),
    ],
)
def test_detect_corpus_file_syntax_and_profile_recognised(
    corpus: Callable[[str], Path], relative: str, syntax: Syntax, profile: Profile | None
) -> None:
    found = detect(corpus(relative).read_bytes())
    assert found.syntax == syntax
    assert found.profile == profile


def test_detect_written_ubl_and_cii_recognised_with_customization_id() -> None:
    invoice = full_invoice()
    assert detect(write(invoice, "ubl")).syntax == Syntax.UBL_INVOICE
    found = detect(write(invoice, "cii"))
    assert (found.syntax, found.profile, found.customization_id) == (
        Syntax.CII,
        Profile.EN16931,
        "urn:cen.eu:en16931:2017",
    )


def test_detect_plain_pdf_recognised_as_pdf() -> None:
    assert detect(_blank_pdf()).syntax == Syntax.PDF


def test_detect_chorus_pro_pivot_root_recognised() -> None:
    assert detect(b"<CPPFacturePivot><Enveloppe/></CPPFacturePivot>").syntax == Syntax.CPP_PIVOT


def test_detect_other_xml_recognised_as_other_xml() -> None:
    assert detect(b'<Order xmlns="urn:example"/>').syntax == Syntax.XML_OTHER


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"\x00\x01\x02",
        b"<a>",
        b"%PDF-1.7\nnot really a pdf",
        b'<!DOCTYPE a [<!ENTITY b "c">]><a/>',
    ],
)
def test_detect_garbage_recognised_as_unknown_without_exception(data: bytes) -> None:
    assert detect(data).syntax == Syntax.UNKNOWN


def test_detect_factur_x_with_broken_xml_recognised_as_factur_x(corpus: Callable[[str], Path]) -> None:
    data = corpus("zugferd-corpus/ZUGFeRDv2/fail/Mustangproject/factur-x-invalid-xml-encoding-attribute.pdf")
    found = detect(data.read_bytes())
    assert found.syntax == Syntax.FACTURX
    assert found.profile is None


def test_corpus_fixture_missing_corpus_fails_in_ci_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from . import conftest

    monkeypatch.setattr(conftest, "CORPUS", tmp_path / "absent")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        conftest.corpus_dir()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        conftest.corpus_dir()
    assert conftest.corpus_params("*.xml") == ["<corpus missing>"]
