"""Every (status, target, party) triple: the table's transitions succeed with their effects, every
other one is refused and changes nothing (LIF-1)."""

from __future__ import annotations

import pytest

from openchorus.core.errors import ApplicationError
from openchorus.invoices.models import Invoice
from openchorus.lifecycle.models import InvoiceStatusChange
from openchorus.lifecycle.services import invoice_transition
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.transitions import MOTIFS, REFORM_CODES, TRANSITIONS, Party, transition_for
from tests.invoices.factories import draft, setting

pytestmark = pytest.mark.django_db


def _set(invoice: Invoice, status: str) -> Invoice:
    Invoice.objects.filter(pk=invoice.pk).update(status=status)
    invoice.status = status
    return invoice


def test_every_triple_of_the_table():
    s = setting()
    invoice = draft(s)
    invoice.recipient, invoice.recipient_service = s.recipient, s.services["BC"]
    Invoice.objects.filter(pk=invoice.pk).update(recipient=s.recipient, recipient_service=s.services["BC"])
    allowed = refused = 0
    for source in InvoiceStatus:
        for target in InvoiceStatus:
            for party in Party:
                _set(invoice, source)
                rows = InvoiceStatusChange.objects.count()
                rule = transition_for(source, target)
                motif = MOTIFS[target][0][0] if target in MOTIFS else ""
                actor = None if party == Party.PLATFORM else s.manager
                if rule is not None and party in rule.parties:
                    invoice_transition(
                        invoice=invoice,
                        target=target,
                        actor=actor,
                        party=party,
                        comment="motif détaillé",
                        motif=motif,
                    )
                    assert Invoice.objects.get(pk=invoice.pk).status == target
                    change = InvoiceStatusChange.objects.latest("id")
                    assert (change.from_status, change.to_status, change.motif) == (source, target, motif)
                    assert change.recipient_id == s.recipient.pk
                    allowed += 1
                else:
                    with pytest.raises(ApplicationError):
                        invoice_transition(
                            invoice=invoice, target=target, actor=actor, party=party, comment="x", motif=motif
                        )
                    assert Invoice.objects.get(pk=invoice.pk).status == source
                    assert InvoiceStatusChange.objects.count() == rows
                    refused += 1
    assert allowed == sum(len(t.parties) for t in TRANSITIONS)
    assert allowed + refused == len(InvoiceStatus) ** 2 * len(Party)


def test_returns_require_a_comment_and_a_known_motif():
    s = setting()
    invoice = _set(draft(s), InvoiceStatus.AVAILABLE)
    for target in (InvoiceStatus.TO_RECYCLE, InvoiceStatus.SUSPENDED, InvoiceStatus.REJECTED):
        with pytest.raises(ApplicationError) as no_comment:
            invoice_transition(
                invoice=invoice, target=target, actor=s.manager, party=Party.RECIPIENT, motif="AUTRE"
            )
        assert no_comment.value.field == "comment"
        with pytest.raises(ApplicationError) as bad_motif:
            invoice_transition(
                invoice=invoice,
                target=target,
                actor=s.manager,
                party=Party.RECIPIENT,
                comment="c",
                motif="NIMPORTE",
            )
        assert bad_motif.value.field == "motif"
        assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.AVAILABLE


def test_final_statuses_have_no_way_out():
    for final in (InvoiceStatus.REJECTED, InvoiceStatus.PAYMENT_ORDERED):
        assert not [t for t in TRANSITIONS if t.source == final]


def test_processing_never_goes_backwards():
    assert transition_for(InvoiceStatus.MANDATED, InvoiceStatus.SERVICE_DONE) is None
    assert transition_for(InvoiceStatus.SERVICE_DONE, InvoiceStatus.PAYMENT_ORDERED) is not None
    assert transition_for(InvoiceStatus.AVAILABLE, InvoiceStatus.ACCOUNTED) is not None


def test_every_status_has_its_reform_code():
    assert set(REFORM_CODES) == set(InvoiceStatus)
    assert REFORM_CODES[InvoiceStatus.DEPOSITED][0] == "200"
    assert REFORM_CODES[InvoiceStatus.REJECTED][0] == "210"
