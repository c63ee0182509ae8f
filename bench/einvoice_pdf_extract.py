"""Benchmark of PDF invoice field recognition (INV-3): latency on one-page invoices and share found.

Run alone: `.venv/bin/python bench/einvoice_pdf_extract.py [--count N] [--repeat R]`.

Prints, over generated one-page invoices in every test layout:
- the median and p95 of field recognition on the positioned text (target: under 100 ms);
- the same for the whole pipeline `extract_fields` (limited child process, PDFium text reading,
  scan detection, recognition), and for text reading in-process;
- the share of fields recognised exactly.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# The invoice generator lives with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.einvoice.pdf.pdf_layouts import generate

from openchorus.einvoice.pdf import FIELD_NAMES, Limits, extract_fields
from openchorus.einvoice.pdf.recognise import recognise
from openchorus.einvoice.pdf.safe import read_pdf


def timings(action: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{label:<44} median {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ordered)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=24, help="generated invoices (default 24)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per invoice (default 5)")
    args = parser.parse_args()

    invoices = generate(args.count, seed=7)
    in_process = Limits(isolated=False)
    documents = [read_pdf(data, in_process) for _, _, data in invoices]
    assert all(len(document.pages) == 1 for document in documents), "one-page invoices expected"

    recognition: list[float] = []
    reading: list[float] = []
    pipeline: list[float] = []
    for (_, _, data), document in zip(invoices, documents, strict=True):
        recognition += timings(lambda document=document: recognise(document), args.repeat)
        reading += timings(lambda data=data: read_pdf(data, in_process), args.repeat)
        pipeline += timings(lambda data=data: extract_fields(data), args.repeat)

    found = expected = 0
    for _, invoice, data in invoices:
        fields = extract_fields(data).fields
        for name, value in invoice.expected().items():
            expected += 1
            recognised = getattr(fields, name)
            found += recognised is not None and recognised.value == value
    assert set(invoice.expected()) <= set(FIELD_NAMES)

    print(f"PDF field recognition — {args.count} one-page invoices, {args.repeat} runs each")
    print(summary("field recognition (positioned text → fields)", recognition))
    print(summary("text reading in-process (PDFium)", reading))
    print(summary("extract_fields (limited child + all steps)", pipeline))
    print(f"recognition share: {found}/{expected} = {found / expected:.1%}")


if __name__ == "__main__":
    main()
