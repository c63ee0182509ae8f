"""EDI flows (RAC-3): receiving a flow, splitting it into its invoices, running each through the
deposit pipeline, and concluding.

    IN_RECU → IN_EN_ATTENTE_TRAITEMENT_CPP → IN_EN_COURS_TRAITEMENT_CPP → IN_INTEGRE
                                                                        | IN_INTEGRE_PARTIEL
                                                                        | IN_REJETE
                                                  (an internal fault:)  | IN_INCIDENTE

Reception checks the flow as a whole (size, syntax, the same file already received) and answers at
once; the rest runs in tasks. Every step is safe to run twice and to resume after a worker died:

- splitting writes all of a flow's items in one transaction, or none;
- an invoice and its item's outcome are written in one transaction, and the item is claimed by a
  conditional update: a second worker on the same item rolls its work back, so one valid item makes
  exactly one invoice;
- a flow whose worker stopped giving signs of life is taken over by `flows_resume`.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from openchorus.connections.webhooks import webhook_listeners_remembered
from openchorus.core.errors import ApplicationError
from openchorus.core.storage import stored_file_put, stored_file_read
from openchorus.flows.containers import FlowContentError, unpack
from openchorus.flows.enums import SYNTAX_FAMILY, FlowChannel, FlowStatus, FlowSyntax, ItemOutcome
from openchorus.flows.models import Flow, FlowItem
from openchorus.ingestion.bulk import bulk_ready, record_many
from openchorus.ingestion.pipeline import (
    DepositOutcome,
    Examined,
    examine,
    record,
    sender_service,
    size_label,
)
from openchorus.invoices.checks import Finding
from openchorus.invoices.enums import Channel
from openchorus.lifecycle.services import feed_notifications_grouped
from openchorus.structures.models import Structure, StructureService

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0


def _finding(code: str, fr: str, en: str, fix_fr: str = "", fix_en: str = "") -> Finding:
    return Finding(code, "fatal", "", fr, en, fix_fr, fix_en)


class FlowRefused(ApplicationError):
    """The flow is refused at reception: nothing is kept."""

    def __init__(self, finding: Finding, *, code: str = "refused"):
        super().__init__(finding.message, extra={"code": code, "findings": [finding.as_dict()]})
        self.code = code
        self.finding = finding

    @property
    def findings(self) -> list[Finding]:
        return [self.finding]


def flow_actor(flow: Flow):
    """Who processes a flow's invoices: the technical account that sent it, else the user."""
    from openchorus.connections.services_api import technical_account_user
    from openchorus.structures.access import TechnicalActor

    if flow.account_id:
        return TechnicalActor(
            account_id=flow.account_id,
            login=flow.account.login,
            structure_id=flow.account.structure_id,
            user=technical_account_user(flow.account),
        )
    return flow.created_by


# --- reception ------------------------------------------------------------------------------------


def flow_number() -> str:
    """A numeroFluxDepot as the real platform shapes them: "CPP" and 22 digits."""
    return f"CPP{timezone.now():%Y%m%d%H%M%S}{secrets.randbelow(10**8):08d}"


def clean_filename(filename: str) -> str:
    name = PurePosixPath(str(filename).replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f]", "", name).strip()
    return name[:255] or "flux"


def _check_syntax(syntax: str) -> FlowSyntax:
    try:
        return FlowSyntax(syntax)
    except ValueError:
        known = ", ".join(FlowSyntax.values)
        raise FlowRefused(
            _finding(
                "FLUX-SYNTAXE-INCONNUE",
                f"La syntaxe de flux « {syntax} » n'est pas prise en charge.",
                f'The flow syntax "{syntax}" is not supported.',
                f"Syntaxes acceptées : {known}.",
                f"Accepted syntaxes: {known}.",
            ),
            code="syntax",
        ) from None


