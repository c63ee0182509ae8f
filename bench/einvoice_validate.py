"""Benchmark: native validation against the official artefacts, side by side on the same files.

For a typical 20-line invoice in UBL and in CII, measures per invoice:
- native: read + XSD + EN 16931 + French (BR-FR) rules in Python;
- strict: read + XSD + the official artefacts (CEN/Factur-X EN 16931 and BR-FR XSLT) through
  saxonche, each stylesheet compiled once (outside the timing) and reused;
and prints ms per invoice for both, the ratio (target: native at least 10 times faster) and whether
the verdicts (valid or not, and the fired rule ids both sides can report) are identical, on the
valid invoice and on a copy with wrong totals.

Run: .venv/bin/python bench/einvoice_validate.py [N]   (default N = 100 rounds per mode)
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # the invoice factory of the validation tests

from tests.einvoice.rules.factories import (  # noqa: E402
    build_invoice,
    document_allowance,
    document_charge,
    typical_lines,
)

from openchorus.einvoice import read, strict, write  # noqa: E402
from openchorus.einvoice.errors import Severity  # noqa: E402
from openchorus.einvoice.model import Invoice  # noqa: E402
from openchorus.einvoice.rules import Report, known_rule, validate_file  # noqa: E402
from openchorus.einvoice.xml import parse_xml  # noqa: E402

RULE_SETS = ("en16931", "fr")


def typical_invoice() -> Invoice:
    return build_invoice(
        typical_lines(20), allowances=(document_allowance("25.00"),), charges=(document_charge("12.50"),)
    )


def wrong_totals(invoice: Invoice) -> Invoice:
    totals = dataclasses.replace(invoice.totals, line_net_total=invoice.totals.line_net_total + 1)
    return dataclasses.replace(invoice, totals=totals)


def interleaved_ms(
    native: Callable[[], object], official: Callable[[], object], rounds: int
) -> tuple[list[float], list[float]]:
    """Milliseconds per call of both modes, alternated call by call so that both see the same load."""
    native()
    official()
    native_samples, official_samples = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        native()
        native_samples.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        official()
        official_samples.append((time.perf_counter() - start) * 1000)
    return native_samples, official_samples


def comparable_ids(data: bytes) -> frozenset[str]:
    result = read(data)
    ids: set[str] = set()
    for artefact in strict.artefacts_for(parse_xml(result.xml), profile=result.profile, french=True):
        ids |= strict.rule_ids(artefact)
    return frozenset(i for i in ids if known_rule(i) is not None)


def verdict(report: Report, comparable: frozenset[str]) -> tuple[bool, frozenset[str]]:
    fatal = {i.rule_id for i in report.issues if i.severity == Severity.FATAL}
    return report.valid, frozenset(fatal & comparable)


def main(rounds: int) -> None:
    invoice = typical_invoice()
    t0 = time.perf_counter()
    strict.warm_up()
    print(
        f"compiled {strict.compiled_count()} official stylesheets in {time.perf_counter() - t0:.2f} s (once)"
    )
    print(
        f"{rounds} rounds, modes alternated call by call; 20-line invoice; "
        "native = read + XSD + EN 16931 + BR-FR in Python"
    )
    print(f"machine load average (1 min): {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'syntax':<8}{'native ms':>12}{'strict ms':>12}{'ratio':>9}  identical verdicts")
    ratios = []
    for syntax in ("ubl", "cii"):
        data = write(invoice, syntax)  # type: ignore[arg-type]
        broken = write(wrong_totals(invoice), syntax)  # type: ignore[arg-type]
        native_samples, strict_samples = interleaved_ms(
            lambda d=data: validate_file(d, rule_sets=RULE_SETS),
            lambda d=data: validate_file(d, rule_sets=RULE_SETS, strict=True),
            rounds,
        )
        native_median, native_mean = statistics.median(native_samples), statistics.fmean(native_samples)
        strict_median, strict_mean = statistics.median(strict_samples), statistics.fmean(strict_samples)
        same = []
        for sample in (data, broken):
            comparable = comparable_ids(sample)
            native = verdict(validate_file(sample, rule_sets=RULE_SETS), comparable)
            official = verdict(validate_file(sample, rule_sets=RULE_SETS, strict=True), comparable)
            same.append(native == official)
        ratio = strict_median / native_median
        ratios.append(ratio)
        print(
            f"{syntax:<8}{native_median:>12.2f}{strict_median:>12.2f}{ratio:>8.1f}x  "
            f"{'yes' if all(same) else 'NO'} (sample: {same[0]}, wrong totals: {same[1]})"
            f"   [means: native {native_mean:.2f} ms, strict {strict_mean:.2f} ms]"
        )
    target = "met" if min(ratios) >= 10 else "NOT met"
    print(f"target native >= 10x faster: {target} (lowest ratio {min(ratios):.1f}x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
