"""core/storage.py: content addressing, integrity on read, and type sniffing from the bytes alone."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from openchorus.core import storage
from openchorus.core.models import StoredFile
from tests.structures.factories_documents import EXE_BYTES, HTML_BYTES, PDF_BYTES, PNG_BYTES, office_zip


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.mark.django_db
def test_stored_file_put_new_bytes_kept_under_their_hash():
    stored = storage.stored_file_put(data=PDF_BYTES, content_type=storage.PDF)
    digest = hashlib.sha256(PDF_BYTES).hexdigest()
    assert stored.sha256 == digest
    assert stored.size == len(PDF_BYTES)
    assert stored.file.name == f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"
    assert default_storage.exists(stored.file.name)
    assert storage.stored_file_read(stored) == PDF_BYTES


@pytest.mark.django_db
def test_stored_file_put_same_bytes_twice_stored_once():
    first = storage.stored_file_put(data=PNG_BYTES, content_type=storage.PNG)
    second = storage.stored_file_put(data=PNG_BYTES, content_type=storage.PNG)
    assert first.pk == second.pk
    assert StoredFile.objects.count() == 1
    assert len(list(Path(default_storage.path(first.file.name)).parent.iterdir())) == 1


@pytest.mark.django_db
def test_stored_file_read_altered_bytes_refused():
    stored = storage.stored_file_put(data=PDF_BYTES, content_type=storage.PDF)
    Path(default_storage.path(stored.file.name)).write_bytes(PDF_BYTES + b"tampered")
    with pytest.raises(storage.StoredFileCorruptedError):
        storage.stored_file_read(stored)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF_BYTES, storage.PDF),
        (PNG_BYTES, storage.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", storage.JPEG),
        (b"GIF89a\x01\x00\x01\x00", storage.GIF),
        (b"II*\x00\x08\x00\x00\x00", storage.TIFF),
        (b"MM\x00*\x00\x00\x00\x08", storage.TIFF),
        (office_zip("docx"), storage.DOCX),
        (office_zip("xlsx"), storage.XLSX),
        (office_zip("odt"), storage.ODT),
        (b'<?xml version="1.0"?>\n<Invoice xmlns="urn:oasis"/>', storage.XML),
        (b"\xef\xbb\xbf<ubl:Invoice xmlns:ubl='urn:x'/>", storage.XML),
        ("Facture n° 12, réglée le 3 mars.\r\n".encode(), storage.TEXT),
        (b"numero;montant\n1;12,50\n", storage.TEXT),
        (EXE_BYTES, storage.EXECUTABLE),
        (b"\x7fELF\x02\x01\x01\x00", storage.EXECUTABLE),
        (b"#!/bin/sh\nrm -rf /\n", storage.SCRIPT),
        (HTML_BYTES, storage.HTML),
        (b"  <html><body>hi</body></html>", storage.HTML),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', storage.SVG),
        (b'<?xml version="1.0"?><!DOCTYPE html><html/>', storage.HTML),
        (b"Bonjour <script>alert(1)</script>", storage.HTML),
        (b"\x00\x01\x02binary\x03", None),
        (b"PK\x03\x04not really a zip", None),
        (b"", None),
    ],
)
def test_sniff_content_type_known_bytes_recognised(data, expected):
    assert storage.sniff_content_type(data) == expected


def test_sniff_content_type_plain_zip_without_office_names_is_zip():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("factures/2026-001.pdf", PDF_BYTES)
    assert storage.sniff_content_type(buffer.getvalue()) == storage.ZIP


def test_read_capped_declared_size_over_limit_reads_nothing():
    class Upload:
        size = 11
        read_calls = 0

        def read(self, n=-1):
            self.read_calls += 1
            return b"x" * 11

    upload = Upload()
    assert storage.read_capped(upload, limit=10) is None
    assert upload.read_calls == 0


def test_read_capped_stream_reads_at_most_limit_plus_one():
    class Stream:
        asked: list[int] = []

        def read(self, n=-1):
            self.asked.append(n)
            return b"y" * n

    stream = Stream()
    assert storage.read_capped(stream, limit=10) is None
    assert stream.asked == [11]
