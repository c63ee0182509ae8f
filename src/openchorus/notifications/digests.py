"""Periodic activity digests by e-mail (LIF-7, ACC-6): what happened since a user's last digest.

A digest goes to each active user who opted in ("notifications périodiques d'activité" in "Mon
compte"), at their contact e-mail, in their language. It is read from the invoices and their status
history, scoped by `structures/access.py` exactly as the portal's "Factures reçues" and "Factures
émises" are, never from the feed: the feed is a convenience, the history is the record.

- Recipient side: the invoices that became to process (Mise à disposition, Complétée, or forwarded
  to a service) in the window and still are, counted per structure and service.
- Supplier side: the status changes of the user's sent invoices the supplier may see (not the
  deposit, not a forward, not a hidden "Mise en paiement"), counted per status, and the latest.

Each user's window starts where their last one stopped (`DigestWindow`), so an event is never told
twice, and nothing is sent when nothing happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from openchorus.accounts.enums import AccountStatus
from openchorus.accounts.models import User
from openchorus.core.tasks import email_send_on_commit
from openchorus.invoices.models import Invoice
from openchorus.lifecycle.models import InvoiceStatusChange
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.notifications.models import DigestWindow
from openchorus.structures import access
from openchorus.structures.models import Structure, StructureService

FREQUENCIES = {"daily": timedelta(days=1), "weekly": timedelta(weeks=1)}
TO_PROCESS = (InvoiceStatus.AVAILABLE, InvoiceStatus.COMPLETED)
CHANGES_LISTED = 20
# A status change is stamped just before its transaction commits: stopping the window a minute ago
# leaves no change stamped inside it still uncommitted (it would be missed for good).
SETTLE = timedelta(minutes=1)
# A user who opts in again after months gets a month at most, not their whole history.
LOOKBACK_LIMIT = timedelta(days=31)


def digest_frequency() -> str:
    """OPENCHORUS_DIGEST_FREQUENCY: daily (default) or weekly."""
    return settings.DIGEST_FREQUENCY if settings.DIGEST_FREQUENCY in FREQUENCIES else "daily"


def digest_hour() -> int:
    """OPENCHORUS_DIGEST_HOUR: the hour (Europe/Paris, 0-23) digests go out; 7 by default."""
    return min(max(int(settings.DIGEST_HOUR), 0), 23)


@dataclass(frozen=True)
class ToProcess:
    structure: str
    service: str  # "" when the invoice has no service
    available: int
    completed: int

    @property
    def total(self) -> int:
        return self.available + self.completed

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(status label, count) of the statuses holding some: the label translated when shown."""
        pairs = (
            (InvoiceStatus.AVAILABLE.label, self.available),
            (InvoiceStatus.COMPLETED.label, self.completed),
        )
        return [(str(label), n) for label, n in pairs if n]


@dataclass(frozen=True)
class StatusCount:
    label: str
    count: int


@dataclass
class Digest:
    since: datetime
    until: datetime
    to_process: list[ToProcess] = field(default_factory=list)
    status_counts: list[StatusCount] = field(default_factory=list)
    changes: list[InvoiceStatusChange] = field(default_factory=list)  # the latest, capped

    @property
    def to_process_total(self) -> int:
        return sum(group.total for group in self.to_process)

    @property
    def changes_total(self) -> int:
        return sum(count.count for count in self.status_counts)

    @property
    def is_empty(self) -> bool:
        return not self.to_process and not self.status_counts


def _to_process(user: User, since: datetime, until: datetime) -> list[ToProcess]:
    arrived = InvoiceStatusChange.objects.filter(
        invoice=OuterRef("pk"), to_status__in=TO_PROCESS, at__gt=since, at__lte=until
    )
    rows = (
        Invoice.objects.filter(access.received_invoices_scope(user), status__in=TO_PROCESS)
        .filter(Exists(arrived))
        .order_by()
        .values_list("recipient_id", "recipient_service_id", "status")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[int, int | None], dict[str, int]] = {}
    for recipient_id, service_id, status, n in rows:
        counts.setdefault((recipient_id, service_id), {})[status] = n
    if not counts:
        return []
    structures = Structure.objects.in_bulk({sid for sid, _ in counts})
    services = StructureService.objects.in_bulk({sv for _, sv in counts if sv})
    groups = [
        ToProcess(
            structure=structures[sid].designation,
            service=f"{services[sv].label} ({services[sv].code})" if sv else "",
            available=by_status.get(InvoiceStatus.AVAILABLE, 0),
            completed=by_status.get(InvoiceStatus.COMPLETED, 0),
        )
        for (sid, sv), by_status in counts.items()
    ]
    return sorted(groups, key=lambda g: (g.structure, g.service))


