"""The declarative transition table (LIF-1): which status may follow which, and who makes it.

Sending creates the first transitions (Brouillon → Déposée → Mise à disposition); the processing
side (recycling, suspension, rejection, service fait…) adds its rows here. A transition absent from
the table is impossible, whoever asks.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from openchorus.lifecycle.statuses import InvoiceStatus


class Party(enum.StrEnum):
    """Who makes a transition."""

    SUPPLIER = "supplier"  # a user of the supplier structure with "Factures émises" modification
    RECIPIENT = "recipient"  # a user of the recipient with "Factures reçues" modification
    PLATFORM = "platform"  # the platform itself (routing, integration)


@dataclass(frozen=True)
class Transition:
    source: InvoiceStatus
    target: InvoiceStatus
    parties: frozenset[Party]
    comment_required: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(InvoiceStatus.DRAFT, InvoiceStatus.DEPOSITED, frozenset({Party.SUPPLIER, Party.PLATFORM})),
    Transition(InvoiceStatus.DEPOSITED, InvoiceStatus.AVAILABLE, frozenset({Party.PLATFORM})),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def transition_for(source: str, target: str) -> Transition | None:
    return _BY_PAIR.get((InvoiceStatus(source), InvoiceStatus(target)))


def targets_from(source: str, party: Party) -> list[InvoiceStatus]:
    """The statuses a party may move an invoice to from `source` (for "Traiter" menus)."""
    return [t.target for t in TRANSITIONS if t.source == source and party in t.parties]
