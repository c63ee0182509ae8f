"""OpenChorus e-invoice library: the EN 16931 model and its syntaxes, free of Django.

Public API:

- ``detect(data) -> Detection``: which syntax (UBL Invoice/CreditNote, CII, Factur-X PDF, plain
  PDF, ZUGFeRD 1.0, Chorus Pro pivot, other XML, unknown) and which profile (from BT-24);
- ``read(data) -> ReadResult``: the invoice in the model (`model.Invoice`), its syntax and
  profile, the source location of each business term (``result.location("lines[0].quantity")``),
  the XML itself, and for Factur-X what the PDF container says; an unreadable file raises
  `EInvoiceError` whose ``issue`` carries the French and English message;
- ``write(invoice, syntax) -> bytes`` with syntax ``"ubl"``, ``"cii"`` or ``"facturx"`` (a PDF/A-3
  rendered from the invoice with the CII embedded, profile EN 16931).

Every input goes through the hardened parser of `xml.py` and the size caps of `MAX_FILE_BYTES`.
"""

from __future__ import annotations

from typing import Literal

from .detect import Detection, Syntax
from .detect import detect as _detect
from .errors import EInvoiceError, Issue, Severity, refusal
from .model import Invoice, Profile
from .syntaxes import ReadResult
from .xml import parse_xml

__all__ = [
    "MAX_FILE_BYTES",
    "Detection",
    "EInvoiceError",
    "Invoice",
    "Issue",
    "Profile",
    "ReadResult",
    "Severity",
    "Syntax",
    "WriteSyntax",
    "detect",
    "read",
    "write",
]

MAX_FILE_BYTES = 50 * 1024 * 1024  # whole files (PDF included); XML alone is capped in xml.py

WriteSyntax = Literal["ubl", "cii", "facturx"]


def _check_size(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise refusal(
            "FILE-SIZE",
            f"Le fichier fait {len(data)} octets, au-delà de la limite de {MAX_FILE_BYTES} octets.",
            f"The file is {len(data)} bytes, over the limit of {MAX_FILE_BYTES} bytes.",
        )


def detect(data: bytes) -> Detection:
    """Recognise the syntax and profile of a file."""
    _check_size(data)
    return _detect(data)


def read(data: bytes) -> ReadResult:
    """Read an invoice file (UBL, CII or Factur-X PDF) into the EN 16931 model."""
    _check_size(data)
    data = bytes(data)
    if b"%PDF-" in data[:1024]:
        from .syntaxes import facturx

        return facturx.read(data)
    root = parse_xml(data)
    tag = str(root.tag)
    from .detect import NS_CII, NS_UBL_CREDIT_NOTE, NS_UBL_INVOICE, NS_ZUGFERD1

    if tag in (f"{{{NS_UBL_INVOICE}}}Invoice", f"{{{NS_UBL_CREDIT_NOTE}}}CreditNote"):
        from .syntaxes import ubl

        return ubl.read(root, data)
    if tag == f"{{{NS_CII}}}CrossIndustryInvoice":
        from .syntaxes import cii

        return cii.read(root, data)
    if tag.startswith(f"{{{NS_ZUGFERD1}}}"):
        raise refusal(
            "SYNTAX-UNSUPPORTED",
            "ZUGFeRD 1.0 n'est pas accepté : utilisez Factur-X / ZUGFeRD 2.x, UBL 2.1 ou CII D16B.",
            "ZUGFeRD 1.0 is not accepted: use Factur-X / ZUGFeRD 2.x, UBL 2.1 or CII D16B.",
        )
    raise refusal(
        "SYNTAX-UNKNOWN",
        "Ce fichier XML n'est pas une facture reconnue (UBL 2.1 Invoice/CreditNote ou CII D16B attendu).",
        "This XML file is not a recognised invoice (UBL 2.1 Invoice/CreditNote or CII D16B expected).",
        location=tag[:200],
    )


def write(invoice: Invoice, syntax: WriteSyntax) -> bytes:
    """Serialise an invoice in one syntax: ``"ubl"``, ``"cii"`` or ``"facturx"``."""
    if syntax == "ubl":
        from .syntaxes import ubl

        return ubl.write(invoice)
    if syntax == "cii":
        from .syntaxes import cii

        return cii.write(invoice)
    if syntax == "facturx":
        from .syntaxes import facturx

        return facturx.write(invoice)
    raise refusal(
        "SYNTAX-UNKNOWN",
        f"Syntaxe de sortie inconnue : {syntax!r} (ubl, cii ou facturx).",
        f"Unknown output syntax: {syntax!r} (ubl, cii or facturx).",
    )