def flow_size_check(size: int, filename: str) -> None:
    """Refuse a flow over the cap, or empty (before reading it, for a file on disk)."""
    limit = settings.OPENCHORUS_FLOW_MAX_BYTES
    if size > limit:
        size_fr, size_en = size_label(limit)
        raise FlowRefused(
            _finding(
                "FLUX-TAILLE",
                f"Le flux « {filename} » dépasse la taille maximale de {size_fr}.",
                f'The flow "{filename}" is over the {size_en} limit.',
                "Répartissez les factures en plusieurs flux, ou compressez-les (ZIP, tar.gz).",
                "Split the invoices into several flows, or compress them (ZIP, tar.gz).",
            ),
            code="too_big",
        )
    if not size:
        raise FlowRefused(
            _finding("FLUX-VIDE", f"Le flux « {filename} » est vide.", f'The flow "{filename}" is empty.'),
            code="empty",
        )


def _duplicate(structure: Structure, digest: str) -> FlowRefused | None:
    earlier = (
        Flow.objects.filter(structure=structure, sha256=digest)
        .exclude(status=FlowStatus.INCIDENT)
        .only("number", "created_at")
        .first()
    )
    if earlier is None:
        return None
    day = timezone.localtime(earlier.created_at)
    return FlowRefused(
        _finding(
            "FLUX-DOUBLON",
            f"Ce fichier a déjà été déposé le {day:%d/%m/%Y à %H:%M} (flux {earlier.number}).",
            f"This file was already deposited on {day:%Y-%m-%d at %H:%M} (flow {earlier.number}).",
            "Consultez le compte-rendu de ce flux plutôt que de le déposer à nouveau.",
            "Read that flow's report instead of depositing it again.",
        ),
        code="duplicate",
    )


def flow_receive(
    *, actor, structure: Structure, data: bytes, filename: str, syntax: str, channel: str
) -> Flow:
    """Check a flow as a whole and keep it (IN_RECU); its processing is queued once this commits.
    Raises FlowRefused (too big, empty, unknown syntax, the same file already received) or the
    ApplicationError of the sender's rights."""
    import hashlib

    from openchorus.audit.services import audit_event_add

    sender_service(actor, structure, None)  # the right to send invoices for the structure
    filename = clean_filename(filename)
    flow_syntax = _check_syntax(syntax)
    flow_size_check(len(data), filename)
    digest = hashlib.sha256(data).hexdigest()
    refusal = _duplicate(structure, digest)
    if refusal is not None:
        raise refusal
    account_id = actor.account_id if getattr(actor, "is_technical_account", False) else None
    stored = stored_file_put(data=data, content_type="application/octet-stream")
    try:
        with transaction.atomic():
            flow = Flow.objects.create(
                number=flow_number(),
                structure=structure,
                account_id=account_id,
                created_by=None if account_id else actor,
                channel=channel,
                syntax=flow_syntax,
                filename=filename,
                size=len(data),
                sha256=digest,
                file=stored,
                status=FlowStatus.RECEIVED,
            )
            audit_event_add(
                stream=flow_stream(flow),
                actor=actor,
                action="flow:received",
                obj=flow,
                after={"number": flow.number, "filename": filename, "syntax": flow.syntax, "sha256": digest},
            )
            transaction.on_commit(lambda: flow_queue(flow.pk))
    except IntegrityError:  # the same file received at the same moment by another request
        raise _duplicate(structure, digest) or FlowRefused(
            _finding("FLUX-DOUBLON", "Ce fichier a déjà été déposé.", "This file was already deposited."),
            code="duplicate",
        ) from None
    return flow


def flow_stream(flow: Flow) -> str:
    return f"flow:{flow.pk}"


def flow_queue(flow_id: int) -> None:
    """IN_RECU → IN_EN_ATTENTE_TRAITEMENT_CPP, and the processing task."""
    from openchorus.flows.tasks import flow_process

    _set_status(flow_id, FlowStatus.QUEUED, frm=(FlowStatus.RECEIVED,))
    flow_process.enqueue(flow_id=flow_id)


def _set_status(flow_id: int, status: str, *, frm: Iterable[str], **fields) -> bool:
    now = timezone.now()
    updated = Flow.objects.filter(pk=flow_id, status__in=list(frm)).update(
        status=status, status_at=now, heartbeat_at=now, **fields
    )
    if updated:
        _status_changed(flow_id, status)
    return bool(updated)


def _status_changed(flow_id: int, status: str) -> None:
    from openchorus.connections.webhooks import enqueue_flow_event

    enqueue_flow_event(flow_id=flow_id, status=status)


# --- processing -----------------------------------------------------------------------------------


