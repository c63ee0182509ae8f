"""Writes of the invoices app: drafts (INV-6), attachments, checks and sending (INV-2, INV-5).

A draft is saved whatever it holds (the checks tell what is missing); sending runs every check and
refuses on a fatal finding, then writes the files (the Factur-X of an entered invoice, the CII of a
completed PDF deposit), moves the draft to Déposée and routes it: Mise à disposition of the
recipient structure and service. Statuses change only through `lifecycle.services`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openchorus import einvoice
from openchorus.audit.services import audit_event_add
from openchorus.core.errors import ApplicationError
from openchorus.core.storage import PDF, XML, stored_file_put, stored_file_read
from openchorus.invoices import totals as totals_module
from openchorus.invoices.checks import (
    Finding,
    duplicate_findings,
    invoice_findings,
    recipient_findings,
    resolve_recipient,
    supplier_findings,
)
from openchorus.invoices.counts import counted, counts_grouped, counts_move
from openchorus.invoices.documents import document_from_record
from openchorus.invoices.enums import Channel
from openchorus.invoices.models import PDF_PENDING, Invoice, InvoiceAttachment, InvoiceLine
from openchorus.lifecycle.services import invoice_files, invoice_stream, invoice_transition
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.transitions import Party
from openchorus.structures import access
from openchorus.structures.enums import Status
from openchorus.structures.models import Attachment, BankAccount, Structure, StructureService
from openchorus.structures.services.files import attachment_file_check, billing_mandate_active

# Header fields a draft's form writes; a deposited structured file fixes all but the routing ones.
HEADER_FIELDS = (
    "recipient_identifier", "service_code", "engagement_number", "billing_frame", "contract_reference",
    "number", "issue_date", "type_code", "currency", "preceding_invoice_number", "delivery_date",
    "due_date", "payment_terms", "payment_means_code", "note",
)  # fmt: skip
ROUTING_FIELDS = ("recipient_identifier", "service_code", "engagement_number", "billing_frame")
# How a recycling's history line names what changed (kept in French, as the history is data).
ROUTING_LABELS = {
    "recipient_identifier": "Destinataire",
    "service_code": "Code service",
    "engagement_number": "Numéro d'engagement",
}
LINE_FIELDS = (
    "identifier", "item_name", "description", "item_reference", "quantity", "unit_code", "unit_price",
    "discount", "vat_category", "vat_rate",
)  # fmt: skip
MAX_LINES = 2000
logger = logging.getLogger(__name__)
MAX_ATTACHMENTS = 20


class InvoiceRefused(ApplicationError):
    """Sending refused: `findings` says every reason, each on its field."""

    def __init__(self, findings: Sequence[Finding]):
        fatal = [f for f in findings if f.fatal]
        super().__init__(
            _("La facture ne peut pas être envoyée : %(count)s anomalie(s) bloquante(s) à corriger.")
            % {"count": len(fatal)},
            extra={"code": "refused", "findings": [f.as_dict() for f in findings]},
        )
        self.findings = list(findings)


# --- rights -----------------------------------------------------------------------------------


def author(actor):
    """The user recorded as author of a write: a technical account (API) writes as its own
    deactivated user record (`connections.services_api.technical_account_user`)."""
    if getattr(actor, "is_technical_account", False):
        from openchorus.connections.services_api import acting_user

        return acting_user(actor)
    return actor


def _forbidden() -> ApplicationError:
    return ApplicationError(
        _("Vous n'avez pas les droits de modification de l'espace « Factures émises » pour cette facture."),
        extra={"code": "forbidden"},
    )


def require_sender(actor, supplier: Structure) -> None:
    if supplier.pk not in access.invoice_supplier_structures(actor):
        raise _forbidden()


def _require(actor, invoice: Invoice, ability: str) -> None:
    if not access.invoice_abilities(actor, invoice)[ability]:
        if not invoice.is_draft and ability in ("edit", "submit", "delete", "attach"):
            raise ApplicationError(
                _("La facture %(number)s a été envoyée : elle ne peut plus être modifiée ni supprimée.")
                % {"number": invoice.number},
                extra={"code": "not_draft"},
            )
        raise _forbidden()


# --- drafts -----------------------------------------------------------------------------------


def _clean_lines(lines: Sequence[dict[str, Any]]) -> list[InvoiceLine]:
    if len(lines) > MAX_LINES:
        raise ApplicationError(
            _("Une facture compte au plus %(max)s lignes.") % {"max": MAX_LINES}, field="lines"
        )
    result = []
    for position, values in enumerate(lines, start=1):
        line = InvoiceLine(position=position, **{k: values[k] for k in LINE_FIELDS if k in values})
        line.identifier = line.identifier or str(position)
        line.quantity = line.quantity if line.quantity is not None else Decimal(0)
        line.unit_price = line.unit_price if line.unit_price is not None else Decimal(0)
        line.discount = line.discount or Decimal(0)
        line.net_amount = (
            values.get("net_amount")
            or totals_module.LineInput(line.quantity, line.unit_price, line.discount).net_amount
        )
        result.append(line)
    return result


def _apply_totals(invoice: Invoice, lines: list[InvoiceLine], exemption_reason: str = "") -> None:
    computed = totals_module.compute(
        (
            totals_module.LineInput(
                line.quantity, line.unit_price, line.discount, line.vat_category, line.vat_rate
            )
            for line in lines
        ),
        paid_amount=invoice.paid_amount or Decimal(0),
        exemption_reason=exemption_reason,
    )
    for line, amount in zip(lines, computed.line_amounts, strict=True):
        line.net_amount = amount
    invoice.line_total = computed.line_total
    invoice.total_excl_vat = computed.total_excl_vat
    invoice.vat_total = computed.vat_total
    invoice.total_incl_vat = computed.total_incl_vat
    invoice.amount_due = computed.amount_due
    invoice.vat_breakdown = [row.as_json() for row in computed.vat_breakdown]


def _bank_account(invoice: Invoice, account: BankAccount | None) -> None:
    if account is None:
        invoice.bank_account, invoice.iban, invoice.bic = None, "", ""
        return
    if account.structure_id != invoice.supplier_id or account.status != Status.ACTIVE:
        raise ApplicationError(
            _("Choisissez une coordonnée bancaire active de votre structure."), field="bank_account"
        )
    invoice.bank_account, invoice.iban, invoice.bic = account, account.iban, account.bic


def _route_fields(invoice: Invoice) -> None:
    invoice.recipient, invoice.recipient_service = resolve_recipient(
        invoice.recipient_identifier, invoice.service_code
    )
    invoice.year = invoice.issue_date.year if invoice.issue_date else None


def _audit(invoice: Invoice, actor, action: str, **after: Any) -> None:
    audit_event_add(
        stream=invoice_stream(invoice),
        actor=actor,
        action=action,
        obj=invoice,
        after={"number": invoice.number, "status": invoice.status, "files": invoice_files(invoice), **after},
    )


@transaction.atomic
def invoice_draft_save(
    *,
    actor,
    supplier: Structure,
    values: dict[str, Any],
    lines: Sequence[dict[str, Any]] = (),
    invoice: Invoice | None = None,
    supplier_service: StructureService | None = None,
    bank_account: BankAccount | None = None,
    exemption_reason: str = "",
    channel: str = Channel.ENTRY,
) -> Invoice:
    """Create or update a draft entered in the form (or completed after a deposit); `channel` is
    Channel.API for an invoice entered through `soumettre`."""
    if invoice is None:
        require_sender(actor, supplier)
        invoice = Invoice(supplier=supplier, created_by=author(actor), channel=channel)
        action = "invoice:created"
    else:
        invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
        _require(actor, invoice, "edit")
        action = "invoice:draft_updated"
    counter = counted(invoice)  # the service and the billing frame may change
    structured = invoice.is_structured_deposit
    for name in ROUTING_FIELDS if structured else HEADER_FIELDS:
        if name in values:
            value = values[name]
            setattr(invoice, name, value.strip() if isinstance(value, str) else value)
    if supplier_service is not None and supplier_service.structure_id != invoice.supplier_id:
        raise ApplicationError(_("Ce service n'appartient pas à votre structure."), field="supplier_service")
    invoice.supplier_service = supplier_service if supplier_service is not None else invoice.supplier_service
    new_lines: list[InvoiceLine] | None = None
    if not structured:
        _bank_account(invoice, bank_account)
        new_lines = _clean_lines(lines)
        _apply_totals(invoice, new_lines, exemption_reason)
    _route_fields(invoice)
    invoice.save()
    counts_move(counter, counted(invoice))
    if new_lines is not None:
        invoice.lines.all().delete()
        for line in new_lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(new_lines)
    _audit(invoice, actor, action)
    return invoice


@transaction.atomic
def invoice_draft_delete(*, actor, invoice: Invoice) -> None:
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    _require(actor, invoice, "delete")
    _audit(invoice, actor, "invoice:draft_deleted")
    counts_move(counted(invoice), None)
    invoice.delete()


# --- attachments ------------------------------------------------------------------------------


@transaction.atomic
def invoice_attachment_add(
    *,
    actor,
    invoice: Invoice,
    data: bytes | IO[bytes] | None = None,
    filename: str = "",
    description: str = "",
    structure_attachment: Attachment | None = None,
) -> InvoiceAttachment:
    """Attach a file to a draft: uploaded (checked as the structure's attachments are) or taken from
    the structure's attachments (ORG-5)."""
    _require(actor, invoice, "attach")
    if invoice.attachments.count() >= MAX_ATTACHMENTS:
        raise ApplicationError(
            _("Une facture porte au plus %(max)s pièces jointes.") % {"max": MAX_ATTACHMENTS}, field="file"
        )
    if structure_attachment is not None:
        if structure_attachment.structure_id != invoice.supplier_id or not structure_attachment.is_active:
            raise ApplicationError(
                _("Cette pièce jointe n'appartient pas à votre structure."), field="attachment"
            )
        stored, filename = structure_attachment.stored, structure_attachment.filename
        description = description or structure_attachment.description
    else:
        stored, filename = attachment_file_check(data, filename)
    attachment = InvoiceAttachment.objects.create(
        invoice=invoice,
        stored=stored,
        filename=filename,
        description=description[:255],
        structure_attachment=structure_attachment,
        added_by=author(actor),
    )
    _audit(invoice, actor, "invoice:attachment_added", filename=filename, sha256=stored.sha256)
    return attachment


@transaction.atomic
def invoice_attachment_remove(*, actor, attachment: InvoiceAttachment) -> None:
    invoice = attachment.invoice
    _require(actor, invoice, "attach")
    if not invoice.is_draft and attachment.added_at <= (invoice.status_changed_at or attachment.added_at):
        raise ApplicationError(
            _("Une pièce jointe envoyée avec la facture ne peut plus être retirée."), extra={"code": "sent"}
        )
    sha256, filename = attachment.stored.sha256, attachment.filename
    attachment.delete()
    _audit(invoice, actor, "invoice:attachment_removed", filename=filename, sha256=sha256)


# --- checking and sending ---------------------------------------------------------------------


def invoice_verify(*, actor, invoice: Invoice) -> list[Finding]:
    """The "Vérifier" action (BYD-1): every finding sending would raise, without sending."""
    _require(actor, invoice, "view")
    return invoice_findings(invoice)


def _mandate_check(invoice: Invoice) -> None:
    if invoice.channel == Channel.ENTRY and billing_mandate_active(invoice.supplier) is None:
        raise ApplicationError(
            _(
                "La saisie de factures sur le portail demande un mandat de facturation : un gestionnaire de "
                "votre structure le souscrit dans « Activités du gestionnaire »."
            ),
            extra={"code": "mandate_missing"},
        )


def _write_files(invoice: Invoice) -> dict[str, Any]:
    """The files of a sent invoice: what the platform writes, what the supplier deposited stays.

    An invoice entered as data gets its CII here; its Factur-X PDF (half a second of WeasyPrint)
    is rendered from that CII by a task once the deposit is committed (`invoice_pdf_write`).
    """
    if invoice.is_structured_deposit:
        return {}
    document = document_from_record(invoice)
    return {"xml_file": stored_file_put(data=einvoice.write(document, "cii"), content_type=XML)}


def _pdf_render_on_commit(invoice: Invoice) -> None:
    from openchorus.invoices.tasks import invoice_pdf_render

    pk = invoice.pk
    transaction.on_commit(lambda: invoice_pdf_render.enqueue(invoice_id=pk))


def invoice_pdf_write(*, invoice: Invoice) -> Invoice:
    """Write the Factur-X PDF of an invoice entered as data, once: from its stored CII (the XML the
    deposit's hash is of, whatever changed on the record since), as its PDF and original file, with
    an audit event `invoice:pdf_written` holding the PDF's hash. Does nothing for an invoice that
    has its PDF (or needs none), so the task, a catch-up and a download asking for it may all run.
    """
    if not invoice.pdf_pending:
        return invoice
    xml = stored_file_read(invoice.xml_file)
    # Rendered outside the lock (half a second): a concurrent writer's PDF, if first, is kept.
    data = einvoice.write(einvoice.read(xml).invoice, "facturx")
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("xml_file", "original_file", "pdf_file")
            .get(pk=invoice.pk)
        )
        if not invoice.pdf_pending:
            return invoice
        pdf = stored_file_put(data=data, content_type=PDF)
        filename = f"facture-{invoice.number}.pdf"[:255]
        Invoice.objects.filter(pk=invoice.pk).update(
            pdf_file=pdf, original_file=pdf, original_filename=filename, updated_at=timezone.now()
        )
        invoice.pdf_file, invoice.original_file, invoice.original_filename = pdf, pdf, filename
        audit_event_add(
            stream=invoice_stream(invoice),
            actor=None,
            action="invoice:pdf_written",
            obj=invoice,
            after={"number": invoice.number, "files": {"pdf": pdf.sha256}},
        )
    return invoice


