"""The declarative transition table (LIF-1): which status may follow which, who makes it, and what
it requires (a comment, a motif). A transition absent from the table is impossible, whoever asks.

The statuses and their meaning are seed 001's four tables:

- sending: Brouillon → Déposée (the supplier sends) → Mise à disposition (the platform routes);
- returns to the supplier, from an invoice to process (Mise à disposition, Complétée) or, for
  suspension and rejection, one whose service was certified (Service fait): A recycler (wrong
  recipient, service code or engagement: the supplier corrects them and sends again → Déposée),
  Suspendue (documents missing: the supplier adds them → Complétée), Rejetée (final: the supplier
  issues a new invoice);
- processing by the recipient, every step optional but never backwards: Service fait → Mandatée →
  Mise à disposition du comptable → Comptabilisée → Mise en paiement (final).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from openchorus.lifecycle.statuses import InvoiceStatus as S


class Party(enum.StrEnum):
    """Who makes a transition."""

    SUPPLIER = "supplier"  # a user of the supplier structure with "Factures émises" modification
    RECIPIENT = "recipient"  # a user of the recipient with "Factures reçues" modification
    PLATFORM = "platform"  # the platform itself (routing, integration)


@dataclass(frozen=True)
class Transition:
    source: S
    target: S
    parties: frozenset[Party]
    comment_required: bool = False
    motif_required: bool = False


# Motifs offered when returning an invoice to its supplier (codes stored, labels shown).
MOTIFS: dict[S, tuple[tuple[str, str], ...]] = {
    S.TO_RECYCLE: (
        ("SE_INCORRECT", _("SE incorrect")),
        ("EJ_INCORRECT", _("EJ incorrect ou inexistant")),
        ("DESTINATAIRE_INCORRECT", _("Destinataire incorrect")),
        ("AUTRE", _("Autre motif")),
    ),
    S.SUSPENDED: (
        ("PJ_MANQUANTE", _("Pièce justificative manquante")),
        ("PJ_ILLISIBLE", _("Pièce justificative illisible ou incomplète")),
        ("AUTRE", _("Autre motif")),
    ),
    S.REJECTED: (
        ("DONNEES_ERRONEES", _("Données de facturation erronées")),
        ("MONTANT_ERRONE", _("Montant erroné")),
        ("DOUBLON", _("Facture en doublon")),
        ("PRESTATION_NON_CONFORME", _("Prestation non réalisée ou non conforme")),
        ("AUTRE", _("Autre motif")),
    ),
}

SUPPLIER, RECIPIENT, PLATFORM = (frozenset({p}) for p in (Party.SUPPLIER, Party.RECIPIENT, Party.PLATFORM))
TO_PROCESS = (S.AVAILABLE, S.COMPLETED)
PROCESSING = (S.SERVICE_DONE, S.MANDATED, S.AVAILABLE_TO_ACCOUNTANT, S.ACCOUNTED, S.PAYMENT_ORDERED)


def _returns() -> list[Transition]:
    rows = []
    for source in (*TO_PROCESS, S.SERVICE_DONE):
        for target in (S.SUSPENDED, S.REJECTED):
            rows.append(Transition(source, target, RECIPIENT, comment_required=True, motif_required=True))
    for source in TO_PROCESS:
        rows.append(Transition(source, S.TO_RECYCLE, RECIPIENT, comment_required=True, motif_required=True))
    return rows


def _processing() -> list[Transition]:
    rows = []
    for source in (*TO_PROCESS, *PROCESSING):
        start = PROCESSING.index(source) + 1 if source in PROCESSING else 0
        rows.extend(Transition(source, target, RECIPIENT) for target in PROCESSING[start:])
    return rows


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, S.DEPOSITED, frozenset({Party.SUPPLIER, Party.PLATFORM})),
    Transition(S.DEPOSITED, S.AVAILABLE, PLATFORM),
    Transition(S.TO_RECYCLE, S.DEPOSITED, SUPPLIER),
    Transition(S.SUSPENDED, S.COMPLETED, SUPPLIER),
    *_returns(),
    *_processing(),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def transition_for(source: str, target: str) -> Transition | None:
    return _BY_PAIR.get((S(source), S(target)))


def targets_from(source: str, party: Party) -> list[S]:
    """The statuses a party may move an invoice to from `source` (for "Traiter" menus)."""
    return [t.target for t in TRANSITIONS if t.source == source and party in t.parties]


# --- BYD-4: the 2026 French reform's lifecycle codes (CDAR, DSE v3 table 8) ----------------------
# Chorus Pro's statuses and the reform's are two vocabularies; this is the one mapping between
# them. 212 "Encaissée" is the supplier's own statement and has no Chorus Pro status.
REFORM_CODES: dict[S, tuple[str, str]] = {
    S.DRAFT: ("", ""),
    S.DEPOSITED: ("200", "Déposée"),
    S.AVAILABLE: ("203", "Mise à disposition"),
    S.COMPLETED: ("209", "Complétée"),
    S.TO_RECYCLE: ("213", "Rejetée"),  # returned for a wrong addressee: a routing rejection
    S.SUSPENDED: ("208", "Suspendue"),
    S.REJECTED: ("210", "Refusée"),  # refused by the buyer: a new invoice is needed
    S.SERVICE_DONE: ("204", "Prise en charge"),
    S.MANDATED: ("205", "Approuvée"),
    S.AVAILABLE_TO_ACCOUNTANT: ("205", "Approuvée"),
    S.ACCOUNTED: ("205", "Approuvée"),
    S.PAYMENT_ORDERED: ("211", "Paiement transmis"),
}


def reform_code(status: str) -> str:
    return REFORM_CODES[S(status)][0]


def reform_label(status: str) -> str:
    code, label = REFORM_CODES[S(status)]
    return f"{code} {label}" if code else ""