def _split(flow: Flow) -> None:
    """Write the flow's items (one per invoice) in one transaction; nothing when they exist."""
    data = stored_file_read(flow.file)
    chunk_size = max(1, settings.OPENCHORUS_FLOW_CHUNK_SIZE)
    with transaction.atomic():
        locked = Flow.objects.select_for_update().get(pk=flow.pk)
        if locked.item_count:
            return
        count, batch = 0, []
        for count, member in enumerate(unpack(data, flow.filename), start=1):
            batch.append(
                FlowItem(
                    flow_id=flow.pk,
                    position=count,
                    chunk=(count - 1) // chunk_size,
                    name=member.name[:255],
                    content=member.data,
                )
            )
            if len(batch) >= 500:
                FlowItem.objects.bulk_create(batch)
                batch = []
        FlowItem.objects.bulk_create(batch)
        Flow.objects.filter(pk=flow.pk).update(
            item_count=count, chunk_count=(count + chunk_size - 1) // chunk_size, heartbeat_at=timezone.now()
        )


def flow_process(flow_id: int) -> None:
    """Start (or take over) a flow: split it once, then queue a task per chunk still to process."""
    from openchorus.flows.tasks import flow_chunk_process

    flow = Flow.objects.select_related("file").filter(pk=flow_id).first()
    if flow is None or flow.is_final:
        return
    if flow.status in (FlowStatus.RECEIVED, FlowStatus.QUEUED):
        _set_status(flow_id, FlowStatus.PROCESSING, frm=(FlowStatus.RECEIVED, FlowStatus.QUEUED))
    try:
        _split(flow)
    except FlowContentError as error:
        _conclude(flow_id, errors=[_finding(error.code, error.message_fr, error.message_en).as_dict()])
        return
    except Exception:  # an internal fault: the flow must be sent again
        logger.exception("flow %s: internal fault while splitting", flow.number)
        _conclude(flow_id, incident=True)
        return
    chunks = (
        FlowItem.objects.filter(flow_id=flow_id, outcome=ItemOutcome.PENDING)
        .values_list("chunk", flat=True)
        .distinct()
        .order_by("chunk")
    )
    pending = list(chunks)
    for chunk in pending:
        flow_chunk_process.enqueue(flow_id=flow_id, chunk=chunk)
    if not pending:
        _conclude(flow_id)


class _Taken(Exception):
    """Another worker concluded this item first: roll back what this one did."""


@dataclass
class _Chunk:
    """What every invoice of a chunk shares: the flow, its actor, the sender's service (rights
    checked once per chunk) and the recipients already resolved."""

    flow: Flow
    actor: object
    service: StructureService | None = None
    refusal: Finding | None = None  # the sender lost the right to send: every invoice is refused
    recipients: dict = field(default_factory=dict)
    bank_accounts: dict = field(default_factory=dict)  # IBAN → the sender's account (ingestion.bulk)


def _chunk_context(flow: Flow) -> _Chunk:
    chunk = _Chunk(flow, flow_actor(flow))
    try:
        chunk.service = sender_service(chunk.actor, flow.structure, None)
    except ApplicationError as error:
        chunk.refusal = _finding("DEPOT-DROITS", str(error.message), str(error.message))
    return chunk


def _examine(chunk: _Chunk, item: FlowItem) -> Examined | None:
    """The CPU part of an item, outside any transaction (other workers write meanwhile); None when
    the sender may not send (the item is refused for that)."""
    if chunk.refusal is not None:
        return None
    return examine(
        data=bytes(item.content or b""),
        filename=item.name or f"{chunk.flow.number}-{item.position}",
        syntaxes=SYNTAX_FAMILY[chunk.flow.syntax],
    )


def _record(chunk: _Chunk, item: FlowItem, examined: Examined | None) -> DepositOutcome:
    """The write side of one item, file by file (the pipeline's `record`), or its refusal."""
    if examined is None:
        return DepositOutcome(filename=item.name, refused_at="rights", findings=[chunk.refusal])
    return record(
        examined,
        actor=chunk.actor,
        supplier=chunk.flow.structure,
        data=bytes(item.content or b""),
        channel=Channel.EDI,
        submit=True,
        supplier_service=chunk.service,
        recipients=chunk.recipients,
    )


