"""Opening untrusted PDFs with limits: every bad file is an `EInvoiceError` with a rule id."""

from __future__ import annotations

import io
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from openchorus.einvoice.errors import EInvoiceError, Severity
from openchorus.einvoice.pdf import DEFAULT_LIMITS, Limits, extract_fields
from openchorus.einvoice.pdf.safe import MIB, check_inflated_size, read_pdf
from tests.einvoice.pdf.pdf_builders import bomb_pdf, encrypted, raw_pdf, stream, text_page
from tests.einvoice.pdf.pdf_layouts import render_pdf

SAMPLE = raw_pdf(
    [text_page("Facture F-2026-001 du 12/03/2026 SIRET client 11000201100044 Total TTC 120,00 EUR")]
)


def refusal_of(data: bytes, limits: Limits = DEFAULT_LIMITS) -> EInvoiceError:
    with pytest.raises(EInvoiceError) as caught:
        read_pdf(data, limits)
    issue = caught.value.issue
    assert issue.severity is Severity.FATAL
    assert issue.message_fr and issue.message_en and issue.message_fr != issue.message_en
    return caught.value


def test_read_pdf_text_pdf_returns_positioned_words() -> None:
    document = read_pdf(SAMPLE)

    assert len(document.pages) == 1
    words = [word.text for word in document.pages[0].words]
    assert "F-2026-001" in words
    first = document.pages[0].words[0]
    assert first.page == 1 and 0 <= first.x0 < first.x1 and 0 <= first.top < first.bottom


def test_read_pdf_in_process_gives_same_text_as_isolated() -> None:
    assert read_pdf(SAMPLE, Limits(isolated=False)) == read_pdf(SAMPLE)


def test_read_pdf_oversize_file_refused_before_parsing() -> None:
    error = refusal_of(SAMPLE + b" " * 2048, Limits(max_bytes=len(SAMPLE)))

    assert error.issue.rule_id == "PDF-TOO-LARGE"
    assert "taille maximale" in error.issue.message_fr


def test_read_pdf_not_a_pdf_refused_as_malformed() -> None:
    assert refusal_of(b"<Invoice>not a pdf</Invoice>%%EOF").issue.rule_id == "PDF-MALFORMED"


def test_read_pdf_truncated_file_refused_as_malformed() -> None:
    error = refusal_of(SAMPLE[: len(SAMPLE) // 2])

    assert error.issue.rule_id == "PDF-MALFORMED"
    assert "tronqué" in error.issue.message_fr and "truncated" in error.issue.message_en


def test_read_pdf_garbage_body_refused_as_malformed() -> None:
    data = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"

    assert refusal_of(data).issue.rule_id == "PDF-MALFORMED"


@pytest.mark.parametrize("user_password", ["", "secret"])
def test_read_pdf_encrypted_file_refused(user_password: str) -> None:
    error = refusal_of(encrypted(SAMPLE, user_password=user_password))

    assert error.issue.rule_id == "PDF-ENCRYPTED"
    assert "mot de passe" in error.issue.message_fr


def test_read_pdf_too_many_pages_refused() -> None:
    writer = PdfWriter()
    for _ in range(6):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)

    assert refusal_of(out.getvalue(), Limits(max_pages=5)).issue.rule_id == "PDF-TOO-MANY-PAGES"


@pytest.mark.parametrize(
    "deflated",
    [
        zlib.compress(b"BT ET " * 1000)[:40],  # truncated zlib data
        zlib.compress(b"BT ET " * 1000) + b"trailing bytes",  # data after the end of the zlib stream
        b"x\x9c" + bytes(range(256)),  # a zlib header followed by garbage
    ],
)
def test_check_inflated_size_odd_streams_pass_quickly(deflated: bytes) -> None:
    check_inflated_size(raw_pdf([stream(deflated, flate=True)]), DEFAULT_LIMITS)


def test_check_inflated_size_counts_every_stream_of_the_file() -> None:
    page = stream(zlib.compress(b" " * MIB), flate=True)

    check_inflated_size(raw_pdf([page] * 3), Limits(max_inflated_bytes=3 * MIB))
    with pytest.raises(EInvoiceError) as caught:
        check_inflated_size(raw_pdf([page] * 4), Limits(max_inflated_bytes=3 * MIB))

    assert caught.value.issue.rule_id == "PDF-BOMB"


def test_read_pdf_decompression_bomb_refused_by_default_limits() -> None:
    data = bomb_pdf(260)  # 260 MiB of content inflated from about 250 KB

    assert len(data) < MIB
    error = refusal_of(data)

    assert error.issue.rule_id == "PDF-BOMB"


def test_read_pdf_bomb_under_inflate_cap_stopped_by_memory_cap() -> None:
    # With the inflate check out of the way, the parser's own inflation hits the memory cap.
    limits = Limits(max_inflated_bytes=1024 * MIB, memory_bytes=48 * MIB)

    assert refusal_of(bomb_pdf(260), limits).issue.rule_id == "PDF-MEMORY"


def test_read_pdf_slow_parse_stopped_by_timeout() -> None:
    error = refusal_of(SAMPLE, Limits(timeout_seconds=0.001))

    assert error.issue.rule_id == "PDF-TIMEOUT"


def test_extract_fields_unreadable_file_raises_einvoice_error() -> None:
    with pytest.raises(EInvoiceError):
        extract_fields(b"%PDF-1.4\ntruncated")


FUZZ_LIMITS = Limits(timeout_seconds=5.0, memory_bytes=256 * MIB)
# A PDF as real producers write it: compressed content, embedded font subsets, images.
PRODUCED = render_pdf(
    "<html><body><h1>Facture n° F-2026-0042</h1><p>SIRET client : 11000201100044</p>"
    "<p>Total TTC : 1 200,00 €</p></body></html>"
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
@given(
    sample=st.sampled_from([SAMPLE, PRODUCED]),
    edits=st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=1.0), st.binary(min_size=0, max_size=8)),
        min_size=1,
        max_size=6,
    ),
    cut=st.sampled_from([0, 0, 0, 7, 40]),
)
def test_extract_fields_mutated_pdf_gives_result_or_einvoice_error(
    sample: bytes, edits: list[tuple[float, bytes]], cut: int
) -> None:
    data = bytearray(sample)
    body = len(data) - 16  # keep the header and, unless cut, the %%EOF marker
    for where, replacement in edits:
        position = 9 + int(where * (body - 9))
        data[position : position + len(replacement)] = replacement
    if cut:
        del data[-cut:]
    try:
        extraction = extract_fields(bytes(data), FUZZ_LIMITS)
    except EInvoiceError as error:
        assert error.issue.rule_id.startswith("PDF-")
        assert error.issue.message_fr and error.issue.message_en
    else:
        assert extraction.page_count >= 1


def test_read_pdf_from_multithreaded_process_reads_through_forkserver() -> None:
    # A threaded web worker must not fork itself: the read goes through the forkserver.
    with ThreadPoolExecutor(max_workers=1) as pool:
        threads_then, document = pool.submit(lambda: (threading.active_count(), read_pdf(SAMPLE))).result()

    assert threads_then > 1
    assert document == read_pdf(SAMPLE, Limits(isolated=False))
