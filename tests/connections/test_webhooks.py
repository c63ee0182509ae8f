"""Webhooks (BYD-3): status changes delivered to a real local HTTP receiver, signed, retried with
back-off after a failure, abandoned after N attempts, never sent for another structure's invoices;
and the Raccordements page that registers them."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from openchorus.connections import webhooks
from openchorus.connections.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from openchorus.connections.services import technical_account_create
from openchorus.connections.tasks import webhook_deliver
from openchorus.lifecycle.services import invoice_process
from openchorus.lifecycle.statuses import InvoiceStatus as S
from openchorus.structures.enums import Space
from openchorus.structures.models import StructureSpace
from tests.invoices.factories import recipient_agent, sent, setting
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP server in a thread; answers the status codes queued in `answers` (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests.append(
                    {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                )
                self.send_response(outer.answers.pop(0) if outer.answers else 200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/openchorus"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _http_allowed(settings):
    settings.OPENCHORUS_WEBHOOK_ALLOW_HTTP = True
    settings.OPENCHORUS_WEBHOOK_ALLOW_PRIVATE = True  # the test receiver listens on 127.0.0.1


@pytest.fixture
def deferred(settings):
    """Tasks queued (not run) so that the test drives each attempt and sees `run_after`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = webhook_deliver.get_backend()
    backend.clear()
    return backend


def _run_queued(backend) -> list:
    """Run the queued tasks once each; returns the webhook deliveries that were queued."""
    queued = list(backend.results)
    backend.clear()
    for result in queued:
        result.task.call(*result.args, **result.kwargs)
    return [r for r in queued if r.task.name == webhook_deliver.name]


@pytest.fixture
def world():
    s = setting()
    StructureSpace.objects.get_or_create(structure=s.recipient, space=Space.RECEIVED_INVOICES)
    agent = recipient_agent(s)
    recipient_account = technical_account_create(actor=None, structure=s.recipient).account
    supplier_account = technical_account_create(actor=None, structure=s.supplier).account
    return {"s": s, "agent": agent, "recipient": recipient_account, "supplier": supplier_account}


def test_status_changes_are_posted_signed_to_both_sides(world, receiver, django_capture_on_commit_callbacks):
    _hook, secret = webhooks.webhook_add(actor=None, account=world["recipient"], url=receiver.url)
    _hook2, supplier_secret = webhooks.webhook_add(
        actor=None, account=world["supplier"], url=receiver.url + "/f"
    )
    with django_capture_on_commit_callbacks(execute=True):
        invoice = sent(world["s"])
    with django_capture_on_commit_callbacks(execute=True):
        invoice_process(actor=world["agent"], invoice=invoice, target=S.SERVICE_DONE)
    events = [(r["headers"], json.loads(r["body"]), r["body"]) for r in receiver.requests]
    service_done = [e for e in events if e[1]["data"]["nouveauStatut"] == "SERVICE_FAIT"]
    assert {e[1]["data"]["role"] for e in service_done} == {"DESTINATAIRE", "FOURNISSEUR"}
    for headers, payload, raw in service_done:
        key = secret if payload["data"]["role"] == "DESTINATAIRE" else supplier_secret
        assert webhooks.signature_verify(key, raw, headers["x-openchorus-signature"])
        assert not webhooks.signature_verify(key, raw + b" ", headers["x-openchorus-signature"])
        assert headers["x-openchorus-event"] == payload["type"] == "invoice.status_changed"
        assert headers["x-openchorus-delivery"] == payload["id"]
        data = payload["data"]
        assert (data["idFacture"], data["numeroFacture"]) == (invoice.pk, "F2026-001")
        assert (data["ancienStatut"], data["nouveauStatut"], data["codeStatutReforme"]) == (
            "MISE_A_DISPOSITION", "SERVICE_FAIT", "204",
        )  # fmt: skip
        assert payload["timestamp"] and data["dateHeureEtatCourant"]
    deposited = {e[1]["data"]["nouveauStatut"] for e in events}
    assert {"DEPOSEE", "MISE_A_DISPOSITION", "SERVICE_FAIT"} <= deposited
    assert WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).count() == 0
    attempt = WebhookAttempt.objects.first()
    assert attempt.status_code == 200 and attempt.error == ""


def test_retry_after_500_with_backoff(world, receiver, deferred, django_capture_on_commit_callbacks):
    webhooks.webhook_add(actor=None, account=world["recipient"], url=receiver.url)
    invoice = sent(world["s"])
    WebhookDelivery.objects.all().delete()
    deferred.clear()
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        invoice_process(actor=world["agent"], invoice=invoice, target=S.SERVICE_DONE)
    before = timezone.now()
    first = _run_queued(deferred)
    assert len(first) == 1 and first[0].task.run_after is None
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    retry = next(r for r in deferred.results if r.task.name == webhook_deliver.name)
    assert retry.task.run_after >= before + timedelta(seconds=59)
    assert retry.task.run_after == delivery.next_attempt_at
    _run_queued(deferred)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    log = list(delivery.attempt_log.values_list("number", "status_code"))
    assert log == [(1, 500), (2, 200)]
    assert "500" in delivery.attempt_log.first().error
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]  # the same event, resent
    assert not [r for r in deferred.results if r.task.name == webhook_deliver.name]


