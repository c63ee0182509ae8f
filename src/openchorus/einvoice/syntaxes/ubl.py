"""UBL 2.1 Invoice and CreditNote, as bound to EN 16931 by CEN/TS 16931-3-2.

Conventions of the binding that matter for round trips:
- BT-21 (note subject code) has no UBL element; it travels as a ``#CODE#text`` prefix of cbc:Note;
- BT-90 (bank assigned creditor id) is a cac:PartyIdentification with ``schemeID="SEPA"``, on the
  payee when there is one, else on the seller;
- a credit note carries BT-9 in cac:PaymentMeans/cbc:PaymentDueDate (a means of code 1 and the
  date alone stands for BT-9 alone, so payment instructions that are code 1 alone get a second
  means for the date) and BT-11 as an cac:AdditionalDocumentReference with cbc:DocumentTypeCode 50;
- a CreditNote with cac:InvoiceLine (or an Invoice with cac:CreditNoteLine) is read line by line
  as the CEN artefact reads it (either line, either quantity), though the XSD refuses it;
- an identifier element with a scheme but no value is kept as ``Identifier("", scheme)``;
- BT-18 (invoiced object) is an cac:AdditionalDocumentReference with cbc:DocumentTypeCode 130;
- UBL needs an amount to carry the gross price (BT-148): a price discount of zero is read as no
  discount, and written when there is a gross price but no discount;
- UBL needs BT-110 to carry the VAT breakdown: when it is absent the writer puts the sum of the
  BT-117 (what BR-CO-14 requires anyway);
- ``ChargeIndicator`` is an xs:boolean, so "1" and "0" are read like "true" and "false".
"""

from __future__ import annotations

import base64
import re
from datetime import date
from decimal import Decimal

from lxml import etree

from ..detect import NS_UBL_CREDIT_NOTE, NS_UBL_INVOICE, Syntax
from ..errors import refusal
from ..model import (
    Buyer,
    Contact,
    CreditTransfer,
    Delivery,
    DirectDebit,
    DocumentAllowanceCharge,
    DocumentTotals,
    Identifier,
    Invoice,
    InvoiceLine,
    Item,
    ItemAttribute,
    ItemClassification,
    LineAllowanceCharge,
    LineVat,
    Note,
    Payee,
    PaymentCard,
    PaymentInstructions,
    Period,
    PostalAddress,
    PrecedingInvoiceReference,
    Price,
    Seller,
    SupportingDocument,
    TaxRepresentative,
    VatBreakdown,
)
from . import ReadResult
from ._source import _NO_CHILDREN, Source, child, fmt_decimal

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"cac": CAC, "cbc": CBC}

_LINE_TAGS = (f"{{{CAC}}}InvoiceLine", f"{{{CAC}}}CreditNoteLine")
_NOTE_SUBJECT = re.compile(r"#([A-Z]{3})#(.*)", re.S)
_OBJECT_REFERENCE = "130"
_PROJECT_REFERENCE = "50"


def _q(name: str) -> str:
    prefix, _, local = name.partition(":")
    return f"{{{CAC if prefix == 'cac' else CBC}}}{local}"


# Clark tags of the line reader's direct lookups (see `_Reader.line`).
_ACCOUNTING_COST = _q("cbc:AccountingCost")
_ADDITIONAL_ITEM_PROPERTY = _q("cac:AdditionalItemProperty")
_ALLOWANCE_CHARGE = _q("cac:AllowanceCharge")
_BASE_QUANTITY = _q("cbc:BaseQuantity")
_CLASSIFIED_TAX_CATEGORY = _q("cac:ClassifiedTaxCategory")
_CREDITED_QUANTITY = _q("cbc:CreditedQuantity")
_DESCRIPTION = _q("cbc:Description")
_DOCUMENT_REFERENCE = _q("cac:DocumentReference")
_ID = _q("cbc:ID")
_INVOICED_QUANTITY = _q("cbc:InvoicedQuantity")
_INVOICE_PERIOD = _q("cac:InvoicePeriod")
_ITEM = _q("cac:Item")
_LINE_EXTENSION_AMOUNT = _q("cbc:LineExtensionAmount")
_NAME = _q("cbc:Name")
_NOTE = _q("cbc:Note")
_PERCENT = _q("cbc:Percent")
_PRICE = _q("cac:Price")
_PRICE_AMOUNT = _q("cbc:PriceAmount")


# --- Reading ------------------------------------------------------------------------------------


def read(root: etree._Element, xml: bytes = b"") -> ReadResult:
    """Read a parsed UBL Invoice or CreditNote into the model."""
    tag = str(root.tag)
    if tag == f"{{{NS_UBL_INVOICE}}}Invoice":
        credit_note, syntax = False, Syntax.UBL_INVOICE
    elif tag == f"{{{NS_UBL_CREDIT_NOTE}}}CreditNote":
        credit_note, syntax = True, Syntax.UBL_CREDIT_NOTE
    else:
        raise refusal(
            "SYNTAX",
            "Le document n'est ni une facture (Invoice) ni un avoir (CreditNote) UBL 2.1.",
            "The document is neither a UBL 2.1 Invoice nor a CreditNote.",
        )
    src = Source(root, NS)
    invoice = _Reader(src, credit_note).invoice()
    return ReadResult(
        syntax=syntax,
        profile=invoice.profile,
        invoice=invoice,
        xml=xml,
        locations=src.locations,
        issues=tuple(src.issues),
        children=src.children_index,
    )