def invoices_pdf_catch_up(*, older_than: timedelta = timedelta(minutes=5), limit: int = 500) -> int:
    """Render the PDFs a task should have written and did not (a worker stopped): the sent invoices
    entered as data, deposited more than `older_than` ago, still without their PDF. Returns how many."""
    pending = (
        Invoice.objects.filter(PDF_PENDING, submitted_at__lt=timezone.now() - older_than)
        .exclude(status="BROUILLON")
        .select_related("xml_file", "original_file", "pdf_file")
        .order_by("submitted_at", "pk")[:limit]
    )
    done = 0
    for invoice in pending:
        try:
            invoice_pdf_write(invoice=invoice)
        except Exception:  # one invoice that cannot be rendered must not hold back the others
            logger.exception("Factur-X PDF of invoice %s could not be rendered", invoice.pk)
            continue
        done += 1
    return done


def invoice_submit(*, actor, invoice: Invoice, checked: bool = False) -> Invoice:
    """Send a draft: checks, files, Déposée, then routing to the recipient (Mise à disposition).

    `checked` is for the deposit pipeline, which has, in the same transaction, checked the actor's
    right, judged the very file, resolved the recipient, run the routing checks and created the
    invoice: the instance it passes is used as it is (its row, just inserted, is ours alone).
    The counters' changes are written once, at the end (`counts_grouped`): a counter row is shared
    by every invoice of a supplier and author, and its lock lasts until the commit.
    """
    with transaction.atomic(), counts_grouped():
        if not checked:
            invoice = (
                Invoice.objects.select_for_update(of=("self",))
                .select_related(
                    "supplier", "recipient", "recipient_service", "xml_file", "original_file", "pdf_file"
                )
                .get(pk=invoice.pk)
            )
        deposit, route = invoice_submission(actor=actor, invoice=invoice, checked=checked)
        invoice_transition(invoice=invoice, **deposit)
        if invoice.pdf_pending:
            _pdf_render_on_commit(invoice)
        return invoice_transition(invoice=invoice, **route)


