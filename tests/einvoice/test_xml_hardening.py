"""The hardened XML parser refuses what could hurt, with a clear bilingual message."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from openchorus.einvoice import read
from openchorus.einvoice.errors import EInvoiceError
from openchorus.einvoice.xml import location_of, parse_xml

_BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Invoice>&lol3;</Invoice>"""


def _refused(data: bytes, **limits: int) -> EInvoiceError:
    with pytest.raises(EInvoiceError) as caught:
        parse_xml(data, **limits)
    issue = caught.value.issue
    assert issue.message_fr and issue.message_en and issue.message_fr != issue.message_en
    return caught.value


def test_xml_hardening_billion_laughs_refused_as_doctype() -> None:
    assert _refused(_BILLION_LAUGHS).issue.rule_id == "XML-DOCTYPE"


def test_xml_hardening_external_entity_refused_and_file_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]><Invoice>&xxe;</Invoice>'
    ).encode()
    error = _refused(data)
    assert error.issue.rule_id == "XML-DOCTYPE"
    assert "TOP-SECRET" not in error.issue.message_en


def test_xml_hardening_plain_doctype_refused() -> None:
    assert (
        _refused(b'<!DOCTYPE Invoice SYSTEM "http://example.org/x.dtd"><Invoice/>').issue.rule_id
        == "XML-DOCTYPE"
    )


def test_xml_hardening_utf16_doctype_refused() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'.encode("utf-16")
    assert _refused(data).issue.rule_id == "XML-DOCTYPE"


def test_xml_hardening_parameter_entity_refused() -> None:
    data = b'<!DOCTYPE a [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]><a/>'
    assert _refused(data).issue.rule_id == "XML-DOCTYPE"


def test_xml_hardening_oversized_input_refused_before_parsing() -> None:
    error = _refused(b"<a>" + b"x" * 2000 + b"</a>", max_bytes=1000)
    assert error.issue.rule_id == "XML-SIZE"
    assert "1000" in error.issue.message_fr


def test_xml_hardening_deep_nesting_refused() -> None:
    data = b"<a>" * 80 + b"</a>" * 80
    assert _refused(data, max_depth=64).issue.rule_id == "XML-DEPTH"


def test_xml_hardening_nesting_at_limit_accepted() -> None:
    data = b"<a>" * 64 + b"</a>" * 64
    assert parse_xml(data, max_depth=64).tag == "a"


def test_xml_hardening_malformed_refused_with_line() -> None:
    error = _refused(b"<a>\n<b>\n</a>")
    assert error.issue.rule_id == "XML-PARSE"
    assert "line" in error.issue.location


@pytest.mark.parametrize("data", [b"", b"   \n"])
def test_xml_hardening_empty_refused(data: bytes) -> None:
    assert _refused(data).issue.rule_id == "XML-EMPTY"


def test_xml_hardening_not_bytes_refused() -> None:
    with pytest.raises(EInvoiceError) as caught:
        parse_xml("<a/>")  # type: ignore[arg-type]
    assert caught.value.issue.rule_id == "XML-TYPE"


def test_xml_hardening_xinclude_not_processed() -> None:
    data = (
        b'<a xmlns:xi="http://www.w3.org/2001/XInclude">'
        b'<xi:include href="file:///etc/passwd" parse="text"/></a>'
    )
    root = parse_xml(data)
    assert "root:" not in (root.xpath("string()") or "")


def test_xml_hardening_read_unknown_root_refused_clearly() -> None:
    with pytest.raises(EInvoiceError) as caught:
        read(b"<Order/>")
    assert caught.value.issue.rule_id == "SYNTAX-UNKNOWN"
    assert "UBL" in caught.value.issue.message_fr


def test_xml_hardening_parser_threads_parse_concurrently() -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for index in range(200):
                assert parse_xml(f"<a><b>{index}</b></a>".encode()).findtext("b") == str(index)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_xml_hardening_location_of_prefixed_path_with_positions() -> None:
    root = parse_xml(b'<r xmlns:c="urn:c"><c:x/><c:x><c:y/></c:x></r>')
    target = root[1][0]
    assert location_of(target) == "/r/c:x[2]/c:y"
