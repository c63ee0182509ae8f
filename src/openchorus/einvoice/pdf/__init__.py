"""Text PDFs deposited as invoices: safe opening, scan detection and field recognition (INV-3).

`extract_fields(data)` is the whole pipeline: the PDF is opened with limits (`safe.py`), its
positioned text read (`text.py`), refused as scanned when it has no usable text layer (`scan.py`)
and its fields recognised (`recognise.py`). Unreadable files raise `EInvoiceError`; a scanned file
is a result with `scanned=True` and a fatal finding explaining the four golden rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openchorus.einvoice.errors import Issue, Severity
from openchorus.einvoice.pdf.proximity import Where
from openchorus.einvoice.pdf.recognise import FIELD_NAMES, Fields, Found, Recognition, recognise
from openchorus.einvoice.pdf.safe import DEFAULT_LIMITS, Limits, read_pdf
from openchorus.einvoice.pdf.scan import scan_finding
from openchorus.einvoice.pdf.text import TextDocument

__all__ = [
    "DEFAULT_LIMITS",
    "FIELD_NAMES",
    "Extraction",
    "Fields",
    "Found",
    "Limits",
    "Where",
    "extract_fields",
    "extract_from_text",
]


@dataclass(frozen=True, slots=True)
class Extraction:
    fields: Fields
    scanned: bool
    page_count: int
    findings: tuple[Issue, ...] = ()
    recognition: Recognition | None = field(default=None, compare=False, repr=False)

    @property
    def accepted(self) -> bool:
        """False when a fatal finding refuses the file (a scanned PDF)."""
        return not any(finding.severity is Severity.FATAL for finding in self.findings)


def extract_fields(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extraction:
    """Read a deposited PDF's text layer and recognise its invoice fields.

    Raises `EInvoiceError` for a file that cannot be read (too large, encrypted, malformed, ...).
    """
    return extract_from_text(read_pdf(data, limits))


def extract_from_text(document: TextDocument) -> Extraction:
    finding = scan_finding(document)
    pages = len(document.pages)
    if finding is not None and finding.severity is Severity.FATAL:
        return Extraction(fields=Fields(), scanned=True, page_count=pages, findings=(finding,))
    recognition = recognise(document)
    return Extraction(
        fields=recognition.fields,
        scanned=finding is not None,
        page_count=pages,
        findings=(finding,) if finding else (),
        recognition=recognition,
    )
