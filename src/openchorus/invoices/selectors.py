"""Reads of the invoices app, always scoped by the acting user through structures/access.py.

The supplier's follow-up of "Factures émises" (INV-7): the synthèse (what needs my action), the
dashboard (counts by current status), the search engine with its CSV export, the archives
(invoices whose final status was reached more than two years ago, moved there by the daily
archiving of `invoices.archiving` and left out of every other list),
and one invoice with its history and audit trail. The recipient's "Factures reçues" (LIF-2): the
synthèse (what to process), the dashboard, the search engine and its export.

What the supplier sees of a status goes through `shown_status` (LIF-6: a recipient structure may
hide "Mise en paiement", the supplier then sees the status before it), computed in SQL so that
lists, counts and exports agree with `lifecycle.services.supplier_visible_status`.

Lists are built for very large tables: they follow the indexes of `Invoice.Meta` (supplier + status
+ creation, supplier + deposit date, number, engagement), fetch one row more than the page to know
whether a next page exists, and count at most `COUNT_CAP` rows ("more than N" past that). The
dashboard and the synthèse's counts read the counters of `invoices.counts`, not the invoices.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openchorus.audit.models import AuditEvent
from openchorus.audit.services import ChainVerdict, audit_chain_verify
from openchorus.core.fixed import FixedRead
from openchorus.core.text import search_normalize
from openchorus.directory.selectors import directory_search
from openchorus.invoices.enums import BillingFrame
from openchorus.invoices.models import Invoice, InvoiceAttachment, InvoiceCount, InvoiceLine
from openchorus.lifecycle.models import InvoiceStatusChange
from openchorus.lifecycle.services import supplier_visible_status
from openchorus.lifecycle.statuses import (
    SENT_STATUSES,
    SUPPLIER_ACTION_STATUSES,
    InvoiceStatus,
)
from openchorus.lifecycle.transitions import reform_code, reform_label
from openchorus.structures import access
from openchorus.structures.enums import Space
from openchorus.structures.models import Structure, StructureService

COUNT_CAP = 1000  # counts stop here: "plus de 1 000" is all a page needs to say
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SYNTHESIS_ROWS = 5  # invoices listed under each heading of the synthèse
EXPORT_BATCH = 2000

# --- scope ------------------------------------------------------------------------------------

# Archived: stamped by the daily archiving (`invoices.archiving`), the one place of the rule.
ARCHIVED = Q(archived_at__isnull=False)


def _sent_scope(user) -> QuerySet[Invoice]:
    """Every invoice of the user's "Factures émises" space, archived ones included."""
    return Invoice.objects.filter(access.sent_invoices_scope(user))


def _current(user) -> QuerySet[Invoice]:
    """The space's invoices less the archives: what the synthèse, dashboard and search show."""
    return _sent_scope(user).filter(archived_at__isnull=True)