def _item_fields(item: FlowItem, outcome: DepositOutcome) -> dict:
    """The item's outcome as written on it."""
    # A text PDF is refused at detection (the flow's syntaxes), so what passed was sent.
    integrated = outcome.sent
    invoice = outcome.invoice if integrated else None
    return {
        "outcome": ItemOutcome.INTEGRATED if integrated else ItemOutcome.REJECTED,
        "errors": [f.as_dict() for f in outcome.findings],
        "invoice": invoice,
        "number": (invoice.number if invoice else outcome.number)[:40],
        "supplier_identifier": outcome.supplier_identifier[:80],
        "recipient_identifier": (invoice.recipient_identifier if invoice else outcome.recipient_identifier)[
            :80
        ],
        "processed_at": timezone.now(),
        # An integrated invoice keeps its file as its original; a refused one keeps it here.
        "content": None if integrated else item.content,
    }


def _process_item(chunk: _Chunk, item: FlowItem) -> None:
    """One item in its own transaction, examined first."""
    _item_write(chunk, item, _examine(chunk, item))


def _item_write(chunk: _Chunk, item: FlowItem, examined: Examined | None) -> None:
    """The write side of one item examined, in its own transaction."""
    try:
        with transaction.atomic():
            outcome = _record(chunk, item, examined)
            updated = FlowItem.objects.filter(pk=item.pk, outcome=ItemOutcome.PENDING).update(
                **_item_fields(item, outcome)
            )
            if not updated:
                raise _Taken
    except _Taken:
        return


def _process_batch(chunk: _Chunk, items: list[FlowItem]) -> None:
    """Items examined one by one, then written in ONE transaction with a few statements for all
    (`ingestion.bulk`). If another worker concluded one of them meanwhile, or a write fails (the
    same number sent at this moment by another deposit), the batch is rolled back and its items
    are done one by one, each in its own transaction, as `_process_item` does."""
    examined = [_examine(chunk, item) for item in items]
    try:
        with transaction.atomic():
            _write_batch(chunk, items, examined)
    except DatabaseError as error:
        if not isinstance(error, IntegrityError):
            raise  # the database, not an invoice: the task fails and the flow is taken over later
        logger.info("flow %s: a batch met %s, its items are done one by one", chunk.flow.number, error)
    except _Taken:
        pass
    except Exception:
        logger.exception("flow %s: a batch failed, its items are done one by one", chunk.flow.number)
    else:
        return
    for item, one in zip(items, examined, strict=True):
        if FlowItem.objects.filter(pk=item.pk, outcome=ItemOutcome.PENDING).exists():
            _guarded(chunk, item, lambda item=item, one=one: _item_write(chunk, item, one))


def _write_batch(chunk: _Chunk, items: list[FlowItem], examined: list[Examined | None]) -> None:
    """Claim the items (all still pending, else `_Taken`), write their invoices, conclude them."""
    claimed = FlowItem.objects.filter(pk__in=[item.pk for item in items], outcome=ItemOutcome.PENDING).update(
        processed_at=timezone.now()
    )  # on PostgreSQL the rows stay locked: another worker's claim waits, then finds them concluded
    if claimed != len(items):
        raise _Taken
    bulk = [e is not None and bulk_ready(e) for e in examined]
    ready = [(e, bytes(item.content or b"")) for item, e, b in zip(items, examined, bulk, strict=True) if b]
    written = iter(
        record_many(
            ready,
            actor=chunk.actor,
            supplier=chunk.flow.structure,
            channel=Channel.EDI,
            supplier_service=chunk.service,
            recipients=chunk.recipients,
            bank_accounts=chunk.bank_accounts,
        )
    )
    _items_conclude(
        {
            item.pk: _item_fields(item, next(written) if b else _record(chunk, item, e))
            for item, e, b in zip(items, examined, bulk, strict=True)
        }
    )


