"""Factur-X / ZUGFeRD 2.x: a PDF/A-3 carrying a CII invoice as an associated file.

Reading opens the PDF with pypdf under size caps, takes the embedded ``factur-x.xml`` (or
``zugferd-invoice.xml``, ``xrechnung.xml``), parses it with the hardened parser and reads it as CII;
the profile comes from BT-24 and the XMP ``fx:ConformanceLevel`` is reported next to it. Writing
renders the invoice as a French HTML invoice, prints it to PDF/A-3b with WeasyPrint and embeds the
CII with the `factur-x` package.
"""

from __future__ import annotations

import gc
import io
import logging
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from ..detect import NS_CII, NS_ZUGFERD1, Syntax
from ..errors import EInvoiceError, refusal
from ..model import CUSTOMIZATION_IDS, Invoice, Profile
from ..xml import MAX_XML_BYTES, parse_xml
from . import FacturXInfo, ReadResult, cii

if TYPE_CHECKING:
    from pypdf import PdfReader

MAX_PDF_BYTES = 30 * 1024 * 1024
MAX_ATTACHMENTS = 200
PREFERRED_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")

# factur-x library level names, by profile (the library uses them to write the XMP).
_LEVELS = {
    Profile.MINIMUM: "minimum",
    Profile.BASIC_WL: "basicwl",
    Profile.BASIC: "basic",
    Profile.EN16931: "en16931",
    Profile.EXTENDED: "extended",
}


@dataclass(frozen=True, slots=True)
class Extracted:
    xml: bytes
    name: str
    af_relationship: str | None
    xmp_conformance_level: str | None


def _pdf_refusal(detail: str) -> EInvoiceError:
    return refusal(
        "PDF-READ",
        f"Le fichier PDF est illisible ou corrompu ({detail[:200]}).",
        f"The PDF file cannot be read or is corrupted ({detail[:200]}).",
    )


def extract_xml(pdf: bytes) -> Extracted | None:
    """The invoice XML embedded in a PDF, or None for a PDF without one."""
    if len(pdf) > MAX_PDF_BYTES:
        raise refusal(
            "PDF-SIZE",
            f"Le fichier PDF fait {len(pdf)} octets, au-delà de la limite de {MAX_PDF_BYTES} octets.",
            f"The PDF file is {len(pdf)} bytes, over the limit of {MAX_PDF_BYTES} bytes.",
        )
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf reports recoverable oddities as warnings and log records; neither is a finding here.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(pdf), strict=False)
            candidates: list[tuple[int, str, bytes, str | None]] = []
            for index, attachment in enumerate(reader.attachment_list):
                if index >= MAX_ATTACHMENTS:
                    break
                name = str(attachment.name or "")
                if not name.lower().endswith(".xml"):
                    continue
                size = attachment.size
                if size is not None and size > MAX_XML_BYTES:
                    raise refusal(
                        "PDF-XML-SIZE",
                        f"Le XML joint au PDF ({name}) dépasse {MAX_XML_BYTES} octets.",
                        f"The XML attached to the PDF ({name}) is over {MAX_XML_BYTES} bytes.",
                    )
                content = attachment.content
                if len(content) > MAX_XML_BYTES:
                    raise refusal(
                        "PDF-XML-SIZE",
                        f"Le XML joint au PDF ({name}) dépasse {MAX_XML_BYTES} octets.",
                        f"The XML attached to the PDF ({name}) is over {MAX_XML_BYTES} bytes.",
                    )
                relationship: str | None = attachment.associated_file_relationship
                rank = (
                    PREFERRED_NAMES.index(name.lower())
                    if name.lower() in PREFERRED_NAMES
                    else len(PREFERRED_NAMES)
                )
                candidates.append(
                    (rank, name, content, str(relationship).lstrip("/") if relationship else None)
                )
            xmp_raw = _xmp_bytes(reader)
    except EInvoiceError:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
    ) as exc:
        raise _pdf_refusal(f"{type(exc).__name__}: {exc}") from None
    if not candidates:
        return None
    candidates.sort(key=lambda candidate: candidate[0])
    _rank, name, content, relationship = candidates[0]
    return Extracted(content, name, relationship, _xmp_level(xmp_raw))