class _Reader:
    def __init__(self, src: Source, credit_note: bool) -> None:
        self.s = src
        self.credit_note = credit_note

    def date(self, element: etree._Element | None, path: str, model_path: str) -> date | None:
        found = self.s.find(element, path)
        return self.s.parse_date(self.s.element_text(found, model_path), found)

    def ident(self, element: etree._Element | None, model_path: str) -> Identifier | None:
        if element is None:
            return None
        value = self.s.element_text(element, model_path)
        scheme_id = self.s.attr(element, "schemeID", f"{model_path}.scheme_id")
        if value is None:
            if scheme_id is None:
                return None
            # A scheme without a value is kept: the code-list rules (BR-CL-07, -10, -11, -21, ...)
            # judge the scheme of every identifier element, empty or not.
            self.s.mark(model_path, element)
            return Identifier(value="", scheme_id=scheme_id)
        return Identifier(value=value, scheme_id=scheme_id)

    def invoice(self) -> Invoice:
        s, root = self.s, self.s.root
        type_tag = "cbc:CreditNoteTypeCode" if self.credit_note else "cbc:InvoiceTypeCode"
        period = s.find(root, "cac:InvoicePeriod")
        doc_refs = s.findall(root, "cac:AdditionalDocumentReference")
        object_ref = project_ref = None
        supporting: list[SupportingDocument] = []
        for ref in doc_refs:
            code = (s.findtext(ref, "cbc:DocumentTypeCode") or "").strip()
            if code == _OBJECT_REFERENCE and object_ref is None:
                object_ref = self.ident(s.find(ref, "cbc:ID"), "invoiced_object_identifier")
                s.mark("invoiced_object_identifier.type", ref)
            elif code == _PROJECT_REFERENCE and self.credit_note and project_ref is None:
                project_ref = s.text(ref, "cbc:ID", "project_reference")
            else:
                supporting.append(self.supporting(ref, f"supporting_documents[{len(supporting)}]"))
        due_date = self.date(root, "cbc:DueDate", "due_date")
        if due_date is None:
            due = s.findall(root, "cac:PaymentMeans/cbc:PaymentDueDate")
            due_date = s.parse_date(s.element_text(due[0], "due_date"), due[0]) if due else None
        order = s.find(root, "cac:OrderReference")
        order_id = s.text(order, "cbc:ID", "purchase_order_reference")
        sales_order = s.text(order, "cbc:SalesOrderID", "sales_order_reference")
        if order_id == "NA" and sales_order is not None:
            order_id = None  # UBL requires an order ID; "NA" stands for "only BT-14"
        payee_el = s.find(root, "cac:PayeeParty")
        return Invoice(
            number=s.text(root, "cbc:ID", "number") or "",
            issue_date=self.date(root, "cbc:IssueDate", "issue_date"),
            type_code=s.text(root, type_tag, "type_code") or "",
            currency_code=s.text(root, "cbc:DocumentCurrencyCode", "currency_code") or "",
            tax_currency_code=s.text(root, "cbc:TaxCurrencyCode", "tax_currency_code"),
            tax_point_date=self.date(root, "cbc:TaxPointDate", "tax_point_date"),
            tax_point_date_code=s.text(period, "cbc:DescriptionCode", "tax_point_date_code"),
            due_date=due_date,
            buyer_reference=s.text(root, "cbc:BuyerReference", "buyer_reference"),
            project_reference=project_ref or s.text(root, "cac:ProjectReference/cbc:ID", "project_reference"),
            contract_reference=s.text(root, "cac:ContractDocumentReference/cbc:ID", "contract_reference"),
            purchase_order_reference=order_id,
            sales_order_reference=sales_order,
            receiving_advice_reference=s.text(
                root, "cac:ReceiptDocumentReference/cbc:ID", "receiving_advice_reference"
            ),
            despatch_advice_reference=s.text(
                root, "cac:DespatchDocumentReference/cbc:ID", "despatch_advice_reference"
            ),
            tender_or_lot_reference=s.text(
                root, "cac:OriginatorDocumentReference/cbc:ID", "tender_or_lot_reference"
            ),
            invoiced_object_identifier=object_ref,
            buyer_accounting_reference=s.text(root, "cbc:AccountingCost", "buyer_accounting_reference"),
            payment_terms=s.text(root, "cac:PaymentTerms/cbc:Note", "payment_terms"),
            notes=tuple(self.note(el, f"notes[{i}]") for i, el in enumerate(s.findall(root, "cbc:Note"))),
            business_process_type=s.text(root, "cbc:ProfileID", "business_process_type"),
            customization_id=s.text(root, "cbc:CustomizationID", "customization_id") or "",
            preceding_invoices=tuple(
                PrecedingInvoiceReference(
                    reference=s.text(ref, "cbc:ID", f"preceding_invoices[{i}].reference") or "",
                    issue_date=self.date(ref, "cbc:IssueDate", f"preceding_invoices[{i}].issue_date"),
                )
                for i, ref in enumerate(s.findall(root, "cac:BillingReference/cac:InvoiceDocumentReference"))
            ),
            seller=self.seller(s.find(root, "cac:AccountingSupplierParty/cac:Party")),
            buyer=self.buyer(s.find(root, "cac:AccountingCustomerParty/cac:Party")),
            payee=self.payee(payee_el),
            tax_representative=self.tax_representative(s.find(root, "cac:TaxRepresentativeParty")),
            delivery=self.delivery(s.find(root, "cac:Delivery")),
            invoicing_period=self.period(period, "invoicing_period"),
            payment_instructions=self.payment(payee_el),
            allowances=self.doc_allowance_charges("false", "allowances"),
            charges=self.doc_allowance_charges("true", "charges"),
            totals=self.totals(),
            vat_breakdown=tuple(
                self.vat_breakdown(el, f"vat_breakdown[{i}]")
                for i, el in enumerate(s.findall(root, "cac:TaxTotal/cac:TaxSubtotal"))
            ),
            supporting_documents=tuple(supporting),
            # Either line element in either document, as the artefact reads them (BR-16, BR-CL-18).
            lines=tuple(self.line(el, f"lines[{i}]") for i, el in enumerate(root.iterchildren(*_LINE_TAGS))),
        )

    def note(self, element: etree._Element, path: str) -> Note:
        raw = self.s.element_text(element, f"{path}.text") or ""
        match = _NOTE_SUBJECT.fullmatch(raw)
        if match:
            return Note(subject_code=match.group(1), text=match.group(2).strip())
        return Note(text=raw)

    def address(self, element: etree._Element | None, path: str) -> PostalAddress | None:
        if element is None:
            return None
        s = self.s
        return PostalAddress(
            line1=s.text(element, "cbc:StreetName", f"{path}.line1"),
            line2=s.text(element, "cbc:AdditionalStreetName", f"{path}.line2"),
            line3=s.text(element, "cac:AddressLine/cbc:Line", f"{path}.line3"),
            city=s.text(element, "cbc:CityName", f"{path}.city"),
            post_code=s.text(element, "cbc:PostalZone", f"{path}.post_code"),
            country_subdivision=s.text(element, "cbc:CountrySubentity", f"{path}.country_subdivision"),
            country_code=s.text(element, "cac:Country/cbc:IdentificationCode", f"{path}.country_code") or "",
        )

    def contact(self, element: etree._Element | None, path: str) -> Contact | None:
        if element is None:
            return None
        s = self.s
        contact = Contact(
            point=s.text(element, "cbc:Name", f"{path}.point"),
            telephone=s.text(element, "cbc:Telephone", f"{path}.telephone"),
            email=s.text(element, "cbc:ElectronicMail", f"{path}.email"),
        )
        return contact if contact != Contact() else None

    def vat_scheme_id(self, party: etree._Element | None, vat: bool, path: str) -> str | None:
        for scheme in self.s.findall(party, "cac:PartyTaxScheme"):
            # As the artefact tests it: normalize-space(upper-case(cac:TaxScheme/cbc:ID)) = 'VAT'.
            scheme_id = self.s.findtext(scheme, "cac:TaxScheme/cbc:ID") or ""
            is_vat = " ".join(scheme_id.split()).upper() == "VAT"
            if is_vat == vat:
                return self.s.text(scheme, "cbc:CompanyID", path)
        return None

    def party_identifiers(self, party: etree._Element | None, path: str) -> list[Identifier]:
        found: list[Identifier] = []
        for element in self.s.findall(party, "cac:PartyIdentification/cbc:ID"):
            if element.get("schemeID") == "SEPA":
                continue
            ident = self.ident(element, f"{path}[{len(found)}]")
            if ident is not None:
                found.append(ident)
        return found

    def seller(self, party: etree._Element | None) -> Seller:
        s = self.s
        legal = s.find(party, "cac:PartyLegalEntity")
        return Seller(
            name=s.text(legal, "cbc:RegistrationName", "seller.name") or "",
            trading_name=s.text(party, "cac:PartyName/cbc:Name", "seller.trading_name"),
            identifiers=tuple(self.party_identifiers(party, "seller.identifiers")),
            legal_registration=self.ident(s.find(legal, "cbc:CompanyID"), "seller.legal_registration"),
            vat_identifier=self.vat_scheme_id(party, True, "seller.vat_identifier"),
            tax_registration_identifier=self.vat_scheme_id(
                party, False, "seller.tax_registration_identifier"
            ),
            additional_legal_information=s.text(
                legal, "cbc:CompanyLegalForm", "seller.additional_legal_information"
            ),
            electronic_address=self.ident(s.find(party, "cbc:EndpointID"), "seller.electronic_address"),
            address=self.address(s.find(party, "cac:PostalAddress"), "seller.address") or PostalAddress(),
            contact=self.contact(s.find(party, "cac:Contact"), "seller.contact"),
        )

    def buyer(self, party: etree._Element | None) -> Buyer:
        s = self.s
        legal = s.find(party, "cac:PartyLegalEntity")
        identifiers = self.party_identifiers(party, "buyer.identifier")
        return Buyer(
            name=s.text(legal, "cbc:RegistrationName", "buyer.name") or "",
            trading_name=s.text(party, "cac:PartyName/cbc:Name", "buyer.trading_name"),
            identifier=identifiers[0] if identifiers else None,
            legal_registration=self.ident(s.find(legal, "cbc:CompanyID"), "buyer.legal_registration"),
            vat_identifier=self.vat_scheme_id(party, True, "buyer.vat_identifier"),
            electronic_address=self.ident(s.find(party, "cbc:EndpointID"), "buyer.electronic_address"),
            address=self.address(s.find(party, "cac:PostalAddress"), "buyer.address") or PostalAddress(),
            contact=self.contact(s.find(party, "cac:Contact"), "buyer.contact"),
        )

    def payee(self, party: etree._Element | None) -> Payee | None:
        if party is None:
            return None
        s = self.s
        identifiers = self.party_identifiers(party, "payee.identifier")
        return Payee(
            name=s.text(party, "cac:PartyName/cbc:Name", "payee.name") or "",
            identifier=identifiers[0] if identifiers else None,
            legal_registration=self.ident(
                s.find(party, "cac:PartyLegalEntity/cbc:CompanyID"), "payee.legal_registration"
            ),
        )

    def tax_representative(self, party: etree._Element | None) -> TaxRepresentative | None:
        if party is None:
            return None
        s = self.s
        return TaxRepresentative(
            name=s.text(party, "cac:PartyName/cbc:Name", "tax_representative.name") or "",
            vat_identifier=self.vat_scheme_id(party, True, "tax_representative.vat_identifier") or "",
            address=self.address(s.find(party, "cac:PostalAddress"), "tax_representative.address")
            or PostalAddress(),
        )

    def delivery(self, element: etree._Element | None) -> Delivery | None:
        if element is None:
            return None
        s = self.s
        location = s.find(element, "cac:DeliveryLocation")
        delivery = Delivery(
            party_name=s.text(element, "cac:DeliveryParty/cac:PartyName/cbc:Name", "delivery.party_name"),
            location_identifier=self.ident(s.find(location, "cbc:ID"), "delivery.location_identifier"),
            actual_delivery_date=self.date(
                element, "cbc:ActualDeliveryDate", "delivery.actual_delivery_date"
            ),
            address=self.address(s.find(location, "cac:Address"), "delivery.address"),
        )
        return delivery if delivery != Delivery() else None

    def period(self, element: etree._Element | None, path: str) -> Period | None:
        if element is None:
            return None
        period = Period(
            start_date=self.date(element, "cbc:StartDate", f"{path}.start_date"),
            end_date=self.date(element, "cbc:EndDate", f"{path}.end_date"),
        )
        return period if period != Period() else None

    def payment(self, payee: etree._Element | None) -> PaymentInstructions | None:
        s, root = self.s, self.s.root
        means = s.findall(root, "cac:PaymentMeans")
        creditor: str | None = None
        for party in (payee, s.find(root, "cac:AccountingSupplierParty/cac:Party")):
            for element in s.findall(party, "cac:PartyIdentification/cbc:ID"):
                if element.get("schemeID") == "SEPA" and creditor is None:
                    creditor = s.element_text(
                        element, "payment_instructions.direct_debit.creditor_identifier"
                    )
        if len(means) == 1 and self.credit_note and _only_due_date(means[0]):
            return None  # written for BT-9 alone: a credit note carries its due date there
        if not means:
            return None
        first = means[0]
        code_el = s.find(first, "cbc:PaymentMeansCode")
        transfers: list[CreditTransfer] = []
        card = None
        mandate_ref = debited = None
        for element in means:
            for account in s.findall(element, "cac:PayeeFinancialAccount"):
                path = f"payment_instructions.credit_transfers[{len(transfers)}]"
                transfers.append(
                    CreditTransfer(
                        account_identifier=s.text(account, "cbc:ID", f"{path}.account_identifier") or "",
                        account_name=s.text(account, "cbc:Name", f"{path}.account_name"),
                        service_provider_identifier=s.text(
                            account,
                            "cac:FinancialInstitutionBranch/cbc:ID",
                            f"{path}.service_provider_identifier",
                        ),
                    )
                )
            card_el = s.find(element, "cac:CardAccount")
            if card_el is not None and card is None:
                card = PaymentCard(
                    primary_account_number=s.text(
                        card_el,
                        "cbc:PrimaryAccountNumberID",
                        "payment_instructions.card.primary_account_number",
                    )
                    or "",
                    holder_name=s.text(card_el, "cbc:HolderName", "payment_instructions.card.holder_name"),
                )
            mandate = s.find(element, "cac:PaymentMandate")
            if mandate is not None and mandate_ref is None and debited is None:
                mandate_ref = s.text(mandate, "cbc:ID", "payment_instructions.direct_debit.mandate_reference")
                debited = s.text(
                    mandate,
                    "cac:PayerFinancialAccount/cbc:ID",
                    "payment_instructions.direct_debit.debited_account_identifier",
                )
        direct_debit = DirectDebit(
            mandate_reference=mandate_ref, creditor_identifier=creditor, debited_account_identifier=debited
        )
        return PaymentInstructions(
            means_code=s.element_text(code_el, "payment_instructions.means_code") or "",
            means_text=s.attr(code_el, "name", "payment_instructions.means_text"),
            remittance_information=s.text(
                first, "cbc:PaymentID", "payment_instructions.remittance_information"
            ),
            credit_transfers=tuple(transfers),
            card=card,
            direct_debit=direct_debit if direct_debit != DirectDebit() else None,
        )

    def doc_allowance_charges(self, indicator: str, path: str) -> tuple[DocumentAllowanceCharge, ...]:
        s = self.s
        found: list[DocumentAllowanceCharge] = []
        for element in s.findall(s.root, "cac:AllowanceCharge"):
            if _indicator(s, element) != indicator:
                continue
            p = f"{path}[{len(found)}]"
            tax = s.find(element, "cac:TaxCategory")
            found.append(
                DocumentAllowanceCharge(
                    amount=s.decimal(element, "cbc:Amount", f"{p}.amount"),
                    base_amount=s.decimal(element, "cbc:BaseAmount", f"{p}.base_amount"),
                    percentage=s.decimal(element, "cbc:MultiplierFactorNumeric", f"{p}.percentage"),
                    vat_category_code=s.text(tax, "cbc:ID", f"{p}.vat_category_code") or "",
                    vat_rate=s.decimal(tax, "cbc:Percent", f"{p}.vat_rate"),
                    reason=s.text(element, "cbc:AllowanceChargeReason", f"{p}.reason"),
                    reason_code=s.text(element, "cbc:AllowanceChargeReasonCode", f"{p}.reason_code"),
                )
            )
        return tuple(found)

    def totals(self) -> DocumentTotals:
        s, root = self.s, self.s.root
        total = s.find(root, "cac:LegalMonetaryTotal")
        currency = (s.findtext(root, "cbc:DocumentCurrencyCode") or "").strip()
        tax_currency = (s.findtext(root, "cbc:TaxCurrencyCode") or "").strip()
        vat_total = vat_accounting = None
        for amount in s.findall(root, "cac:TaxTotal/cbc:TaxAmount"):
            currency_id = amount.get("currencyID", "")
            if currency_id == tax_currency and tax_currency != currency:
                vat_accounting = s.element_decimal(amount, "totals.vat_total_accounting_currency")
            elif vat_total is None:
                vat_total = s.element_decimal(amount, "totals.vat_total")
        return DocumentTotals(
            line_net_total=s.decimal(total, "cbc:LineExtensionAmount", "totals.line_net_total"),
            allowance_total=s.decimal(total, "cbc:AllowanceTotalAmount", "totals.allowance_total"),
            charge_total=s.decimal(total, "cbc:ChargeTotalAmount", "totals.charge_total"),
            total_without_vat=s.decimal(total, "cbc:TaxExclusiveAmount", "totals.total_without_vat"),
            vat_total=vat_total,
            vat_total_accounting_currency=vat_accounting,
            total_with_vat=s.decimal(total, "cbc:TaxInclusiveAmount", "totals.total_with_vat"),
            paid_amount=s.decimal(total, "cbc:PrepaidAmount", "totals.paid_amount"),
            rounding_amount=s.decimal(total, "cbc:PayableRoundingAmount", "totals.rounding_amount"),
            amount_due=s.decimal(total, "cbc:PayableAmount", "totals.amount_due"),
        )

    def vat_breakdown(self, element: etree._Element, path: str) -> VatBreakdown:
        s = self.s
        tax = s.find(element, "cac:TaxCategory")
        return VatBreakdown(
            taxable_amount=s.decimal(element, "cbc:TaxableAmount", f"{path}.taxable_amount"),
            tax_amount=s.decimal(element, "cbc:TaxAmount", f"{path}.tax_amount"),
            category_code=s.text(tax, "cbc:ID", f"{path}.category_code") or "",
            rate=s.decimal(tax, "cbc:Percent", f"{path}.rate"),
            exemption_reason=s.text(tax, "cbc:TaxExemptionReason", f"{path}.exemption_reason"),
            exemption_reason_code=s.text(tax, "cbc:TaxExemptionReasonCode", f"{path}.exemption_reason_code"),
        )

    def supporting(self, element: etree._Element, path: str) -> SupportingDocument:
        s = self.s
        binary = s.find(element, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")
        attachment = s.binary_object(binary, f"{path}.attachment")
        return SupportingDocument(
            reference=s.text(element, "cbc:ID", f"{path}.reference") or "",
            description=s.text(element, "cbc:DocumentDescription", f"{path}.description"),
            external_uri=s.text(
                element, "cac:Attachment/cac:ExternalReference/cbc:URI", f"{path}.external_uri"
            ),
            attachment=attachment,
        )

    def line(self, element: etree._Element, path: str) -> InvoiceLine:
        # The reader's inner loop: the children of the line, its item and its price are looked up
        # in their index directly (a dictionary get each) rather than through `Source.find`.
        s = self.s
        kids = s.children(element)
        invoice_line = element.tag == _LINE_TAGS[0]
        quantity = _first(kids, _INVOICED_QUANTITY if invoice_line else _CREDITED_QUANTITY)
        if quantity is None:  # BR-22 accepts either quantity on either line
            quantity = _first(kids, _CREDITED_QUANTITY if invoice_line else _INVOICED_QUANTITY)
        object_ref = None
        for ref in kids.get(_DOCUMENT_REFERENCE, ()):
            # BT-128 is the only EN use of a line document reference: accept a missing type code,
            # except for an identifier without a value, which only the artefact's test of a typed
            # reference (BR-CL-07) would judge.
            type_code = s.findtext(ref, "cbc:DocumentTypeCode")
            if (type_code or _OBJECT_REFERENCE).strip() == _OBJECT_REFERENCE:
                found = self.ident(s.find(ref, "cbc:ID"), f"{path}.object_identifier")
                if found is not None and (found.value or type_code is not None):
                    object_ref = found
        allowances: list[LineAllowanceCharge] = []
        charges: list[LineAllowanceCharge] = []
        for ac in kids.get(_ALLOWANCE_CHARGE, ()):
            is_charge = _indicator(s, ac) == "true"
            target = charges if is_charge else allowances
            p = f"{path}.{'charges' if is_charge else 'allowances'}[{len(target)}]"
            target.append(
                LineAllowanceCharge(
                    amount=s.decimal(ac, "cbc:Amount", f"{p}.amount"),
                    base_amount=s.decimal(ac, "cbc:BaseAmount", f"{p}.base_amount"),
                    percentage=s.decimal(ac, "cbc:MultiplierFactorNumeric", f"{p}.percentage"),
                    reason=s.text(ac, "cbc:AllowanceChargeReason", f"{p}.reason"),
                    reason_code=s.text(ac, "cbc:AllowanceChargeReasonCode", f"{p}.reason_code"),
                )
            )
        price = _first(kids, _PRICE)
        price_kids = s.children(price) if price is not None else _NO_CHILDREN
        base_quantity = _first(price_kids, _BASE_QUANTITY)
        price_discount = _first(price_kids, _ALLOWANCE_CHARGE)
        discount = s.decimal(price_discount, "cbc:Amount", f"{path}.price.discount")
        if discount is not None and not discount and s.find(price_discount, "cbc:BaseAmount") is not None:
            # UBL needs an amount to carry the gross price (BT-148): a zero one means "no discount".
            discount = None
        item = _first(kids, _ITEM)
        item_kids = s.children(item) if item is not None else _NO_CHILDREN
        tax = _first(item_kids, _CLASSIFIED_TAX_CATEGORY)
        tax_kids = s.children(tax) if tax is not None else _NO_CHILDREN
        standard = s.find(item, "cac:StandardItemIdentification/cbc:ID")
        classifications = []
        for i, code in enumerate(s.findall(item, "cac:CommodityClassification/cbc:ItemClassificationCode")):
            value = s.element_text(code, f"{path}.item.classifications[{i}].value")
            classifications.append(
                ItemClassification(
                    value=value or "",
                    scheme_id=code.get("listID", ""),
                    scheme_version=code.get("listVersionID"),
                )
            )
        attributes = tuple(
            ItemAttribute(
                name=s.text(prop, "cbc:Name", f"{path}.item.attributes[{i}].name") or "",
                value=s.text(prop, "cbc:Value", f"{path}.item.attributes[{i}].value") or "",
            )
            for i, prop in enumerate(item_kids.get(_ADDITIONAL_ITEM_PROPERTY, ()))
        )
        # The terms in the order the model lists them (a bad decimal is reported in that order).
        # Most optional terms are absent from most lines: each is looked up first, and its model
        # path is only written out when the element is there.
        text, decimal = s.element_text, s.element_decimal
        found = _first(kids, _ID)
        identifier = text(found, f"{path}.identifier") if found is not None else None
        found = _first(kids, _NOTE)
        note = text(found, f"{path}.note") if found is not None else None
        net_quantity = unit_code = None
        if quantity is not None:
            net_quantity = decimal(quantity, f"{path}.quantity")
            unit_code = s.attr(quantity, "unitCode", f"{path}.unit_code")
        found = _first(kids, _LINE_EXTENSION_AMOUNT)
        net_amount = decimal(found, f"{path}.net_amount") if found is not None else None
        found = s.find(element, "cac:OrderLineReference/cbc:LineID")
        order_line = text(found, f"{path}.order_line_reference") if found is not None else None
        found = _first(kids, _ACCOUNTING_COST)
        accounting = text(found, f"{path}.buyer_accounting_reference") if found is not None else None
        found = _first(kids, _INVOICE_PERIOD)
        period = self.period(found, f"{path}.period") if found is not None else None
        found = _first(price_kids, _PRICE_AMOUNT)
        net_price = decimal(found, f"{path}.price.net_price") if found is not None else None
        gross_price = None
        if price_discount is not None:
            gross_price = s.decimal(price_discount, "cbc:BaseAmount", f"{path}.price.gross_price")
        base = base_unit = None
        if base_quantity is not None:
            base = decimal(base_quantity, f"{path}.price.base_quantity")
            base_unit = s.attr(base_quantity, "unitCode", f"{path}.price.base_quantity_unit_code")
        found = _first(tax_kids, _ID)
        category = text(found, f"{path}.vat.category_code") if found is not None else None
        found = _first(tax_kids, _PERCENT)
        rate = decimal(found, f"{path}.vat.rate") if found is not None else None
        found = _first(item_kids, _NAME)
        name = text(found, f"{path}.item.name") if found is not None else None
        found = _first(item_kids, _DESCRIPTION)
        description = text(found, f"{path}.item.description") if found is not None else None
        found = s.find(item, "cac:SellersItemIdentification/cbc:ID")
        seller_id = text(found, f"{path}.item.seller_identifier") if found is not None else None
        found = s.find(item, "cac:BuyersItemIdentification/cbc:ID")
        buyer_id = text(found, f"{path}.item.buyer_identifier") if found is not None else None
        standard_id = (
            self.ident(standard, f"{path}.item.standard_identifier") if standard is not None else None
        )
        found = s.find(item, "cac:OriginCountry/cbc:IdentificationCode")
        origin = text(found, f"{path}.item.origin_country_code") if found is not None else None
        return InvoiceLine(
            identifier=identifier or "",
            note=note,
            object_identifier=object_ref,
            quantity=net_quantity,
            unit_code=unit_code or "",
            net_amount=net_amount,
            order_line_reference=order_line,
            buyer_accounting_reference=accounting,
            period=period,
            allowances=tuple(allowances),
            charges=tuple(charges),
            price=Price(
                net_price=net_price,
                discount=discount,
                gross_price=gross_price,
                base_quantity=base,
                base_quantity_unit_code=base_unit,
            ),
            vat=LineVat(category_code=category or "", rate=rate),
            item=Item(
                name=name or "",
                description=description,
                seller_identifier=seller_id,
                buyer_identifier=buyer_id,
                standard_identifier=standard_id,
                classifications=tuple(classifications),
                origin_country_code=origin,
                attributes=attributes,
            ),
        )


def _first(children: dict[str, list[etree._Element]], tag: str) -> etree._Element | None:
    found = children.get(tag)
    return found[0] if found else None


def _indicator(s: Source, element: etree._Element) -> str:
    """The xs:boolean ChargeIndicator as "true" or "false" ("1" and "0" are valid spellings)."""
    raw = (s.findtext(element, "cbc:ChargeIndicator") or "").strip().lower()
    return {"1": "true", "0": "false"}.get(raw, raw)


def _only_due_date(means: etree._Element) -> bool:
    names = [etree.QName(el).localname for el in means if isinstance(el.tag, str)]
    code = means.find(_q("cbc:PaymentMeansCode"))
    if code is None or code.get("name") is not None:  # a payment means text is an instruction
        return False
    return (code.text or "").strip() == "1" and names == ["PaymentMeansCode", "PaymentDueDate"]


# --- Writing ------------------------------------------------------------------------------------


def write(invoice: Invoice) -> bytes:
    """Serialise the model as a UBL 2.1 Invoice, or CreditNote when BT-3 is a credit note code."""
    data: bytes = etree.tostring(build(invoice), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


class _Writer:
    def __init__(self, invoice: Invoice) -> None:
        self.inv = invoice
        self.currency = invoice.currency_code

    def el(
        self, parent: etree._Element, name: str, text: str | None = None, /, **attrs: str | None
    ) -> etree._Element:
        return child(parent, _q(name), text, **attrs)

    def opt(self, parent: etree._Element, name: str, text: str | None, /, **attrs: str | None) -> None:
        if text is not None and text != "":
            self.el(parent, name, text, **attrs)

    def amount(
        self, parent: etree._Element, name: str, value: Decimal | None, currency: str | None = None
    ) -> None:
        if value is not None:
            self.el(parent, name, fmt_decimal(value), currencyID=currency or self.currency)

    def number(
        self, parent: etree._Element, name: str, value: Decimal | None, /, **attrs: str | None
    ) -> None:
        if value is not None:
            self.el(parent, name, fmt_decimal(value), **attrs)

    def date(self, parent: etree._Element, name: str, value: date | None) -> None:
        if value is not None:
            self.el(parent, name, value.isoformat())

    def ident(self, parent: etree._Element, name: str, value: Identifier | None) -> None:
        if value is not None and (value.value or value.scheme_id):
            self.el(parent, name, value.value, schemeID=value.scheme_id)

    def address(self, parent: etree._Element, name: str, address: PostalAddress | None) -> None:
        if address is None:
            return
        el = self.el(parent, name)
        self.opt(el, "cbc:StreetName", address.line1)
        self.opt(el, "cbc:AdditionalStreetName", address.line2)
        self.opt(el, "cbc:CityName", address.city)
        self.opt(el, "cbc:PostalZone", address.post_code)
        self.opt(el, "cbc:CountrySubentity", address.country_subdivision)
        if address.line3:
            self.el(self.el(el, "cac:AddressLine"), "cbc:Line", address.line3)
        self.el(self.el(el, "cac:Country"), "cbc:IdentificationCode", address.country_code)

    def tax_scheme(self, parent: etree._Element, company_id: str, scheme: str) -> None:
        el = self.el(parent, "cac:PartyTaxScheme")
        self.el(el, "cbc:CompanyID", company_id)
        self.el(self.el(el, "cac:TaxScheme"), "cbc:ID", scheme)

    def contact(self, parent: etree._Element, contact: Contact | None) -> None:
        if contact is None:
            return
        el = self.el(parent, "cac:Contact")
        self.opt(el, "cbc:Name", contact.point)
        self.opt(el, "cbc:Telephone", contact.telephone)
        self.opt(el, "cbc:ElectronicMail", contact.email)

    def creditor_id(self, party: etree._Element) -> None:
        debit = self.inv.payment_instructions.direct_debit if self.inv.payment_instructions else None
        if debit is not None and debit.creditor_identifier:
            self.el(
                self.el(party, "cac:PartyIdentification"),
                "cbc:ID",
                debit.creditor_identifier,
                schemeID="SEPA",
            )

    def seller(self, root: etree._Element) -> None:
        seller = self.inv.seller
        party = self.el(self.el(root, "cac:AccountingSupplierParty"), "cac:Party")
        self.ident(party, "cbc:EndpointID", seller.electronic_address)
        for ident in seller.identifiers:
            self.ident(self.el(party, "cac:PartyIdentification"), "cbc:ID", ident)
        if self.inv.payee is None:
            self.creditor_id(party)
        if seller.trading_name:
            self.el(self.el(party, "cac:PartyName"), "cbc:Name", seller.trading_name)
        self.address(party, "cac:PostalAddress", seller.address)
        if seller.vat_identifier:
            self.tax_scheme(party, seller.vat_identifier, "VAT")
        if seller.tax_registration_identifier:
            self.tax_scheme(party, seller.tax_registration_identifier, "FC")
        legal = self.el(party, "cac:PartyLegalEntity")
        self.el(legal, "cbc:RegistrationName", seller.name)
        self.ident(legal, "cbc:CompanyID", seller.legal_registration)
        self.opt(legal, "cbc:CompanyLegalForm", seller.additional_legal_information)
        self.contact(party, seller.contact)

    def buyer(self, root: etree._Element) -> None:
        buyer = self.inv.buyer
        party = self.el(self.el(root, "cac:AccountingCustomerParty"), "cac:Party")
        self.ident(party, "cbc:EndpointID", buyer.electronic_address)
        if buyer.identifier is not None:
            self.ident(self.el(party, "cac:PartyIdentification"), "cbc:ID", buyer.identifier)
        if buyer.trading_name:
            self.el(self.el(party, "cac:PartyName"), "cbc:Name", buyer.trading_name)
        self.address(party, "cac:PostalAddress", buyer.address)
        if buyer.vat_identifier:
            self.tax_scheme(party, buyer.vat_identifier, "VAT")
        legal = self.el(party, "cac:PartyLegalEntity")
        self.el(legal, "cbc:RegistrationName", buyer.name)
        self.ident(legal, "cbc:CompanyID", buyer.legal_registration)
        self.contact(party, buyer.contact)

    def payee(self, root: etree._Element) -> None:
        payee = self.inv.payee
        if payee is None:
            return
        party = self.el(root, "cac:PayeeParty")
        if payee.identifier is not None:
            self.ident(self.el(party, "cac:PartyIdentification"), "cbc:ID", payee.identifier)
        self.creditor_id(party)
        self.el(self.el(party, "cac:PartyName"), "cbc:Name", payee.name)
        if payee.legal_registration is not None:
            self.ident(self.el(party, "cac:PartyLegalEntity"), "cbc:CompanyID", payee.legal_registration)

    def tax_representative(self, root: etree._Element) -> None:
        rep = self.inv.tax_representative
        if rep is None:
            return
        party = self.el(root, "cac:TaxRepresentativeParty")
        self.el(self.el(party, "cac:PartyName"), "cbc:Name", rep.name)
        self.address(party, "cac:PostalAddress", rep.address)
        self.tax_scheme(party, rep.vat_identifier, "VAT")

    def delivery(self, root: etree._Element) -> None:
        delivery = self.inv.delivery
        if delivery is None:
            return
        el = self.el(root, "cac:Delivery")
        self.date(el, "cbc:ActualDeliveryDate", delivery.actual_delivery_date)
        if delivery.location_identifier is not None or delivery.address is not None:
            location = self.el(el, "cac:DeliveryLocation")
            self.ident(location, "cbc:ID", delivery.location_identifier)
            self.address(location, "cac:Address", delivery.address)
        if delivery.party_name:
            self.el(
                self.el(self.el(el, "cac:DeliveryParty"), "cac:PartyName"), "cbc:Name", delivery.party_name
            )

    def period(self, parent: etree._Element, period: Period | None, code: str | None = None) -> None:
        if period is None and not code:
            return
        el = self.el(parent, "cac:InvoicePeriod")
        if period is not None:
            self.date(el, "cbc:StartDate", period.start_date)
            self.date(el, "cbc:EndDate", period.end_date)
        self.opt(el, "cbc:DescriptionCode", code)

    def payment_means(self, root: etree._Element) -> None:
        pay = self.inv.payment_instructions
        credit_note_due = self.inv.due_date if self.inv.is_credit_note else None
        if pay is None:
            if credit_note_due is not None:
                # BT-9 on a credit note needs a PaymentMeans; code 1 = "instrument not defined".
                means = self.el(root, "cac:PaymentMeans")
                self.el(means, "cbc:PaymentMeansCode", "1")
                self.date(means, "cbc:PaymentDueDate", credit_note_due)
            return
        debit = pay.direct_debit
        bare = pay.means_code == "1" and not (
            pay.means_text
            or pay.remittance_information
            or pay.credit_transfers
            or pay.card
            or (debit is not None and (debit.mandate_reference or debit.debited_account_identifier))
        )
        # Code 1 alone with the due date would read back as BT-9 alone: give BT-9 its own means.
        separate_due = credit_note_due if bare else None
        if bare:
            credit_note_due = None
        transfers: tuple[CreditTransfer | None, ...] = pay.credit_transfers or (None,)
        for index, transfer in enumerate(transfers):
            means = self.el(root, "cac:PaymentMeans")
            self.el(means, "cbc:PaymentMeansCode", pay.means_code, name=pay.means_text)
            self.date(means, "cbc:PaymentDueDate", credit_note_due)
            self.opt(means, "cbc:PaymentID", pay.remittance_information)
            if index == 0 and pay.card is not None:
                card = self.el(means, "cac:CardAccount")
                self.el(card, "cbc:PrimaryAccountNumberID", pay.card.primary_account_number)
                self.el(card, "cbc:NetworkID", "NA")
                self.opt(card, "cbc:HolderName", pay.card.holder_name)
            if transfer is not None:
                account = self.el(means, "cac:PayeeFinancialAccount")
                self.el(account, "cbc:ID", transfer.account_identifier)
                self.opt(account, "cbc:Name", transfer.account_name)
                if transfer.service_provider_identifier:
                    branch = self.el(account, "cac:FinancialInstitutionBranch")
                    self.el(branch, "cbc:ID", transfer.service_provider_identifier)
            if (
                index == 0
                and debit is not None
                and (debit.mandate_reference or debit.debited_account_identifier)
            ):
                mandate = self.el(means, "cac:PaymentMandate")
                self.opt(mandate, "cbc:ID", debit.mandate_reference)
                if debit.debited_account_identifier:
                    payer = self.el(mandate, "cac:PayerFinancialAccount")
                    self.el(payer, "cbc:ID", debit.debited_account_identifier)
        if separate_due is not None:
            means = self.el(root, "cac:PaymentMeans")
            self.el(means, "cbc:PaymentMeansCode", "1")
            self.date(means, "cbc:PaymentDueDate", separate_due)

    def allowance_charge(
        self,
        parent: etree._Element,
        charge: bool,
        amount: Decimal | None,
        base: Decimal | None,
        percentage: Decimal | None,
        reason: str | None,
        reason_code: str | None,
    ) -> etree._Element:
        el = self.el(parent, "cac:AllowanceCharge")
        self.el(el, "cbc:ChargeIndicator", "true" if charge else "false")
        self.opt(el, "cbc:AllowanceChargeReasonCode", reason_code)
        self.opt(el, "cbc:AllowanceChargeReason", reason)
        self.number(el, "cbc:MultiplierFactorNumeric", percentage)
        self.amount(el, "cbc:Amount", amount)
        self.amount(el, "cbc:BaseAmount", base)
        return el

    def tax_category(
        self,
        parent: etree._Element,
        name: str,
        code: str,
        rate: Decimal | None,
        reason_code: str | None = None,
        reason: str | None = None,
    ) -> None:
        el = self.el(parent, name)
        self.el(el, "cbc:ID", code)
        self.number(el, "cbc:Percent", rate)
        self.opt(el, "cbc:TaxExemptionReasonCode", reason_code)
        self.opt(el, "cbc:TaxExemptionReason", reason)
        self.el(self.el(el, "cac:TaxScheme"), "cbc:ID", "VAT")

    def document_reference(
        self, parent: etree._Element, name: str, value: Identifier | str, type_code: str | None = None
    ) -> None:
        el = self.el(parent, name)
        if isinstance(value, Identifier):
            self.ident(el, "cbc:ID", value)
        else:
            self.el(el, "cbc:ID", value)
        self.opt(el, "cbc:DocumentTypeCode", type_code)

    def build(self) -> etree._Element:
        inv = self.inv
        credit = inv.is_credit_note
        ns = NS_UBL_CREDIT_NOTE if credit else NS_UBL_INVOICE
        root = etree.Element(
            f"{{{ns}}}{'CreditNote' if credit else 'Invoice'}", nsmap={None: ns, "cac": CAC, "cbc": CBC}
        )
        self.opt(root, "cbc:CustomizationID", inv.customization_id)
        self.opt(root, "cbc:ProfileID", inv.business_process_type)
        self.el(root, "cbc:ID", inv.number)
        self.date(root, "cbc:IssueDate", inv.issue_date)
        if credit:
            self.date(root, "cbc:TaxPointDate", inv.tax_point_date)
            self.el(root, "cbc:CreditNoteTypeCode", inv.type_code)
        else:
            self.date(root, "cbc:DueDate", inv.due_date)
            self.el(root, "cbc:InvoiceTypeCode", inv.type_code)
        for note in inv.notes:
            self.el(root, "cbc:Note", f"#{note.subject_code}#{note.text}" if note.subject_code else note.text)
        if not credit:
            self.date(root, "cbc:TaxPointDate", inv.tax_point_date)
        self.el(root, "cbc:DocumentCurrencyCode", inv.currency_code)
        self.opt(root, "cbc:TaxCurrencyCode", inv.tax_currency_code)
        self.opt(root, "cbc:AccountingCost", inv.buyer_accounting_reference)
        self.opt(root, "cbc:BuyerReference", inv.buyer_reference)
        self.period(root, inv.invoicing_period, inv.tax_point_date_code)
        if inv.purchase_order_reference or inv.sales_order_reference:
            order = self.el(root, "cac:OrderReference")
            self.el(order, "cbc:ID", inv.purchase_order_reference or "NA")
            self.opt(order, "cbc:SalesOrderID", inv.sales_order_reference)
        for preceding in inv.preceding_invoices:
            ref = self.el(self.el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
            self.el(ref, "cbc:ID", preceding.reference)
            self.date(ref, "cbc:IssueDate", preceding.issue_date)
        if inv.despatch_advice_reference:
            self.document_reference(root, "cac:DespatchDocumentReference", inv.despatch_advice_reference)
        if inv.receiving_advice_reference:
            self.document_reference(root, "cac:ReceiptDocumentReference", inv.receiving_advice_reference)
        if not credit:
            self.originator_and_contract(root)
        self.additional_documents(root)
        if credit:
            self.originator_and_contract_credit_note(root)
        elif inv.project_reference:
            self.el(self.el(root, "cac:ProjectReference"), "cbc:ID", inv.project_reference)
        self.seller(root)
        self.buyer(root)
        self.payee(root)
        self.tax_representative(root)
        self.delivery(root)
        self.payment_means(root)
        if inv.payment_terms:
            self.el(self.el(root, "cac:PaymentTerms"), "cbc:Note", inv.payment_terms)
        for kind, items in ((False, inv.allowances), (True, inv.charges)):
            for ac in items:
                el = self.allowance_charge(
                    root, kind, ac.amount, ac.base_amount, ac.percentage, ac.reason, ac.reason_code
                )
                self.tax_category(el, "cac:TaxCategory", ac.vat_category_code, ac.vat_rate)
        self.tax_totals(root)
        self.monetary_total(root)
        for line in inv.lines:
            self.line(root, line)
        return root

    def originator_and_contract(self, root: etree._Element) -> None:
        if self.inv.tender_or_lot_reference:
            self.document_reference(root, "cac:OriginatorDocumentReference", self.inv.tender_or_lot_reference)
        if self.inv.contract_reference:
            self.document_reference(root, "cac:ContractDocumentReference", self.inv.contract_reference)

    def originator_and_contract_credit_note(self, root: etree._Element) -> None:
        # CreditNote orders ContractDocumentReference before AdditionalDocumentReference and
        # OriginatorDocumentReference after; see the UBL 2.1 CreditNote schema.
        if self.inv.tender_or_lot_reference:
            self.document_reference(root, "cac:OriginatorDocumentReference", self.inv.tender_or_lot_reference)

    def additional_documents(self, root: etree._Element) -> None:
        inv = self.inv
        if inv.is_credit_note and inv.contract_reference:
            self.document_reference(root, "cac:ContractDocumentReference", inv.contract_reference)
        if inv.invoiced_object_identifier is not None:
            self.document_reference(
                root, "cac:AdditionalDocumentReference", inv.invoiced_object_identifier, _OBJECT_REFERENCE
            )
        if inv.is_credit_note and inv.project_reference:
            self.document_reference(
                root, "cac:AdditionalDocumentReference", inv.project_reference, _PROJECT_REFERENCE
            )
        for doc in inv.supporting_documents:
            el = self.el(root, "cac:AdditionalDocumentReference")
            self.el(el, "cbc:ID", doc.reference)
            self.opt(el, "cbc:DocumentDescription", doc.description)
            if doc.attachment is not None or doc.external_uri:
                attachment = self.el(el, "cac:Attachment")
                if doc.attachment is not None:
                    self.el(
                        attachment,
                        "cbc:EmbeddedDocumentBinaryObject",
                        base64.b64encode(doc.attachment.content).decode("ascii"),
                        mimeCode=doc.attachment.mime_code,
                        filename=doc.attachment.filename,
                    )
                if doc.external_uri:
                    self.el(self.el(attachment, "cac:ExternalReference"), "cbc:URI", doc.external_uri)

    def tax_totals(self, root: etree._Element) -> None:
        inv = self.inv
        totals = inv.totals
        if totals.vat_total is not None or inv.vat_breakdown:
            tax_total = self.el(root, "cac:TaxTotal")
            vat_total = totals.vat_total
            if vat_total is None:
                # UBL needs BT-110 to carry BG-23: BR-CO-14 makes it the sum of the BT-117.
                vat_total = sum((vat.tax_amount or Decimal("0") for vat in inv.vat_breakdown), Decimal("0"))
            self.amount(tax_total, "cbc:TaxAmount", vat_total)
            for vat in inv.vat_breakdown:
                sub = self.el(tax_total, "cac:TaxSubtotal")
                self.amount(sub, "cbc:TaxableAmount", vat.taxable_amount)
                self.amount(sub, "cbc:TaxAmount", vat.tax_amount)
                self.tax_category(
                    sub,
                    "cac:TaxCategory",
                    vat.category_code,
                    vat.rate,
                    vat.exemption_reason_code,
                    vat.exemption_reason,
                )
        if totals.vat_total_accounting_currency is not None:
            tax_total = self.el(root, "cac:TaxTotal")
            self.amount(
                tax_total, "cbc:TaxAmount", totals.vat_total_accounting_currency, inv.tax_currency_code
            )

    def monetary_total(self, root: etree._Element) -> None:
        t = self.inv.totals
        el = self.el(root, "cac:LegalMonetaryTotal")
        self.amount(el, "cbc:LineExtensionAmount", t.line_net_total)
        self.amount(el, "cbc:TaxExclusiveAmount", t.total_without_vat)
        self.amount(el, "cbc:TaxInclusiveAmount", t.total_with_vat)
        self.amount(el, "cbc:AllowanceTotalAmount", t.allowance_total)
        self.amount(el, "cbc:ChargeTotalAmount", t.charge_total)
        self.amount(el, "cbc:PrepaidAmount", t.paid_amount)
        self.amount(el, "cbc:PayableRoundingAmount", t.rounding_amount)
        self.amount(el, "cbc:PayableAmount", t.amount_due)

    def line(self, root: etree._Element, line: InvoiceLine) -> None:
        credit = self.inv.is_credit_note
        el = self.el(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
        self.el(el, "cbc:ID", line.identifier)
        self.opt(el, "cbc:Note", line.note)
        self.number(
            el,
            "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
            line.quantity,
            unitCode=line.unit_code or None,
        )
        self.amount(el, "cbc:LineExtensionAmount", line.net_amount)
        self.opt(el, "cbc:AccountingCost", line.buyer_accounting_reference)
        self.period(el, line.period)
        if line.order_line_reference:
            self.el(self.el(el, "cac:OrderLineReference"), "cbc:LineID", line.order_line_reference)
        if line.object_identifier is not None:
            self.document_reference(el, "cac:DocumentReference", line.object_identifier, _OBJECT_REFERENCE)
        for kind, items in ((False, line.allowances), (True, line.charges)):
            for ac in items:
                self.allowance_charge(
                    el, kind, ac.amount, ac.base_amount, ac.percentage, ac.reason, ac.reason_code
                )
        self.item(el, line.item, line.vat)
        price = self.el(el, "cac:Price")
        self.amount(price, "cbc:PriceAmount", line.price.net_price)
        self.number(
            price, "cbc:BaseQuantity", line.price.base_quantity, unitCode=line.price.base_quantity_unit_code
        )
        if line.price.discount is not None or line.price.gross_price is not None:
            ac = self.el(price, "cac:AllowanceCharge")
            self.el(ac, "cbc:ChargeIndicator", "false")
            discount = line.price.discount
            zero_for_gross = discount is None and line.price.gross_price is not None
            self.amount(ac, "cbc:Amount", Decimal("0") if zero_for_gross else discount)
            self.amount(ac, "cbc:BaseAmount", line.price.gross_price)

    def item(self, parent: etree._Element, item: Item, vat: LineVat) -> None:
        el = self.el(parent, "cac:Item")
        self.opt(el, "cbc:Description", item.description)
        self.el(el, "cbc:Name", item.name)
        if item.buyer_identifier:
            self.el(self.el(el, "cac:BuyersItemIdentification"), "cbc:ID", item.buyer_identifier)
        if item.seller_identifier:
            self.el(self.el(el, "cac:SellersItemIdentification"), "cbc:ID", item.seller_identifier)
        if item.standard_identifier is not None:
            self.ident(self.el(el, "cac:StandardItemIdentification"), "cbc:ID", item.standard_identifier)
        if item.origin_country_code:
            self.el(self.el(el, "cac:OriginCountry"), "cbc:IdentificationCode", item.origin_country_code)
        for classification in item.classifications:
            self.el(
                self.el(el, "cac:CommodityClassification"),
                "cbc:ItemClassificationCode",
                classification.value,
                listID=classification.scheme_id,
                listVersionID=classification.scheme_version,
            )
        self.tax_category(el, "cac:ClassifiedTaxCategory", vat.category_code, vat.rate)
        for attribute in item.attributes:
            prop = self.el(el, "cac:AdditionalItemProperty")
            self.el(prop, "cbc:Name", attribute.name)
            self.el(prop, "cbc:Value", attribute.value)


def build(invoice: Invoice) -> etree._Element:
    """The UBL document of an invoice, as an element tree."""
    return _Writer(invoice).build()
