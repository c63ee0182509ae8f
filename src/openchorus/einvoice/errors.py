"""Structured findings and errors of the e-invoice library, shared by every syntax and rule set.

A finding (`Issue`) is data: the portal, the API, EDI flow reports and the command line all render
the same record, so a rule says its message once, in French and in English.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    FATAL = "fatal"
    WARNING = "warning"
    INFORMATION = "information"


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding about an invoice file or document."""

    rule_id: str
    severity: Severity
    message_fr: str
    message_en: str
    location: str = ""  # XPath in the file, or a path in the model when there is no file
    bt: str = ""  # the EN 16931 business term or group concerned (BT-1, BG-25, ...)
    fix_fr: str = ""
    fix_en: str = ""

    def message(self, lang: str = "fr") -> str:
        return self.message_en if lang == "en" else self.message_fr

    def fix(self, lang: str = "fr") -> str:
        return self.fix_en if lang == "en" else self.fix_fr

    def as_dict(self) -> dict[str, str]:
        return {
            "rule_id": self.rule_id,
            "severity": str(self.severity),
            "location": self.location,
            "bt": self.bt,
            "message_fr": self.message_fr,
            "message_en": self.message_en,
            "fix_fr": self.fix_fr,
            "fix_en": self.fix_en,
        }


class EInvoiceError(Exception):
    """A file the library cannot read at all (not a finding about a readable invoice).

    Carries one `Issue` so that callers render it like any other finding.
    """

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message_en)
        self.issue = issue


def refusal(rule_id: str, message_fr: str, message_en: str, **kwargs: str) -> EInvoiceError:
    """Build the error for an unreadable or refused file."""
    return EInvoiceError(Issue(rule_id, Severity.FATAL, message_fr, message_en, **kwargs))