def _xmp_bytes(reader: PdfReader) -> bytes | None:
    root = reader.trailer["/Root"]
    metadata = root.get("/Metadata") if hasattr(root, "get") else None
    if metadata is None:
        return None
    stream = metadata.get_object()
    data = stream.get_data() if hasattr(stream, "get_data") else None
    return data if isinstance(data, bytes) and len(data) <= MAX_XML_BYTES else None


def _xmp_level(xmp: bytes | None) -> str | None:
    if not xmp:
        return None
    try:
        root = parse_xml(xmp.strip(b"\x00 \r\n\t"))
    except EInvoiceError:
        return None
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == "ConformanceLevel":
            return (element.text or "").strip() or None
        for key, value in element.attrib.items():
            if etree.QName(key).localname == "ConformanceLevel":
                return str(value).strip() or None
    return None


def read(pdf: bytes) -> ReadResult:
    """Read a Factur-X / ZUGFeRD 2.x PDF into the model."""
    extracted = extract_xml(pdf)
    if extracted is None:
        raise refusal(
            "PDF-NO-XML",
            "Ce PDF ne contient pas de facture structurée (aucun fichier factur-x.xml joint).",
            "This PDF carries no structured invoice (no factur-x.xml attached).",
            fix_fr="Déposez un Factur-X, ou le PDF en mode « saisie » avec les données de la facture.",
            fix_en="Upload a Factur-X, or the PDF in data-entry mode with the invoice data.",
        )
    root = parse_xml(extracted.xml)
    if str(root.tag).startswith(f"{{{NS_ZUGFERD1}}}"):
        raise refusal(
            "SYNTAX-UNSUPPORTED",
            "Ce PDF contient une facture ZUGFeRD 1.0, qui n'est pas acceptée "
            "(Factur-X / ZUGFeRD 2.x attendu).",
            "This PDF carries a ZUGFeRD 1.0 invoice, which is not accepted "
            "(Factur-X / ZUGFeRD 2.x expected).",
        )
    if str(root.tag) != f"{{{NS_CII}}}CrossIndustryInvoice":
        raise refusal(
            "SYNTAX-UNKNOWN",
            f"Le fichier {extracted.name} joint au PDF n'est pas une facture CII.",
            f"The file {extracted.name} attached to the PDF is not a CII invoice.",
        )
    result = cii.read(root, extracted.xml, Syntax.FACTURX)
    return ReadResult(
        syntax=Syntax.FACTURX,
        profile=result.profile,
        invoice=result.invoice,
        xml=extracted.xml,
        locations=result.locations,
        issues=result.issues,
        children=result.children,
        facturx=FacturXInfo(extracted.name, extracted.xmp_conformance_level, extracted.af_relationship),
    )


def write(invoice: Invoice) -> bytes:
    """A Factur-X PDF/A-3b: the invoice rendered in French, with its CII embedded.

    The embedded XML keeps BT-24 when it names a Factur-X profile; any other value (a CIUS, an
    empty one) is written as EN 16931, the profile this writer produces.
    """
    import facturx
    from weasyprint import HTML

    kind = "Avoir" if invoice.is_credit_note else "Facture"

    from .facturx_html import invoice_html

    profile = invoice.profile
    if profile not in _LEVELS:
        from dataclasses import replace

        invoice = replace(invoice, customization_id=CUSTOMIZATION_IDS[Profile.EN16931])
        profile = Profile.EN16931
    xml = cii.write(invoice)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        # WeasyPrint 70 leaves its sRGB ICC profile file open until the document is collected.
        warnings.simplefilter("ignore", ResourceWarning)
        pdf = HTML(string=invoice_html(invoice)).write_pdf(pdf_variant="pdf/a-3b")
        gc.collect()
    if pdf is None:  # pragma: no cover - write_pdf returns bytes when no target is given
        raise refusal("PDF-WRITE", "Le PDF n'a pas pu être produit.", "The PDF could not be produced.")
    logging.getLogger("factur-x").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out: bytes = facturx.generate_from_binary(
            pdf,
            xml,
            flavor="factur-x",
            level=_LEVELS[profile],
            check_xsd=False,
            pdf_metadata={
                "author": invoice.seller.name,
                "keywords": "Factur-X",
                "title": f"{invoice.seller.name}: {kind} {invoice.number}",
                "subject": f"{kind} {invoice.number}",
            },
            lang="fr-FR",
            afrelationship="data",
        )
    return out