def _status_changes(user: User, since: datetime, until: datetime) -> QuerySet[InvoiceStatusChange]:
    """The changes the supplier's users are told of, as `lifecycle.services._notify` tells them."""
    return (
        InvoiceStatusChange.objects.filter(
            at__gt=since,
            at__lte=until,
            invoice__in=Invoice.objects.filter(access.sent_invoices_scope(user)).values("pk"),
        )
        .exclude(to_status=InvoiceStatus.DEPOSITED)
        .exclude(to_status=F("from_status"))  # a forward between the recipient's services
        .exclude(Q(to_status=InvoiceStatus.PAYMENT_ORDERED, invoice__recipient__payment_status_hidden=True))
    )


def digest_for_user(*, user: User, since: datetime, until: datetime) -> Digest:
    """What a user's digest says for the window (since, until]: read, nothing written."""
    changes = _status_changes(user, since, until)
    by_status = dict(changes.order_by().values_list("to_status").annotate(n=Count("id")))
    return Digest(
        since=since,
        until=until,
        to_process=_to_process(user, since, until),
        status_counts=[StatusCount(str(s.label), by_status[s]) for s in InvoiceStatus if by_status.get(s)],
        changes=list(
            changes.select_related("invoice", "invoice__recipient").order_by("-at", "-id")[:CHANGES_LISTED]
        ),
    )


def _claim_window(user: User, until: datetime, first_window: timedelta) -> datetime | None:
    """Move the user's window to `until` and return where it started; None when another run did."""
    last = DigestWindow.objects.filter(user=user).values_list("covered_until", flat=True).first()
    if last is None:
        try:
            with transaction.atomic():
                DigestWindow.objects.create(user=user, covered_until=until)
        except IntegrityError:
            return None
        since = until - first_window
    else:
        if last >= until:
            return None
        if not DigestWindow.objects.filter(user=user, covered_until=last).update(covered_until=until):
            return None
        since = last
    return max(since, until - LOOKBACK_LIMIT)


def _absolute(name: str) -> str:
    return f"{settings.BASE_URL}{reverse(name)}"


def _render(user: User, digest: Digest) -> tuple[str, str]:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "digest": digest,
            "site_title": settings.SITE_TITLE,
            "received_link": _absolute("portal:received_invoices"),
            "sent_link": _absolute("portal:sent_invoices"),
            "account_link": _absolute("portal:account"),
            "more_changes": max(digest.changes_total - len(digest.changes), 0),
            "changes": [
                {
                    "at": change.at,
                    "number": change.invoice.number,
                    "recipient": (
                        change.invoice.recipient.designation
                        if change.invoice.recipient
                        else change.invoice.recipient_identifier
                    ),
                    "status": str(InvoiceStatus(change.to_status).label),
                }
                for change in digest.changes
            ],
        }
        subject = render_to_string("notifications/email/digest_subject.txt", context).strip()
        body = render_to_string("notifications/email/digest.txt", context)
    return subject, body


@transaction.atomic
def digest_send(*, user: User, until: datetime, first_window: timedelta) -> bool:
    """Claim the user's next window and queue their digest on commit; False when nothing is sent."""
    since = _claim_window(user, until, first_window)
    if since is None:
        return False
    digest = digest_for_user(user=user, since=since, until=until)
    if digest.is_empty:
        return False
    subject, body = _render(user, digest)
    email_send_on_commit(to=[user.notification_email], subject=subject, body=body)
    return True


def digests_send(*, now: datetime | None = None) -> int:
    """Every opted-in active user's digest for the window ending now; the number of e-mails queued."""
    until = (now or timezone.now()) - SETTLE
    first_window = FREQUENCIES[digest_frequency()]
    users = User.objects.filter(status=AccountStatus.ACTIVE, activity_notifications=True)
    return sum(
        digest_send(user=user, until=until, first_window=first_window)
        for user in users.order_by("pk").iterator()
    )
