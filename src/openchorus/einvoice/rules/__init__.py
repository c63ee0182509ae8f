"""Validation of invoices: EN 16931, French (BR-FR) and Chorus Pro rules, natively or strictly.

- ``validate(invoice, profile=..., rule_sets=...)`` judges a model instance with named rule sets:
  ``"en16931"`` (profile-aware: Factur-X MINIMUM, BASIC WL, EXTENDED and EXTENDED-CTC-FR documents
  are judged by the subsets their schematrons keep), ``"fr"``
  (BR-FR, fatal), ``"fr-warning"`` (BR-FR as warnings, the FNFE transition variant) and
  ``"chorus"`` (identifiers, billing frames, the mandatory mentions of décret 2019-748);
- ``validate_read(result, ...)`` judges a read document, locating findings in the source file; for
  a UBL document, ``"en16931"`` also brings the CEN artefact's UBL syntax rules (UBL-SR, UBL-DT,
  `ubl_syntax`), which judge the XML tree rather than the model;
- ``validate_file(data, ...)`` reads a file (UBL, CII, Factur-X PDF), checks it against its XSD and
  then against the rule sets, natively or, with ``strict=True``, through the official artefacts
  (`einvoice.strict`) for EN 16931 and BR-FR. An unreadable file raises `EInvoiceError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from ..errors import Issue, Severity
from ..model import Invoice, Profile
from ..syntaxes import ReadResult
from . import chorus, en16931, fr, ubl_syntax
from .engine import Hit, Rule, RuleSet, run_rules
from .source import XmlSourceView

__all__ = [
    "DEFAULT_RULE_SETS",
    "Hit",
    "Report",
    "Rule",
    "RuleSet",
    "known_rule",
    "rule_sets_for",
    "validate",
    "validate_file",
    "validate_read",
]

RULE_SET_NAMES = ("en16931", "fr", "fr-warning", "chorus")
# The pre-flight default: EN 16931 and Chorus Pro rules decide; the French reform's rules are
# reported as warnings until the sending side must apply them.
DEFAULT_RULE_SETS: tuple[str, ...] = ("en16931", "fr-warning", "chorus")

RuleSetLike = str | RuleSet


def rule_sets_for(names: Iterable[RuleSetLike], profile: Profile | None) -> list[RuleSet]:
    """Resolve rule set names (or pass rule sets through) for a profile."""
    resolved: list[RuleSet] = []
    for name in names:
        if isinstance(name, RuleSet):
            resolved.append(name)
        elif name == "en16931":
            resolved.append(en16931.rules_for(profile))
        elif name == "fr":
            resolved.append(fr.rule_set(fatal=True))
        elif name == "fr-warning":
            resolved.append(fr.rule_set(fatal=False))
        elif name == "chorus":
            resolved.append(chorus.RULE_SET)
        else:
            raise ValueError(f"unknown rule set {name!r}; expected one of {', '.join(RULE_SET_NAMES)}")
    return resolved


_KNOWN: dict[str, Rule] = {
    rule.rule_id: rule
    for rule_set in (en16931.RULE_SET, ubl_syntax.RULE_SET, fr.FATAL, chorus.RULE_SET)
    for rule in rule_set
}


def known_rule(rule_id: str) -> Rule | None:
    """The native rule with this id, if any (used to give official findings both languages)."""
    return _KNOWN.get(rule_id)


def validate(
    invoice: Invoice,
    *,
    profile: Profile | None = None,
    rule_sets: Sequence[RuleSetLike] = DEFAULT_RULE_SETS,
    syntax_family: str | None = None,
) -> list[Issue]:
    """Judge an invoice of the model; locations are model paths (``lines[0].net_amount``)."""
    chosen = profile if profile is not None else invoice.profile
    issues: list[Issue] = []
    for rule_set in rule_sets_for(rule_sets, chosen):
        issues.extend(run_rules(invoice, rule_set, profile=chosen, syntax_family=syntax_family))
    return issues


@dataclass(frozen=True, slots=True)
class Report:
    """The verdict on one file."""

    syntax: str
    profile: str | None
    issues: tuple[Issue, ...]

    @property
    def valid(self) -> bool:
        return not any(issue.severity == Severity.FATAL for issue in self.issues)

    def fired(self) -> frozenset[str]:
        return frozenset(issue.rule_id for issue in self.issues)


def _syntax_family(result: ReadResult) -> str:
    return "cii" if result.syntax.value in ("cii", "facturx") else "ubl"


def _unreadable(result: ReadResult) -> frozenset[str]:
    """Model paths whose source value the reader could not read (it reported them already)."""
    if not result.issues:
        return frozenset()
    bad = {issue.location for issue in result.issues if issue.location}
    return frozenset(path for path, where in result.locations.items() if str(where) in bad)


def validate_read(
    result: ReadResult,
    *,
    profile: Profile | None = None,
    rule_sets: Sequence[RuleSetLike] = DEFAULT_RULE_SETS,
) -> list[Issue]:
    """Judge a read document natively; findings are located in the source file."""
    chosen = profile if profile is not None else result.profile
    unreadable = _unreadable(result)
    family = _syntax_family(result)
    source = XmlSourceView(_root_of(result), result.children)
    resolved = rule_sets_for(rule_sets, chosen)
    if family == "ubl" and "en16931" in rule_sets:
        # The CEN UBL artefact also binds the syntax (UBL-SR, UBL-DT): judged on the XML tree.
        resolved.insert(1 + list(rule_sets).index("en16931"), ubl_syntax.RULE_SET)
    issues: list[Issue] = []
    for rule_set in resolved:
        issues.extend(
            run_rules(
                result.invoice,
                rule_set,
                profile=chosen,
                locate=result.location,
                syntax_family=family,
                unreadable=unreadable,
                source=source,
            )
        )
    return issues


def _root_of(result: ReadResult) -> etree._Element:
    from ..xml import parse_xml

    for where in result.locations.values():
        return where.element.getroottree().getroot()
    return parse_xml(result.xml)


def validate_file(
    data: bytes,
    *,
    rule_sets: Sequence[RuleSetLike] = DEFAULT_RULE_SETS,
    strict: bool = False,
    xsd: bool = True,
) -> Report:
    """Read and judge a file: reading findings, XSD, then the rule sets (natively or strictly).

    In strict mode the EN 16931 and BR-FR rule sets are replaced by the official artefacts; the
    Chorus Pro rules, which have no published artefact, still run natively.
    """
    from .. import read
    from .. import xsd as xsd_module

    result = read(data)
    issues: list[Issue] = list(result.issues)
    root = _root_of(result)
    if xsd:
        issues.extend(xsd_module.validate(root))
    if strict:
        from .. import strict as strict_module

        names = [n for n in rule_sets if isinstance(n, str)]
        french = "fr" in names or "fr-warning" in names
        if "en16931" in names or french:
            issues.extend(
                strict_module.validate(
                    root,
                    profile=result.profile,
                    french=french,
                    french_fatal="fr" in names,
                )
            )
        rest = [n for n in rule_sets if n not in ("en16931", "fr", "fr-warning")]
        issues.extend(validate_read(result, rule_sets=rest))
    else:
        issues.extend(validate_read(result, rule_sets=rule_sets))
    return Report(result.syntax.value, str(result.profile), tuple(issues))
