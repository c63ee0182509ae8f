"""Webhooks (BYD-3): a technical account's system is told of every status change of its structure's
invoices, as supplier or as recipient, by a signed JSON POST.

- `webhook_add` / `webhook_remove`: a manager of the structure (access.technical_account_abilities)
  registers or removes a URL; the signing secret is returned once.
- `enqueue_invoice_event(invoice, target)`: called by `lifecycle.services._notify` for every status
  written; one `WebhookDelivery` per live webhook whose technical account sees the invoice
  (access.invoice_abilities with the account as actor; a "Mise en paiement" hidden from the
  supplier is not told to the supplier's accounts), sent by a task once the transaction commits.
- `delivery_attempt`: one POST, logged (`WebhookAttempt`: HTTP status, duration, error). A 2xx is
  delivered; anything else is retried with exponential back-off (the task re-enqueued with
  `run_after`) until `max_attempts()`, then abandoned.

Every event is `{id, type, timestamp, idStructure, data}`; `type` is an open vocabulary
("invoice.status_changed" now; the EDI flows will add "flow.status_changed"). The signature header
is `X-OpenChorus-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, verified by
`signature_verify` (docs/api.md, "Webhooks").
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openchorus.audit.services import audit_event_add
from openchorus.connections.models import (
    DeliveryStatus,
    TechnicalAccount,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from openchorus.core.errors import ApplicationError
from openchorus.structures import access

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-OpenChorus-Signature"
EVENT_HEADER = "X-OpenChorus-Event"
DELIVERY_HEADER = "X-OpenChorus-Delivery"
INVOICE_STATUS_CHANGED = "invoice.status_changed"
FLOW_STATUS_CHANGED = "flow.status_changed"
MAX_WEBHOOKS_PER_ACCOUNT = 5
SIGNATURE_TOLERANCE = 300  # seconds a receiver should accept between `t` and its clock


def max_attempts() -> int:
    return int(getattr(settings, "OPENCHORUS_WEBHOOK_MAX_ATTEMPTS", 8))


def request_timeout() -> float:
    return float(getattr(settings, "OPENCHORUS_WEBHOOK_TIMEOUT", 10))


def retry_delay(attempt: int) -> timedelta:
    """After the `attempt`-th failure: 1 min, 2, 4, 8… doubling, at most 6 hours."""
    base = float(getattr(settings, "OPENCHORUS_WEBHOOK_RETRY_BASE_SECONDS", 60))
    return timedelta(seconds=min(base * 2 ** max(attempt - 1, 0), 6 * 3600))


# --- registration ---------------------------------------------------------------------------------


def _require_manager(actor, account: TechnicalAccount) -> None:
    if actor is not None and not access.technical_account_abilities(actor, account.structure).get("create"):
        raise ApplicationError(
            _("Vous n'avez pas les droits nécessaires sur la structure %(structure)s.")
            % {"structure": account.structure.identifier},
            extra={"code": "forbidden"},
        )


def _http_allowed() -> bool:
    return bool(getattr(settings, "OPENCHORUS_WEBHOOK_ALLOW_HTTP", settings.DEBUG))


def _private_allowed() -> bool:
    """Whether webhooks may reach loopback, private or link-local addresses (development and tests
    only: in production that would let anyone with a technical account probe the internal network)."""
    return bool(getattr(settings, "OPENCHORUS_WEBHOOK_ALLOW_PRIVATE", settings.DEBUG))


class InternalAddress(OSError):
    """The webhook's host is (or resolves to) an address inside the platform's network."""


def _internal(address: str) -> bool:
    try:
        return not ipaddress.ip_address(address.split("%", 1)[0]).is_global
    except ValueError:
        return False  # a name: resolved and checked when delivering


def public_address(host: str, port: int) -> tuple:
    """The socket address to connect to for `host`: the first it resolves to, provided none is
    internal. Checked at each connection (not only when the URL was registered), on the address
    actually used, so a name that later resolves inside the network is refused too."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not _private_allowed() and any(_internal(str(info[4][0])) for info in infos):
        raise InternalAddress(f"adresse interne refusée : {host}")
    return infos[0][4]


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = socket.create_connection(public_address(self.host, self.port)[:2], self.timeout)


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        sock = socket.create_connection(public_address(self.host, self.port)[:2], self.timeout)
        self.sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_GuardedHTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_GuardedHTTPSConnection, req)


