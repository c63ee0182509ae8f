"""Format detection from the first bytes of a file: which reader can take it, and which profile.

Detection never raises for odd input: anything not recognised is `Syntax.UNKNOWN`. It parses XML
with the hardened parser only when the root element must be looked at.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .errors import EInvoiceError
from .model import Profile, profile_from_customization_id
from .xml import parse_xml

NS_UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NS_ZUGFERD1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"


class Syntax(enum.StrEnum):
    UBL_INVOICE = "ubl-invoice"
    UBL_CREDIT_NOTE = "ubl-creditnote"
    CII = "cii"
    FACTURX = "facturx"  # PDF/A-3 with an embedded CII (Factur-X / ZUGFeRD 2.x)
    PDF = "pdf"  # a PDF without a structured invoice inside
    ZUGFERD_1 = "zugferd-1"  # ZUGFeRD 1.0 CrossIndustryDocument, not supported
    CPP_PIVOT = "cpp-pivot"  # Chorus Pro CPPFacturePivot transport format, recognised only
    XML_OTHER = "xml-other"  # well-formed XML of another kind
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Detection:
    syntax: Syntax
    profile: Profile | None = None  # from BT-24 when the syntax carries it
    customization_id: str = ""


def detect(data: bytes) -> Detection:
    """Recognise the kind of an invoice file from its bytes."""
    head = bytes(data[:1024]).lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in bytes(data[:1024]):
        return _detect_pdf(bytes(data))
    try:
        root = parse_xml(bytes(data))
    except EInvoiceError:
        return Detection(Syntax.UNKNOWN)
    tag = root.tag if isinstance(root.tag, str) else ""
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if namespace == NS_UBL_INVOICE and local == "Invoice":
        return _with_profile(Syntax.UBL_INVOICE, root.findtext(f"{{{_CBC}}}CustomizationID"))
    if namespace == NS_UBL_CREDIT_NOTE and local == "CreditNote":
        return _with_profile(Syntax.UBL_CREDIT_NOTE, root.findtext(f"{{{_CBC}}}CustomizationID"))
    if namespace == NS_CII and local == "CrossIndustryInvoice":
        cid = root.findtext(
            f"{{{NS_CII}}}ExchangedDocumentContext/{{{_RAM}}}GuidelineSpecifiedDocumentContextParameter/{{{_RAM}}}ID"
        )
        return _with_profile(Syntax.CII, cid)
    if namespace == NS_ZUGFERD1 or local == "CrossIndustryDocument":
        return Detection(Syntax.ZUGFERD_1)
    if local == "CPPFacturePivot":
        return Detection(Syntax.CPP_PIVOT)
    return Detection(Syntax.XML_OTHER)


_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"


def _with_profile(syntax: Syntax, customization_id: str | None) -> Detection:
    cid = (customization_id or "").strip()
    return Detection(syntax, profile_from_customization_id(cid) if cid else None, cid)


def _detect_pdf(data: bytes) -> Detection:
    # Imported here: PDF support pulls pypdf, which XML-only callers do not need.
    from .syntaxes.facturx import PREFERRED_NAMES, extract_xml

    try:
        extracted = extract_xml(data)
    except EInvoiceError:
        return Detection(Syntax.UNKNOWN)
    if extracted is None:
        return Detection(Syntax.PDF)
    inner = detect(extracted.xml)
    if inner.syntax == Syntax.UNKNOWN and extracted.name.lower() in PREFERRED_NAMES:
        return Detection(Syntax.FACTURX)  # an invoice attachment that cannot be parsed: read() says why
    if inner.syntax == Syntax.CII:
        return Detection(Syntax.FACTURX, inner.profile, inner.customization_id)
    if inner.syntax == Syntax.ZUGFERD_1:
        return Detection(Syntax.ZUGFERD_1)
    return Detection(Syntax.PDF)
