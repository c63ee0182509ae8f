"""The rule engine: a rule is an id, a severity, the business term it concerns, a check over the
model and its messages in French and English; a rule set is a named, ordered list of rules.

A check is a plain function over the `Invoice` that yields a `Hit` for each place where the rule is
broken (the model path of the faulty term, and optional French and English details such as the
expected amount). The engine turns hits into `Issue` records, locating each one in the source file
when the reader recorded where the term came from.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from ..errors import Issue, Severity
from ..model import Invoice, Profile
from .source import SourceView


class Hit(NamedTuple):
    """One place where a rule is broken."""

    path: str = ""  # model path ("lines[0].net_amount"); "" for the invoice as a whole
    detail_fr: str = ""
    detail_en: str = ""


Check = Callable[[Invoice], Iterable[Hit]]
# A check that can also ask the source document what the model does not keep (empty groups).
SourceCheck = Callable[[Invoice, SourceView | None], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A business rule with its official id and its messages."""

    rule_id: str
    severity: Severity
    bt: str
    message_fr: str
    message_en: str
    check: Check
    fix_fr: str = ""
    fix_en: str = ""
    # The profiles the rule applies to; None means every profile.
    profiles: frozenset[Profile] | None = None
    # Where the CII artefact's test differs from the UBL one (e.g. an inclusive tolerance), the
    # check to use for CII and Factur-X documents.
    cii_check: Check | None = None
    # The check to use when the source document is at hand (see `source.SourceView`), and its CII
    # variant; without a source document the rule runs `check` (or `cii_check`) on the model.
    source_check: SourceCheck | None = None
    cii_source_check: SourceCheck | None = None


# A rule with the check to run: with the source document (True), or on the model alone (False).
_Step = tuple[Rule, Callable[..., Iterable[Hit]], bool]


def _plan(rules: Iterable[Rule], profile: Profile | None, cii: bool, with_source: bool) -> tuple[_Step, ...]:
    steps: list[_Step] = []
    for rule in rules:
        if rule.profiles is not None and profile is not None and profile not in rule.profiles:
            continue
        # Which variant of the check runs: with the source document, for CII, or the model only.
        if with_source and cii and rule.cii_source_check is not None:
            steps.append((rule, rule.cii_source_check, True))
        elif with_source and rule.source_check is not None:
            steps.append((rule, rule.source_check, True))
        elif cii and rule.cii_check is not None:
            steps.append((rule, rule.cii_check, False))
        else:
            steps.append((rule, rule.check, False))
    return tuple(steps)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A named, ordered collection of rules."""

    name: str
    rules: tuple[Rule, ...]
    by_id: Mapping[str, Rule] = field(init=False, repr=False, compare=False)
    # What `run_rules` runs, by (profile, CII or not, with a source document or not): computed once.
    _plans: dict[tuple[Profile | None, bool, bool], tuple[_Step, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {rule.rule_id: rule for rule in self.rules})
        object.__setattr__(self, "_plans", {})

    def plan(self, profile: Profile | None, cii: bool, with_source: bool) -> tuple[_Step, ...]:
        """The rules that apply and the variant of each check to run (see `_plan`)."""
        key = (profile, cii, with_source)
        found = self._plans.get(key)
        if found is None:
            found = self._plans[key] = _plan(self.rules, profile, cii, with_source)
        return found

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def ids(self) -> frozenset[str]:
        return frozenset(self.by_id)


class RuleRegistry:
    """Collects rules declared with the `rule` decorator, in declaration order."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []

    def rule(
        self,
        rule_id: str,
        bt: str,
        message_en: str,
        message_fr: str,
        *,
        severity: Severity = Severity.FATAL,
        fix_fr: str = "",
        fix_en: str = "",
        profiles: Iterable[Profile] | None = None,
        cii_check: Check | None = None,
    ) -> Callable[[Check], Check]:
        def register(check: Check) -> Check:
            self.add(
                Rule(
                    rule_id,
                    severity,
                    bt,
                    message_fr,
                    message_en,
                    check,
                    fix_fr,
                    fix_en,
                    frozenset(profiles) if profiles is not None else None,
                    cii_check,
                )
            )
            return check

        return register

    def source_rule(
        self, rule_id: str, bt: str, message_en: str, message_fr: str, *, severity: Severity = Severity.FATAL
    ) -> Callable[[SourceCheck], SourceCheck]:
        """Declare a rule whose check may ask the source document (it gets None without one)."""

        def register(check: SourceCheck) -> SourceCheck:
            def model_only(invoice: Invoice) -> Iterable[Hit]:
                return check(invoice, None)

            self.add(Rule(rule_id, severity, bt, message_fr, message_en, model_only, source_check=check))
            return check

        return register

    def add(self, rule: Rule) -> None:
        if any(existing.rule_id == rule.rule_id for existing in self.rules):
            raise ValueError(f"duplicate rule id {rule.rule_id}")
        self.rules.append(rule)

    def rule_set(self, name: str) -> RuleSet:
        return RuleSet(name, tuple(self.rules))


def run_rules(
    invoice: Invoice,
    rules: Iterable[Rule],
    *,
    profile: Profile | None = None,
    locate: Callable[[str], str] | None = None,
    severity: Severity | None = None,
    syntax_family: str | None = None,
    unreadable: Container[str] = (),
    source: SourceView | None = None,
) -> list[Issue]:
    """Run rules over an invoice.

    `locate` maps a model path to a source location; `syntax_family` ("ubl" or "cii") picks the
    syntax variant of the few rules whose official tests differ between the two artefacts;
    `unreadable` holds the model paths whose source value the reader could not read (and already
    reported), so that rules do not report them again as missing or wrong; `source` answers what
    the model cannot (is an empty group present in the document?).
    """
    issues: list[Issue] = []
    cii = syntax_family == "cii"
    with_source = source is not None
    if isinstance(rules, RuleSet):
        steps = rules.plan(profile, cii, with_source)
    else:
        steps = _plan(rules, profile, cii, with_source)
    for rule, check, takes_source in steps:
        hits = check(invoice, source) if takes_source else check(invoice)
        for hit in hits:
            if hit.path in unreadable:
                continue
            where = (locate(hit.path) if locate is not None and hit.path else "") or hit.path
            message_fr = f"{rule.message_fr} {hit.detail_fr}".strip()
            message_en = f"{rule.message_en} {hit.detail_en}".strip()
            issues.append(
                Issue(
                    rule.rule_id,
                    severity or rule.severity,
                    message_fr,
                    message_en,
                    location=where,
                    bt=rule.bt,
                    fix_fr=rule.fix_fr,
                    fix_en=rule.fix_en,
                )
            )
    return issues
