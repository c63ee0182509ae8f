"""Reads of the invoices app, always scoped by the acting user through structures/access.py.

The supplier's follow-up of "Factures émises" (INV-7): the synthèse (what needs my action), the
dashboard (counts by current status), the search engine with its CSV export, the archives
(invoices whose final status was reached more than two years ago, left out of every other list),
and one invoice with its history and audit trail.

Lists are built for very large tables: they follow the indexes of `Invoice.Meta` (supplier + status
+ creation, supplier + deposit date, number, engagement), fetch one row more than the page to know
whether a next page exists, and count at most `COUNT_CAP` rows ("more than N" past that).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openchorus.audit.models import AuditEvent
from openchorus.audit.services import ChainVerdict, audit_chain_verify
from openchorus.invoices.enums import BillingFrame
from openchorus.invoices.models import Invoice, InvoiceAttachment
from openchorus.lifecycle.models import InvoiceStatusChange
from openchorus.lifecycle.statuses import FINAL_STATUSES, SUPPLIER_ACTION_STATUSES, InvoiceStatus
from openchorus.structures import access
from openchorus.structures.enums import Space
from openchorus.structures.models import Structure, StructureService

COUNT_CAP = 1000  # counts stop here: "plus de 1 000" is all a page needs to say
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SYNTHESIS_ROWS = 5  # invoices listed under each heading of the synthèse
ARCHIVE_AFTER = timedelta(days=2 * 365 + 1)  # two years, leap day included
EXPORT_BATCH = 2000

# --- scope ------------------------------------------------------------------------------------


def archive_cutoff(now: datetime | None = None) -> datetime:
    """Invoices whose final status was reached before this moment are archived."""
    return (now or timezone.now()) - ARCHIVE_AFTER


def _archived(cutoff: datetime) -> Q:
    return Q(status__in=FINAL_STATUSES, status_changed_at__lt=cutoff)


def _sent_scope(user) -> QuerySet[Invoice]:
    """Every invoice of the user's "Factures émises" space, archived ones included."""
    return Invoice.objects.filter(access.sent_invoices_scope(user))


def _current(user) -> QuerySet[Invoice]:
    """The space's invoices less the archives: what the synthèse, dashboard and search show."""
    return _sent_scope(user).exclude(_archived(archive_cutoff()))


def _list_related(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return queryset.select_related("supplier", "recipient", "recipient_service", "supplier_service")


def sent_invoices_suppliers(*, user) -> list[Structure]:
    """The structures whose sent invoices the user may see (the "structure" criterion's choices)."""
    ids = [sid for sid, rights in access.rights_for(user).items() if Space.SENT_INVOICES in rights.spaces]
    return list(Structure.objects.filter(pk__in=ids).order_by("legal_name", "pk"))


# --- pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoicePage:
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


def _page(queryset: QuerySet[Invoice], *, page: int, page_size: int) -> InvoicePage:
    page = max(int(page), 1)
    page_size = min(max(int(page_size), 1), MAX_PAGE_SIZE)
    offset = (page - 1) * page_size
    rows = list(queryset[offset : offset + page_size + 1])
    has_next = len(rows) > page_size
    items = rows[:page_size]
    if not has_next:  # the last page: the count is known without asking the database
        count, capped = offset + len(items), False
        if not items and page > 1:
            count, capped = capped_count(queryset)
    else:
        count, capped = capped_count(queryset)
    return InvoicePage(items, page, page_size, has_next, count, capped)


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


def _criteria_filter(criteria: SearchCriteria) -> Q:
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
    recipient = criteria.recipient.strip()
    if recipient:
        compact = recipient.replace(" ", "")
        if compact.isdigit():
            q &= Q(recipient__identifier__startswith=compact) | Q(
                recipient__isnull=True, recipient_identifier__startswith=compact
            )
        else:
            for word in recipient.split():
                q &= Q(recipient__legal_name__icontains=word) | Q(recipient__label__icontains=word)
    if criteria.status:
        q &= Q(status=criteria.status)
    if criteria.service_code:
        code = criteria.service_code.strip()
        q &= Q(recipient_service__code__iexact=code) | Q(
            recipient_service__isnull=True, service_code__iexact=code
        )
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


def _searched(user, criteria: SearchCriteria) -> QuerySet[Invoice]:
    order = SORTS.get(criteria.sort, SORTS[DEFAULT_SORT])
    return _current(user).filter(_criteria_filter(criteria)).order_by(*order)


def sent_invoices_search(
    *, user, criteria: SearchCriteria | None = None, page: int = 1, page_size: int = PAGE_SIZE
) -> InvoicePage:
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
    return [
        _text(invoice.number),
        invoice.get_type_code_display(),
        _day(invoice.issue_date),
        _day(invoice.submitted_at),
        str(invoice.get_status_display()),
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([str(title) for title in EXPORT_HEADER])
    yield "\ufeff" + flush()
    queryset = _list_related(_searched(user, criteria or SearchCriteria()))
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


def sent_invoices_synthesis(*, user, rows: int = SYNTHESIS_ROWS) -> list[SynthesisGroup]:
    """What needs the supplier's action (drafts, rejected, to recycle, suspended): for each status a
    capped count and the latest invoices, each an index range scan of (supplier, status, -created)."""
    current = _current(user)
    groups = []
    for status in SUPPLIER_ACTION_STATUSES:
        queryset = current.filter(status=status)
        latest = list(_list_related(queryset).order_by("-created_at", "-id")[: rows + 1])
        if len(latest) <= rows:
            count, capped = len(latest), False
        else:
            count, capped = capped_count(queryset)
        groups.append(SynthesisGroup(InvoiceStatus(status), count, capped, latest[:rows]))
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
    """Counts of the current invoices (archives excluded) by status, grouped by supplier structure,
    supplier service, billing frame and creating user: one GROUP BY, rolled up here."""
    grouped = (
        _current(user)
        .order_by()
        .values_list("supplier_id", "supplier_service_id", "billing_frame", "created_by_id", "status")
        .annotate(n=Count("id"))
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


def sent_invoices_archives(*, user, page: int = 1, page_size: int = PAGE_SIZE) -> InvoicePage:
    """Invoices whose final status (rejected, payment ordered) was reached more than two years ago."""
    queryset = _sent_scope(user).filter(_archived(archive_cutoff())).order_by("-status_changed_at", "-id")
    return _page(_list_related(queryset), page=page, page_size=page_size)


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
        invoice = self.invoice
        return bool(
            invoice.status in FINAL_STATUSES
            and invoice.status_changed_at
            and invoice.status_changed_at < archive_cutoff()
        )


def invoice_get_for_user(*, user, invoice_id: int) -> tuple[Invoice, dict[str, bool]] | None:
    """The invoice and the user's abilities on it, or None when the user may not see it at all
    (the page then answers 404, saying nothing of whether it exists)."""
    invoice = (
        Invoice.objects.select_related(
            "supplier",
            "supplier_service",
            "recipient",
            "recipient_service",
            "created_by",
            "bank_account",
            "original_file",
            "xml_file",
            "pdf_file",
        )
        .filter(pk=invoice_id)
        .first()
    )
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
    return InvoiceView(
        invoice=invoice,
        abilities=abilities,
        history=list(invoice.status_changes.select_related("actor").order_by("at", "id")),
        audit_events=list(AuditEvent.objects.filter(stream=stream).order_by("sequence")),
        verdict=audit_chain_verify(stream=stream),
        attachments=list(invoice.attachments.select_related("stored")),
    )
