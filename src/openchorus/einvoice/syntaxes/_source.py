"""Reading context shared by the XML readers: typed value parsing and source locations."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from ..errors import Issue, Severity, refusal
from ..model import BinaryObject
from ..xml import location_of

# Child paths in Clark notation, by namespace map, then by prefixed path: a few hundred entries.
_PATHS: dict[str, dict[str, tuple[str, ...]]] = {}
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


_NO_CHILDREN: dict[str, list[etree._Element]] = {}  # shared by every leaf: read, never written


def index_children(root: etree._Element) -> dict[etree._Element, dict[str, list[etree._Element]]]:
    """The child elements of each element by Clark tag, in document order (elements without any
    have no entry). One walk of the tree: cheaper than listing children element by element."""
    index: dict[etree._Element, dict[str, list[etree._Element]]] = {}
    for element in root.iter(etree.Element):
        # The parent was walked first and is kept alive by the index: the same proxy comes back.
        parent = element.getparent()
        if parent is None:  # the root
            continue
        children = index.get(parent)
        if children is None:
            children = index[parent] = {}
        found = children.get(element.tag)
        if found is None:
            children[element.tag] = [element]
        else:
            found.append(element)
    return index


class SourceLocation:
    """Where a business term was read: the element, its line and (computed on demand) its XPath."""

    __slots__ = ("element",)

    def __init__(self, element: etree._Element) -> None:
        self.element = element

    @property
    def line(self) -> int:
        return int(self.element.sourceline or 0)

    @property
    def xpath(self) -> str:
        return location_of(self.element)

    def __str__(self) -> str:
        return f"{self.xpath} (line {self.line})"

    def __repr__(self) -> str:
        return f"SourceLocation({self})"


class Locations(Mapping[str, SourceLocation]):
    """Model path -> where the term was read, over the elements a reader recorded: each
    `SourceLocation` is made when asked for (a reader records a few hundred, a finding asks one)."""

    __slots__ = ("_elements",)

    def __init__(self, elements: Mapping[str, etree._Element]) -> None:
        self._elements = elements

    def __getitem__(self, model_path: str) -> SourceLocation:
        return SourceLocation(self._elements[model_path])

    def __contains__(self, model_path: object) -> bool:
        return model_path in self._elements

    def __iter__(self) -> Iterator[str]:
        return iter(self._elements)

    def __len__(self) -> int:
        return len(self._elements)

    def __repr__(self) -> str:
        return f"Locations({dict(self)!r})"


@dataclass
class Source:
    """One document being read: namespace map, where each term was read, reading findings."""

    root: etree._Element
    ns: dict[str, str]
    # Model path -> the element the term was read from (`locations` gives them as locations).
    elements: dict[str, etree._Element] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    _index: dict[etree._Element, dict[str, list[etree._Element]]] = field(default_factory=dict, repr=False)
    _paths: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        ns_key = " ".join(f"{prefix}={uri}" for prefix, uri in sorted(self.ns.items()))
        self._paths = _PATHS.setdefault(ns_key, {})
        self._index = index_children(self.root)

    # `find` and `findall` are the readers' inner loop (a few hundred calls per invoice line): the
    # children of every element are indexed by tag up front, and a path is resolved to Clark tags
    # once per process, so a lookup is a couple of dictionary gets, without lxml's path compiler.
    def find(self, element: etree._Element | None, path: str) -> etree._Element | None:
        """First element at a child path like "cac:Party/cbc:Name"."""
        steps = self._paths.get(path) or self._steps(path)
        index = self._index
        for tag in steps:
            if element is None:
                return None
            found = index.get(element, _NO_CHILDREN).get(tag)
            element = found[0] if found else None
        return element

    def findall(self, element: etree._Element | None, path: str) -> list[etree._Element]:
        """All elements at a child path, in document order."""
        found = [element] if element is not None else []
        index = self._index
        for tag in self._paths.get(path) or self._steps(path):
            found = [child for parent in found for child in index.get(parent, _NO_CHILDREN).get(tag, ())]
        return found

    def findtext(self, element: etree._Element | None, path: str) -> str | None:
        """Like lxml's ``findtext``: the raw text of the first match ("" without text), or None."""
        found = self.find(element, path)
        return None if found is None else (found.text or "")

    @property
    def children_index(self) -> dict[etree._Element, dict[str, list[etree._Element]]]:
        """The child elements of every element of the document (see `index_children`)."""
        return self._index

    def children(self, element: etree._Element) -> dict[str, list[etree._Element]]:
        """The element's child elements by Clark tag, in document order."""
        return self._index.get(element, _NO_CHILDREN)

    def _steps(self, path: str) -> tuple[str, ...]:
        steps = tuple(
            f"{{{self.ns[prefix]}}}{local}" if prefix else local
            for prefix, _, local in (step.rpartition(":") for step in path.split("/"))
        )
        self._paths[path] = steps
        return steps

    @property
    def locations(self) -> Locations:
        """Where each term was read, by model path."""
        return Locations(self.elements)

    def mark(self, model_path: str, element: etree._Element) -> None:
        self.elements[model_path] = element

    def element_text(self, element: etree._Element | None, model_path: str) -> str | None:
        """Stripped text of an element (None when absent or empty), recording its location."""
        if element is None:
            return None
        value = (element.text or "").strip()
        if not value:
            return None
        self.elements[model_path] = element  # `mark`, inlined: a few hundred calls per invoice
        return value

    def text(self, element: etree._Element | None, path: str, model_path: str) -> str | None:
        return self.element_text(self.find(element, path), model_path)

    def attr(self, element: etree._Element | None, name: str, model_path: str) -> str | None:
        if element is None:
            return None
        value: str | None = element.get(name)
        if value is None or not value.strip():
            return None
        self.mark(model_path, element)
        return value.strip()

    def decimal(self, element: etree._Element | None, path: str, model_path: str) -> Decimal | None:
        return self.element_decimal(self.find(element, path), model_path)

    def element_decimal(self, element: etree._Element | None, model_path: str) -> Decimal | None:
        if element is None:
            return None
        raw = (element.text or "").strip()  # `element_text`, inlined (the readers' inner loop)
        if not raw:
            return None
        self.elements[model_path] = element
        if _DECIMAL.fullmatch(raw):
            try:
                return Decimal(raw)
            except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
                pass
        self.issues.append(
            Issue(
                "READ-DECIMAL",
                Severity.FATAL,
                f"« {raw[:40]} » n'est pas un nombre décimal valide.",
                f"'{raw[:40]}' is not a valid decimal number.",
                location=str(SourceLocation(element)),
            )
        )
        return None

    def binary_object(self, binary: etree._Element | None, model_path: str) -> BinaryObject | None:
        """BT-125 attached document, with its MIME code and file name; bad base64 is a finding."""
        if binary is None:
            return None
        raw = "".join((binary.text or "").split())
        try:
            content = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            content = b""
            self.issues.append(
                Issue(
                    "READ-BASE64",
                    Severity.FATAL,
                    "La pièce jointe n'est pas encodée correctement en base64.",
                    "The attachment is not valid base64.",
                    location=str(SourceLocation(binary)),
                    bt="BT-125",
                )
            )
        self.mark(model_path, binary)
        return BinaryObject(
            content=content, mime_code=binary.get("mimeCode", ""), filename=binary.get("filename", "")
        )

    def parse_date(self, raw: str | None, element: etree._Element | None, fmt: str = "") -> date | None:
        """Parse an ISO 8601 (UBL) or UN/CEFACT format 102/610 (CII) date, recording bad ones."""
        if raw is None or element is None:
            return None
        try:
            if fmt == "102" or (not fmt and re.fullmatch(r"\d{8}", raw)):
                return date(int(raw[0:4]), int(raw[4:6]), int(raw[6:8])) if len(raw) == 8 else _bad()
            if fmt == "610" and len(raw) == 6:
                return date(int(raw[0:4]), int(raw[4:6]), 1)
            # xs:date may carry a time zone ("Z", "+01:00"); an EN 16931 date has none.
            if not fmt and re.fullmatch(r"\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?", raw):
                return date.fromisoformat(raw[:10])
        except ValueError:
            pass
        self.issues.append(
            Issue(
                "READ-DATE",
                Severity.FATAL,
                f"« {raw[:40]} » n'est pas une date valide.",
                f"'{raw[:40]}' is not a valid date.",
                location=str(SourceLocation(element)),
            )
        )
        return None


def _bad() -> date:
    raise ValueError("bad date")


def fmt_decimal(value: Decimal) -> str:
    """A decimal as XML Schema writes it: no exponent, scale kept."""
    text = format(value, "f")
    return text


def child(
    parent: etree._Element, tag: str, text: str | None = None, /, **attrs: str | None
) -> etree._Element:
    """Append a child element (Clark notation tag) with optional text and non-empty attributes."""
    element = etree.SubElement(parent, tag)
    try:
        if text is not None:
            element.text = text
        for key, value in attrs.items():
            if value is not None:
                element.set(key, value)
    except ValueError:
        raise refusal(
            "WRITE-TEXT",
            f"Une valeur contient des caractères interdits en XML : {(text or '')[:40]!r}.",
            f"A value contains characters that XML forbids: {(text or '')[:40]!r}.",
        ) from None
    return element
