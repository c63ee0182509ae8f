"""The invoices a flow file holds: one invoice file, an XML holding several invoices, or a ZIP or
tar(.gz) archive of invoice files. Unpacking is capped (invoice count, size of each invoice, total
unpacked size) so that a bomb is refused before it fills memory; nothing is written to disk."""

from __future__ import annotations

import io
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from lxml import etree

from openchorus.einvoice.detect import NS_CII, NS_UBL_CREDIT_NOTE, NS_UBL_INVOICE
from openchorus.einvoice.errors import EInvoiceError
from openchorus.einvoice.xml import parse_xml

INVOICE_ROOTS = {
    (NS_UBL_INVOICE, "Invoice"),
    (NS_UBL_CREDIT_NOTE, "CreditNote"),
    (NS_CII, "CrossIndustryInvoice"),
}


class FlowContentError(Exception):
    """The flow cannot be read as invoices: the whole flow is rejected with this reason."""

    def __init__(self, code: str, message_fr: str, message_en: str):
        super().__init__(message_en)
        self.code, self.message_fr, self.message_en = code, message_fr, message_en


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    data: bytes


def _kind(data: bytes) -> str:
    if data[:2] == b"\x1f\x8b":
        return "tar.gz"
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if len(data) > 262 and data[257:262] == b"ustar":
        return "tar"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return "xml"


class _Budget:
    """What unpacking may still take: invoices and bytes."""

    def __init__(self) -> None:
        self.invoices = settings.OPENCHORUS_FLOW_MAX_INVOICES
        self.bytes = settings.OPENCHORUS_FLOW_MAX_UNPACKED_BYTES
        self.member_bytes = settings.OPENCHORUS_INVOICE_FILE_MAX_BYTES

    def take(self, name: str, size: int) -> None:
        self.invoices -= 1
        self.bytes -= size
        if self.invoices < 0:
            limit = settings.OPENCHORUS_FLOW_MAX_INVOICES
            raise FlowContentError(
                "FLUX-NOMBRE",
                f"Le flux contient plus de {limit} factures.",
                f"The flow holds more than {limit} invoices.",
            )
        if self.bytes < 0:
            limit = settings.OPENCHORUS_FLOW_MAX_UNPACKED_BYTES // (1024 * 1024)
            raise FlowContentError(
                "FLUX-DECOMPRESSE",
                f"Le contenu décompressé du flux dépasse {limit} Mo.",
                f"The flow's unpacked content is over {limit} MB.",
            )
        if size > self.member_bytes:
            limit = self.member_bytes // (1024 * 1024)
            raise FlowContentError(
                "FLUX-FACTURE-TAILLE",
                f"La facture « {name} » du flux dépasse {limit} Mo.",
                f'The invoice "{name}" of the flow is over {limit} MB.',
            )


def _skipped(name: str) -> bool:
    """Directories' leftovers of archivers (macOS resource forks, hidden files)."""
    path = PurePosixPath(name)
    return any(part.startswith(".") or part == "__MACOSX" for part in path.parts)


def _zip_members(data: bytes, budget: _Budget) -> Iterator[Member]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir() and not _skipped(info.filename)]
    except (zipfile.BadZipFile, ValueError, NotImplementedError) as error:
        raise FlowContentError(
            "FLUX-ARCHIVE", "L'archive ZIP du flux est illisible.", "The flow's ZIP archive cannot be read."
        ) from error
    for info in sorted(infos, key=lambda i: i.filename):
        budget.take(info.filename, info.file_size)
        try:
            with archive.open(info) as handle:
                content = handle.read(info.file_size + 1)  # never more than it declared
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as error:
            raise FlowContentError(
                "FLUX-ARCHIVE",
                f"Le fichier « {info.filename} » de l'archive est illisible (chiffré ou endommagé).",
                f'The file "{info.filename}" of the archive cannot be read (encrypted or damaged).',
            ) from error
        if len(content) != info.file_size:
            raise FlowContentError(
                "FLUX-ARCHIVE",
                f"Le fichier « {info.filename} » de l'archive ne fait pas la taille annoncée.",
                f'The file "{info.filename}" of the archive is not the size it declares.',
            )
        yield Member(info.filename, content)


def _tar_members(data: bytes, budget: _Budget) -> Iterator[Member]:
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")  # noqa: SIM115 - closed below
    except (tarfile.TarError, EOFError, OSError) as error:
        raise FlowContentError(
            "FLUX-ARCHIVE", "L'archive tar du flux est illisible.", "The flow's tar archive cannot be read."
        ) from error
    with archive:
        try:
            for info in archive:  # streamed: the archive is read once, member after member
                if not info.isfile() or _skipped(info.name):
                    continue
                budget.take(info.name, info.size)
                handle = archive.extractfile(info)
                if handle is not None:
                    yield Member(info.name, handle.read())
        except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
            raise FlowContentError(
                "FLUX-ARCHIVE",
                "L'archive tar du flux est tronquée ou endommagée.",
                "The flow's tar archive is truncated or damaged.",
            ) from error


def _xml_members(data: bytes, name: str, budget: _Budget) -> Iterator[Member]:
    """One invoice, or a wrapper element whose children are invoices (one flow, many invoices)."""
    try:
        root = parse_xml(data, max_bytes=settings.OPENCHORUS_FLOW_MAX_BYTES)
    except EInvoiceError as error:
        raise FlowContentError("FLUX-XML", error.issue.message_fr, error.issue.message_en) from error
    if _qname(root) in INVOICE_ROOTS:
        budget.take(name, len(data))
        yield Member(name, data)
        return
    children = [child for child in root if isinstance(child.tag, str)]
    invoices = [child for child in children if _qname(child) in INVOICE_ROOTS]
    if not invoices or len(invoices) != len(children):
        raise FlowContentError(
            "FLUX-CONTENU",
            "Le flux ne contient pas de facture UBL ou CII (ni seule, ni regroupées sous un même élément).",
            "The flow holds no UBL or CII invoice (neither alone nor grouped under one element).",
        )
    stem = PurePosixPath(name).stem
    for index, invoice in enumerate(invoices, start=1):
        content = etree.tostring(invoice, xml_declaration=True, encoding="UTF-8")
        member = f"{stem}#{index}.xml"
        budget.take(member, len(content))
        yield Member(member, content)


def _qname(element: etree._Element) -> tuple[str, str]:
    qname = etree.QName(element)
    return (qname.namespace or "", qname.localname)


def unpack(data: bytes, filename: str) -> Iterator[Member]:
    """The invoice files of a flow, in their order; raises FlowContentError for what is not one."""
    budget = _Budget()
    kind = _kind(data)
    if kind == "zip":
        members: Iterator[Member] = _zip_members(data, budget)
    elif kind in ("tar", "tar.gz"):
        members = _tar_members(data, budget)
    elif kind == "pdf":
        budget.take(filename, len(data))
        members = iter([Member(filename, data)])
    elif data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"<":
        raise FlowContentError(
            "FLUX-FORMAT",
            f"Le fichier « {filename} » n'est ni une facture XML, ni un PDF, ni une archive ZIP ou tar.gz.",
            f'The file "{filename}" is neither an XML invoice, nor a PDF, nor a ZIP or tar.gz archive.',
        )
    else:
        members = _xml_members(data, filename, budget)
    empty = True
    for member in members:
        empty = False
        yield member
    if empty:
        raise FlowContentError(
            "FLUX-VIDE", "Le flux ne contient aucune facture.", "The flow holds no invoice."
        )
