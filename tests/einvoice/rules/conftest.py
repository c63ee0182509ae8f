"""Fixtures of the validation tests: the shared corpus (read in place) and the CEN unit cases."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
CEN_TESTS = CORPUS / "cen-en16931" / "test"
_VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"


def corpus_root() -> Path:
    """The corpus folder: a failure in CI (CI=true), a skip elsewhere when it is missing."""
    if not CORPUS.is_dir():
        message = f"test corpus not found at {CORPUS}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI=true: corpus tests must run)")
        pytest.skip(message)
    return CORPUS


@dataclass(frozen=True)
class CenCase:
    """One test of a CEN unit testSet: expectations on rules (usually one) and a partial document."""

    key: str  # "Invoice-unit-UBL/BR-CO-10.xml#3"
    expected: tuple[tuple[str, str], ...]  # (success | error | warning, rule id)
    document: bytes

    @property
    def rule_id(self) -> str:
        return self.expected[0][1]

    def passes(self, fired: set[tuple[str, str]]) -> bool:
        """Whether fired (rule id, severity) pairs meet every expectation."""
        return all(_meets(outcome, rule_id, fired) for outcome, rule_id in self.expected)


def cen_cases() -> list[CenCase]:
    """The 1,140 CEN unit cases (UBL Invoice, UBL CreditNote, CII), in file order."""
    root = corpus_root()
    cases: list[CenCase] = []
    for path in sorted((root / "cen-en16931" / "test").glob("*/*.xml")):
        if path.parent.name == "testfiles":
            continue
        test_set = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        for index, test in enumerate(test_set.getroot().iter(f"{_VEFA}test")):
            assertion = test.find(f"{_VEFA}assert")
            assert assertion is not None, f"{path}: test without assert"
            expected = tuple(
                (child.tag[len(_VEFA) :], (child.text or "").strip())
                for child in assertion
                if child.tag in (f"{_VEFA}success", f"{_VEFA}error", f"{_VEFA}warning")
            )
            documents = [c for c in test if isinstance(c.tag, str) and not c.tag.startswith(_VEFA)]
            assert expected and len(documents) == 1, f"{path}#{index}: unexpected test shape"
            cases.append(
                CenCase(f"{path.parent.name}/{path.name}#{index}", expected, etree.tostring(documents[0]))
            )
    return cases


def _meets(outcome: str, rule_id: str, fired: set[tuple[str, str]]) -> bool:
    if outcome == "success":
        return all(fired_id != rule_id for fired_id, _ in fired)
    flag = "fatal" if outcome == "error" else "warning"
    return (rule_id, flag) in fired
