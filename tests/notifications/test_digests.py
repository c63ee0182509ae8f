"""Activity digests (LIF-7, ACC-6): opted-in users only, counts from the invoices and their history,
scoped as the portal is, in the user's language, never the same events twice."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from openchorus.invoices.services import invoice_attachment_add, invoice_complete
from openchorus.lifecycle.services import invoice_process
from openchorus.lifecycle.statuses import InvoiceStatus as S
from openchorus.notifications.digests import digest_for_user, digests_send
from openchorus.notifications.models import DigestWindow
from tests.invoices.factories import recipient_agent, sent, setting
from tests.structures.factories_documents import PDF_BYTES

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def at(day: int, hour: int, minute: int = 0):
    return time_machine.travel(datetime(2026, 11, day, hour, minute, tzinfo=PARIS), tick=False)


def opt_in(user, **fields):
    for name, value in {"activity_notifications": True, **fields}.items():
        setattr(user, name, value)
    user.save()
    return user


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Send the digests as the scheduled task does; the e-mails of this run, by recipient."""

    def send() -> dict[str, mail.EmailMessage]:
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            digests_send()
        return {message.to[0]: message for message in mail.outbox[before:]}

    return send


@pytest.fixture
def a():
    """Monday: three invoices to PARIS HABITAT (BC, FL, FL); the FL one is processed at once."""
    with at(23, 10):
        s = setting()
        whole = recipient_agent(s)
        fl = recipient_agent(s, service="FL")
        bc = recipient_agent(s, service="BC")
        sent(s)
        sent(s, number="F2026-002", service_code="FL")
        third = sent(s, number="F2026-003", service_code="FL")
        invoice_process(actor=whole, invoice=third, target=S.SERVICE_DONE)
    return SimpleNamespace(s=s, whole=whole, fl=fl, bc=bc)


def test_digest_goes_to_opted_in_users_only_with_the_counts_of_each_side(a, run):
    opt_in(a.s.manager, contact_email="compta@delices-de-savoie.fr")
    opt_in(a.whole)
    opt_in(a.fl)
    with at(24, 7):
        sent_mails = run()

    assert set(sent_mails) == {"compta@delices-de-savoie.fr", a.whole.email, a.fl.email}  # not bc: no opt-in
    with at(24, 7):
        since = datetime(2026, 11, 23, tzinfo=PARIS)
        supplier = digest_for_user(user=a.s.manager, since=since, until=datetime.now(PARIS))
        recipient = digest_for_user(user=a.whole, since=since, until=datetime.now(PARIS))
    assert [(c.label, c.count) for c in supplier.status_counts] == [
        ("Mise à disposition", 3),
        ("Service fait", 1),
    ]
    assert supplier.to_process == []  # the supplier holds no "Factures reçues"
    # The processed invoice is no longer to process: BC 1, FL 1.
    assert [(g.service, g.available, g.completed) for g in recipient.to_process] == [
        ("Service BC (BC)", 1, 0),
        ("Service FL (FL)", 1, 0),
    ]
    assert recipient.status_counts == []

    body = sent_mails["compta@delices-de-savoie.fr"].body
    assert "Factures émises" in body and "Mise à disposition : 3" in body and "Service fait : 1" in body
    assert "F2026-003" in body and "PARIS HABITAT OPH" in body
    assert "2 nouvelles factures à traiter" in sent_mails[a.whole.email].body


def test_a_user_habilitated_on_one_service_counts_only_that_service(a, run):
    opt_in(a.fl)
    opt_in(a.bc)
    with at(24, 7):
        sent_mails = run()
    assert "1 nouvelle facture à traiter" in sent_mails[a.fl.email].body
    assert "PARIS HABITAT OPH, Service FL (FL) : Mise à disposition 1\n" in sent_mails[a.fl.email].body
    assert "Service BC" not in sent_mails[a.fl.email].body
    assert "PARIS HABITAT OPH, Service BC (BC) : Mise à disposition 1\n" in sent_mails[a.bc.email].body
    assert "Service FL" not in sent_mails[a.bc.email].body


def test_digest_is_written_in_the_users_language(a, run):
    opt_in(a.fl, language="en")
    opt_in(a.s.manager)
    with at(24, 7):
        sent_mails = run()
    english = sent_mails[a.fl.email].body
    assert "Hello Manuela" in english and "Received invoices" in english and "My account" in english
    french = sent_mails[a.s.manager.email].body  # no contact e-mail: the login e-mail
    assert "Bonjour Manuela" in french and "Factures émises" in french


def test_the_same_events_are_never_told_twice_and_nothing_new_sends_nothing(a, run):
    opt_in(a.s.manager)
    opt_in(a.whole)
    with at(24, 7):
        assert set(run()) == {a.s.manager.email, a.whole.email}
    with at(24, 9):  # run again by hand: nothing new
        assert run() == {}
    with at(24, 10):
        invoice = a.s.supplier.invoices_sent.get(number="F2026-001")
        invoice = invoice_process(
            actor=a.whole, invoice=invoice, target=S.SUSPENDED, comment="Devis", motif="PJ_MANQUANTE"
        )
    with at(25, 7):
        sent_mails = run()
    # The recipient has nothing new to process; the supplier hears only of the suspension.
    assert list(sent_mails) == [a.s.manager.email]
    body = sent_mails[a.s.manager.email].body
    assert "Suspendue : 1" in body and "Mise à disposition" not in body
    with at(25, 11):
        invoice_attachment_add(actor=a.s.manager, invoice=invoice, data=PDF_BYTES, filename="devis.pdf")
        invoice_complete(actor=a.s.manager, invoice=invoice, comment="Devis joint")
    with at(26, 7):
        sent_mails = run()
    assert "PARIS HABITAT OPH, Service BC (BC) : Complétée 1\n" in sent_mails[a.whole.email].body
    assert "Complétée : 1" in sent_mails[a.s.manager.email].body
    assert "Suspendue" not in sent_mails[a.s.manager.email].body
    assert DigestWindow.objects.get(user=a.whole).covered_until == datetime(2026, 11, 26, 6, 59, tzinfo=PARIS)


def test_nothing_sent_to_an_opted_in_user_without_activity(run):
    with at(23, 10):
        s = setting()
        opt_in(s.manager)
    with at(24, 7):
        assert run() == {}


def test_hidden_payment_status_is_not_in_the_suppliers_digest(run):
    with at(23, 10):
        s = setting(payment_status_hidden=True)
        agent = recipient_agent(s)
        invoice = sent(s)
        invoice = invoice_process(actor=agent, invoice=invoice, target=S.ACCOUNTED)
        invoice_process(actor=agent, invoice=invoice, target=S.PAYMENT_ORDERED)
        opt_in(s.manager)
    with at(24, 7):
        body = run()[s.manager.email].body
    assert "Comptabilisée : 1" in body and "Mise en paiement" not in body


def test_notifications_digest_command_sends_now(a, capsys, django_capture_on_commit_callbacks):
    opt_in(a.whole)
    with at(24, 7), django_capture_on_commit_callbacks(execute=True):
        call_command("notifications", "digest", "--now")
    assert "1 digest e-mail(s) queued." in capsys.readouterr().out
    assert [m.to for m in mail.outbox] == [[a.whole.email]]