def _items_conclude(fields: dict[int, dict]) -> None:
    """Write the outcomes of items this transaction claimed, in one `executemany` (a CASE per
    column costs more to build than the rows)."""
    names = list(next(iter(fields.values())))
    columns = [FlowItem._meta.get_field(name) for name in names]
    table, qn = FlowItem._meta.db_table, connection.ops.quote_name
    sql = f"UPDATE {qn(table)} SET {', '.join(f'{qn(c.column)} = %s' for c in columns)} WHERE {qn('id')} = %s"  # noqa: S608
    rows = [
        [
            c.get_db_prep_save(getattr(values[n], "pk", values[n]), connection)
            for c, n in zip(columns, names, strict=True)
        ]
        + [pk]
        for pk, values in fields.items()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def flow_chunk_process(flow_id: int, chunk: int) -> None:
    """Run the pending invoices of one chunk of a flow through the pipeline, then conclude the flow
    when no invoice is left to process."""
    flow = Flow.objects.select_related("structure", "account").filter(pk=flow_id).first()
    if flow is None or flow.status != FlowStatus.PROCESSING:
        return
    context = _chunk_context(flow)
    # The ids first: a cursor left open across the items' writes would pin an old snapshot, which
    # SQLite refuses to turn into a write once another worker has committed.
    pending = list(
        FlowItem.objects.filter(flow_id=flow_id, chunk=chunk, outcome=ItemOutcome.PENDING)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    # Told once for the whole flow (flow_notify); webhook listeners looked up once per chunk.
    with feed_notifications_grouped(), webhook_listeners_remembered():
        _process_items(context, pending)
    _conclude(flow_id)


def _process_items(context: _Chunk, pending: list[int]) -> None:
    flow_id = context.flow.pk
    beat = time.monotonic()
    size = max(1, settings.OPENCHORUS_FLOW_BATCH_SIZE)
    for start in range(0, len(pending), size):
        batch = pending[start : start + size]
        if size > 1:
            items = list(
                FlowItem.objects.filter(pk__in=batch, outcome=ItemOutcome.PENDING).order_by("position")
            )
            if items:
                _process_batch(context, items)
        else:
            item = FlowItem.objects.filter(pk=batch[0], outcome=ItemOutcome.PENDING).first()
            if item is not None:  # else another worker took it meanwhile
                _guarded(context, item, lambda item=item: _process_item(context, item))
        if time.monotonic() - beat > HEARTBEAT_SECONDS:
            beat = time.monotonic()
            Flow.objects.filter(pk=flow_id).update(heartbeat_at=timezone.now())


def _guarded(context: _Chunk, item: FlowItem, process) -> None:
    """`process` (one item); an unexpected fault of ours rejects the item, not the others."""
    try:
        process()
    except DatabaseError:
        raise  # the database, not the invoice: the task fails and the flow is taken over later
    except Exception:
        logger.exception("flow %s item %s: internal fault", context.flow.number, item.position)
        _item_incident(item)


def _item_incident(item: FlowItem) -> None:
    """An unexpected fault of ours on one invoice: it is rejected with a technical error (listed
    apart in consulterCRDetaille), the others go on."""
    FlowItem.objects.filter(pk=item.pk, outcome=ItemOutcome.PENDING).update(
        outcome=ItemOutcome.REJECTED,
        errors=[
            {
                **_finding(
                    "FLUX-INCIDENT",
                    "Une erreur interne a empêché de traiter cette facture ; déposez-la à nouveau.",
                    "An internal error prevented processing this invoice; deposit it again.",
                ).as_dict(),
                "technical": True,
            }
        ],
        processed_at=timezone.now(),
    )


def _conclude(flow_id: int, *, errors: list[dict] | None = None, incident: bool = False) -> None:
    """IN_EN_COURS → the final status, once: by the counts of its items, or rejected as a whole."""
    from openchorus.audit.services import audit_event_add

    concluding_early = errors is not None or incident
    if (
        not concluding_early
        and FlowItem.objects.filter(flow_id=flow_id, outcome=ItemOutcome.PENDING).exists()
    ):
        return
    counts = FlowItem.objects.filter(flow_id=flow_id).aggregate(
        integrated=Count("pk", filter=Q(outcome=ItemOutcome.INTEGRATED)),
        rejected=Count("pk", filter=Q(outcome=ItemOutcome.REJECTED)),
    )
    if incident:
        status = FlowStatus.INCIDENT
    elif errors or not counts["integrated"]:
        status = FlowStatus.REJECTED
    elif counts["rejected"]:
        status = FlowStatus.PARTIAL
    else:
        status = FlowStatus.INTEGRATED
    with transaction.atomic():
        changed = _set_status(
            flow_id,
            status,
            frm=(FlowStatus.RECEIVED, FlowStatus.QUEUED, FlowStatus.PROCESSING),
            errors=errors or [],
            integrated_count=counts["integrated"],
            rejected_count=counts["rejected"],
            processed_at=timezone.now(),
        )
        if changed:
            flow = Flow.objects.select_related("account", "created_by").get(pk=flow_id)
            audit_event_add(
                stream=flow_stream(flow),
                actor=flow_actor(flow),
                action="flow:concluded",
                obj=flow,
                after={"status": status, **counts},
            )
            transaction.on_commit(lambda: _concluded(flow_id))


def _concluded(flow_id: int) -> None:
    from openchorus.flows.tasks import flow_notify, flow_report_prepare

    flow_notify.enqueue(flow_id=flow_id)
    flow_report_prepare.enqueue(flow_id=flow_id)
    flow = Flow.objects.select_related("account", "structure").get(pk=flow_id)
    if flow.channel == FlowChannel.FOLDER:
        _report_to_folder(flow_id)


def flow_notify(flow_id: int) -> None:
    """Tell once for the whole flow: its sender's "Suivi des flux" holders of its outcome, and each
    recipient's "Factures reçues" holders (of the service concerned) of the invoices to process."""
    from django.urls import reverse

    from openchorus.invoices.models import Invoice
    from openchorus.notifications.enums import FeedEventKind
    from openchorus.notifications.services import feed_event_add
    from openchorus.structures import access
    from openchorus.structures.enums import Space

    flow = Flow.objects.select_related("structure").filter(pk=flow_id).first()
    if flow is None:
        return
    for user in access.space_holders(flow.structure_id, Space.FLOW_MONITORING):
        feed_event_add(
            user=user,
            kind=FeedEventKind.FLOW_CONCLUDED,
            link=reverse("portal:flow_detail", args=[flow.pk]),
            number=flow.number,
            filename=flow.filename,
            status=str(FlowStatus(flow.status).label),
            integrated=flow.integrated_count,
            rejected=flow.rejected_count,
        )
    integrated = FlowItem.objects.filter(flow_id=flow_id, outcome=ItemOutcome.INTEGRATED).values("invoice_id")
    groups = (
        Invoice.objects.filter(pk__in=integrated, recipient__isnull=False)
        .values("recipient_id", "recipient_service_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for group in groups:
        holders = access.space_holders(
            group["recipient_id"], Space.RECEIVED_INVOICES, group["recipient_service_id"]
        )
        for user in holders:
            feed_event_add(
                user=user,
                kind=FeedEventKind.INVOICES_TO_PROCESS,
                link=reverse("portal:received_invoices"),
                count=group["count"],
                supplier=flow.structure.designation,
                flow=flow.number,
            )


def _report_to_folder(flow_id: int) -> None:
    from openchorus.flows.folders import report_write

    report_write(Flow.objects.select_related("account", "structure").get(pk=flow_id))


# --- taking over ----------------------------------------------------------------------------------


def flows_resume(*, stale_after: int | None = None) -> list[str]:
    """Queue again the flows whose processing stopped: queued or in progress with no sign of life
    for `stale_after` seconds (a worker killed, a task lost). Returns their numbers."""
    from openchorus.flows.tasks import flow_process

    seconds = settings.OPENCHORUS_FLOW_STALE_SECONDS if stale_after is None else stale_after
    limit = timezone.now() - timedelta(seconds=seconds)
    stale = Flow.objects.filter(
        Q(status=FlowStatus.RECEIVED, created_at__lte=limit)
        | Q(status__in=(FlowStatus.QUEUED, FlowStatus.PROCESSING), heartbeat_at__lte=limit)
    ).values_list("pk", "number", "status")
    resumed = []
    for pk, number, status in stale:
        if status == FlowStatus.RECEIVED:
            flow_queue(pk)
        else:
            Flow.objects.filter(pk=pk).update(heartbeat_at=timezone.now())
            flow_process.enqueue(flow_id=pk)
        resumed.append(number)
    return resumed


def flow_data(flow: Flow) -> bytes:
    return stored_file_read(flow.file)
