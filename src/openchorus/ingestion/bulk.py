"""The write side of the deposit pipeline for many files at once (EDI flows, docs/perf.md "EDI
flows"): structured files `examine` passed, sent in the caller's transaction with a handful of
statements for the whole batch instead of about thirty per file.

Every rule is the per-file path's own: `pipeline.routed` (duplicates, recipient, routing checks),
`pipeline.invoice_build` (the invoice and its lines), `invoices.services.invoice_submission` and
`lifecycle.services.invoice_transition_apply` (the sending and the two transitions), the audit
events built by `audit.services.audit_event_build`. Only the writing is grouped: the files, the
invoices, their lines, the history rows, the audit events and chain heads, the counters, each in
one statement. The result is the same rows as `pipeline.record` would write file after file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from openchorus.audit.services import AuditBatch
from openchorus.core.errors import ApplicationError
from openchorus.core.models import StoredFile
from openchorus.core.storage import stored_files_put
from openchorus.ingestion.pipeline import (
    STRUCTURED,
    DepositOutcome,
    Examined,
    Refused,
    bank_accounts_of,
    deposited_event,
    iban_clean,
    invoice_build,
    refusal_note,
    refused_outcome,
    routed,
)
from openchorus.invoices.checks import duplicate_finding, numbers_taken
from openchorus.invoices.counts import count_key, counts_add
from openchorus.invoices.models import Invoice, InvoiceLine
from openchorus.invoices.services import invoice_submission
from openchorus.lifecycle.services import (
    Transitioned,
    invoice_stream,
    invoice_transition_apply,
    transitions_notify,
    transitions_record,
)
from openchorus.structures.models import Structure, StructureService

FILE_FIELDS = ("original_file", "xml_file", "pdf_file")


def bulk_ready(examined: Examined) -> bool:
    """A file this path writes: structured and passed by `examine` (the others go file by file)."""
    return not examined.outcome.refused_at and examined.values is not None and examined.structured


class _Files:
    """A `store` for `invoice_build` that only notes the files: a record not saved, with the hash
    the audit payloads need; `stored_files_put` writes them all once the batch is judged."""

    def __init__(self) -> None:
        self.wanted: dict[str, tuple[bytes, str]] = {}

    def __call__(self, data: bytes, content_type: str) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        self.wanted.setdefault(digest, (data, content_type))
        return StoredFile(sha256=digest, size=len(data), content_type=content_type)


@dataclass
class _Built:
    outcome: DepositOutcome
    invoice: Invoice
    lines: list[InvoiceLine]
    deposited: dict
    steps: list[Transitioned] = field(default_factory=list)


def record_many(
    files: list[tuple[Examined, bytes]],
    *,
    actor,
    supplier: Structure,
    channel: str,
    supplier_service: StructureService | None,
    recipients: dict,
    bank_accounts: dict,
) -> list[DepositOutcome]:
    """`pipeline.record(submit=True)` for each of `files` (each `bulk_ready`), in the caller's
    transaction, which must be rolled back when this raises. A file refused by a rule gets its
    outcome as `record` gives it and creates nothing. `recipients` and `bank_accounts` are caches
    kept by the caller across its batches. The examined files are left as they were (their
    outcomes are copies), so the caller can run them through `record` one by one if the batch
    fails (an IntegrityError: the same number sent meanwhile by another deposit)."""
    keys = [_number_key(examined) for examined, _ in files]
    taken = numbers_taken(supplier.pk, [key for key in keys if key])
    _accounts_read(supplier, [examined for examined, _ in files], bank_accounts)
    stored, outcomes, built = _Files(), [], []
    for (examined, data), key in zip(files, keys, strict=True):
        outcome = replace(examined.outcome, findings=list(examined.outcome.findings))
        outcomes.append(outcome)
        noted = _Files()
        try:
            probe, routing = routed(
                examined,
                supplier=supplier,
                submit=True,
                recipients=recipients,
                duplicates=lambda _probe, key=key: (
                    [duplicate_finding(key[1], key[0])] if key in taken else []
                ),
            )
            invoice, lines = invoice_build(
                actor=actor,
                supplier=supplier,
                supplier_service=supplier_service,
                channel=channel,
                values=examined.values,
                source_syntax=STRUCTURED[examined.syntax],
                data=data,
                filename=outcome.filename,
                xml=examined.xml,
                reading=examined.reading,
                recipient=probe.recipient,
                recipient_service=probe.recipient_service,
                store=noted,
                bank_account=lambda _supplier, iban: bank_accounts.get(iban_clean(iban)),
            )
            item = _Built(
                outcome,
                invoice,
                lines,
                deposited_event(invoice, actor=actor, channel=channel, filename=outcome.filename),
            )
            deposit, route = invoice_submission(actor=actor, invoice=invoice, checked=True)
            item.steps = [
                invoice_transition_apply(invoice=invoice, **deposit),
                invoice_transition_apply(invoice=invoice, **route),
            ]
        except (Refused, ApplicationError) as error:
            refusal_note(outcome, error)
            refused_outcome(outcome)
            continue
        outcome.findings += routing
        outcome.invoice = invoice
        stored.wanted.update(noted.wanted)
        built.append(item)
        if key:
            taken.add(key)  # a second file of the batch with the same number is a duplicate
    if built:
        _write(built, stored)
    return outcomes


def _number_key(examined: Examined) -> tuple[int, str] | None:
    """What `duplicate_findings` compares: the year of issue and the number, when both are known."""
    header = examined.values.header if examined.values is not None else {}
    number, issue_date = header.get("number") or "", header.get("issue_date")
    return (issue_date.year, number) if number and issue_date is not None else None


def _accounts_read(supplier: Structure, files: list[Examined], accounts: dict) -> None:
    """The supplier's accounts for the IBANs of the batch not looked up yet (None: no such
    account), in one query."""
    ibans = {iban_clean(e.values.header.get("iban", "")) for e in files if e.values is not None}
    missing = {iban for iban in ibans if iban and iban not in accounts}
    if missing:
        found = bank_accounts_of(supplier, missing)
        accounts.update((iban, found.get(iban)) for iban in missing)


def _write(built: list[_Built], files: _Files) -> None:
    """The batch's rows, each kind in one statement, the notices queued after."""
    stored = stored_files_put(list(files.wanted.values()))
    for item in built:
        for name in FILE_FIELDS:
            noted = getattr(item.invoice, name)
            if noted is not None:
                setattr(item.invoice, name, stored[noted.sha256])
    Invoice.objects.bulk_create([item.invoice for item in built])
    lines = []
    for item in built:
        for line in item.lines:
            line.invoice = item.invoice
        lines.extend(item.lines)
    InvoiceLine.objects.bulk_create(lines)
    audit = AuditBatch()
    for item in built:
        audit.add(stream=invoice_stream(item.invoice), obj=item.invoice, **item.deposited)
    steps = [step for item in built for step in item.steps]
    transitions_record(steps, audit)
    audit.write()
    counts_add((count_key(item.invoice), 1) for item in built)
    transitions_notify(steps)
