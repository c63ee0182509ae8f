"""Fuzzing the readers: any input gives a result or an `EInvoiceError`, never another exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openchorus.einvoice import detect, read, write
from openchorus.einvoice.errors import EInvoiceError

from ._samples import full_invoice
from .conftest import corpus_dir

_UBL = write(full_invoice(lines=1), "ubl")
_CII = write(full_invoice(lines=1), "cii")
_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_safely(data: bytes) -> None:
    try:
        read(data)
    except EInvoiceError as error:
        assert error.issue.message_fr and error.issue.message_en
    detect(data)


@st.composite
def _mutations(draw: st.DrawFn, source: bytes) -> bytes:
    data = bytearray(source)
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        kind = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        position = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[position] = draw(st.integers(min_value=0, max_value=255))
        elif kind == "delete":
            del data[position : position + draw(st.integers(min_value=1, max_value=40))]
        elif kind == "insert":
            data[position:position] = draw(
                st.sampled_from(
                    [b"<", b">", b"&", b"&amp;", b"<x>", b"</x>", b"]]>", b"\x00", b"\xff\xfe", b"-1e9999"]
                )
            )
        else:
            del data[position:]
    return bytes(data)


@_SETTINGS
@given(_mutations(_UBL))
def test_fuzz_xml_mutated_ubl_only_einvoice_errors(data: bytes) -> None:
    _read_safely(data)


@_SETTINGS
@given(_mutations(_CII))
def test_fuzz_xml_mutated_cii_only_einvoice_errors(data: bytes) -> None:
    _read_safely(data)


@_SETTINGS
@given(st.binary(max_size=300))
def test_fuzz_xml_random_bytes_only_einvoice_errors(data: bytes) -> None:
    _read_safely(data)


_VALUES = st.text(max_size=12) | st.sampled_from(
    ["", "-", "1e5", "NaN", "Infinity", "20260230", "2026-13-01", "１２"]
)


@_SETTINGS
@given(st.lists(_VALUES, min_size=1, max_size=30))
def test_fuzz_xml_odd_values_in_every_ubl_field_only_einvoice_errors(values: list[str]) -> None:
    from lxml import etree

    from openchorus.einvoice.xml import parse_xml

    root = parse_xml(_UBL)
    leaves = [element for element in root.iter() if isinstance(element.tag, str) and len(element) == 0]
    for index, value in enumerate(values):
        target = leaves[(index * 7919) % len(leaves)]
        try:
            target.text = value
        except ValueError:
            continue  # characters XML cannot hold
    _read_safely(etree.tostring(root))


@_SETTINGS
@given(st.lists(_VALUES, min_size=1, max_size=30))
def test_fuzz_xml_odd_values_in_every_cii_field_only_einvoice_errors(values: list[str]) -> None:
    from lxml import etree

    from openchorus.einvoice.xml import parse_xml

    root = parse_xml(_CII)
    leaves = [element for element in root.iter() if isinstance(element.tag, str) and len(element) == 0]
    for index, value in enumerate(values):
        target = leaves[(index * 7919) % len(leaves)]
        try:
            target.text = value
        except ValueError:
            continue
    _read_safely(etree.tostring(root))


@pytest.mark.corpus
def test_fuzz_xml_every_corpus_file_read_or_refused_cleanly() -> None:
    root = corpus_dir()
    counts = {"read": 0, "refused": 0}
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in (".xml", ".pdf") or not path.is_file():
            continue
        try:
            read(path.read_bytes())
            counts["read"] += 1
        except EInvoiceError as error:
            assert error.issue.rule_id and error.issue.message_fr and error.issue.message_en, path
            counts["refused"] += 1
    assert counts["read"] > 300, counts


@pytest.mark.corpus
def test_fuzz_xml_cen_unit_test_documents_read_or_refused_cleanly() -> None:
    from lxml import etree

    from openchorus.einvoice.xml import parse_xml

    vefa = "{http://difi.no/xsd/vefa/validator/1.0}"
    documents = 0
    for path in sorted((corpus_dir() / "cen-en16931" / "test").rglob("*.xml")):
        test_set = parse_xml(path.read_bytes())
        if test_set.tag != f"{vefa}testSet":
            continue
        for test in test_set.iter(f"{vefa}test"):
            for document in test:
                if not isinstance(document.tag, str) or document.tag.startswith(vefa):
                    continue
                documents += 1
                try:
                    read(etree.tostring(document))
                except EInvoiceError as error:
                    assert error.issue.message_fr, path
    assert documents > 1000
