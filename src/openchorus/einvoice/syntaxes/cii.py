"""UN/CEFACT Cross Industry Invoice D16B, as bound to EN 16931 by CEN/TS 16931-3-3 (and Factur-X).

Conventions of the binding that matter for round trips:
- identifiers without a scheme are ``ram:ID``, with a scheme ``ram:GlobalID/@schemeID`` (the schema
  puts all IDs before all GlobalIDs, so a list mixing both reads back IDs first);
- BT-7 and BT-8 sit on every header ``ram:ApplicableTradeTax``; the first one is read;
- BT-17, BT-18 and BG-24 are ``ram:AdditionalReferencedDocument`` with type codes 50, 130 and 916;
  at line level a referenced document without a type code is BT-128, its only EN use;
- BT-147 (price discount) lives inside the gross price (BT-148): an invoice with a discount and no
  gross price, which UBL can carry, cannot be written in CII with its discount.
"""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal

from lxml import etree

from ..detect import NS_CII, Syntax
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
from ._source import Source, child, fmt_decimal

RSM = NS_CII
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NS = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
_URI = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}

_TENDER = "50"
_OBJECT = "130"
_SUPPORTING = "916"


def _q(name: str) -> str:
    prefix, _, local = name.partition(":")
    return f"{{{_URI[prefix]}}}{local}"


# --- Reading ------------------------------------------------------------------------------------