def invoice_submission(*, actor, invoice: Invoice, checked: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """What sending a draft is, checks first (`checked` as for `invoice_submit`): the platform's
    files set on the instance, and the two transitions as `invoice_transition`'s arguments, Déposée
    then the routing. An EDI batch applies them to invoices it then writes in bulk."""
    party = Party.PLATFORM if actor is None else Party.SUPPLIER
    _mandate_check(invoice)
    if not checked:
        if actor is not None:
            _require(actor, invoice, "submit")
        _route_fields(invoice)
        findings = invoice_findings(invoice)
        if any(f.fatal for f in findings):
            raise InvoiceRefused(findings)
    files = _write_files(invoice)
    for name, value in files.items():
        setattr(invoice, name, value)
    hashes = invoice_files(invoice, attachments=not checked)
    deposit = {
        "target": InvoiceStatus.DEPOSITED,
        "actor": actor,
        "party": party,
        "files": hashes,
        "submitted_at": timezone.now(),
        "recipient": invoice.recipient,
        "recipient_service": invoice.recipient_service,
        "year": invoice.year,
        "reading": {},
        **files,
    }
    return deposit, _route(hashes)


def _routing_findings(invoice: Invoice) -> list[Finding]:
    return [*supplier_findings(invoice), *recipient_findings(invoice), *duplicate_findings(invoice)]


def invoice_route(*, invoice: Invoice, files: dict[str, str] | None = None) -> Invoice:
    """Make a deposited invoice available to its recipient structure and service (INV-6)."""
    return invoice_transition(invoice=invoice, **_route(files))


def _route(files: dict[str, str] | None) -> dict[str, Any]:
    return {"files": files, "target": InvoiceStatus.AVAILABLE, "actor": None, "party": Party.PLATFORM}


# --- answers to the recipient (LIF-3, LIF-4, LIF-5) -------------------------------------------


def _locked(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("supplier", "recipient", "recipient_service", "xml_file", "original_file", "pdf_file")
        .get(pk=invoice.pk)
    )


def _require_answer(actor, invoice: Invoice, ability: str, status: str) -> None:
    if not access.invoice_abilities(actor, invoice)[ability]:
        if invoice.status != status:
            raise ApplicationError(
                _("La facture %(number)s est au statut « %(status)s » : cette action n'est pas possible.")
                % {"number": invoice.number, "status": invoice.get_status_display()},
                extra={"code": "transition_impossible"},
            )
        raise _forbidden()


def invoice_recycle(
    *, actor, invoice: Invoice, recipient_identifier: str, service_code: str, engagement_number: str
) -> Invoice:
    """A recycler: the supplier corrects the recipient, service code and/or engagement — nothing
    else, the number stays — and sends the invoice again, to the new recipient. The former
    recipient keeps a read-only trace (the history rows name it)."""
    with transaction.atomic():
        invoice = _locked(invoice)
        _require_answer(actor, invoice, "recycle", InvoiceStatus.TO_RECYCLE)
        before = {
            "recipient_identifier": invoice.recipient_identifier,
            "service_code": invoice.service_code,
            "engagement_number": invoice.engagement_number,
        }
        invoice.recipient_identifier = (recipient_identifier or "").strip()
        invoice.service_code = (service_code or "").strip()
        invoice.engagement_number = (engagement_number or "").strip()
        _route_fields(invoice)
        findings = _routing_findings(invoice)
        if any(f.fatal for f in findings):
            raise InvoiceRefused(findings)
        after = {name: getattr(invoice, name) for name in before}
        audit_event_add(
            stream=invoice_stream(invoice),
            actor=actor,
            action="invoice:recycled",
            obj=invoice,
            before=before,
            after=after,
        )
        invoice_transition(
            invoice=invoice,
            target=InvoiceStatus.DEPOSITED,
            actor=actor,
            party=Party.SUPPLIER,
            comment=", ".join(
                f"{ROUTING_LABELS[k]} : {before[k] or '—'} → {after[k] or '—'}"
                for k in before
                if before[k] != after[k]
            ),
            recipient=invoice.recipient,
            recipient_service=invoice.recipient_service,
            **after,
        )
        return invoice_route(invoice=invoice)


@transaction.atomic
def invoice_complete(*, actor, invoice: Invoice, comment: str = "") -> Invoice:
    """Suspendue → Complétée: the supplier sends the invoice back with the documents it lacked."""
    invoice = _locked(invoice)
    _require_answer(actor, invoice, "complete", InvoiceStatus.SUSPENDED)
    if not invoice.attachments.filter(added_at__gt=invoice.status_changed_at).exists():
        raise ApplicationError(
            _("Ajoutez la ou les pièces jointes demandées avant de renvoyer la facture."),
            field="file",
            extra={"code": "attachment_missing"},
        )
    return invoice_transition(
        invoice=invoice,
        target=InvoiceStatus.COMPLETED,
        actor=actor,
        party=Party.SUPPLIER,
        comment=comment.strip(),
    )


@transaction.atomic
def invoice_copy(*, actor, invoice: Invoice, number: str) -> Invoice:
    """Rejetée is final: the supplier issues a new invoice, here a draft copying the rejected one's
    data under a new number (LIF-5)."""
    invoice = _locked(invoice)
    _require_answer(actor, invoice, "copy", InvoiceStatus.REJECTED)
    number = (number or "").strip()
    if not number or number == invoice.number:
        raise ApplicationError(
            _("Donnez un nouveau numéro : une facture rejetée ne peut pas être réémise sous le même numéro."),
            field="number",
        )
    values = {name: getattr(invoice, name) for name in HEADER_FIELDS}
    values["number"] = number
    lines = [{name: getattr(line, name) for name in LINE_FIELDS} for line in invoice.lines.all()]
    copy = invoice_draft_save(
        actor=actor,
        supplier=invoice.supplier,
        values=values,
        lines=lines,
        supplier_service=invoice.supplier_service,
        bank_account=invoice.bank_account
        if invoice.bank_account_id and invoice.bank_account.status == Status.ACTIVE
        else None,
    )
    _audit(copy, actor, "invoice:copied", source_invoice=invoice.pk, source_number=invoice.number)
    return copy