def test_gives_up_after_n_attempts(world, receiver, deferred, settings, django_capture_on_commit_callbacks):
    settings.OPENCHORUS_WEBHOOK_MAX_ATTEMPTS = 3
    webhooks.webhook_add(actor=None, account=world["recipient"], url=receiver.url)
    invoice = sent(world["s"])
    WebhookDelivery.objects.all().delete()
    deferred.clear()
    receiver.answers = [500, 503, 502, 500]
    with django_capture_on_commit_callbacks(execute=True):
        invoice_process(actor=world["agent"], invoice=invoice, target=S.SERVICE_DONE)
    delays = []
    while deferred.results:
        delays += [r.task.run_after for r in deferred.results if r.task.run_after]
        _run_queued(deferred)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert len(receiver.requests) == 3
    assert len(delays) == 2 and delays[1] - delays[0] > timedelta(seconds=60)  # 1 min, then 2 min


def test_connection_refused_is_logged(world, deferred, django_capture_on_commit_callbacks):
    webhooks.webhook_add(actor=None, account=world["recipient"], url="http://127.0.0.1:9/nothing")
    with django_capture_on_commit_callbacks(execute=True):
        sent(world["s"])
    _run_queued(deferred)
    attempt = WebhookAttempt.objects.first()
    assert attempt.status_code is None and attempt.error


def test_nothing_is_sent_for_another_structures_invoices(world, receiver, django_capture_on_commit_callbacks):
    stranger = technical_account_create(actor=None, structure=StructureFactory()).account
    webhooks.webhook_add(actor=None, account=stranger, url=receiver.url)
    public = StructureFactory(public=True)
    StructureSpace.objects.create(structure=public, space=Space.RECEIVED_INVOICES)
    other_public = technical_account_create(actor=None, structure=public).account
    webhooks.webhook_add(actor=None, account=other_public, url=receiver.url + "/p")
    with django_capture_on_commit_callbacks(execute=True):
        invoice = sent(world["s"])
    with django_capture_on_commit_callbacks(execute=True):
        invoice_process(actor=world["agent"], invoice=invoice, target=S.SERVICE_DONE)
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_hidden_payment_is_not_told_to_the_supplier(receiver, django_capture_on_commit_callbacks):
    s = setting(payment_status_hidden=True)
    StructureSpace.objects.get_or_create(structure=s.recipient, space=Space.RECEIVED_INVOICES)
    agent = recipient_agent(s)
    supplier = technical_account_create(actor=None, structure=s.supplier).account
    webhooks.webhook_add(actor=None, account=supplier, url=receiver.url)
    invoice = sent(s)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_process(actor=agent, invoice=invoice, target=S.ACCOUNTED)
        invoice_process(actor=agent, invoice=invoice, target=S.PAYMENT_ORDERED)
    told = {json.loads(r["body"])["data"]["nouveauStatut"] for r in receiver.requests}
    assert "COMPTABILISEE" in told and "MISE_EN_PAIEMENT" not in told


def test_removed_webhook_and_revoked_account_stop_deliveries(
    world, receiver, deferred, django_capture_on_commit_callbacks
):
    hook, _secret = webhooks.webhook_add(actor=None, account=world["recipient"], url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        sent(world["s"])
    webhooks.webhook_remove(actor=None, webhook=hook)
    _run_queued(deferred)
    assert receiver.requests == []
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}


def test_url_rules(world, settings):
    settings.OPENCHORUS_WEBHOOK_ALLOW_HTTP = False
    from openchorus.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        webhooks.webhook_add(actor=None, account=world["recipient"], url="http://erp.example.fr/hook")
    with pytest.raises(ApplicationError):
        webhooks.webhook_add(
            actor=None, account=world["recipient"], url="https://user:pw@erp.example.fr/hook"
        )
    hook, secret = webhooks.webhook_add(
        actor=None, account=world["recipient"], url="https://erp.example.fr/hook"
    )
    assert secret.startswith("whsec_") and hook.is_active
    with pytest.raises(ApplicationError):
        webhooks.webhook_add(actor=None, account=world["recipient"], url="https://erp.example.fr/hook")


def test_signature_verify_rejects_old_timestamps():
    header = webhooks.signature("whsec_x", b"{}", 1_000)
    assert webhooks.signature_verify("whsec_x", b"{}", header, now=1_100)
    assert not webhooks.signature_verify("whsec_x", b"{}", header, now=2_000)
    assert not webhooks.signature_verify("whsec_y", b"{}", header, now=1_100)
    assert not webhooks.signature_verify("whsec_x", b"{}", "garbage")