def read(root: etree._Element, xml: bytes = b"", syntax: Syntax = Syntax.CII) -> ReadResult:
    """Read a parsed CII CrossIndustryInvoice into the model."""
    if str(root.tag) != f"{{{RSM}}}CrossIndustryInvoice":
        raise refusal(
            "SYNTAX",
            "Le document n'est pas une facture CII (CrossIndustryInvoice D16B).",
            "The document is not a CII invoice (CrossIndustryInvoice D16B).",
        )
    src = Source(root, NS)
    invoice = _Reader(src).invoice()
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
    def __init__(self, src: Source) -> None:
        self.s = src

    def date(self, element: etree._Element | None, path: str, model_path: str) -> date | None:
        found = self.s.find(element, path)
        raw = self.s.element_text(found, model_path)
        return self.s.parse_date(raw, found, (found.get("format") or "102") if found is not None else "")

    def ids(self, party: etree._Element | None, path: str) -> list[Identifier]:
        found: list[Identifier] = []
        s = self.s
        for element in s.findall(party, "ram:ID") + s.findall(party, "ram:GlobalID"):
            p = f"{path}[{len(found)}]"
            value = s.element_text(element, p)
            if value is not None:
                found.append(Identifier(value=value, scheme_id=s.attr(element, "schemeID", f"{p}.scheme_id")))
        return found

    def one_id(self, party: etree._Element | None, path: str) -> Identifier | None:
        found = self.ids(party, path)
        if found:
            elements = self.s.elements
            elements[path] = elements.pop(f"{path}[0]")
            scheme = elements.pop(f"{path}[0].scheme_id", None)
            if scheme is not None:
                elements[f"{path}.scheme_id"] = scheme
        return found[0] if found else None

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
        context = s.find(root, "rsm:ExchangedDocumentContext")
        document = s.find(root, "rsm:ExchangedDocument")
        transaction = s.find(root, "rsm:SupplyChainTradeTransaction")
        agreement = s.find(transaction, "ram:ApplicableHeaderTradeAgreement")
        delivery = s.find(transaction, "ram:ApplicableHeaderTradeDelivery")
        settlement = s.find(transaction, "ram:ApplicableHeaderTradeSettlement")
        first_tax = s.find(settlement, "ram:ApplicableTradeTax")
        terms = s.findall(settlement, "ram:SpecifiedTradePaymentTerms")
        tender = obj = None
        supporting: list[SupportingDocument] = []
        for ref in s.findall(agreement, "ram:AdditionalReferencedDocument"):
            code = (ref.findtext(_q("ram:TypeCode")) or "").strip()
            if code == _TENDER and tender is None:
                tender = s.text(ref, "ram:IssuerAssignedID", "tender_or_lot_reference")
            elif code == _OBJECT and obj is None:
                value = s.text(ref, "ram:IssuerAssignedID", "invoiced_object_identifier")
                if value is not None:
                    scheme = s.text(ref, "ram:ReferenceTypeCode", "invoiced_object_identifier.scheme_id")
                    obj = Identifier(value=value, scheme_id=scheme)
            else:
                supporting.append(self.supporting(ref, f"supporting_documents[{len(supporting)}]"))
        payment_terms = due_date = mandate = None
        for term in terms:
            payment_terms = payment_terms or s.text(term, "ram:Description", "payment_terms")
            due_date = due_date or self.date(term, "ram:DueDateDateTime/udt:DateTimeString", "due_date")
            mandate = mandate or s.text(
                term, "ram:DirectDebitMandateID", "payment_instructions.direct_debit.mandate_reference"
            )
        return Invoice(
            number=s.text(document, "ram:ID", "number") or "",
            issue_date=self.date(document, "ram:IssueDateTime/udt:DateTimeString", "issue_date"),
            type_code=s.text(document, "ram:TypeCode", "type_code") or "",
            currency_code=s.text(settlement, "ram:InvoiceCurrencyCode", "currency_code") or "",
            tax_currency_code=s.text(settlement, "ram:TaxCurrencyCode", "tax_currency_code"),
            tax_point_date=self.date(first_tax, "ram:TaxPointDate/udt:DateString", "tax_point_date"),
            tax_point_date_code=s.text(first_tax, "ram:DueDateTypeCode", "tax_point_date_code"),
            due_date=due_date,
            buyer_reference=s.text(agreement, "ram:BuyerReference", "buyer_reference"),
            project_reference=s.text(agreement, "ram:SpecifiedProcuringProject/ram:ID", "project_reference"),
            contract_reference=s.text(
                agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID", "contract_reference"
            ),
            purchase_order_reference=s.text(
                agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", "purchase_order_reference"
            ),
            sales_order_reference=s.text(
                agreement, "ram:SellerOrderReferencedDocument/ram:IssuerAssignedID", "sales_order_reference"
            ),
            receiving_advice_reference=s.text(
                delivery,
                "ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID",
                "receiving_advice_reference",
            ),
            despatch_advice_reference=s.text(
                delivery,
                "ram:DespatchAdviceReferencedDocument/ram:IssuerAssignedID",
                "despatch_advice_reference",
            ),
            tender_or_lot_reference=tender,
            invoiced_object_identifier=obj,
            buyer_accounting_reference=s.text(
                settlement,
                "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID",
                "buyer_accounting_reference",
            ),
            payment_terms=payment_terms,
            notes=tuple(
                Note(
                    subject_code=s.text(note, "ram:SubjectCode", f"notes[{i}].subject_code"),
                    text=s.text(note, "ram:Content", f"notes[{i}].text") or "",
                )
                for i, note in enumerate(s.findall(document, "ram:IncludedNote"))
            ),
            business_process_type=s.text(
                context,
                "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID",
                "business_process_type",
            ),
            customization_id=s.text(
                context, "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", "customization_id"
            )
            or "",
            preceding_invoices=tuple(
                PrecedingInvoiceReference(
                    reference=s.text(ref, "ram:IssuerAssignedID", f"preceding_invoices[{i}].reference") or "",
                    issue_date=self.date(
                        ref,
                        "ram:FormattedIssueDateTime/qdt:DateTimeString",
                        f"preceding_invoices[{i}].issue_date",
                    ),
                )
                for i, ref in enumerate(s.findall(settlement, "ram:InvoiceReferencedDocument"))
            ),
            seller=self.seller(s.find(agreement, "ram:SellerTradeParty")),
            buyer=self.buyer(s.find(agreement, "ram:BuyerTradeParty")),
            payee=self.payee(s.find(settlement, "ram:PayeeTradeParty")),
            tax_representative=self.tax_representative(
                s.find(agreement, "ram:SellerTaxRepresentativeTradeParty")
            ),
            delivery=self.delivery(delivery),
            invoicing_period=self.period(
                s.find(settlement, "ram:BillingSpecifiedPeriod"), "invoicing_period"
            ),
            payment_instructions=self.payment(settlement, mandate),
            allowances=self.doc_allowance_charges(settlement, "false", "allowances"),
            charges=self.doc_allowance_charges(settlement, "true", "charges"),
            totals=self.totals(settlement),
            vat_breakdown=tuple(
                self.vat_breakdown(el, f"vat_breakdown[{i}]")
                for i, el in enumerate(s.findall(settlement, "ram:ApplicableTradeTax"))
            ),
            supporting_documents=tuple(supporting),
            lines=tuple(
                self.line(el, f"lines[{i}]")
                for i, el in enumerate(s.findall(transaction, "ram:IncludedSupplyChainTradeLineItem"))
            ),
        )

    def address(self, element: etree._Element | None, path: str) -> PostalAddress | None:
        if element is None:
            return None
        s = self.s
        return PostalAddress(
            line1=s.text(element, "ram:LineOne", f"{path}.line1"),
            line2=s.text(element, "ram:LineTwo", f"{path}.line2"),
            line3=s.text(element, "ram:LineThree", f"{path}.line3"),
            city=s.text(element, "ram:CityName", f"{path}.city"),
            post_code=s.text(element, "ram:PostcodeCode", f"{path}.post_code"),
            country_subdivision=s.text(element, "ram:CountrySubDivisionName", f"{path}.country_subdivision"),
            country_code=s.text(element, "ram:CountryID", f"{path}.country_code") or "",
        )

    def contact(self, element: etree._Element | None, path: str) -> Contact | None:
        if element is None:
            return None
        s = self.s
        contact = Contact(
            point=s.text(element, "ram:PersonName", f"{path}.point")
            or s.text(element, "ram:DepartmentName", f"{path}.point"),
            telephone=s.text(
                element, "ram:TelephoneUniversalCommunication/ram:CompleteNumber", f"{path}.telephone"
            ),
            email=s.text(element, "ram:EmailURIUniversalCommunication/ram:URIID", f"{path}.email"),
        )
        return contact if contact != Contact() else None

    def tax_registration(self, party: etree._Element | None, scheme: str, path: str) -> str | None:
        for element in self.s.findall(party, "ram:SpecifiedTaxRegistration/ram:ID"):
            if (element.get("schemeID") or "").strip() == scheme:
                return self.s.element_text(element, path)
        return None

    def electronic_address(self, party: etree._Element | None, path: str) -> Identifier | None:
        return self.ident(self.s.find(party, "ram:URIUniversalCommunication/ram:URIID"), path)

    def seller(self, party: etree._Element | None) -> Seller:
        s = self.s
        legal = s.find(party, "ram:SpecifiedLegalOrganization")
        return Seller(
            name=s.text(party, "ram:Name", "seller.name") or "",
            trading_name=s.text(legal, "ram:TradingBusinessName", "seller.trading_name"),
            identifiers=tuple(self.ids(party, "seller.identifiers")),
            legal_registration=self.ident(s.find(legal, "ram:ID"), "seller.legal_registration"),
            vat_identifier=self.tax_registration(party, "VA", "seller.vat_identifier"),
            tax_registration_identifier=self.tax_registration(
                party, "FC", "seller.tax_registration_identifier"
            ),
            additional_legal_information=s.text(
                party, "ram:Description", "seller.additional_legal_information"
            ),
            electronic_address=self.electronic_address(party, "seller.electronic_address"),
            address=self.address(s.find(party, "ram:PostalTradeAddress"), "seller.address")
            or PostalAddress(),
            contact=self.contact(s.find(party, "ram:DefinedTradeContact"), "seller.contact"),
        )

    def buyer(self, party: etree._Element | None) -> Buyer:
        s = self.s
        legal = s.find(party, "ram:SpecifiedLegalOrganization")
        return Buyer(
            name=s.text(party, "ram:Name", "buyer.name") or "",
            trading_name=s.text(legal, "ram:TradingBusinessName", "buyer.trading_name"),
            identifier=self.one_id(party, "buyer.identifier"),
            legal_registration=self.ident(s.find(legal, "ram:ID"), "buyer.legal_registration"),
            vat_identifier=self.tax_registration(party, "VA", "buyer.vat_identifier"),
            electronic_address=self.electronic_address(party, "buyer.electronic_address"),
            address=self.address(s.find(party, "ram:PostalTradeAddress"), "buyer.address") or PostalAddress(),
            contact=self.contact(s.find(party, "ram:DefinedTradeContact"), "buyer.contact"),
        )

    def payee(self, party: etree._Element | None) -> Payee | None:
        if party is None:
            return None
        s = self.s
        return Payee(
            name=s.text(party, "ram:Name", "payee.name") or "",
            identifier=self.one_id(party, "payee.identifier"),
            legal_registration=self.ident(
                s.find(party, "ram:SpecifiedLegalOrganization/ram:ID"), "payee.legal_registration"
            ),
        )

    def tax_representative(self, party: etree._Element | None) -> TaxRepresentative | None:
        if party is None:
            return None
        s = self.s
        return TaxRepresentative(
            name=s.text(party, "ram:Name", "tax_representative.name") or "",
            vat_identifier=self.tax_registration(party, "VA", "tax_representative.vat_identifier") or "",
            address=self.address(s.find(party, "ram:PostalTradeAddress"), "tax_representative.address")
            or PostalAddress(),
        )

    def delivery(self, element: etree._Element | None) -> Delivery | None:
        if element is None:
            return None
        s = self.s
        ship_to = s.find(element, "ram:ShipToTradeParty")
        result = Delivery(
            party_name=s.text(ship_to, "ram:Name", "delivery.party_name"),
            location_identifier=self.one_id(ship_to, "delivery.location_identifier"),
            actual_delivery_date=self.date(
                element,
                "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString",
                "delivery.actual_delivery_date",
            ),
            address=self.address(s.find(ship_to, "ram:PostalTradeAddress"), "delivery.address"),
        )
        return result if result != Delivery() else None

    def period(self, element: etree._Element | None, path: str) -> Period | None:
        if element is None:
            return None
        period = Period(
            start_date=self.date(element, "ram:StartDateTime/udt:DateTimeString", f"{path}.start_date"),
            end_date=self.date(element, "ram:EndDateTime/udt:DateTimeString", f"{path}.end_date"),
        )
        return period if period != Period() else None

    def payment(self, settlement: etree._Element | None, mandate: str | None) -> PaymentInstructions | None:
        s = self.s
        means = s.findall(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        creditor = s.text(
            settlement, "ram:CreditorReferenceID", "payment_instructions.direct_debit.creditor_identifier"
        )
        remittance = s.text(settlement, "ram:PaymentReference", "payment_instructions.remittance_information")
        if not means and creditor is None and remittance is None and mandate is None:
            return None
        first = means[0] if means else None
        transfers: list[CreditTransfer] = []
        card = None
        debited = None
        for element in means:
            for account in s.findall(element, "ram:PayeePartyCreditorFinancialAccount"):
                path = f"payment_instructions.credit_transfers[{len(transfers)}]"
                bank = s.find(element, "ram:PayeeSpecifiedCreditorFinancialInstitution")
                transfers.append(
                    CreditTransfer(
                        account_identifier=s.text(account, "ram:IBANID", f"{path}.account_identifier")
                        or s.text(account, "ram:ProprietaryID", f"{path}.account_identifier")
                        or "",
                        account_name=s.text(account, "ram:AccountName", f"{path}.account_name"),
                        service_provider_identifier=s.text(
                            bank, "ram:BICID", f"{path}.service_provider_identifier"
                        ),
                    )
                )
            card_el = s.find(element, "ram:ApplicableTradeSettlementFinancialCard")
            if card_el is not None and card is None:
                card = PaymentCard(
                    primary_account_number=s.text(
                        card_el, "ram:ID", "payment_instructions.card.primary_account_number"
                    )
                    or "",
                    holder_name=s.text(
                        card_el, "ram:CardholderName", "payment_instructions.card.holder_name"
                    ),
                )
            debited = debited or s.text(
                element,
                "ram:PayerPartyDebtorFinancialAccount/ram:IBANID",
                "payment_instructions.direct_debit.debited_account_identifier",
            )
        direct_debit = DirectDebit(
            mandate_reference=mandate, creditor_identifier=creditor, debited_account_identifier=debited
        )
        return PaymentInstructions(
            means_code=s.text(first, "ram:TypeCode", "payment_instructions.means_code") or "",
            means_text=s.text(first, "ram:Information", "payment_instructions.means_text"),
            remittance_information=remittance,
            credit_transfers=tuple(transfers),
            card=card,
            direct_debit=direct_debit if direct_debit != DirectDebit() else None,
        )

    def doc_allowance_charges(
        self, settlement: etree._Element | None, indicator: str, path: str
    ) -> tuple[DocumentAllowanceCharge, ...]:
        s = self.s
        found: list[DocumentAllowanceCharge] = []
        for element in s.findall(settlement, "ram:SpecifiedTradeAllowanceCharge"):
            if _indicator(element) != indicator:
                continue
            p = f"{path}[{len(found)}]"
            tax = s.find(element, "ram:CategoryTradeTax")
            found.append(
                DocumentAllowanceCharge(
                    amount=s.decimal(element, "ram:ActualAmount", f"{p}.amount"),
                    base_amount=s.decimal(element, "ram:BasisAmount", f"{p}.base_amount"),
                    percentage=s.decimal(element, "ram:CalculationPercent", f"{p}.percentage"),
                    vat_category_code=s.text(tax, "ram:CategoryCode", f"{p}.vat_category_code") or "",
                    vat_rate=s.decimal(tax, "ram:RateApplicablePercent", f"{p}.vat_rate"),
                    reason=s.text(element, "ram:Reason", f"{p}.reason"),
                    reason_code=s.text(element, "ram:ReasonCode", f"{p}.reason_code"),
                )
            )
        return tuple(found)

    def totals(self, settlement: etree._Element | None) -> DocumentTotals:
        s = self.s
        total = s.find(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        currency = (
            settlement.findtext(_q("ram:InvoiceCurrencyCode")) if settlement is not None else ""
        ) or ""
        tax_currency = (
            settlement.findtext(_q("ram:TaxCurrencyCode")) if settlement is not None else ""
        ) or ""
        vat_total = vat_accounting = None
        # As the artefact binds them: BT-110 is the amount in the invoice currency (BT-5), BT-111
        # the one in the VAT accounting currency (BT-6) when it differs.
        currency, tax_currency = currency.strip(), tax_currency.strip()
        for amount in s.findall(total, "ram:TaxTotalAmount"):
            currency_id = (amount.get("currencyID") or "").strip()
            if currency_id == currency and vat_total is None:
                vat_total = s.element_decimal(amount, "totals.vat_total")
            elif tax_currency and currency_id == tax_currency != currency and vat_accounting is None:
                vat_accounting = s.element_decimal(amount, "totals.vat_total_accounting_currency")
        return DocumentTotals(
            line_net_total=s.decimal(total, "ram:LineTotalAmount", "totals.line_net_total"),
            allowance_total=s.decimal(total, "ram:AllowanceTotalAmount", "totals.allowance_total"),
            charge_total=s.decimal(total, "ram:ChargeTotalAmount", "totals.charge_total"),
            total_without_vat=s.decimal(total, "ram:TaxBasisTotalAmount", "totals.total_without_vat"),
            vat_total=vat_total,
            vat_total_accounting_currency=vat_accounting,
            total_with_vat=s.decimal(total, "ram:GrandTotalAmount", "totals.total_with_vat"),
            paid_amount=s.decimal(total, "ram:TotalPrepaidAmount", "totals.paid_amount"),
            rounding_amount=s.decimal(total, "ram:RoundingAmount", "totals.rounding_amount"),
            amount_due=s.decimal(total, "ram:DuePayableAmount", "totals.amount_due"),
        )

    def vat_breakdown(self, element: etree._Element, path: str) -> VatBreakdown:
        s = self.s
        return VatBreakdown(
            taxable_amount=s.decimal(element, "ram:BasisAmount", f"{path}.taxable_amount"),
            tax_amount=s.decimal(element, "ram:CalculatedAmount", f"{path}.tax_amount"),
            category_code=s.text(element, "ram:CategoryCode", f"{path}.category_code") or "",
            rate=s.decimal(element, "ram:RateApplicablePercent", f"{path}.rate"),
            exemption_reason=s.text(element, "ram:ExemptionReason", f"{path}.exemption_reason"),
            exemption_reason_code=s.text(element, "ram:ExemptionReasonCode", f"{path}.exemption_reason_code"),
        )

    def supporting(self, element: etree._Element, path: str) -> SupportingDocument:
        s = self.s
        binary = s.find(element, "ram:AttachmentBinaryObject")
        attachment = s.binary_object(binary, f"{path}.attachment")
        return SupportingDocument(
            reference=s.text(element, "ram:IssuerAssignedID", f"{path}.reference") or "",
            description=s.text(element, "ram:Name", f"{path}.description"),
            external_uri=s.text(element, "ram:URIID", f"{path}.external_uri"),
            attachment=attachment,
        )

    def line(self, element: etree._Element, path: str) -> InvoiceLine:
        s = self.s
        doc = s.find(element, "ram:AssociatedDocumentLineDocument")
        product = s.find(element, "ram:SpecifiedTradeProduct")
        agreement = s.find(element, "ram:SpecifiedLineTradeAgreement")
        gross = s.find(agreement, "ram:GrossPriceProductTradePrice")
        net = s.find(agreement, "ram:NetPriceProductTradePrice")
        settlement = s.find(element, "ram:SpecifiedLineTradeSettlement")
        tax = s.find(settlement, "ram:ApplicableTradeTax")
        quantity = s.find(element, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
        base_quantity = s.find(net, "ram:BasisQuantity")
        if base_quantity is None:
            base_quantity = s.find(gross, "ram:BasisQuantity")
        discount = None
        for ac in s.findall(gross, "ram:AppliedTradeAllowanceCharge"):
            if _indicator(ac) == "false" and discount is None:
                discount = s.decimal(ac, "ram:ActualAmount", f"{path}.price.discount")
        obj = None
        for ref in s.findall(settlement, "ram:AdditionalReferencedDocument"):
            # BT-128 is the only EN use of a line referenced document: accept a missing type code.
            if (ref.findtext(_q("ram:TypeCode")) or _OBJECT).strip() == _OBJECT and obj is None:
                value = s.text(ref, "ram:IssuerAssignedID", f"{path}.object_identifier")
                if value is not None:
                    scheme = s.text(ref, "ram:ReferenceTypeCode", f"{path}.object_identifier.scheme_id")
                    obj = Identifier(value=value, scheme_id=scheme)
        allowances: list[LineAllowanceCharge] = []
        charges: list[LineAllowanceCharge] = []
        for ac in s.findall(settlement, "ram:SpecifiedTradeAllowanceCharge"):
            is_charge = _indicator(ac) == "true"
            target = charges if is_charge else allowances
            p = f"{path}.{'charges' if is_charge else 'allowances'}[{len(target)}]"
            target.append(
                LineAllowanceCharge(
                    amount=s.decimal(ac, "ram:ActualAmount", f"{p}.amount"),
                    base_amount=s.decimal(ac, "ram:BasisAmount", f"{p}.base_amount"),
                    percentage=s.decimal(ac, "ram:CalculationPercent", f"{p}.percentage"),
                    reason=s.text(ac, "ram:Reason", f"{p}.reason"),
                    reason_code=s.text(ac, "ram:ReasonCode", f"{p}.reason_code"),
                )
            )
        classifications = []
        for i, code in enumerate(s.findall(product, "ram:DesignatedProductClassification/ram:ClassCode")):
            classifications.append(
                ItemClassification(
                    value=s.element_text(code, f"{path}.item.classifications[{i}].value") or "",
                    scheme_id=code.get("listID", ""),
                    scheme_version=code.get("listVersionID"),
                )
            )
        return InvoiceLine(
            identifier=s.text(doc, "ram:LineID", f"{path}.identifier") or "",
            note=s.text(doc, "ram:IncludedNote/ram:Content", f"{path}.note"),
            object_identifier=obj,
            quantity=s.element_decimal(quantity, f"{path}.quantity"),
            unit_code=s.attr(quantity, "unitCode", f"{path}.unit_code") or "",
            net_amount=s.decimal(
                settlement,
                "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                f"{path}.net_amount",
            ),
            order_line_reference=s.text(
                agreement, "ram:BuyerOrderReferencedDocument/ram:LineID", f"{path}.order_line_reference"
            ),
            buyer_accounting_reference=s.text(
                settlement,
                "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID",
                f"{path}.buyer_accounting_reference",
            ),
            period=self.period(s.find(settlement, "ram:BillingSpecifiedPeriod"), f"{path}.period"),
            allowances=tuple(allowances),
            charges=tuple(charges),
            price=Price(
                net_price=s.decimal(net, "ram:ChargeAmount", f"{path}.price.net_price"),
                discount=discount,
                gross_price=s.decimal(gross, "ram:ChargeAmount", f"{path}.price.gross_price"),
                base_quantity=s.element_decimal(base_quantity, f"{path}.price.base_quantity"),
                base_quantity_unit_code=s.attr(
                    base_quantity, "unitCode", f"{path}.price.base_quantity_unit_code"
                ),
            ),
            vat=LineVat(
                category_code=s.text(tax, "ram:CategoryCode", f"{path}.vat.category_code") or "",
                rate=s.decimal(tax, "ram:RateApplicablePercent", f"{path}.vat.rate"),
            ),
            item=Item(
                name=s.text(product, "ram:Name", f"{path}.item.name") or "",
                description=s.text(product, "ram:Description", f"{path}.item.description"),
                seller_identifier=s.text(product, "ram:SellerAssignedID", f"{path}.item.seller_identifier"),
                buyer_identifier=s.text(product, "ram:BuyerAssignedID", f"{path}.item.buyer_identifier"),
                standard_identifier=self.ident(
                    s.find(product, "ram:GlobalID"), f"{path}.item.standard_identifier"
                ),
                classifications=tuple(classifications),
                origin_country_code=s.text(
                    product, "ram:OriginTradeCountry/ram:ID", f"{path}.item.origin_country_code"
                ),
                attributes=tuple(
                    ItemAttribute(
                        name=s.text(prop, "ram:Description", f"{path}.item.attributes[{i}].name") or "",
                        value=s.text(prop, "ram:Value", f"{path}.item.attributes[{i}].value") or "",
                    )
                    for i, prop in enumerate(s.findall(product, "ram:ApplicableProductCharacteristic"))
                ),
            ),
        )


def _indicator(element: etree._Element) -> str:
    raw = (element.findtext(f"{_q('ram:ChargeIndicator')}/{_q('udt:Indicator')}") or "").strip().lower()
    return {"1": "true", "0": "false"}.get(raw, raw)


# --- Writing ------------------------------------------------------------------------------------


def write(invoice: Invoice) -> bytes:
    """Serialise the model as a CII D16B CrossIndustryInvoice."""
    data: bytes = etree.tostring(build(invoice), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def build(invoice: Invoice) -> etree._Element:
    """The CII document of an invoice, as an element tree."""
    return _Writer(invoice).build()


class _Writer:
    def __init__(self, invoice: Invoice) -> None:
        self.inv = invoice

    def el(
        self, parent: etree._Element, name: str, text: str | None = None, /, **attrs: str | None
    ) -> etree._Element:
        return child(parent, _q(name), text, **attrs)

    def opt(self, parent: etree._Element, name: str, text: str | None, /, **attrs: str | None) -> None:
        if text is not None and text != "":
            self.el(parent, name, text, **attrs)

    def num(self, parent: etree._Element, name: str, value: Decimal | None, /, **attrs: str | None) -> None:
        if value is not None:
            self.el(parent, name, fmt_decimal(value), **attrs)

    def date(
        self, parent: etree._Element, name: str, value: date | None, inner: str = "udt:DateTimeString"
    ) -> None:
        if value is not None:
            self.el(self.el(parent, name), inner, value.strftime("%Y%m%d"), format="102")

    def indicator(self, parent: etree._Element, charge: bool) -> None:
        self.el(self.el(parent, "ram:ChargeIndicator"), "udt:Indicator", "true" if charge else "false")

    def party_ids(self, party: etree._Element, identifiers: tuple[Identifier, ...]) -> None:
        for ident in identifiers:
            if not ident.scheme_id:
                self.el(party, "ram:ID", ident.value)
        for ident in identifiers:
            if ident.scheme_id:
                self.el(party, "ram:GlobalID", ident.value, schemeID=ident.scheme_id)

    def address(self, parent: etree._Element, address: PostalAddress | None) -> None:
        if address is None:
            return
        el = self.el(parent, "ram:PostalTradeAddress")
        self.opt(el, "ram:PostcodeCode", address.post_code)
        self.opt(el, "ram:LineOne", address.line1)
        self.opt(el, "ram:LineTwo", address.line2)
        self.opt(el, "ram:LineThree", address.line3)
        self.opt(el, "ram:CityName", address.city)
        self.el(el, "ram:CountryID", address.country_code)
        self.opt(el, "ram:CountrySubDivisionName", address.country_subdivision)

    def legal(self, party: etree._Element, registration: Identifier | None, trading_name: str | None) -> None:
        if registration is None and not trading_name:
            return
        el = self.el(party, "ram:SpecifiedLegalOrganization")
        if registration is not None:
            self.el(el, "ram:ID", registration.value, schemeID=registration.scheme_id)
        self.opt(el, "ram:TradingBusinessName", trading_name)

    def contact(self, party: etree._Element, contact: Contact | None) -> None:
        if contact is None:
            return
        el = self.el(party, "ram:DefinedTradeContact")
        self.opt(el, "ram:PersonName", contact.point)
        if contact.telephone:
            self.el(
                self.el(el, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", contact.telephone
            )
        if contact.email:
            self.el(self.el(el, "ram:EmailURIUniversalCommunication"), "ram:URIID", contact.email)

    def electronic(self, party: etree._Element, address: Identifier | None) -> None:
        if address is not None:
            comm = self.el(party, "ram:URIUniversalCommunication")
            self.el(comm, "ram:URIID", address.value, schemeID=address.scheme_id)

    def tax_registration(self, party: etree._Element, value: str | None, scheme: str) -> None:
        if value:
            self.el(self.el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", value, schemeID=scheme)

    def referenced(self, parent: etree._Element, name: str, value: str | None) -> None:
        if value:
            self.el(self.el(parent, name), "ram:IssuerAssignedID", value)

    def build(self) -> etree._Element:
        inv = self.inv
        root = etree.Element(
            _q("rsm:CrossIndustryInvoice"), nsmap={"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}
        )
        context = self.el(root, "rsm:ExchangedDocumentContext")
        if inv.business_process_type:
            self.el(
                self.el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"),
                "ram:ID",
                inv.business_process_type,
            )
        self.el(
            self.el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", inv.customization_id
        )
        document = self.el(root, "rsm:ExchangedDocument")
        self.el(document, "ram:ID", inv.number)
        self.el(document, "ram:TypeCode", inv.type_code)
        self.date(document, "ram:IssueDateTime", inv.issue_date)
        for note in inv.notes:
            el = self.el(document, "ram:IncludedNote")
            self.el(el, "ram:Content", note.text)
            self.opt(el, "ram:SubjectCode", note.subject_code)
        transaction = self.el(root, "rsm:SupplyChainTradeTransaction")
        for line in inv.lines:
            self.line(transaction, line)
        self.agreement(transaction)
        self.delivery(transaction)
        self.settlement(transaction)
        return root

    def agreement(self, transaction: etree._Element) -> None:
        inv = self.inv
        agreement = self.el(transaction, "ram:ApplicableHeaderTradeAgreement")
        self.opt(agreement, "ram:BuyerReference", inv.buyer_reference)
        seller = inv.seller
        party = self.el(agreement, "ram:SellerTradeParty")
        self.party_ids(party, seller.identifiers)
        self.el(party, "ram:Name", seller.name)
        self.opt(party, "ram:Description", seller.additional_legal_information)
        self.legal(party, seller.legal_registration, seller.trading_name)
        self.contact(party, seller.contact)
        self.address(party, seller.address)
        self.electronic(party, seller.electronic_address)
        self.tax_registration(party, seller.vat_identifier, "VA")
        self.tax_registration(party, seller.tax_registration_identifier, "FC")
        buyer = inv.buyer
        party = self.el(agreement, "ram:BuyerTradeParty")
        self.party_ids(party, (buyer.identifier,) if buyer.identifier else ())
        self.el(party, "ram:Name", buyer.name)
        self.legal(party, buyer.legal_registration, buyer.trading_name)
        self.contact(party, buyer.contact)
        self.address(party, buyer.address)
        self.electronic(party, buyer.electronic_address)
        self.tax_registration(party, buyer.vat_identifier, "VA")
        rep = inv.tax_representative
        if rep is not None:
            party = self.el(agreement, "ram:SellerTaxRepresentativeTradeParty")
            self.el(party, "ram:Name", rep.name)
            self.address(party, rep.address)
            self.tax_registration(party, rep.vat_identifier, "VA")
        self.referenced(agreement, "ram:SellerOrderReferencedDocument", inv.sales_order_reference)
        self.referenced(agreement, "ram:BuyerOrderReferencedDocument", inv.purchase_order_reference)
        self.referenced(agreement, "ram:ContractReferencedDocument", inv.contract_reference)
        for doc in inv.supporting_documents:
            el = self.el(agreement, "ram:AdditionalReferencedDocument")
            self.el(el, "ram:IssuerAssignedID", doc.reference)
            self.opt(el, "ram:URIID", doc.external_uri)
            self.el(el, "ram:TypeCode", _SUPPORTING)
            self.opt(el, "ram:Name", doc.description)
            if doc.attachment is not None:
                self.el(
                    el,
                    "ram:AttachmentBinaryObject",
                    base64.b64encode(doc.attachment.content).decode("ascii"),
                    mimeCode=doc.attachment.mime_code,
                    filename=doc.attachment.filename,
                )
        if inv.tender_or_lot_reference:
            el = self.el(agreement, "ram:AdditionalReferencedDocument")
            self.el(el, "ram:IssuerAssignedID", inv.tender_or_lot_reference)
            self.el(el, "ram:TypeCode", _TENDER)
        if inv.invoiced_object_identifier is not None:
            el = self.el(agreement, "ram:AdditionalReferencedDocument")
            self.el(el, "ram:IssuerAssignedID", inv.invoiced_object_identifier.value)
            self.el(el, "ram:TypeCode", _OBJECT)
            self.opt(el, "ram:ReferenceTypeCode", inv.invoiced_object_identifier.scheme_id)
        if inv.project_reference:
            project = self.el(agreement, "ram:SpecifiedProcuringProject")
            self.el(project, "ram:ID", inv.project_reference)
            self.el(project, "ram:Name", "Project reference")

    def delivery(self, transaction: etree._Element) -> None:
        inv = self.inv
        el = self.el(transaction, "ram:ApplicableHeaderTradeDelivery")
        delivery = inv.delivery
        if delivery is not None:
            if (
                delivery.location_identifier is not None
                or delivery.party_name
                or delivery.address is not None
            ):
                party = self.el(el, "ram:ShipToTradeParty")
                if delivery.location_identifier is not None:
                    self.party_ids(party, (delivery.location_identifier,))
                self.opt(party, "ram:Name", delivery.party_name)
                self.address(party, delivery.address)
            if delivery.actual_delivery_date is not None:
                event = self.el(el, "ram:ActualDeliverySupplyChainEvent")
                self.date(event, "ram:OccurrenceDateTime", delivery.actual_delivery_date)
        self.referenced(el, "ram:DespatchAdviceReferencedDocument", inv.despatch_advice_reference)
        self.referenced(el, "ram:ReceivingAdviceReferencedDocument", inv.receiving_advice_reference)

    def settlement(self, transaction: etree._Element) -> None:
        inv = self.inv
        pay = inv.payment_instructions
        el = self.el(transaction, "ram:ApplicableHeaderTradeSettlement")
        if pay is not None and pay.direct_debit is not None:
            self.opt(el, "ram:CreditorReferenceID", pay.direct_debit.creditor_identifier)
        if pay is not None:
            self.opt(el, "ram:PaymentReference", pay.remittance_information)
        self.opt(el, "ram:TaxCurrencyCode", inv.tax_currency_code)
        self.el(el, "ram:InvoiceCurrencyCode", inv.currency_code)
        if inv.payee is not None:
            party = self.el(el, "ram:PayeeTradeParty")
            self.party_ids(party, (inv.payee.identifier,) if inv.payee.identifier else ())
            self.el(party, "ram:Name", inv.payee.name)
            self.legal(party, inv.payee.legal_registration, None)
        if pay is not None:
            self.payment_means(el, pay)
        for vat in inv.vat_breakdown:
            tax = self.el(el, "ram:ApplicableTradeTax")
            self.num(tax, "ram:CalculatedAmount", vat.tax_amount)
            self.el(tax, "ram:TypeCode", "VAT")
            self.opt(tax, "ram:ExemptionReason", vat.exemption_reason)
            self.num(tax, "ram:BasisAmount", vat.taxable_amount)
            self.el(tax, "ram:CategoryCode", vat.category_code)
            self.opt(tax, "ram:ExemptionReasonCode", vat.exemption_reason_code)
            self.date(tax, "ram:TaxPointDate", inv.tax_point_date, "udt:DateString")
            self.opt(tax, "ram:DueDateTypeCode", inv.tax_point_date_code)
            self.num(tax, "ram:RateApplicablePercent", vat.rate)
        self.period(el, inv.invoicing_period)
        for kind, items in ((False, inv.allowances), (True, inv.charges)):
            for ac in items:
                node = self.allowance_charge(
                    el, kind, ac.amount, ac.base_amount, ac.percentage, ac.reason, ac.reason_code
                )
                tax = self.el(node, "ram:CategoryTradeTax")
                self.el(tax, "ram:TypeCode", "VAT")
                self.el(tax, "ram:CategoryCode", ac.vat_category_code)
                self.num(tax, "ram:RateApplicablePercent", ac.vat_rate)
        mandate = (
            pay.direct_debit.mandate_reference if pay is not None and pay.direct_debit is not None else None
        )
        if inv.payment_terms or inv.due_date is not None or mandate:
            terms = self.el(el, "ram:SpecifiedTradePaymentTerms")
            self.opt(terms, "ram:Description", inv.payment_terms)
            self.date(terms, "ram:DueDateDateTime", inv.due_date)
            self.opt(terms, "ram:DirectDebitMandateID", mandate)
        self.monetary_summation(el)
        for preceding in inv.preceding_invoices:
            ref = self.el(el, "ram:InvoiceReferencedDocument")
            self.el(ref, "ram:IssuerAssignedID", preceding.reference)
            self.date(ref, "ram:FormattedIssueDateTime", preceding.issue_date, "qdt:DateTimeString")
        if inv.buyer_accounting_reference:
            account = self.el(el, "ram:ReceivableSpecifiedTradeAccountingAccount")
            self.el(account, "ram:ID", inv.buyer_accounting_reference)

    def payment_means(self, settlement: etree._Element, pay: PaymentInstructions) -> None:
        debit = pay.direct_debit
        has_means = bool(pay.means_code or pay.means_text or pay.credit_transfers or pay.card)
        if not has_means and (debit is None or not debit.debited_account_identifier):
            return  # only BT-83, BT-89 or BT-90, written elsewhere in the settlement
        transfers: tuple[CreditTransfer | None, ...] = pay.credit_transfers or (None,)
        debited = pay.direct_debit.debited_account_identifier if pay.direct_debit is not None else None
        for index, transfer in enumerate(transfers):
            means = self.el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
            self.el(means, "ram:TypeCode", pay.means_code)
            self.opt(means, "ram:Information", pay.means_text)
            if index == 0 and pay.card is not None:
                card = self.el(means, "ram:ApplicableTradeSettlementFinancialCard")
                self.el(card, "ram:ID", pay.card.primary_account_number)
                self.opt(card, "ram:CardholderName", pay.card.holder_name)
            if index == 0 and debited:
                self.el(self.el(means, "ram:PayerPartyDebtorFinancialAccount"), "ram:IBANID", debited)
            if transfer is not None:
                account = self.el(means, "ram:PayeePartyCreditorFinancialAccount")
                if _looks_like_iban(transfer.account_identifier):
                    self.el(account, "ram:IBANID", transfer.account_identifier)
                    self.opt(account, "ram:AccountName", transfer.account_name)
                else:
                    self.opt(account, "ram:AccountName", transfer.account_name)
                    self.el(account, "ram:ProprietaryID", transfer.account_identifier)
                if transfer.service_provider_identifier:
                    bank = self.el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
                    self.el(bank, "ram:BICID", transfer.service_provider_identifier)

    def period(self, parent: etree._Element, period: Period | None) -> None:
        if period is None:
            return
        el = self.el(parent, "ram:BillingSpecifiedPeriod")
        self.date(el, "ram:StartDateTime", period.start_date)
        self.date(el, "ram:EndDateTime", period.end_date)

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
        el = self.el(parent, "ram:SpecifiedTradeAllowanceCharge")
        self.indicator(el, charge)
        self.num(el, "ram:CalculationPercent", percentage)
        self.num(el, "ram:BasisAmount", base)
        self.num(el, "ram:ActualAmount", amount)
        self.opt(el, "ram:ReasonCode", reason_code)
        self.opt(el, "ram:Reason", reason)
        return el

    def monetary_summation(self, settlement: etree._Element) -> None:
        t = self.inv.totals
        el = self.el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        self.num(el, "ram:LineTotalAmount", t.line_net_total)
        self.num(el, "ram:ChargeTotalAmount", t.charge_total)
        self.num(el, "ram:AllowanceTotalAmount", t.allowance_total)
        self.num(el, "ram:TaxBasisTotalAmount", t.total_without_vat)
        self.num(el, "ram:TaxTotalAmount", t.vat_total, currencyID=self.inv.currency_code)
        self.num(
            el, "ram:TaxTotalAmount", t.vat_total_accounting_currency, currencyID=self.inv.tax_currency_code
        )
        self.num(el, "ram:RoundingAmount", t.rounding_amount)
        self.num(el, "ram:GrandTotalAmount", t.total_with_vat)
        self.num(el, "ram:TotalPrepaidAmount", t.paid_amount)
        self.num(el, "ram:DuePayableAmount", t.amount_due)

    def line(self, transaction: etree._Element, line: InvoiceLine) -> None:
        item = self.el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        doc = self.el(item, "ram:AssociatedDocumentLineDocument")
        self.el(doc, "ram:LineID", line.identifier)
        if line.note:
            self.el(self.el(doc, "ram:IncludedNote"), "ram:Content", line.note)
        product = self.el(item, "ram:SpecifiedTradeProduct")
        it = line.item
        if it.standard_identifier is not None:
            self.el(
                product,
                "ram:GlobalID",
                it.standard_identifier.value,
                schemeID=it.standard_identifier.scheme_id,
            )
        self.opt(product, "ram:SellerAssignedID", it.seller_identifier)
        self.opt(product, "ram:BuyerAssignedID", it.buyer_identifier)
        self.el(product, "ram:Name", it.name)
        self.opt(product, "ram:Description", it.description)
        for attribute in it.attributes:
            prop = self.el(product, "ram:ApplicableProductCharacteristic")
            self.el(prop, "ram:Description", attribute.name)
            self.el(prop, "ram:Value", attribute.value)
        for classification in it.classifications:
            self.el(
                self.el(product, "ram:DesignatedProductClassification"),
                "ram:ClassCode",
                classification.value,
                listID=classification.scheme_id,
                listVersionID=classification.scheme_version,
            )
        if it.origin_country_code:
            self.el(self.el(product, "ram:OriginTradeCountry"), "ram:ID", it.origin_country_code)
        agreement = self.el(item, "ram:SpecifiedLineTradeAgreement")
        if line.order_line_reference:
            self.el(
                self.el(agreement, "ram:BuyerOrderReferencedDocument"),
                "ram:LineID",
                line.order_line_reference,
            )
        price = line.price
        unit = price.base_quantity_unit_code
        if price.gross_price is not None:
            gross = self.el(agreement, "ram:GrossPriceProductTradePrice")
            self.num(gross, "ram:ChargeAmount", price.gross_price)
            self.num(gross, "ram:BasisQuantity", price.base_quantity, unitCode=unit)
            if price.discount is not None:
                ac = self.el(gross, "ram:AppliedTradeAllowanceCharge")
                self.indicator(ac, False)
                self.num(ac, "ram:ActualAmount", price.discount)
        if price.net_price is not None:
            net = self.el(agreement, "ram:NetPriceProductTradePrice")
            self.num(net, "ram:ChargeAmount", price.net_price)
            self.num(net, "ram:BasisQuantity", price.base_quantity, unitCode=unit)
        delivery = self.el(item, "ram:SpecifiedLineTradeDelivery")
        self.num(
            delivery,
            "ram:BilledQuantity",
            line.quantity,
            unitCode=line.unit_code or None,
        )
        settlement = self.el(item, "ram:SpecifiedLineTradeSettlement")
        tax = self.el(settlement, "ram:ApplicableTradeTax")
        self.el(tax, "ram:TypeCode", "VAT")
        self.el(tax, "ram:CategoryCode", line.vat.category_code)
        self.num(tax, "ram:RateApplicablePercent", line.vat.rate)
        self.period(settlement, line.period)
        for kind, items in ((False, line.allowances), (True, line.charges)):
            for ac in items:
                self.allowance_charge(
                    settlement, kind, ac.amount, ac.base_amount, ac.percentage, ac.reason, ac.reason_code
                )
        summation = self.el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        self.num(summation, "ram:LineTotalAmount", line.net_amount)
        if line.object_identifier is not None:
            ref = self.el(settlement, "ram:AdditionalReferencedDocument")
            self.el(ref, "ram:IssuerAssignedID", line.object_identifier.value)
            self.el(ref, "ram:TypeCode", _OBJECT)
            self.opt(ref, "ram:ReferenceTypeCode", line.object_identifier.scheme_id)
        if line.buyer_accounting_reference:
            account = self.el(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount")
            self.el(account, "ram:ID", line.buyer_accounting_reference)


def _looks_like_iban(value: str) -> bool:
    compact = value.replace(" ", "")
    return len(compact) >= 15 and compact[:2].isalpha() and compact[2:4].isdigit()
