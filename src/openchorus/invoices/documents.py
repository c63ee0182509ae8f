"""The invoice record and the EN 16931 model of the e-invoice library, each made from the other.

- `document_from_record`: what the platform writes (CII, Factur-X) for an entered invoice or a
  completed PDF deposit, and what the rules judge before sending;
- `record_from_document`: what a deposited UBL, CII or Factur-X fills in the form, exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openchorus import einvoice
from openchorus.core.identifiers import IdentifierType
from openchorus.einvoice import model as m
from openchorus.einvoice.rules.chorus import BILLING_FRAMES, billing_frame
from openchorus.invoices.enums import BillingFrame
from openchorus.invoices.models import Invoice, InvoiceLine
from openchorus.structures.models import Structure

SCHEME_SIRET = "0009"
SCHEME_SIREN = "0002"
EN16931 = m.CUSTOMIZATION_IDS[m.Profile.EN16931]
DISCOUNT_REASON_CODE = "95"  # UNTDID 5189: discount


def _optional(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _identifier(structure: Structure | None, fallback: str) -> m.Identifier | None:
    value = structure.identifier if structure is not None else fallback
    if not value:
        return None
    scheme = SCHEME_SIRET if structure is None or structure.identifier_type == IdentifierType.SIRET else None
    return m.Identifier(value=value, scheme_id=scheme)


def _legal_registration(structure: Structure | None, identifier: m.Identifier | None) -> m.Identifier | None:
    """The seller's legal registration (BT-30): its SIREN with scheme 0002 (BR-FR-10), the first nine
    digits of its SIRET; the identifier itself for a structure identified otherwise."""
    if structure is not None and structure.identifier_type == IdentifierType.SIRET and identifier is not None:
        return m.Identifier(value=identifier.value[:9], scheme_id=SCHEME_SIREN)
    return identifier


# The mentions the Commercial Code requires on every invoice between professionals (art. L441-9),
# as the notes BR-FR-05 asks for, by subject code (UNTDID 4451). Towards a public buyer the late
# payment terms are those of the public procurement code (art. L2192-13 and R2192-31 to -36).
LEGAL_NOTES = (
    m.Note(
        subject_code="PMT",
        text="Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €.",
    ),
    m.Note(
        subject_code="PMD",
        text="Pénalités de retard : intérêts moratoires au taux de la Banque centrale européenne majoré "
        "de huit points, dus de plein droit dès le lendemain de l'échéance.",
    ),
    m.Note(subject_code="AAB", text="Pas d'escompte pour paiement anticipé."),
)


def _notes(invoice: Invoice) -> tuple[m.Note, ...]:
    free = (m.Note(text=invoice.note),) if invoice.note.strip() else ()
    return free + LEGAL_NOTES


def _address(structure: Structure | None) -> m.PostalAddress:
    if structure is None:
        return m.PostalAddress(country_code="FR")
    return m.PostalAddress(
        line1=_optional(structure.address_line1),
        line2=_optional(structure.address_line2),
        line3=_optional(structure.address_line3),
        city=_optional(structure.city),
        post_code=_optional(structure.postcode),
        country_code=structure.country or "FR",
    )


def _line(line: InvoiceLine) -> m.InvoiceLine:
    allowances: tuple[m.LineAllowanceCharge, ...] = ()
    if line.discount:
        allowances = (
            m.LineAllowanceCharge(amount=line.discount, reason="Remise", reason_code=DISCOUNT_REASON_CODE),
        )
    return m.InvoiceLine(
        identifier=line.identifier,
        quantity=line.quantity,
        unit_code=line.unit_code,
        net_amount=line.net_amount,
        allowances=allowances,
        price=m.Price(net_price=line.unit_price.normalize() if line.unit_price else line.unit_price),
        vat=m.LineVat(category_code=line.vat_category, rate=line.vat_rate),
        item=m.Item(
            name=line.item_name,
            description=_optional(line.description),
            seller_identifier=_optional(line.item_reference),
        ),
    )


def _vat(row: dict[str, str]) -> m.VatBreakdown:
    return m.VatBreakdown(
        taxable_amount=Decimal(row["taxable"]),
        tax_amount=Decimal(row["tax"]),
        category_code=row["category"],
        rate=Decimal(row["rate"]) if row.get("rate") not in (None, "") else None,
        exemption_reason=_optional(row.get("reason")),
        exemption_reason_code=_optional(row.get("reason_code")),
    )


def document_from_record(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> einvoice.Invoice:
    """The EN 16931 document of an invoice record (profile EN 16931)."""
    supplier, recipient = invoice.supplier, invoice.recipient
    lines = list(invoice.lines.all()) if lines is None else lines
    seller_id = _identifier(supplier, "")
    buyer_id = _identifier(recipient, invoice.recipient_identifier)
    payment = None
    if invoice.iban:
        payment = m.PaymentInstructions(
            means_code=invoice.payment_means_code or "30",
            remittance_information=_optional(invoice.number),
            credit_transfers=(
                m.CreditTransfer(
                    account_identifier=invoice.iban,
                    account_name=_optional(invoice.bank_account.name if invoice.bank_account_id else ""),
                    service_provider_identifier=_optional(invoice.bic),
                ),
            ),
        )
    preceding = ()
    if invoice.preceding_invoice_number:
        preceding = (m.PrecedingInvoiceReference(reference=invoice.preceding_invoice_number),)
    frame = BillingFrame(invoice.billing_frame).short if invoice.billing_frame else None
    return einvoice.Invoice(
        number=invoice.number,
        issue_date=invoice.issue_date,
        type_code=invoice.type_code,
        currency_code=invoice.currency,
        due_date=invoice.due_date,
        buyer_reference=_optional(invoice.service_code),
        contract_reference=_optional(invoice.contract_reference),
        purchase_order_reference=_optional(invoice.engagement_number),
        payment_terms=_optional(invoice.payment_terms),
        notes=_notes(invoice),
        business_process_type=frame,
        customization_id=EN16931,
        preceding_invoices=preceding,
        seller=m.Seller(
            name=supplier.legal_name,
            identifiers=(seller_id,) if seller_id else (),
            legal_registration=_legal_registration(supplier, seller_id),
            vat_identifier=_optional(supplier.vat_number),
            electronic_address=seller_id,
            address=_address(supplier),
        ),
        buyer=m.Buyer(
            name=recipient.legal_name if recipient is not None else invoice.recipient_identifier,
            legal_registration=buyer_id,
            electronic_address=buyer_id,
            address=_address(recipient),
        ),
        delivery=m.Delivery(actual_delivery_date=invoice.delivery_date) if invoice.delivery_date else None,
        payment_instructions=payment,
        totals=m.DocumentTotals(
            line_net_total=invoice.line_total,
            total_without_vat=invoice.total_excl_vat,
            vat_total=invoice.vat_total,
            total_with_vat=invoice.total_incl_vat,
            paid_amount=invoice.paid_amount or None,
            amount_due=invoice.amount_due,
        ),
        vat_breakdown=tuple(_vat(row) for row in invoice.vat_breakdown),
        lines=tuple(_line(line) for line in lines),
    )


# --- from a deposited document ----------------------------------------------------------------


@dataclass
class RecordValues:
    """What a document fills in: the invoice's fields and its lines' fields."""

    header: dict[str, Any] = field(default_factory=dict)
    lines: list[dict[str, Any]] = field(default_factory=list)


def _siret_of(*identifiers: m.Identifier | None) -> str:
    for ident in identifiers:
        if ident is not None and ident.scheme_id == SCHEME_SIRET and ident.value.strip():
            return ident.value.strip()
    for ident in identifiers:
        if ident is not None and ident.value.strip():
            return ident.value.strip()
    return ""


def _frame_value(document: einvoice.Invoice) -> str:
    short = billing_frame(document)
    full = BILLING_FRAMES.get(short or "", "")
    return full if full in BillingFrame.values else BillingFrame.A1


def _q(value: Decimal | None, places: str) -> Decimal:
    return (value or Decimal(0)).quantize(Decimal(places))


def _record_line(position: int, line: m.InvoiceLine) -> dict[str, Any]:
    base = line.price.base_quantity or Decimal(1)
    allowances = sum((a.amount or Decimal(0) for a in line.allowances), Decimal(0))
    charges = sum((c.amount or Decimal(0) for c in line.charges), Decimal(0))
    return {
        "position": position,
        "identifier": line.identifier or str(position),
        "item_name": line.item.name,
        "description": line.item.description or "",
        "item_reference": line.item.seller_identifier or "",
        "quantity": _q(line.quantity, "0.0001"),
        "unit_code": line.unit_code or "C62",
        "unit_price": _q((line.price.net_price or Decimal(0)) / base, "0.000001"),
        "discount": _q(allowances - charges, "0.01"),
        "net_amount": _q(line.net_amount, "0.01"),
        "vat_category": line.vat.category_code,
        "vat_rate": line.vat.rate,
    }


def record_from_document(document: einvoice.Invoice) -> RecordValues:
    """The record's values for a deposited document: the file's data, nothing computed anew."""
    buyer, totals = document.buyer, document.totals
    payment = document.payment_instructions
    transfer = payment.credit_transfers[0] if payment and payment.credit_transfers else None
    header = {
        "number": document.number,
        "issue_date": document.issue_date,
        "type_code": document.type_code,
        "billing_frame": _frame_value(document),
        "currency": document.currency_code or "EUR",
        "recipient_identifier": _siret_of(
            buyer.legal_registration, buyer.identifier, buyer.electronic_address
        ),
        "service_code": document.buyer_reference or "",
        "engagement_number": document.purchase_order_reference or "",
        "contract_reference": document.contract_reference or "",
        "preceding_invoice_number": document.preceding_invoices[0].reference
        if document.preceding_invoices
        else "",
        "delivery_date": document.delivery.actual_delivery_date if document.delivery else None,
        "due_date": document.due_date,
        "payment_terms": (document.payment_terms or "")[:500],
        "payment_means_code": payment.means_code if payment else "30",
        "note": "\n".join(note.text for note in document.notes),
        "iban": transfer.account_identifier.replace(" ", "")[:34] if transfer else "",
        "bic": (transfer.service_provider_identifier or "")[:11] if transfer else "",
        "line_total": _q(totals.line_net_total, "0.01"),
        "allowance_total": _q(totals.allowance_total, "0.01"),
        "charge_total": _q(totals.charge_total, "0.01"),
        "total_excl_vat": _q(totals.total_without_vat, "0.01"),
        "vat_total": _q(totals.vat_total, "0.01"),
        "total_incl_vat": _q(totals.total_with_vat, "0.01"),
        "paid_amount": _q(totals.paid_amount, "0.01"),
        "amount_due": _q(totals.amount_due, "0.01"),
        "vat_breakdown": [
            {
                "category": v.category_code,
                "rate": "" if v.rate is None else str(v.rate),
                "taxable": str(_q(v.taxable_amount, "0.01")),
                "tax": str(_q(v.tax_amount, "0.01")),
                "reason": v.exemption_reason or "",
                "reason_code": v.exemption_reason_code or "",
            }
            for v in document.vat_breakdown
        ],
    }
    lines = [_record_line(i, line) for i, line in enumerate(document.lines, start=1)]
    return RecordValues(header, lines)
