"""Readers and writers of the invoice syntaxes (UBL 2.1, CII D16B, Factur-X), one module each.

A reader turns a parsed XML root into a `ReadResult` (the model plus where each business term came
from); a writer turns an `Invoice` into bytes. `_source.Source` holds the bookkeeping they share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from ..detect import Syntax
from ..errors import Issue
from ..model import Invoice, Profile
from ._source import SourceLocation

__all__ = ["FacturXInfo", "ReadResult", "SourceLocation", "XmlSyntax"]


@dataclass(frozen=True, slots=True)
class FacturXInfo:
    """What the PDF container of a Factur-X / ZUGFeRD invoice says about itself."""

    attachment_name: str  # factur-x.xml, zugferd-invoice.xml, xrechnung.xml
    xmp_conformance_level: str | None  # fx:ConformanceLevel from the XMP metadata, if any
    af_relationship: str | None  # /AFRelationship of the file specification, if any


@dataclass(frozen=True, slots=True)
class ReadResult:
    """A document read into the EN 16931 model, with where each term came from."""

    syntax: Syntax
    profile: Profile
    invoice: Invoice
    xml: bytes  # the XML document (for Factur-X, the one embedded in the PDF)
    locations: Mapping[str, SourceLocation] = field(default_factory=dict)  # model path -> source
    issues: tuple[Issue, ...] = ()  # values that could not be read (bad dates, bad decimals)
    facturx: FacturXInfo | None = None
    # The reader's index of the tree (child elements by Clark tag, `_source.index_children`). The
    # rules walk the same tree: keeping the index keeps lxml's proxy of every element alive, so
    # they do not build each proxy a second time.
    children: Mapping[etree._Element, Mapping[str, list[etree._Element]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def location(self, model_path: str) -> str:
        """The source location of a model path ("lines[0].quantity"), or "" when unknown."""
        found = self.locations.get(model_path)
        return str(found) if found is not None else ""


class XmlSyntax(Protocol):
    """What an XML syntax module (`ubl`, `cii`) offers: adding a syntax means one more of these."""

    def read(self, root: etree._Element, xml: bytes = b"") -> ReadResult: ...

    def write(self, invoice: Invoice) -> bytes: ...

    def build(self, invoice: Invoice) -> etree._Element: ...
