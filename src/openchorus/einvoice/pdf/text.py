"""Text of a PDF with positions: words, lines and segments, as read by PDFium (pypdfium2).

PDFium, Chromium's PDF engine, reads a one-page invoice's characters about 15 times faster than
pdfplumber did (docs/perf.md); words are rebuilt from the characters the way pdfplumber does it
(lines by baseline, characters left to right, cut at spaces and gaps), which recognises as many
fields on the corpus. Coordinates are PDF points from the top-left corner of each page,
pages are numbered from 1. Everything here is plain frozen data so that it can cross a process
boundary (see `safe.py`) and be reasoned about by `recognise.py` without the PDF engine.
"""

from __future__ import annotations

import ctypes
import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pypdfium2

# Characters some producers use inside numbers and between words (no-break and thin spaces).
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})

# Characters closer than this (points) form one word; baselines closer than the second, one line.
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


def page_from_pdfium(page: pypdfium2.PdfPage, number: int) -> PageText:
    """Read one PDFium page into plain data."""
    import pypdfium2.raw as pdfium_c

    width = float(page.get_width()) or 1.0
    height = float(page.get_height()) or 1.0
    textpage = page.get_textpage()
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    chars: list[_Char] = []
    char_count = 0
    try:
        for index in range(textpage.count_chars()):
            # The code point of this character index (get_text_range counts UTF-16 units, which
            # shifts every index after a character outside the BMP).
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
            text = chr(code).translate(_SPACES) if code else " "
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, origin_x, origin_y)
            if not text.isspace():
                char_count += 1
            chars.append(_Char(text, left, right, height - top, height - bottom, height - origin_y.value))
    finally:
        textpage.close()
    coverage = 0.0
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = image.get_bounds()
        x0, x1 = max(0.0, left), min(width, right)
        y0, y1 = max(0.0, bottom), min(height, top)
        if x1 > x0 and y1 > y0:
            coverage = max(coverage, (x1 - x0) * (y1 - y0) / (width * height))
    return PageText(
        number=number,
        width=width,
        height=height,
        words=tuple(_words(chars, number)),
        char_count=char_count,
        image_coverage=min(coverage, 1.0),
    )


@dataclass(frozen=True, slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    baseline: float


def _words(chars: Sequence[_Char], number: int) -> list[Word]:
    """Lines by baseline (not by the content stream's order, which some producers interleave), then
    characters left to right, cut at spaces and at gaps wider than the tolerance."""
    lines: list[list[_Char]] = []
    for char in sorted(chars, key=lambda char: (round(char.baseline), char.x0)):
        if lines and abs(char.baseline - lines[-1][0].baseline) <= _WORD_Y_TOLERANCE:
            lines[-1].append(char)
        else:
            lines.append([char])
    words: list[Word] = []
    for line in lines:
        current: list[_Char] = []
        for char in sorted(line, key=lambda char: char.x0):
            if char.text.isspace() or (current and char.x0 - max(c.x1 for c in current) > _WORD_X_TOLERANCE):
                if current:
                    words.append(_word(current, number))
                current = []
            if not char.text.isspace():
                current.append(char)
        if current:
            words.append(_word(current, number))
    return words


def _word(chars: Sequence[_Char], number: int) -> Word:
    return Word(
        text="".join(char.text for char in chars),
        page=number,
        x0=chars[0].x0,
        x1=max(char.x1 for char in chars),
        top=min(char.top for char in chars),
        bottom=max(char.bottom for char in chars),
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