def _list_related(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return queryset.select_related("supplier", "recipient", "recipient_service", "supplier_service")


# --- the status each side sees ------------------------------------------------------------------


def with_supplier_status(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate `shown_status`, the status the supplier sees (LIF-6): the invoice's
    `supplier_status`, which the lifecycle records with each transition."""
    return queryset.annotate(shown_status=F("supplier_status"))


def _supplier_status_filter(status: str) -> Q:
    """Invoices the supplier sees in `status`."""
    return Q(supplier_status=status)


def status_label(status: str) -> str:
    return str(InvoiceStatus(status).label) if status in InvoiceStatus.values else status


def label_statuses(invoices: list[Invoice]) -> list[Invoice]:
    """Give each invoice `shown_status` (when not annotated: the real one), its label and its
    2026 reform code (BYD-4), which the lists' status badge shows."""
    for invoice in invoices:
        shown = getattr(invoice, "shown_status", None) or invoice.status
        invoice.shown_status = shown
        invoice.shown_status_label = status_label(shown)
        invoice.shown_reform_code = reform_code(shown) if shown in InvoiceStatus.values else ""
    return invoices


def sent_invoices_suppliers(*, user) -> list[Structure]:
    """The structures whose sent invoices the user may see (the "structure" criterion's choices)."""
    ids = [sid for sid, rights in access.rights_for(user).items() if Space.SENT_INVOICES in rights.spaces]
    return list(Structure.objects.filter(pk__in=ids).order_by("legal_name", "pk"))


# --- pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a list: `count` is exact up to `COUNT_CAP`; past it, `count_capped` is true."""

    items: list[Invoice]
    page: int
    page_size: int
    has_next: bool
    count: int
    count_capped: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def first_rank(self) -> int:
        return (self.page - 1) * self.page_size + 1

    @property
    def last_page(self) -> int | None:
        """The last page number when the count is exact, else None (the pager shows "…")."""
        if self.count_capped:
            return None
        return max((self.count - 1) // self.page_size + 1, 1)


def capped_count(queryset: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """COUNT over at most cap + 1 rows: cheap on any table size, exact when small."""
    cap = COUNT_CAP if cap is None else cap
    count = queryset.order_by()[: cap + 1].count()
    return (cap, True) if count > cap else (count, False)


def _page(queryset: QuerySet[Invoice], *, page: int, page_size: int) -> Page:
    page = max(int(page), 1)
    page_size = min(max(int(page_size), 1), MAX_PAGE_SIZE)
    offset = (page - 1) * page_size
    rows = list(queryset[offset : offset + page_size + 1])
    has_next = len(rows) > page_size
    items = label_statuses(rows[:page_size])
    if not has_next:  # the last page: the count is known without asking the database
        count, capped = offset + len(items), False
        if not items and page > 1:
            count, capped = capped_count(queryset)
    else:
        count, capped = capped_count(queryset)
    return Page(items, page, page_size, has_next, count, capped)


# --- search -----------------------------------------------------------------------------------

SORTS = {
    "-depot": ("-submitted_at", "-id"),
    "depot": ("submitted_at", "id"),
    "-date": ("-issue_date", "-id"),
    "date": ("issue_date", "id"),
    "-creation": ("-created_at", "-id"),
}
DEFAULT_SORT = "-depot"


@dataclass(frozen=True)
class SearchCriteria:
    """What the search engine of "Factures émises" filters on; empty values filter nothing."""

    number: str = ""
    issue_date_from: date | None = None
    issue_date_to: date | None = None
    deposit_date_from: date | None = None
    deposit_date_to: date | None = None
    amount_min: Decimal | None = None  # montant TTC
    amount_max: Decimal | None = None
    recipient: str = ""  # SIRET (or its beginning) or words of the name
    status: str = ""
    service_code: str = ""  # the recipient's service code
    engagement_number: str = ""
    supplier_id: int | None = None
    # Reached from the dashboard's cells
    supplier_service_id: int | None = None
    billing_frame: str = ""
    created_by_id: int | None = None
    sort: str = DEFAULT_SORT

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> SearchCriteria:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known and v not in (None, "")})


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _common_filter(criteria: SearchCriteria | ReceivedSearchCriteria) -> Q:
    """The criteria both sides' searches share: number, issue and deposit dates, amount TTC."""
    q = Q()
    if criteria.number:
        q &= Q(number=criteria.number.strip())
    if criteria.issue_date_from:
        q &= Q(issue_date__gte=criteria.issue_date_from)
    if criteria.issue_date_to:
        q &= Q(issue_date__lte=criteria.issue_date_to)
    if criteria.deposit_date_from:
        q &= Q(submitted_at__gte=_day_start(criteria.deposit_date_from))
    if criteria.deposit_date_to:
        q &= Q(submitted_at__lt=_day_start(criteria.deposit_date_to + timedelta(days=1)))
    if criteria.amount_min is not None:
        q &= Q(total_incl_vat__gte=criteria.amount_min)
    if criteria.amount_max is not None:
        q &= Q(total_incl_vat__lte=criteria.amount_max)
    return q


def _criteria_filter(criteria: SearchCriteria) -> Q:
    q = _common_filter(criteria)
    if criteria.status:
        q &= _supplier_status_filter(criteria.status)
    if criteria.service_code:
        # The invoice's own copy of the code (kept by forwarding and recycling): no join. Codes
        # are upper case in the directory; what the user typed is tried as is and in upper case.
        code = criteria.service_code.strip()
        q &= Q(service_code__in={code, code.upper()})
    if criteria.engagement_number:
        q &= Q(engagement_number=criteria.engagement_number.strip())
    if criteria.supplier_id:
        q &= Q(supplier_id=criteria.supplier_id)
    if criteria.supplier_service_id:
        q &= Q(supplier_service_id=criteria.supplier_service_id)
    if criteria.billing_frame:
        q &= Q(billing_frame=criteria.billing_frame)
    if criteria.created_by_id:
        q &= Q(created_by_id=criteria.created_by_id)
    return q


MAX_PARTIES = 1000


def party_condition(scope: QuerySet[Invoice], field: str, text: str) -> Q:
    """Invoices whose `field` ("recipient" or "supplier") has a SIRET starting with `text` or all
    the words of `text` in its name (accents and case aside), as a filter on the party's id that
    the (party, date) indexes serve — no join over the invoices.

    Recipients are public structures: the directory's word index finds them (its best
    `CANDIDATE_LIMIT` matches); suppliers are looked up among those of the invoices in `scope`."""
    compact = text.replace(" ", "")
    if compact.isdigit():
        parties = Structure.objects.filter(identifier__startswith=compact)
        if field == "supplier":
            parties = parties.filter(pk__in=scope.order_by().values("supplier_id"))
        ids = list(parties.values_list("pk", flat=True)[:MAX_PARTIES])
    elif field == "recipient":
        ids = directory_search(text=text, limit=1).ids
    else:
        parties = Structure.objects.filter(pk__in=scope.order_by().values(f"{field}_id"))
        for word in search_normalize(text).split():
            parties = parties.filter(search_text__contains=word)
        ids = list(parties.values_list("pk", flat=True)[:MAX_PARTIES])
    return Q(**{f"{field}_id__in": ids})


def _searched(user, criteria: SearchCriteria) -> QuerySet[Invoice]:
    order = SORTS.get(criteria.sort, SORTS[DEFAULT_SORT])
    current = _current(user)
    queryset = with_supplier_status(current).filter(_criteria_filter(criteria))
    if criteria.recipient.strip():
        queryset = queryset.filter(party_condition(current, "recipient", criteria.recipient.strip()))
    return queryset.order_by(*order)


def sent_invoices_search(
    *, user, criteria: SearchCriteria | None = None, page: int = 1, page_size: int = PAGE_SIZE
) -> Page:
    """One page of the user's sent invoices matching `criteria` (archives excluded)."""
    queryset = _searched(user, criteria or SearchCriteria())
    return _page(_list_related(queryset), page=page, page_size=page_size)


# --- CSV export -------------------------------------------------------------------------------

EXPORT_HEADER = (
    gettext_lazy("Numéro de facture"),
    gettext_lazy("Type de facture"),
    gettext_lazy("Date de facture"),
    gettext_lazy("Date de dépôt"),
    gettext_lazy("Statut"),
    gettext_lazy("Statut (réforme 2026)"),
    gettext_lazy("Date du statut"),
    gettext_lazy("Identifiant du fournisseur"),
    gettext_lazy("Fournisseur"),
    gettext_lazy("Identifiant du destinataire"),
    gettext_lazy("Destinataire"),
    gettext_lazy("Code service"),
    gettext_lazy("Numéro d'engagement"),
    gettext_lazy("Cadre de facturation"),
    gettext_lazy("Montant HT"),
    gettext_lazy("Montant de TVA"),
    gettext_lazy("Montant TTC"),
    gettext_lazy("Devise"),
    gettext_lazy("Mode de dépôt"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


def _export_row(invoice: Invoice) -> list[str]:
    """One CSV line; the status is `shown_status` when the queryset carries it (supplier side)."""
    status = getattr(invoice, "shown_status", None) or invoice.status
    return [
        _text(invoice.number),
        invoice.get_type_code_display(),
        _day(invoice.issue_date),
        _day(invoice.submitted_at),
        status_label(status),
        reform_label(status) if status in InvoiceStatus.values else "",
        _day(invoice.status_changed_at),
        invoice.supplier.identifier,
        _text(invoice.supplier.legal_name),
        invoice.recipient.identifier if invoice.recipient_id else _text(invoice.recipient_identifier),
        _text(invoice.recipient.legal_name) if invoice.recipient_id else "",
        _text(invoice.recipient_service.code if invoice.recipient_service_id else invoice.service_code),
        _text(invoice.engagement_number),
        BillingFrame(invoice.billing_frame).short if invoice.billing_frame in BillingFrame.values else "",
        _amount(invoice.total_excl_vat),
        _amount(invoice.vat_total),
        _amount(invoice.total_incl_vat),
        invoice.currency,
        str(invoice.get_channel_display()),
    ]


def sent_invoices_export_lines(*, user, criteria: SearchCriteria | None = None) -> Iterator[str]:
    """Every match of a search as CSV text (`;`, CRLF, a byte-order mark first), in pieces of whole
    lines, read from the database in batches so that memory stays flat whatever the size."""
    return _export_lines(_list_related(_searched(user, criteria or SearchCriteria())))


def _export_lines(queryset: QuerySet[Invoice]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([str(title) for title in EXPORT_HEADER])
    yield "\ufeff" + flush()
    for count, invoice in enumerate(queryset.iterator(chunk_size=EXPORT_BATCH), start=1):
        writer.writerow(_export_row(invoice))
        if count % EXPORT_BATCH == 0:
            yield flush()
    if rest := flush():
        yield rest


# --- synthèse ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SynthesisGroup:
    status: InvoiceStatus
    count: int
    count_capped: bool
    latest: list[Invoice]

    @property
    def label(self) -> str:
        return str(self.status.label)


def _counters(user) -> QuerySet[InvoiceCount]:
    """The counters of the current invoices of the user's "Factures émises" space."""
    return InvoiceCount.objects.filter(access.sent_invoices_scope(user)).exclude(n=0)


def sent_invoices_synthesis(*, user, rows: int = SYNTHESIS_ROWS) -> list[SynthesisGroup]:
    """What needs the supplier's action (drafts, rejected, to recycle, suspended): for each status a
    count (capped at `COUNT_CAP`, read from the counters) and the latest invoices, an index range scan
    of (supplier, status, -created) for each status that has any."""
    counts = dict(
        _counters(user)
        .filter(supplier_status__in=SUPPLIER_ACTION_STATUSES)
        .order_by()
        .values_list("supplier_status")
        .annotate(total=Sum("n"))
    )
    current = _current(user)
    groups = []
    for status in SUPPLIER_ACTION_STATUSES:
        total = counts.get(status, 0)
        latest: list[Invoice] = []
        if total:
            queryset = _list_related(current.filter(status=status)).order_by("-created_at", "-id")
            latest = label_statuses(list(queryset[:rows]))
        count, capped = (COUNT_CAP, True) if total > COUNT_CAP else (total, False)
        groups.append(SynthesisGroup(InvoiceStatus(status), count, capped, latest))
    return groups


# --- dashboard --------------------------------------------------------------------------------


@dataclass
class DashboardRow:
    label: str
    criterion: dict[str, Any]  # the search criterion selecting this row (for the cells' links)
    counts: dict[str, int] = field(default_factory=dict)
    cells: list[tuple[InvoiceStatus, int]] = field(default_factory=list)  # in the table's column order

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def query(self) -> str:
        return urlencode(self.criterion)


@dataclass
class DashboardTable:
    key: str
    title: str
    rows: list[DashboardRow]
    statuses: list[InvoiceStatus]


@dataclass(frozen=True)
class Dashboard:
    tables: list[DashboardTable]
    statuses: list[InvoiceStatus]
    totals: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def _user_label(user) -> str:
    if user is None:
        return "?"
    name = f"{user.first_name} {user.last_name}".strip()
    return f"{name} ({user.email})" if name else user.email


def sent_invoices_dashboard(*, user) -> Dashboard:
    """Counts of the current invoices (archives excluded) by the status the supplier sees, grouped by
    supplier structure, supplier service, billing frame and creating user: the counters of
    `invoices.counts` in the user's scope (a few rows whatever the number of invoices), rolled up here."""
    grouped = (
        _counters(user)
        .order_by()
        .values_list(
            "supplier_id", "supplier_service_id", "billing_frame", "created_by_id", "supplier_status", "n"
        )
    )
    keys = ("supplier_id", "supplier_service_id", "billing_frame", "created_by_id")
    counts: dict[str, dict[Any, dict[str, int]]] = {
        key: defaultdict(lambda: defaultdict(int)) for key in keys
    }
    totals: dict[str, int] = defaultdict(int)
    for *values, status, n in grouped:
        for key, value in zip(keys, values, strict=True):
            if value is not None:
                counts[key][value][status] += n
        totals[status] += n
    statuses = [s for s in InvoiceStatus if totals.get(s)]

    structures = Structure.objects.in_bulk(list(counts["supplier_id"]))
    services = StructureService.objects.in_bulk(list(counts["supplier_service_id"]))
    users = get_user_model().objects.in_bulk(list(counts["created_by_id"]))
    frames = dict(BillingFrame.choices)
    labels = {
        "supplier_id": lambda pk: structures[pk].legal_name,
        "supplier_service_id": lambda pk: f"{services[pk].label} ({services[pk].code})",
        "billing_frame": lambda code: str(frames.get(code, code)),
        "created_by_id": lambda pk: _user_label(users.get(pk)),
    }
    titles = {
        "supplier_id": _("Par structure"),
        "supplier_service_id": _("Par service"),
        "billing_frame": _("Par cadre de facturation"),
        "created_by_id": _("Par utilisateur"),
    }
    tables = []
    for key in keys:
        rows = [DashboardRow(labels[key](value), {key: value}, dict(c)) for value, c in counts[key].items()]
        rows.sort(key=lambda row: (-row.total, row.label))
        for row in rows:
            row.cells = [(status, row.counts.get(status, 0)) for status in statuses]
        tables.append(DashboardTable(key, titles[key], rows, statuses))
    return Dashboard(tables, statuses, dict(totals))


# --- archives ---------------------------------------------------------------------------------


def sent_invoices_archives(*, user, page: int = 1, page_size: int = PAGE_SIZE) -> Page:
    """Invoices whose final status (rejected, payment ordered) was reached more than two years ago."""
    queryset = with_supplier_status(_sent_scope(user).filter(ARCHIVED))
    queryset = queryset.order_by("-status_changed_at", "-id")
    return _page(_list_related(queryset), page=page, page_size=page_size)


# --- Factures reçues (LIF-2) ----------------------------------------------------------------------
# The recipient's side sees the real status. Lists follow the indexes (recipient, status,
# -submitted_at) and (recipient_service, -submitted_at); drafts never appear (access.py).

# What the recipient must process (the synthèse), then every status a received invoice can have.
RECIPIENT_ACTION_STATUSES = (InvoiceStatus.AVAILABLE, InvoiceStatus.COMPLETED)
RECEIVED_STATUSES = SENT_STATUSES


def _received_scope(user) -> QuerySet[Invoice]:
    return Invoice.objects.filter(access.received_invoices_scope(user))


def received_invoices_structures(*, user) -> list[Structure]:
    """The public structures whose received invoices the user may see."""
    ids = [sid for sid, rights in access.rights_for(user).items() if Space.RECEIVED_INVOICES in rights.spaces]
    return list(Structure.objects.filter(pk__in=ids).order_by("legal_name", "pk"))


def received_invoices_services(*, user) -> list[StructureService]:
    """The services whose invoices the user may see (the "service" criterion's choices)."""
    condition = Q(pk__in=[])
    for sid, rights in access.rights_for(user).items():
        grant = rights.spaces.get(Space.RECEIVED_INVOICES)
        if grant is None:
            continue
        if grant.services is None:
            condition |= Q(structure_id=sid)
        else:
            condition |= Q(structure_id=sid, pk__in=sorted(grant.services))
    return list(
        StructureService.objects.filter(condition)
        .select_related("structure")
        .order_by("structure_id", "code")
    )


@dataclass(frozen=True)
class ReceivedSearchCriteria:
    """What the search engine of "Factures reçues" filters on; empty values filter nothing."""

    number: str = ""
    issue_date_from: date | None = None
    issue_date_to: date | None = None
    deposit_date_from: date | None = None
    deposit_date_to: date | None = None
    amount_min: Decimal | None = None  # montant TTC
    amount_max: Decimal | None = None
    supplier: str = ""  # SIRET (or its beginning) or words of the name
    status: str = ""
    recipient_service_id: int | None = None
    engagement_number: str = ""
    recipient_id: int | None = None
    # Reached from the dashboard's cells
    supplier_id: int | None = None
    sort: str = DEFAULT_SORT

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ReceivedSearchCriteria:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known and v not in (None, "")})


def _received_filter(criteria: ReceivedSearchCriteria) -> Q:
    q = _common_filter(criteria)
    if criteria.status:
        q &= Q(status=criteria.status)
    if criteria.recipient_service_id:
        q &= Q(recipient_service_id=criteria.recipient_service_id)
    if criteria.engagement_number:
        q &= Q(engagement_number=criteria.engagement_number.strip())
    if criteria.recipient_id:
        q &= Q(recipient_id=criteria.recipient_id)
    if criteria.supplier_id:
        q &= Q(supplier_id=criteria.supplier_id)
    return q


def _received_searched(user, criteria: ReceivedSearchCriteria) -> QuerySet[Invoice]:
    order = SORTS.get(criteria.sort, SORTS[DEFAULT_SORT])
    scope = _received_scope(user)
    queryset = scope.filter(_received_filter(criteria))
    if criteria.supplier.strip():
        queryset = queryset.filter(party_condition(scope, "supplier", criteria.supplier.strip()))
    return queryset.order_by(*order)


def received_invoices_search(
    *, user, criteria: ReceivedSearchCriteria | None = None, page: int = 1, page_size: int = PAGE_SIZE
) -> Page:
    """One page of the invoices the user received (through the structures and services it may see)."""
    queryset = _received_searched(user, criteria or ReceivedSearchCriteria())
    return _page(_list_related(queryset), page=page, page_size=page_size)


def received_invoices_export_lines(*, user, criteria: ReceivedSearchCriteria | None = None) -> Iterator[str]:
    """Every match of a search of "Factures reçues" as CSV, like the supplier's export."""
    return _export_lines(_list_related(_received_searched(user, criteria or ReceivedSearchCriteria())))


@dataclass(frozen=True)
class StatusCount:
    status: InvoiceStatus
    count: int
    count_capped: bool

    @property
    def label(self) -> str:
        return str(self.status.label)

    @property
    def reform_code(self) -> str:
        return reform_code(self.status)


@dataclass(frozen=True)
class ReceivedSynthesis:
    groups: list[SynthesisGroup]  # to process: Mise à disposition, Complétée
    counts: list[StatusCount]  # every status holding at least one invoice

    @property
    def to_process(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def total(self) -> int:
        return sum(count.count for count in self.counts)


def received_invoices_synthesis(*, user, rows: int = SYNTHESIS_ROWS) -> ReceivedSynthesis:
    """What the recipient must process (the latest first) and a capped count for each status: each
    an index range scan of (recipient, status, -submitted_at)."""
    scope = _received_scope(user)
    groups = []
    for status in RECIPIENT_ACTION_STATUSES:
        queryset = scope.filter(status=status)
        latest = label_statuses(list(_list_related(queryset).order_by("-submitted_at", "-id")[: rows + 1]))
        if len(latest) <= rows:
            count, capped = len(latest), False
        else:
            count, capped = capped_count(queryset)
        groups.append(SynthesisGroup(InvoiceStatus(status), count, capped, latest[:rows]))
    counts = []
    for status in RECEIVED_STATUSES:
        count, capped = capped_count(scope.filter(status=status))
        if count:
            counts.append(StatusCount(InvoiceStatus(status), count, capped))
    return ReceivedSynthesis(groups, counts)


def received_invoices_dashboard(*, user) -> Dashboard:
    """Counts of the received invoices by status, grouped by recipient structure (when the user sees
    several), service and supplier: one GROUP BY, rolled up here."""
    grouped = (
        _received_scope(user)
        .order_by()
        .values_list("recipient_id", "recipient_service_id", "supplier_id", "status")
        .annotate(n=Count("id"))
    )
    keys = ("recipient_id", "recipient_service_id", "supplier_id")
    counts: dict[str, dict[Any, dict[str, int]]] = {
        key: defaultdict(lambda: defaultdict(int)) for key in keys
    }
    totals: dict[str, int] = defaultdict(int)
    without_service: dict[str, int] = defaultdict(int)
    for *values, status, n in grouped:
        for key, value in zip(keys, values, strict=True):
            if value is not None:
                counts[key][value][status] += n
            elif key == "recipient_service_id":
                without_service[status] += n
        totals[status] += n
    statuses = [s for s in InvoiceStatus if totals.get(s)]
    structures = Structure.objects.in_bulk([*counts["recipient_id"], *counts["supplier_id"]])
    services = StructureService.objects.in_bulk(list(counts["recipient_service_id"]))
    labels = {
        "recipient_id": lambda pk: structures[pk].legal_name,
        "recipient_service_id": lambda pk: f"{services[pk].label} ({services[pk].code})",
        "supplier_id": lambda pk: f"{structures[pk].legal_name} ({structures[pk].identifier})",
    }
    titles = {
        "recipient_id": _("Par structure"),
        "recipient_service_id": _("Par service"),
        "supplier_id": _("Par fournisseur"),
    }
    tables = []
    for key in keys:
        if key == "recipient_id" and len(counts[key]) < 2:
            continue  # one structure: its table would repeat the totals
        rows = [DashboardRow(labels[key](value), {key: value}, dict(c)) for value, c in counts[key].items()]
        rows.sort(key=lambda row: (-row.total, row.label))
        if key == "recipient_service_id" and without_service:
            rows.append(DashboardRow(str(_("Sans service")), {}, dict(without_service)))
        for row in rows:
            row.cells = [(status, row.counts.get(status, 0)) for status in statuses]
        tables.append(DashboardTable(key, titles[key], rows, statuses))
    return Dashboard(tables, statuses, dict(totals))


# --- one invoice ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceView:
    invoice: Invoice
    abilities: dict[str, bool]
    history: list[InvoiceStatusChange]
    audit_events: list[AuditEvent]
    verdict: ChainVerdict
    attachments: list[InvoiceAttachment]

    @property
    def archived(self) -> bool:
        return self.invoice.archived_at is not None


# What the invoice page shows beside the invoice: parties, author, bank account, files.
PAGE_RELATED = (
    "supplier", "supplier_service", "recipient", "recipient_service", "created_by", "bank_account",
    "original_file", "xml_file", "pdf_file",
)  # fmt: skip
# What the API's consulter answers show: the parties, and of them only these columns (the 10-table,
# 186-column read cost 17 ms of PostgreSQL planning and as much of Django compiling it; perf.md).
PARTIES_RELATED = ("supplier", "supplier_service", "recipient", "recipient_service")
PARTIES_COLUMNS = (
    *(f"supplier__{name}" for name in (
        "identifier_type", "identifier", "legal_name", "label", "kind", "status", "address_line1",
        "postcode", "city", "country", "rcs_number", "payment_status_hidden",
    )),
    *(f"recipient__{name}" for name in (
        "identifier_type", "identifier", "legal_name", "label", "kind", "status", "address_line1",
        "postcode", "city", "country", "rcs_number", "payment_status_hidden",
    )),
    *(f"{service}__{name}" for service in ("supplier_service", "recipient_service")
      for name in ("structure", "code", "label")),
)  # fmt: skip


_INVOICE_READS: dict[tuple[tuple[str, ...], tuple[str, ...]], FixedRead] = {}


def _invoice_read(related: tuple[str, ...], columns: tuple[str, ...]) -> FixedRead:
    """One invoice with `related` (and of them only `columns`, when given): a read of fixed shape,
    compiled once per shape (core.fixed; the shapes are this module's constants)."""
    read = _INVOICE_READS.get((related, columns))
    if read is None:

        def build(invoice_id: int) -> QuerySet[Invoice]:
            invoices = Invoice.objects.select_related(*related).filter(pk=invoice_id).order_by()
            if columns:
                invoices = invoices.only(*(f.name for f in Invoice._meta.concrete_fields), *columns)
            return invoices

        read = _INVOICE_READS.setdefault((related, columns), FixedRead(build, invoice_id=int))
    return read


# An invoice's lines and attachments in their order (the API's consulter reads them at every call).
invoice_lines = FixedRead(
    lambda invoice_id: InvoiceLine.objects.filter(invoice_id=invoice_id).order_by("position"), invoice_id=int
)
invoice_attachments = FixedRead(
    lambda invoice_id: InvoiceAttachment.objects.filter(invoice_id=invoice_id).order_by("added_at", "id"),
    invoice_id=int,
)


def invoice_get_for_user(
    *, user, invoice_id: int, related: Sequence[str] = PAGE_RELATED, columns: Sequence[str] = ()
) -> tuple[Invoice, dict[str, bool]] | None:
    """The invoice and the user's abilities on it, or None when the user may not see it at all
    (the page then answers 404, saying nothing of whether it exists). `related` are the relations
    read with it; `columns`, when given, the only columns of those relations read (every column of
    the invoice itself is)."""
    invoice = next(iter(_invoice_read(tuple(related), tuple(columns))(invoice_id=invoice_id)), None)
    if invoice is None:
        return None
    abilities = access.invoice_abilities(user, invoice)
    return (invoice, abilities) if abilities["view"] else None


def invoice_view_for_user(*, user, invoice_id: int) -> InvoiceView | None:
    """Everything the invoice page shows: the record, its history and its verified audit trail."""
    found = invoice_get_for_user(user=user, invoice_id=invoice_id)
    if found is None:
        return None
    invoice, abilities = found
    stream = f"invoice:{invoice.pk}"
    history = list(invoice.status_changes.select_related("actor").order_by("at", "id"))
    events = list(AuditEvent.objects.filter(stream=stream).order_by("sequence"))
    # LIF-6: whoever sees the invoice only as its supplier does not see a hidden "Mise en paiement"
    # (the audit trail keeps its event, chain intact, without naming the status).
    hide_payment = (
        not abilities.get("view_as_recipient")
        and not abilities.get("view_as_former_recipient")
        and invoice.recipient_id is not None
        and invoice.recipient.payment_status_hidden
    )
    if hide_payment:
        history = [c for c in history if c.to_status != InvoiceStatus.PAYMENT_ORDERED]
    for change in history:
        change.reform_code = reform_code(change.to_status)
        change.reform_label = reform_label(change.to_status)
    for event in events:
        status = (event.after or {}).get("status", "") if isinstance(event.after, dict) else ""
        event.masked = hide_payment and status == InvoiceStatus.PAYMENT_ORDERED
    invoice.shown_status = supplier_visible_status(invoice) if hide_payment else invoice.status
    label_statuses([invoice])
    return InvoiceView(
        invoice=invoice,
        abilities=abilities,
        history=history,
        audit_events=events,
        verdict=audit_chain_verify(stream=stream),
        attachments=list(invoice.attachments.select_related("stored")),
    )
