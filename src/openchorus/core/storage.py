"""Content-addressed file storage shared by the platform: the same bytes are kept once, by SHA-256.

Files go through Django's default storage (a local folder by default, S3-compatible in production)
under `sha256/ab/cd/<hash>`. The content type recorded is the one read from the bytes themselves
(`sniff_content_type`), never the file name's extension nor what the browser claimed.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from openchorus.core.models import StoredFile

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
TIFF = "image/tiff"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
ZIP = "application/zip"
XML = "application/xml"
TEXT = "text/plain"
# Recognised so that they can be refused by name; no service accepts them.
HTML = "text/html"
SVG = "image/svg+xml"
EXECUTABLE = "application/x-executable"
SCRIPT = "text/x-shellscript"

EXTENSIONS = {
    PDF: "pdf", PNG: "png", JPEG: "jpg", GIF: "gif", TIFF: "tif", DOCX: "docx", XLSX: "xlsx",
    PPTX: "pptx", ODT: "odt", ODS: "ods", ODP: "odp", ZIP: "zip", XML: "xml", TEXT: "txt",
}  # fmt: skip

_OPEN_DOCUMENT = {ODT, ODS, ODP}
# Bytes looked at to recognise text, markup and XML; enough for any prolog or doctype.
_SNIFF_WINDOW = 8192
_MARKUP = re.compile(rb"<\s*(!doctype\s+html|html|head|body|script|iframe|object|embed)\b", re.IGNORECASE)
_SCRIPTING = re.compile(rb"<\s*(\w+:)?(script|iframe)\b", re.IGNORECASE)
_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


class StoredFileCorruptedError(Exception):
    """The bytes read back no longer match their SHA-256: the stored copy was altered or lost."""


def stored_file_path(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def read_capped(source: bytes | IO[bytes], *, limit: int) -> bytes | None:
    """The bytes of an upload, or None when it is larger than `limit`.

    The size is checked before anything is read when the upload declares it (Django's uploaded
    files do), and never more than `limit + 1` bytes are read otherwise.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return None if len(source) > limit else bytes(source)
    declared = getattr(source, "size", None)
    if declared is not None and declared > limit:
        return None
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(limit + 1)
    return None if len(data) > limit else data


def stored_file_put(*, data: bytes, content_type: str) -> StoredFile:
    """Keep `data` once: a second put of the same bytes returns the existing record."""
    digest = hashlib.sha256(data).hexdigest()
    existing = StoredFile.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    stored = _stored_new(data, digest, content_type)
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError:
        return StoredFile.objects.get(sha256=digest)
    return stored


def _stored_new(data: bytes, digest: str, content_type: str) -> StoredFile:
    """The bytes written to the storage (once) and their record, not saved yet."""
    name = stored_file_path(digest)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:
            # Another process wrote the same bytes meanwhile; the storage renamed ours: drop it.
            default_storage.delete(saved)
    stored = StoredFile(sha256=digest, size=len(data), content_type=content_type)
    stored.file.name = name
    return stored


def stored_files_put(files: list[tuple[bytes, str]]) -> dict[str, StoredFile]:
    """`stored_file_put` for many (data, content type) at once, by SHA-256: the records that exist
    read in one query, the others inserted in one statement (one inserted meanwhile by another
    process is kept: the insert skips it and the records are read again)."""
    wanted = {hashlib.sha256(data).hexdigest(): (data, content_type) for data, content_type in files}
    found = {stored.sha256: stored for stored in StoredFile.objects.filter(sha256__in=list(wanted))}
    new = [
        _stored_new(data, digest, content_type)
        for digest, (data, content_type) in wanted.items()
        if digest not in found
    ]
    if new:
        StoredFile.objects.bulk_create(new, ignore_conflicts=True)
        found.update(
            (stored.sha256, stored)
            for stored in StoredFile.objects.filter(sha256__in=[stored.sha256 for stored in new])
        )
    return found


def stored_file_read(stored: StoredFile) -> bytes:
    """The stored bytes, checked against their SHA-256 (evidence must not change silently)."""
    with default_storage.open(stored.file.name, "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise StoredFileCorruptedError(f"stored file {stored.sha256} does not match its hash")
    return data


def _sniff_zip(data: bytes) -> str | None:
    """Office documents are ZIP archives; their inner names tell which kind."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    with archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            # OpenDocument: the first entry, stored uncompressed, holds the media type.
            with archive.open("mimetype") as entry:
                declared = entry.read(100).decode("ascii", "replace").strip()
            if declared in _OPEN_DOCUMENT:
                return declared
        if "[Content_Types].xml" in names:
            prefixes = {name.split("/", 1)[0] for name in names}
            if "word" in prefixes:
                return DOCX
            if "xl" in prefixes:
                return XLSX
            if "ppt" in prefixes:
                return PPTX
        return ZIP


def _sniff_markup(head: bytes) -> str | None:
    """XML, or HTML/SVG dressed as anything else (browsers would run their scripts)."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text.startswith(b"<"):
        return HTML if _MARKUP.search(head[:1024]) else None
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->", b"", text, flags=re.DOTALL).lstrip()
    if re.match(rb"<!doctype\s+html", body, re.IGNORECASE):
        return HTML
    body = re.sub(rb"<!DOCTYPE[^>]*>", b"", body, flags=re.IGNORECASE).lstrip()
    root = _XML_ROOT.match(body)
    if root is None:
        return HTML if _MARKUP.search(text) else None
    name = root.group(1).split(b":")[-1].lower()
    if name == b"svg":
        return SVG
    if name == b"html" or _SCRIPTING.search(text):
        return HTML
    return XML


def sniff_content_type(data: bytes) -> str | None:
    """The type of a file read from its first bytes (magic numbers), or None if unrecognised."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data)
    if data.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")):
        return EXECUTABLE
    if data.startswith(b"#!"):
        return SCRIPT
    head = data[:_SNIFF_WINDOW]
    if not head:
        return None
    markup = _sniff_markup(head)
    if markup is not None:
        return markup
    if _CONTROL_BYTES.search(head):
        return None
    return TEXT
