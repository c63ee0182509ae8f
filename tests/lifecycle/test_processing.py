"""The recipient's processing and the supplier's answers (LIF-2..7), through the real services."""

from __future__ import annotations

import pytest

from openchorus.core.errors import ApplicationError
from openchorus.invoices.models import Invoice
from openchorus.invoices.services import (
    InvoiceRefused,
    invoice_attachment_add,
    invoice_complete,
    invoice_copy,
    invoice_recycle,
)
from openchorus.lifecycle.services import (
    invoice_forward,
    invoice_process,
    processing_choices,
    supplier_visible_status,
)
from openchorus.lifecycle.statuses import InvoiceStatus as S
from openchorus.notifications.models import FeedEvent
from openchorus.structures import access
from tests.invoices.factories import PARIS_HABITAT_SIRET, recipient_agent, sent, setting
from tests.structures.factories import ServiceFactory, StructureFactory
from tests.structures.factories_documents import PDF_BYTES

pytestmark = pytest.mark.django_db


def test_recipient_is_told_and_processes_through_to_payment(django_capture_on_commit_callbacks):
    s = setting()
    agent = recipient_agent(s)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = sent(s)
    assert FeedEvent.objects.filter(user=agent, kind="FACTURE_A_TRAITER", params__number="F2026-001").exists()
    assert S.TO_RECYCLE in processing_choices(agent, invoice)
    for target in (S.SERVICE_DONE, S.MANDATED, S.AVAILABLE_TO_ACCOUNTANT, S.ACCOUNTED, S.PAYMENT_ORDERED):
        with django_capture_on_commit_callbacks(execute=True):
            invoice = invoice_process(actor=agent, invoice=invoice, target=target, comment="ok")
    assert Invoice.objects.get(pk=invoice.pk).status == S.PAYMENT_ORDERED
    statuses = set(
        FeedEvent.objects.filter(user=s.manager, kind="FACTURE_STATUT").values_list(
            "params__status", flat=True
        )
    )
    assert {"Service fait", "Mandatée", "Comptabilisée", "Mise en paiement"} <= statuses
    assert supplier_visible_status(invoice) == S.PAYMENT_ORDERED


def test_hidden_payment_status_is_not_shown_nor_told_to_the_supplier(django_capture_on_commit_callbacks):
    s = setting(payment_status_hidden=True)
    agent = recipient_agent(s)
    invoice = sent(s)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_process(actor=agent, invoice=invoice, target=S.ACCOUNTED)
        invoice = invoice_process(actor=agent, invoice=invoice, target=S.PAYMENT_ORDERED)
    assert FeedEvent.objects.filter(user=s.manager, params__status="Comptabilisée").exists()
    assert supplier_visible_status(invoice) == S.ACCOUNTED
    assert not FeedEvent.objects.filter(user=s.manager, params__status="Mise en paiement").exists()


def test_only_the_recipient_with_modification_processes():
    s = setting()
    reader = recipient_agent(s, level="CONSULTATION")
    other_service = recipient_agent(s, service="FL")
    invoice = sent(s)
    for user in (reader, other_service, s.manager):
        assert processing_choices(user, invoice) == []
        with pytest.raises(ApplicationError):
            invoice_process(actor=user, invoice=invoice, target=S.SERVICE_DONE)
    assert Invoice.objects.get(pk=invoice.pk).status == S.AVAILABLE


def test_recycle_to_another_recipient_keeps_the_number_and_a_trace_for_the_former_one():
    s = setting()
    agent = recipient_agent(s)
    invoice = sent(s)
    invoice = invoice_process(
        actor=agent,
        invoice=invoice,
        target=S.TO_RECYCLE,
        comment="Ce n'est pas nous",
        motif="DESTINATAIRE_INCORRECT",
    )
    commune = StructureFactory(public=True, legal_name="Commune de Chambéry")
    ServiceFactory(structure=commune, code="TECH")
    with pytest.raises(InvoiceRefused) as refused:
        invoice_recycle(
            actor=s.manager,
            invoice=invoice,
            recipient_identifier=commune.identifier,
            service_code="NOPE",
            engagement_number="",
        )
    assert "INV-5-SERVICE-INCONNU" in {f.rule_id for f in refused.value.findings}
    assert Invoice.objects.get(pk=invoice.pk).status == S.TO_RECYCLE

    invoice = invoice_recycle(
        actor=s.manager,
        invoice=invoice,
        recipient_identifier=commune.identifier,
        service_code="TECH",
        engagement_number="EJ-9",
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.recipient, invoice.number) == (S.AVAILABLE, commune, "F2026-001")
    abilities = access.invoice_abilities(agent, invoice)
    assert abilities["view"] and abilities["view_as_former_recipient"] and not abilities["process"]
    assert not access.invoice_abilities(agent, invoice)["view_as_recipient"]


def test_suspended_invoice_is_completed_with_a_new_document():
    s = setting()
    agent = recipient_agent(s)
    invoice = invoice_process(
        actor=agent, invoice=sent(s), target=S.SUSPENDED, comment="Bon de livraison ?", motif="PJ_MANQUANTE"
    )
    with pytest.raises(ApplicationError) as missing:
        invoice_complete(actor=s.manager, invoice=invoice)
    assert missing.value.extra["code"] == "attachment_missing"
    invoice_attachment_add(actor=s.manager, invoice=invoice, data=PDF_BYTES, filename="bon-de-livraison.pdf")
    invoice = invoice_complete(actor=s.manager, invoice=invoice, comment="Bon joint")
    assert Invoice.objects.get(pk=invoice.pk).status == S.COMPLETED
    assert S.SERVICE_DONE in processing_choices(agent, invoice)


def test_rejected_invoice_is_final_and_copied_under_a_new_number():
    s = setting()
    agent = recipient_agent(s)
    invoice = invoice_process(
        actor=agent, invoice=sent(s), target=S.REJECTED, comment="Prix faux", motif="MONTANT_ERRONE"
    )
    assert processing_choices(agent, invoice) == []
    with pytest.raises(ApplicationError):
        invoice_copy(actor=s.manager, invoice=invoice, number="F2026-001")
    copy = invoice_copy(actor=s.manager, invoice=invoice, number="F2026-001-B")
    assert copy.status == S.DRAFT and copy.recipient_identifier == PARIS_HABITAT_SIRET
    assert copy.total_incl_vat == invoice.total_incl_vat and copy.lines.count() == invoice.lines.count()
    assert Invoice.objects.get(pk=invoice.pk).status == S.REJECTED


def test_forward_to_another_service_of_the_structure(django_capture_on_commit_callbacks):
    s = setting()
    agent = recipient_agent(s)
    fl_agent = recipient_agent(s, service="FL")
    invoice = sent(s)
    assert not access.invoice_abilities(fl_agent, invoice)["view"]
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_forward(
            actor=agent, invoice=invoice, service=s.services["FL"], comment="Pour la flotte"
        )
    invoice.refresh_from_db()
    assert invoice.recipient_service == s.services["FL"] and invoice.status == S.AVAILABLE
    assert access.invoice_abilities(fl_agent, invoice)["process"]
    assert FeedEvent.objects.filter(user=fl_agent, kind="FACTURE_A_TRAITER").exists()
    other = ServiceFactory()
    with pytest.raises(ApplicationError):
        invoice_forward(actor=agent, invoice=invoice, service=other)
