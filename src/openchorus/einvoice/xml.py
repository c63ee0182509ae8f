"""The one hardened XML parser of the project: every XML byte string goes through `parse_xml`.

No DTD is loaded and any DOCTYPE is refused (so no entity of any kind, internal or external, can
be declared), nothing is fetched from the network, libxml2's huge-tree mode stays off, the input
size is capped before parsing and the element depth after. Refusals are `EInvoiceError`s carrying
a French and English message, so an upload never reaches a less careful parser (saxonche expands
external entities: the validation engine only ever sees documents accepted here).
"""

from __future__ import annotations

import functools
import threading

from lxml import etree

from .errors import EInvoiceError, refusal

MAX_XML_BYTES = 20 * 1024 * 1024  # a 4000-line UBL invoice is about 15 MB
MAX_DEPTH = 64  # real invoices nest about 12 deep; CII EXTENDED stays under 20

_local = threading.local()

# The DOCTYPE marker in the encodings an XML declaration may announce without a BOM check.
_DOCTYPE_MARKERS = (
    b"<!DOCTYPE",
    b"<!doctype",
    "<!DOCTYPE".encode("utf-16-le"),
    "<!DOCTYPE".encode("utf-16-be"),
    b"<!ENTITY",
    "<!ENTITY".encode("utf-16-le"),
    "<!ENTITY".encode("utf-16-be"),
)
# The same without the UTF-16 ones, which hold NUL bytes: a document without any (the usual case)
# cannot contain them, and one scan for a NUL byte is much cheaper than a search for each marker.
_BYTE_MARKERS = tuple(marker for marker in _DOCTYPE_MARKERS if b"\0" not in marker)


def make_parser() -> etree.XMLParser:
    """A new hardened parser (lxml parsers are not thread-safe: `parser()` keeps one per thread)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        collect_ids=False,
        remove_comments=False,
        remove_pis=False,
    )


def parser() -> etree.XMLParser:
    """The hardened parser of the current thread."""
    found: etree.XMLParser | None = getattr(_local, "parser", None)
    if found is None:
        found = make_parser()
        _local.parser = found
    return found


def _too_big(size: int, limit: int) -> EInvoiceError:
    return refusal(
        "XML-SIZE",
        f"Le fichier XML fait {size} octets, au-delà de la limite de {limit} octets.",
        f"The XML file is {size} bytes, over the limit of {limit} bytes.",
        fix_fr="Scindez le flux en plusieurs fichiers plus petits.",
        fix_en="Split the flow into several smaller files.",
    )


def parse_xml(data: bytes, *, max_bytes: int = MAX_XML_BYTES, max_depth: int = MAX_DEPTH) -> etree._Element:
    """Parse untrusted XML bytes into a root element, or raise `EInvoiceError`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise refusal(
            "XML-TYPE",
            "Le contenu fourni n'est pas un fichier (octets attendus).",
            "The content given is not a file (bytes expected).",
        )
    data = bytes(data)
    if len(data) > max_bytes:
        raise _too_big(len(data), max_bytes)
    if not data.strip():
        raise refusal("XML-EMPTY", "Le fichier XML est vide.", "The XML file is empty.")
    if any(marker in data for marker in (_DOCTYPE_MARKERS if b"\0" in data else _BYTE_MARKERS)):
        raise _doctype_refusal()
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", 0) or 0
        detail = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc)[:300]
        raise refusal(
            "XML-PARSE",
            f"Le fichier n'est pas un XML bien formé (ligne {line}) : {detail}",
            f"The file is not well-formed XML (line {line}): {detail}",
            location=f"line {line}",
        ) from None
    except (ValueError, etree.LxmlError) as exc:
        raise refusal(
            "XML-PARSE",
            f"Le fichier XML est illisible : {str(exc)[:300]}",
            f"The XML file cannot be read: {str(exc)[:300]}",
        ) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _doctype_refusal()
    _check_depth(root, max_depth)
    return root


def _doctype_refusal() -> EInvoiceError:
    return refusal(
        "XML-DOCTYPE",
        "Le fichier XML contient une déclaration DOCTYPE ou ENTITY, refusée pour des raisons de sécurité.",
        "The XML file contains a DOCTYPE or ENTITY declaration, refused for security reasons.",
        fix_fr="Retirez la déclaration <!DOCTYPE …> : les factures électroniques n'en ont pas besoin.",
        fix_en="Remove the <!DOCTYPE …> declaration: e-invoices do not need one.",
    )


@functools.cache
def _deeper_than(max_depth: int) -> etree.XPath:
    # Evaluated by libxml2 in C: is there any element max_depth + 1 levels down?
    return etree.XPath("boolean(" + "/*" * (max_depth + 1) + ")")


def _check_depth(root: etree._Element, max_depth: int) -> None:
    if not _deeper_than(max_depth)(root):
        return
    deepest = root.xpath("/*" * (max_depth + 1))
    line = deepest[0].sourceline if isinstance(deepest, list) and deepest else 0
    raise refusal(
        "XML-DEPTH",
        f"Le fichier XML imbrique plus de {max_depth} niveaux d'éléments.",
        f"The XML file nests elements more than {max_depth} levels deep.",
        location=f"line {line}",
    )


def location_of(element: etree._Element) -> str:
    """A readable location for a finding: the element's XPath with prefixes, and its line."""
    parts: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        parent = node.getparent()
        name = _qualified_name(node)
        if parent is not None:
            same = [sibling for sibling in parent if sibling.tag == node.tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))


def _qualified_name(element: etree._Element) -> str:
    qname = etree.QName(element)
    prefix = element.prefix
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


def is_einvoice_error(exc: BaseException) -> bool:
    """True when `exc` is a refusal of this library (helper for callers catching broadly)."""
    return isinstance(exc, EInvoiceError)
