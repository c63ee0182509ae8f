"""Text of a PDF with positions: words, lines and segments, as read by pdfplumber.

Coordinates are PDF points from the top-left corner of each page (pdfplumber's `top`/`bottom`),
pages are numbered from 1. Everything here is plain frozen data so that it can cross a process
boundary (see `safe.py`) and be reasoned about by `recognise.py` without pdfplumber.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pdfplumber.page

# Characters some producers use inside numbers and between words (no-break and thin spaces).
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})

# pdfplumber merges characters closer than this into one word (points).
_WORD_X_TOLERANCE = 1.5
_WORD_Y_TOLERANCE = 2.0


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True, slots=True)
class PageText:
    number: int
    width: float
    height: float
    words: tuple[Word, ...]
    char_count: int
    # Share of the page area covered by its largest image, 0 to 1.
    image_coverage: float


@dataclass(frozen=True, slots=True)
class TextDocument:
    pages: tuple[PageText, ...]

    @property
    def char_count(self) -> int:
        return sum(page.char_count for page in self.pages)


@dataclass(frozen=True, slots=True)
class Segment:
    """Words of one line that belong together (separated by less than a wide gap)."""

    words: tuple[Word, ...]
    text: str
    # Start offset of each word in `text`, to map a match in the text back to word boxes.
    offsets: tuple[int, ...]

    @property
    def page(self) -> int:
        return self.words[0].page

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    def words_in(self, start: int, end: int) -> tuple[Word, ...]:
        """Words overlapping the character span [start, end) of `text`."""
        return tuple(
            word
            for word, offset in zip(self.words, self.offsets, strict=True)
            if offset < end and offset + len(word.text) > start
        )


@dataclass(frozen=True, slots=True)
class Line:
    page: int
    top: float
    bottom: float
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return "   ".join(segment.text for segment in self.segments)


def page_from_pdfplumber(page: pdfplumber.page.Page, number: int) -> PageText:
    """Read one pdfplumber page into plain data."""
    raw_words: list[dict[str, Any]] = page.extract_words(
        x_tolerance=_WORD_X_TOLERANCE, y_tolerance=_WORD_Y_TOLERANCE, keep_blank_chars=False
    )
    words: list[Word] = []
    for raw in raw_words:
        text = str(raw["text"]).translate(_SPACES)
        for part in text.split():
            # A word containing a no-break space is kept as one box: positions stay approximate
            # for its parts, which is enough to locate a field.
            words.append(
                Word(
                    text=part,
                    page=number,
                    x0=float(raw["x0"]),
                    x1=float(raw["x1"]),
                    top=float(raw["top"]),
                    bottom=float(raw["bottom"]),
                )
            )
    width = float(page.width) or 1.0
    height = float(page.height) or 1.0
    area = width * height
    coverage = 0.0
    for image in page.images:
        x0 = max(0.0, float(image["x0"]))
        x1 = min(width, float(image["x1"]))
        top = max(0.0, float(image["top"]))
        bottom = min(height, float(image["bottom"]))
        if x1 > x0 and bottom > top:
            coverage = max(coverage, (x1 - x0) * (bottom - top) / area)
    char_count = sum(1 for char in page.chars if not str(char.get("text", "")).isspace())
    return PageText(
        number=number,
        width=width,
        height=height,
        words=tuple(words),
        char_count=char_count,
        image_coverage=min(coverage, 1.0),
    )


def lines_of(page: PageText) -> tuple[Line, ...]:
    """Group a page's words into lines (vertical overlap), each split into segments at wide gaps."""
    if not page.words:
        return ()
    ordered = sorted(page.words, key=lambda word: (word.top, word.x0))
    groups: list[list[Word]] = []
    for word in ordered:
        if groups:
            current = groups[-1]
            top = min(w.top for w in current)
            bottom = max(w.bottom for w in current)
            overlap = min(bottom, word.bottom) - max(top, word.top)
            if overlap > 0.5 * min(word.height, bottom - top):
                current.append(word)
                continue
        groups.append([word])
    return tuple(_line(sorted(group, key=lambda word: word.x0)) for group in groups)


def document_lines(document: TextDocument) -> tuple[Line, ...]:
    return tuple(line for page in document.pages for line in lines_of(page))


def _line(words: Sequence[Word]) -> Line:
    height = statistics.median(word.height for word in words) or 1.0
    # A gap wider than about one em separates two fields; a normal space is a quarter of an em.
    gap = max(0.9 * height, 4.0)
    segments: list[list[Word]] = [[words[0]]]
    for previous, word in itertools.pairwise(words):
        if word.x0 - previous.x1 > gap:
            segments.append([word])
        else:
            segments[-1].append(word)
    built = tuple(_segment(group) for group in segments)
    return Line(
        page=words[0].page,
        top=min(word.top for word in words),
        bottom=max(word.bottom for word in words),
        segments=built,
    )


def _segment(words: Iterable[Word]) -> Segment:
    words = tuple(words)
    offsets: list[int] = []
    position = 0
    for word in words:
        offsets.append(position)
        position += len(word.text) + 1
    return Segment(words=words, text=" ".join(word.text for word in words), offsets=tuple(offsets))