def url_check(url: str) -> str:
    """A URL the platform may POST to: absolute, https (http only where allowed), no credentials,
    not an address of the platform's own network."""
    url = (url or "").strip()
    parts = urlsplit(url)
    schemes = ("https", "http") if _http_allowed() else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise ApplicationError(_("Indiquez une adresse complète en https://…"), field="url")
    host = parts.hostname.lower()
    if not _private_allowed() and (_internal(host) or host == "localhost" or host.endswith(".localhost")):
        raise ApplicationError(
            _("Cette adresse est interne : indiquez l'adresse publique de votre système."), field="url"
        )
    if parts.username or parts.password:
        raise ApplicationError(
            _("L'adresse ne doit pas contenir d'identifiant ni de mot de passe : la signature suffit."),
            field="url",
        )
    if len(url) > 500:
        raise ApplicationError(_("L'adresse ne doit pas dépasser 500 caractères."), field="url")
    return url


@transaction.atomic
def webhook_add(*, actor, account: TechnicalAccount, url: str) -> tuple[Webhook, str]:
    """Register a URL for a technical account; returns the webhook and its secret (shown once)."""
    _require_manager(actor, account)
    if account.is_revoked:
        raise ApplicationError(_("Ce compte technique est révoqué."))
    url = url_check(url)
    active = account.webhooks.filter(removed_at__isnull=True)
    if active.filter(url=url).exists():
        raise ApplicationError(_("Cette adresse est déjà enregistrée pour ce compte technique."), field="url")
    if active.count() >= MAX_WEBHOOKS_PER_ACCOUNT:
        raise ApplicationError(
            _("Un compte technique compte au plus %(n)s adresses de notification.")
            % {"n": MAX_WEBHOOKS_PER_ACCOUNT},
            field="url",
        )
    secret = "whsec_" + secrets.token_urlsafe(32)
    webhook = Webhook.objects.create(
        account=account, url=url, secret=secret, created_by=actor if getattr(actor, "pk", None) else None
    )
    audit_event_add(
        stream=f"structure:{account.structure_id}",
        actor=actor,
        action="webhook.add",
        obj=webhook,
        after={"account": account.login, "url": url},
    )
    return webhook, secret


@transaction.atomic
def webhook_remove(*, actor, webhook: Webhook) -> Webhook:
    """Stop notifying a URL (its delivery log is kept); pending deliveries are abandoned."""
    _require_manager(actor, webhook.account)
    if webhook.removed_at is not None:
        return webhook
    webhook.removed_at = timezone.now()
    webhook.save(update_fields=["removed_at", "updated_at"])
    webhook.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None
    )
    audit_event_add(
        stream=f"structure:{webhook.account.structure_id}",
        actor=actor,
        action="webhook.remove",
        obj=webhook,
        before={"account": webhook.account.login, "url": webhook.url},
    )
    return webhook


# --- reads for the Raccordements page -------------------------------------------------------------


def webhooks_for_account(*, account: TechnicalAccount) -> QuerySet[Webhook]:
    return account.webhooks.filter(removed_at__isnull=True).order_by("created_at", "id")


def webhook_for_user(*, user, webhook_id: int) -> Webhook | None:
    """A webhook of a technical account the user manages, or None."""
    return (
        Webhook.objects.select_related("account__structure")
        .filter(pk=webhook_id, account__structure_id__in=access.technical_account_structures(user))
        .first()
    )


