"""Test data for bank details, attachments and billing mandates: real files, real bank numbers."""

from __future__ import annotations

import base64
import io
import zipfile

from openchorus.structures.models import BankAccount, Structure
from openchorus.structures.services import bank
from tests.structures.factories import MembershipFactory, StructureFactory

# A 1×1 PNG and a minimal one-page PDF: recognised by their magic bytes like any real file.
PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# A Windows executable header and an HTML page with a script, both to be renamed .pdf.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML_BYTES = (
    b"<!DOCTYPE html>\n<html><body><script>document.location='https://evil.example'</script></body></html>"
)

# Real, checksum-valid bank details (the published examples of each country's IBAN format).
IBAN_FR = "FR7630006000011234567890189"
IBAN_DE = "DE89370400440532013000"
IBAN_BE = "BE68539007547034"
BIC_FR = "AGRIFRPP"
BIC_DE = "DEUTDEFF500"
RIB = {"bank_code": "30006", "branch_code": "00001", "account_number": "12345678901", "rib_key": "89"}


def office_zip(kind: str) -> bytes:
    """A minimal DOCX / XLSX / ODT archive: what the sniffer reads are the inner names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            folder = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[kind]
            archive.writestr(folder, "<document/>")
    return buffer.getvalue()


def managed_structure(**structure_fields) -> tuple[Structure, object]:
    """A structure and its primary manager."""
    structure = StructureFactory(**structure_fields)
    manager = MembershipFactory(structure=structure, primary=True).user
    return structure, manager


def iban_account(structure: Structure, manager, **overrides) -> BankAccount:
    values = {
        "name": "Compte courant",
        "kind": "IBAN",
        "country": "FR",
        "iban": IBAN_FR,
        "bic": BIC_FR,
        "document_data": PDF_BYTES,
        "document_name": "rib.pdf",
        **overrides,
    }
    return bank.bank_account_create(actor=manager, structure=structure, **values)
