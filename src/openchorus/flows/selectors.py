"""The read side of EDI flows (RAC-3): "Suivi des flux", one flow and its items, "Rejets EDI".

Every function is scoped by the actor through `structures.access.flows_scope` / `flow_visible`: a
flow of a structure the actor may not follow is as absent as a flow that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from openchorus.flows.enums import FlowStatus, ItemOutcome
from openchorus.flows.models import Flow, FlowItem
from openchorus.invoices.models import Invoice
from openchorus.invoices.selectors import Page, capped_count
from openchorus.structures import access

PAGE_SIZE = 20
ITEMS_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# What "Rejets EDI" lists as a flow: processed and refused, or stopped by an internal fault.
REJECTED_FLOW_STATUSES = (FlowStatus.REJECTED, FlowStatus.INCIDENT)


def _page(queryset: QuerySet, *, page: int, page_size: int, count=None) -> Page:
    """A page of `queryset`; `count` (a callable giving (count, capped)) replaces the COUNT query."""
    page = max(int(page), 1)
    page_size = min(max(int(page_size), 1), MAX_PAGE_SIZE)
    offset = (page - 1) * page_size
    rows = list(queryset[offset : offset + page_size + 1])
    has_next = len(rows) > page_size
    rows = rows[:page_size]
    if not has_next and (rows or page == 1):  # the last page: the count is known already
        total, capped = offset + len(rows), False
    else:
        total, capped = count() if count else capped_count(queryset)
    return Page(rows, page, page_size, has_next, total, capped)


# --- Suivi des flux -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowCriteria:
    """What the search of "Suivi des flux" filters on; empty values filter nothing."""

    number: str = ""  # numéro de flux, or its end
    filename: str = ""  # part of the file name
    status: str = ""
    syntax: str = ""
    channel: str = ""
    deposit_date_from: date | None = None
    deposit_date_to: date | None = None


def flows_for_user(*, user) -> QuerySet[Flow]:
    """Every flow the actor may see, newest first."""
    return Flow.objects.filter(access.flows_scope(user)).order_by("-created_at", "-id")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def flow_search(
    *, user, criteria: FlowCriteria | None = None, page: int = 1, page_size: int = PAGE_SIZE
) -> Page:
    """One page of the flows the actor may see matching `criteria`, newest first."""
    criteria = criteria or FlowCriteria()
    queryset = flows_for_user(user=user).select_related("structure")
    if number := criteria.number.strip():
        queryset = queryset.filter(Q(number=number) | Q(number__endswith=number))
    if filename := criteria.filename.strip():
        queryset = queryset.filter(filename__icontains=filename)
    for field in ("status", "syntax", "channel"):
        if value := getattr(criteria, field):
            queryset = queryset.filter(**{field: value})
    if criteria.deposit_date_from:
        queryset = queryset.filter(created_at__gte=_day_start(criteria.deposit_date_from))
    if criteria.deposit_date_to:
        end = _day_start(criteria.deposit_date_to) + timedelta(days=1)
        queryset = queryset.filter(created_at__lt=end)
    return _page(queryset, page=page, page_size=page_size)


def flow_get_for_user(*, user, flow_id: int) -> Flow | None:
    """One flow, or None when it does not exist or the actor may not see it (404 either way)."""
    flow = Flow.objects.select_related("structure", "file", "account").filter(pk=flow_id).first()
    return flow if flow is not None and access.flow_visible(user, flow) else None


def flow_get_by_number_for_user(*, user, number: str) -> Flow | None:
    """One flow by its numeroFluxDepot (what the API's consulterCR is given)."""
    flow = Flow.objects.select_related("structure", "file", "account").filter(number=number).first()
    return flow if flow is not None and access.flow_visible(user, flow) else None


# --- one flow -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowStep:
    status: str
    label: str
    at: datetime | None
    state: str  # "passed", "current", "upcoming"


_PATH = (FlowStatus.RECEIVED, FlowStatus.QUEUED, FlowStatus.PROCESSING)


def flow_steps(flow: Flow) -> list[FlowStep]:
    """The steps IN_RECU → IN_EN_ATTENTE… → IN_EN_COURS… → final status, with the dates known:
    the deposit, the current status and the end of processing (no per-step history is kept)."""
    final = flow.status if flow.status not in _PATH else None
    current = _PATH.index(flow.status) if final is None else len(_PATH)
    steps = []
    for index, status in enumerate(_PATH):
        state = "passed" if index < current else "current" if index == current else "upcoming"
        at = flow.created_at if index == 0 else (flow.status_at if index == current else None)
        steps.append(FlowStep(status, str(FlowStatus(status).label), at, state))
    shown_final = final or FlowStatus.INTEGRATED
    steps.append(
        FlowStep(
            shown_final,
            str(FlowStatus(shown_final).label) if final else str(_("Traité")),
            (flow.processed_at or flow.status_at) if final else None,
            "passed" if final else "upcoming",
        )
    )
    return steps


def flow_items(*, flow: Flow, outcome: str = "") -> QuerySet[FlowItem]:
    """The items of a flow the caller already may see (from `flow_get_for_user`), in flow order."""
    items = FlowItem.objects.filter(flow=flow)
    if outcome:
        items = items.filter(outcome=outcome)
    return items.order_by("position")


def flow_outcome_counts(flow: Flow) -> dict[str, int]:
    """How many items of each outcome; from the flow's counters once it is final (they are exact
    then), counted while it is being processed."""
    if flow.is_final:
        pending = max(flow.item_count - flow.integrated_count - flow.rejected_count, 0)
        return {
            ItemOutcome.INTEGRATED: flow.integrated_count,
            ItemOutcome.REJECTED: flow.rejected_count,
            ItemOutcome.PENDING: pending,
        }
    counts = dict.fromkeys(ItemOutcome.values, 0)
    for outcome, total in _grouped_counts(flow):
        counts[outcome] = total
    return counts


def _grouped_counts(flow: Flow) -> Iterable[tuple[str, int]]:
    return FlowItem.objects.filter(flow=flow).values_list("outcome").annotate(n=Count("id")).order_by()


def visible_invoice_ids(*, user, invoice_ids: Iterable[int]) -> set[int]:
    """Of these invoices, the ones the user may open (as supplier or recipient): one query."""
    ids = [i for i in invoice_ids if i]
    if not ids:
        return set()
    scope = access.sent_invoices_scope(user) | access.received_invoices_scope(user)
    return set(Invoice.objects.filter(scope, pk__in=ids).values_list("pk", flat=True))


@dataclass(frozen=True)
class FlowView:
    """Everything a flow's page shows."""

    flow: Flow
    steps: list[FlowStep]
    counts: dict[str, int]
    items: Page  # of FlowItem, each with `invoice_visible`
    outcome: str


def flow_view_for_user(
    *, user, flow_id: int, outcome: str = "", page: int = 1, page_size: int = ITEMS_PAGE_SIZE
) -> FlowView | None:
    flow = flow_get_for_user(user=user, flow_id=flow_id)
    if flow is None:
        return None
    outcome = outcome if outcome in ItemOutcome.values else ""
    counts = flow_outcome_counts(flow)

    def count() -> tuple[int, bool]:
        return (counts[outcome], False) if outcome else (sum(counts.values()), False)

    queryset = flow_items(flow=flow, outcome=outcome).select_related("invoice")
    items = _page(queryset, page=page, page_size=page_size, count=count)
    visible = visible_invoice_ids(user=user, invoice_ids=(item.invoice_id for item in items.items))
    for item in items.items:
        item.invoice_visible = item.invoice_id in visible
    return FlowView(flow, flow_steps(flow), counts, items, outcome)


# --- Rejets EDI -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejection:
    """One line of "Rejets EDI": a rejected invoice of a flow, or a whole flow rejected."""

    kind: str  # "item" or "flow"
    at: datetime
    flow: Flow
    item: FlowItem | None

    @property
    def errors(self) -> list[dict]:
        return list((self.item.errors if self.item else self.flow.errors) or [])


def _rejected_items(user) -> QuerySet:
    return FlowItem.objects.filter(
        flow__in=Flow.objects.filter(access.flows_scope(user)).values("pk")
    ).filter(outcome=ItemOutcome.REJECTED)


def _rejected_flows(user) -> QuerySet:
    return Flow.objects.filter(access.flows_scope(user), status__in=REJECTED_FLOW_STATUSES)


def flow_rejections(*, user, page: int = 1, page_size: int = PAGE_SIZE) -> Page:
    """One page of the actor's EDI rejections, newest first: the rejected invoices of its flows and
    its rejected or incident flows (a flow rejected as a whole, e.g. an unreadable file, has no
    item; one whose invoices were all rejected shows as a flow and as its invoices)."""
    items = (
        _rejected_items(user)
        .annotate(kind=Value("item"), at=Coalesce("processed_at", "flow__status_at"))
        .values_list("kind", "id", "at")
        .order_by()
    )
    flows = (
        _rejected_flows(user)
        .annotate(kind=Value("flow"), at=F("status_at"))
        .values_list("kind", "id", "at")
        .order_by()
    )
    union = items.union(flows, all=True).order_by("-at", "-id")

    def count() -> tuple[int, bool]:
        item_count, items_capped = capped_count(_rejected_items(user))
        flow_count, flows_capped = capped_count(_rejected_flows(user))
        return item_count + flow_count, items_capped or flows_capped

    keys = _page(union, page=page, page_size=page_size, count=count)
    item_rows = FlowItem.objects.select_related("flow", "flow__structure").in_bulk(
        [pk for kind, pk, _at in keys.items if kind == "item"]
    )
    flow_rows = Flow.objects.select_related("structure").in_bulk(
        [pk for kind, pk, _at in keys.items if kind == "flow"]
    )
    rows = []
    for kind, pk, at in keys.items:
        if kind == "item" and pk in item_rows:
            rows.append(Rejection("item", at, item_rows[pk].flow, item_rows[pk]))
        elif kind == "flow" and pk in flow_rows:
            rows.append(Rejection("flow", at, flow_rows[pk], None))
    return Page(rows, keys.page, keys.page_size, keys.has_next, keys.count, keys.count_capped)