# --- the Raccordements page ------------------------------------------------------------------------


def test_manager_adds_a_webhook_sees_secret_once_and_the_log(
    client, world, receiver, django_capture_on_commit_callbacks
):
    manager = MembershipFactory(structure=world["s"].recipient, primary=True).user
    account = world["recipient"]
    client.force_login(manager)
    page = reverse("portal:connection_webhooks", args=[account.pk])
    assert (
        reverse("portal:connection_webhooks", args=[account.pk])
        in client.get(reverse("portal:connections")).content.decode()
    )
    response = client.post(page, {"url": receiver.url})
    assert response.status_code == 200
    hook = account.webhooks.get()
    html = response.content.decode()
    assert 'id="webhook-secret"' in html and hook.secret in html
    again = client.get(page).content.decode()
    assert hook.secret not in again and receiver.url in again
    with django_capture_on_commit_callbacks(execute=True):
        sent(world["s"])
    log = client.get(page).content.decode()
    assert 'id="webhook-deliveries"' in log and "HTTP 200" in log
    response = client.post(reverse("portal:connection_webhook_remove", args=[hook.pk]))
    assert response.status_code == 302
    hook.refresh_from_db()
    assert not hook.is_active


def test_page_refuses_other_managers(client, world):
    outsider = MembershipFactory(structure=StructureFactory(), primary=True).user
    member = MembershipFactory(structure=world["s"].recipient).user
    hook, _secret = webhooks.webhook_add(actor=None, account=world["recipient"], url="http://127.0.0.1:9/x")
    client.force_login(outsider)
    assert client.get(reverse("portal:connection_webhooks", args=[world["recipient"].pk])).status_code == 404
    assert client.post(reverse("portal:connection_webhook_remove", args=[hook.pk])).status_code == 404
    client.force_login(member)
    assert client.get(reverse("portal:connection_webhooks", args=[world["recipient"].pk])).status_code == 403
    hook.refresh_from_db()
    assert hook.is_active


def test_invalid_url_is_refused_on_the_page(client, world, settings):
    settings.OPENCHORUS_WEBHOOK_ALLOW_HTTP = False
    manager = MembershipFactory(structure=world["s"].recipient, primary=True).user
    client.force_login(manager)
    response = client.post(
        reverse("portal:connection_webhooks", args=[world["recipient"].pk]), {"url": "ftp://x"}
    )
    assert response.status_code == 400
    assert not world["recipient"].webhooks.exists()


# --- no SSRF into the platform's network ----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10:8443/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://localhost/hook",
        "https://admin.localhost/hook",
    ],
)
def test_an_internal_address_is_refused_when_added(world, settings, url):
    from openchorus.core.errors import ApplicationError

    settings.OPENCHORUS_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ApplicationError) as refused:
        webhooks.webhook_add(actor=None, account=world["recipient"], url=url)
    assert "interne" in str(refused.value.message)
    assert not world["recipient"].webhooks.exists()


def test_a_name_resolving_inside_the_network_is_refused_at_each_connection(
    world, receiver, settings, django_capture_on_commit_callbacks
):
    """Registered while allowed (or resolving elsewhere then), the host now leads inside: the
    connection is refused after resolution, on the address actually used, and nothing is sent."""
    webhooks.webhook_add(
        actor=None, account=world["recipient"], url=receiver.url.replace("127.0.0.1", "localhost")
    )
    settings.OPENCHORUS_WEBHOOK_ALLOW_PRIVATE = False
    with django_capture_on_commit_callbacks(execute=True):
        sent(world["s"])
    assert receiver.requests == []
    attempt = WebhookAttempt.objects.first()
    assert attempt.status_code is None and "adresse interne" in attempt.error


def test_listeners_are_looked_up_once_per_block_and_every_change_is_told(
    world, deferred, django_capture_on_commit_callbacks
):
    """A chunk of an EDI flow (`webhook_listeners_remembered`) looks the listening accounts up once
    for its invoices between the same structures; each status change still gets its delivery."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    webhooks.webhook_add(actor=None, account=world["recipient"], url="https://hooks.example.org/a")
    with (
        django_capture_on_commit_callbacks(execute=True),
        webhooks.webhook_listeners_remembered(),
        CaptureQueriesContext(connection) as queries,
    ):
        invoices = [sent(world["s"], number=f"F2026-10{n}") for n in range(3)]
    lookups = [q for q in queries.captured_queries if 'FROM "connections_technicalaccount"' in q["sql"]]
    assert len(lookups) == 1
    told = WebhookDelivery.objects.filter(webhook__account=world["recipient"])
    assert told.count() == 2 * len(invoices)  # Déposée and Mise à disposition of each
    # Outside the block every change looks again: a webhook removed meanwhile is honoured at once.
    with CaptureQueriesContext(connection) as queries:
        sent(world["s"], number="F2026-200")
    assert [q for q in queries.captured_queries if 'FROM "connections_technicalaccount"' in q["sql"]]