def deliveries_for_account(*, account: TechnicalAccount, limit: int = 50) -> list[WebhookDelivery]:
    """The latest deliveries of an account's webhooks (removed ones included), with their attempts."""
    return list(
        WebhookDelivery.objects.filter(webhook__account=account)
        .select_related("webhook")
        .prefetch_related(Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number")))
        .order_by("-created_at", "-id")[:limit]
    )


# --- signature ------------------------------------------------------------------------------------


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The header value: `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_verify(
    secret: str, body: bytes, header: str, *, tolerance: int = SIGNATURE_TOLERANCE, now: float | None = None
) -> bool:
    """What a receiver does: recompute the HMAC over the raw body and check the time window."""
    fields = dict(part.split("=", 1) for part in (header or "").split(",") if "=" in part)
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


# --- events ---------------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment or timezone.now()).isoformat(timespec="milliseconds")


def _body(event_id: uuid.UUID, event_type: str, structure_id: int, data: dict[str, Any]) -> str:
    payload = {
        "id": str(event_id),
        "type": event_type,
        "timestamp": _iso(None),
        "idStructure": structure_id,
        "data": data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


_grouped_deliveries: ContextVar[list[WebhookDelivery] | None] = ContextVar(
    "webhook_deliveries_grouped", default=None
)


def event_enqueue(
    *, account: TechnicalAccount, event_type: str, data: dict[str, Any]
) -> list[WebhookDelivery]:
    """One delivery per live webhook of `account`, sent once the current transaction commits.
    Any kind of event goes through here (`event_type` is free: invoice now, EDI flows later).
    Within `webhook_deliveries_grouped` the deliveries are inserted when the block ends."""
    if account.is_revoked:
        return []
    deliveries = []
    for webhook in _account_webhooks(account):
        event_id = uuid.uuid4()
        deliveries.append(
            WebhookDelivery(
                webhook=webhook,
                event_id=event_id,
                event_type=event_type,
                body=_body(event_id, event_type, account.structure_id, data),
            )
        )
    grouped = _grouped_deliveries.get()
    if grouped is not None:
        grouped.extend(deliveries)
        return deliveries
    _deliveries_write(deliveries)
    return deliveries


def _deliveries_write(deliveries: list[WebhookDelivery]) -> None:
    if not deliveries:
        return
    if len(deliveries) == 1:
        deliveries[0].save()
    else:
        WebhookDelivery.objects.bulk_create(deliveries)
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: [_schedule(pk) for pk in ids])


@contextmanager
def webhook_deliveries_grouped() -> Iterator[None]:
    """Within this block (inside the caller's transaction), the deliveries queued are inserted in
    one statement when it ends (an EDI batch: two statuses for each of its invoices)."""
    if _grouped_deliveries.get() is not None:
        yield
        return
    deliveries: list[WebhookDelivery] = []
    token = _grouped_deliveries.set(deliveries)
    try:
        yield
    finally:
        _grouped_deliveries.reset(token)
    _deliveries_write(deliveries)


def _listening() -> Exists:
    """Accounts with at least one live webhook (a plain join on `webhooks__removed_at__isnull`
    would also match the accounts that have none)."""
    return Exists(Webhook.objects.filter(account=OuterRef("pk"), removed_at__isnull=True))


_remembered: ContextVar[dict[frozenset[int], list[TechnicalAccount]] | None] = ContextVar(
    "webhook_listeners_remembered", default=None
)


_remembered_webhooks: ContextVar[dict[int, list[Webhook]] | None] = ContextVar(
    "webhook_webhooks_remembered", default=None
)


def _account_webhooks(account: TechnicalAccount) -> list[Webhook]:
    """`webhooks_for_account`, read once per account within `webhook_listeners_remembered`."""
    remembered = _remembered_webhooks.get()
    if remembered is None:
        return list(webhooks_for_account(account=account))
    if account.pk not in remembered:
        remembered[account.pk] = list(webhooks_for_account(account=account))
    return remembered[account.pk]


@contextmanager
def webhook_listeners_remembered() -> Iterator[None]:
    """Within this block, the accounts listening to a set of structures, and their webhooks, are
    looked up once: a chunk of an EDI flow writes two statuses for each of its hundreds of
    invoices, mostly between the same two structures. A webhook added or removed meanwhile counts
    from the next block (seconds)."""
    token, webhooks_token = _remembered.set({}), _remembered_webhooks.set({})
    try:
        yield
    finally:
        _remembered.reset(token)
        _remembered_webhooks.reset(webhooks_token)


def _listening_accounts(structure_ids: frozenset[int]) -> list[TechnicalAccount]:
    remembered = _remembered.get()
    if remembered is not None and structure_ids in remembered:
        return remembered[structure_ids]
    accounts = list(
        TechnicalAccount.objects.live().filter(structure_id__in=structure_ids).filter(_listening())
    )
    if remembered is not None:
        remembered[structure_ids] = accounts
    return accounts


def enqueue_invoice_event(invoice, target: str, source: str | None = None) -> None:
    """A status of `invoice` was just written (`target`, from `source` when the caller knows it):
    tell the technical accounts of its supplier and recipient structures that see it, through
    their webhooks."""
    accounts = _listening_accounts(
        frozenset(sid for sid in (invoice.supplier_id, invoice.recipient_id) if sid)
    )
    if not accounts:
        return
    from openchorus.lifecycle.models import InvoiceStatusChange
    from openchorus.lifecycle.statuses import InvoiceStatus
    from openchorus.lifecycle.transitions import REFORM_CODES

    if source is None:
        source = (
            InvoiceStatusChange.objects.filter(invoice_id=invoice.pk, to_status=target)
            .order_by("-at", "-id")
            .values_list("from_status", flat=True)
            .first()
        ) or ""
    hidden_payment = bool(
        target == InvoiceStatus.PAYMENT_ORDERED
        and invoice.recipient_id
        and invoice.recipient.payment_status_hidden
    )
    code, label = REFORM_CODES.get(InvoiceStatus(target), ("", ""))
    for account in accounts:
        actor = access.TechnicalActor(
            account_id=account.pk, login=account.login, structure_id=account.structure_id
        )
        abilities = access.invoice_abilities(actor, invoice)
        if abilities["view_as_recipient"]:
            role = "DESTINATAIRE"
        elif abilities["view_as_supplier"] and not hidden_payment:
            role = "FOURNISSEUR"
        else:
            continue
        event_enqueue(
            account=account,
            event_type=INVOICE_STATUS_CHANGED,
            data={
                "idFacture": invoice.pk,
                "numeroFacture": invoice.number,
                "role": role,
                "ancienStatut": str(source),
                "nouveauStatut": str(target),
                "codeStatutReforme": code,
                "libelleStatutReforme": label,
                "dateHeureEtatCourant": _iso(invoice.status_changed_at),
            },
        )


def enqueue_flow_event(*, flow_id: int, status: str) -> None:
    """A flow's status was just written: tell the technical accounts of its structure (the one that
    sent it and the others of the structure) through their webhooks."""
    from openchorus.flows.models import Flow

    flow = Flow.objects.filter(pk=flow_id).values("number", "structure_id", "filename", "syntax").first()
    if flow is None:
        return
    accounts = TechnicalAccount.objects.live().filter(structure_id=flow["structure_id"]).filter(_listening())
    for account in accounts:
        event_enqueue(
            account=account,
            event_type=FLOW_STATUS_CHANGED,
            data={
                "numeroFluxDepot": flow["number"],
                "nomFichier": flow["filename"],
                "syntaxeFlux": flow["syntax"],
                "etatCourantFlux": status,
                "dateHeureEtatCourantFlux": _iso(timezone.now()),
            },
        )


# --- delivery -------------------------------------------------------------------------------------


def _schedule(delivery_id: int, run_after: datetime | None = None) -> bool:
    """Enqueue the delivery task (later when `run_after` is given and the backend can defer)."""
    from openchorus.connections.tasks import webhook_deliver

    task = webhook_deliver
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return False  # left pending with next_attempt_at: `webhooks_retry_due` picks it up
        task = task.using(run_after=run_after)
    task.enqueue(delivery_id=delivery_id)
    return True


def webhooks_retry_due(*, now: datetime | None = None) -> int:
    """Re-enqueue the pending deliveries whose next attempt is due (for backends that cannot defer
    a task, or tasks lost with a worker); returns how many."""
    due = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now or timezone.now()
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        _schedule(pk)
        count += 1
    return count


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect is an answer like any other non-2xx: logged, retried


_OPENER = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _NoRedirect(), _GuardedHTTPHandler(), _GuardedHTTPSHandler()
)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 - checked
    try:
        with _OPENER.open(request, timeout=request_timeout()) as response:
            response.read(4096)
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"[:500]
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error) or type(error).__name__)[:500]


def delivery_attempt(*, delivery_id: int) -> str:
    """One attempt at a delivery, logged; schedules the next one or gives up. Returns the outcome."""
    delivery = WebhookDelivery.objects.select_related("webhook__account").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return "skipped"
    webhook = delivery.webhook
    number = delivery.attempts + 1
    started = timezone.now()
    if not webhook.is_active or webhook.account.is_revoked:
        code, error, duration = None, str(_("Adresse supprimée ou compte technique révoqué.")), 0
        final = True
    else:
        body = delivery.body.encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "OpenChorus-Webhooks/1",
            SIGNATURE_HEADER: signature(webhook.secret, body, int(time.time())),
            EVENT_HEADER: delivery.event_type,
            DELIVERY_HEADER: str(delivery.event_id),
        }
        clock = time.monotonic()
        code, error = _post(webhook.url, body, headers)
        duration = int((time.monotonic() - clock) * 1000)
        final = False
    WebhookAttempt.objects.create(
        delivery=delivery, number=number, at=started, status_code=code, duration_ms=duration, error=error
    )
    fields: dict[str, Any] = {"attempts": number}
    if code is not None and 200 <= code < 300:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=timezone.now(), next_attempt_at=None)
        outcome = "delivered"
    elif final or number >= max_attempts():
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
        outcome = "failed"
        logger.warning("webhook %s: delivery %s abandoned after %s attempts", webhook.pk, delivery.pk, number)
    else:
        fields.update(next_attempt_at=timezone.now() + retry_delay(number))
        outcome = "retry"
    updated = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
    ).update(**fields)
    if updated and outcome == "retry":
        _schedule(delivery.pk, fields["next_attempt_at"])
    return outcome
