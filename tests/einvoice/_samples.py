"""Invoices for the e-invoice tests: one with every business term, and a hypothesis strategy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from openchorus.einvoice import codes
from openchorus.einvoice.model import (
    CUSTOMIZATION_IDS,
    BinaryObject,
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
    Profile,
    Seller,
    SupportingDocument,
    TaxRepresentative,
    VatBreakdown,
)

EN16931 = CUSTOMIZATION_IDS[Profile.EN16931]
D = Decimal


def address(prefix: str, country: str = "FR") -> PostalAddress:
    return PostalAddress(
        line1=f"{prefix} 12 rue de la Paix",
        line2=f"{prefix} bâtiment B",
        line3=f"{prefix} 3e étage",
        city="Paris",
        post_code="75002",
        country_subdivision="Île-de-France",
        country_code=country,
    )


STANDARD_RATE = D("20")


def full_line(number: int, *, rate: Decimal = STANDARD_RATE) -> InvoiceLine:
    quantity = D(number)
    price = D("12.50")
    return InvoiceLine(
        identifier=str(number),
        note=f"Note de la ligne {number}",
        object_identifier=Identifier(value=f"OBJ-{number}", scheme_id="AAB"),
        quantity=quantity,
        unit_code="C62",
        net_amount=(quantity * price - D("1.00") + D("0.50")).quantize(D("0.01")),
        order_line_reference=f"PO-L{number}",
        buyer_accounting_reference=f"6063-{number}",
        period=Period(start_date=date(2026, 1, 1), end_date=date(2026, 1, 31)),
        allowances=(
            LineAllowanceCharge(
                amount=D("1.00"),
                base_amount=D("10.00"),
                percentage=D("10"),
                reason="Remise",
                reason_code="95",
            ),
        ),
        charges=(
            LineAllowanceCharge(
                amount=D("0.50"),
                base_amount=D("5.00"),
                percentage=D("10"),
                reason="Emballage",
                reason_code="ABL",
            ),
        ),
        price=Price(
            net_price=price,
            discount=D("2.50"),
            gross_price=D("15.00"),
            base_quantity=D("1"),
            base_quantity_unit_code="C62",
        ),
        vat=LineVat(category_code="S", rate=rate),
        item=Item(
            name=f"Article {number}",
            description=f"Description détaillée de l'article {number}",
            seller_identifier=f"SKU-{number}",
            buyer_identifier=f"REF-ACH-{number}",
            standard_identifier=Identifier(value=f"0123456789{number:03d}", scheme_id="0160"),
            classifications=(ItemClassification(value="12345678", scheme_id="STI", scheme_version="2.0"),),
            origin_country_code="FR",
            attributes=(ItemAttribute(name="Couleur", value="Bleu"),),
        ),
    )


def full_invoice(*, lines: int = 3, type_code: str = "380") -> Invoice:
    """An invoice in which every business term of EN 16931 has a value."""
    the_lines = tuple(full_line(n) for n in range(1, lines + 1))
    line_total = sum((line.net_amount or D(0) for line in the_lines), D("0"))
    without_vat = line_total - D("5.00") + D("2.00")
    vat = (without_vat * D("0.20")).quantize(D("0.01"))
    return Invoice(
        number="FA-2026-0001",
        issue_date=date(2026, 2, 3),
        type_code=type_code,
        currency_code="EUR",
        tax_currency_code="USD",
        tax_point_date=date(2026, 2, 1),
        tax_point_date_code=None,
        due_date=date(2026, 3, 5),
        buyer_reference="SERVICE-42",
        project_reference="PROJ-7",
        contract_reference="MARCHE-2026-12",
        purchase_order_reference="EJ-1000123456",
        sales_order_reference="CMD-V-88",
        receiving_advice_reference="REC-5",
        despatch_advice_reference="BL-77",
        tender_or_lot_reference="LOT-3",
        invoiced_object_identifier=Identifier(value="COMPTEUR-9", scheme_id="AVV"),
        buyer_accounting_reference="6063",
        payment_terms="Paiement à 30 jours",
        notes=(
            Note(subject_code="PMT", text="Indemnité forfaitaire pour frais de recouvrement : 40 €"),
            Note(subject_code="PMD", text="Pénalités de retard : trois fois le taux d'intérêt légal"),
            Note(subject_code="AAB", text="Pas d'escompte pour paiement anticipé"),
            Note(text="Merci de votre confiance"),
        ),
        business_process_type="A1",
        customization_id=EN16931,
        preceding_invoices=(
            PrecedingInvoiceReference(reference="FA-2025-0999", issue_date=date(2025, 12, 1)),
        ),
        seller=Seller(
            name="Fournitures Durand SAS",
            trading_name="Durand Bureau",
            identifiers=(
                Identifier(value="ID-INTERNE-1"),
                Identifier(value="73282932000074", scheme_id="0009"),
            ),
            legal_registration=Identifier(value="732829320", scheme_id="0002"),
            vat_identifier="FR44732829320",
            tax_registration_identifier="FISC-12",
            additional_legal_information="SAS au capital de 10 000 €, RCS Paris 732 829 320",
            electronic_address=Identifier(value="73282932000074", scheme_id="0009"),
            address=address("Vendeur"),
            contact=Contact(
                point="Service facturation", telephone="+33 1 23 45 67 89", email="factu@durand.example"
            ),
        ),
        buyer=Buyer(
            name="Commune de Saint-Exemple",
            trading_name="Mairie",
            identifier=Identifier(value="21750001600019", scheme_id="0009"),
            legal_registration=Identifier(value="217500016", scheme_id="0002"),
            vat_identifier="FR11217500016",
            electronic_address=Identifier(value="21750001600019", scheme_id="0009"),
            address=address("Acheteur"),
            contact=Contact(
                point="Direction des achats", telephone="+33 1 98 76 54 32", email="achats@mairie.example"
            ),
        ),
        payee=Payee(
            name="Affactureur SA",
            identifier=Identifier(value="PAYEE-1", scheme_id="0088"),
            legal_registration=Identifier(value="552100554", scheme_id="0002"),
        ),
        tax_representative=TaxRepresentative(
            name="Représentant fiscal SARL", vat_identifier="FR33123456789", address=address("Représentant")
        ),
        delivery=Delivery(
            party_name="Entrepôt municipal",
            location_identifier=Identifier(value="5412345000013", scheme_id="0088"),
            actual_delivery_date=date(2026, 1, 30),
            address=address("Livraison"),
        ),
        invoicing_period=Period(start_date=date(2026, 1, 1), end_date=date(2026, 1, 31)),
        payment_instructions=PaymentInstructions(
            means_code="30",
            means_text="Virement",
            remittance_information="FA-2026-0001",
            credit_transfers=(
                CreditTransfer(
                    account_identifier="FR7630006000011234567890189",
                    account_name="Durand SAS",
                    service_provider_identifier="AGRIFRPP",
                ),
            ),
            card=PaymentCard(primary_account_number="1234", holder_name="J. Durand"),
            direct_debit=DirectDebit(
                mandate_reference="MANDAT-1",
                creditor_identifier="FR12ZZZ123456",
                debited_account_identifier="FR7611111222223333344444555",
            ),
        ),
        allowances=(
            DocumentAllowanceCharge(
                amount=D("5.00"),
                base_amount=D("50.00"),
                percentage=D("10"),
                vat_category_code="S",
                vat_rate=D("20"),
                reason="Remise fidélité",
                reason_code="95",
            ),
        ),
        charges=(
            DocumentAllowanceCharge(
                amount=D("2.00"),
                base_amount=D("40.00"),
                percentage=D("5"),
                vat_category_code="S",
                vat_rate=D("20"),
                reason="Port",
                reason_code="FC",
            ),
        ),
        totals=DocumentTotals(
            line_net_total=line_total,
            allowance_total=D("5.00"),
            charge_total=D("2.00"),
            total_without_vat=without_vat,
            vat_total=vat,
            vat_total_accounting_currency=(vat * D("1.1")).quantize(D("0.01")),
            total_with_vat=without_vat + vat,
            paid_amount=D("10.00"),
            rounding_amount=D("0.01"),
            amount_due=without_vat + vat - D("10.00") + D("0.01"),
        ),
        vat_breakdown=(
            VatBreakdown(taxable_amount=without_vat, tax_amount=vat, category_code="S", rate=D("20")),
            VatBreakdown(
                taxable_amount=D("0.00"),
                tax_amount=D("0.00"),
                category_code="E",
                rate=D("0"),
                exemption_reason="Exonération, article 261 du CGI",
                exemption_reason_code="VATEX-EU-132",
            ),
        ),
        supporting_documents=(
            SupportingDocument(
                reference="ANNEXE-1",
                description="Bordereau de livraison",
                external_uri="https://example.org/annexe-1.pdf",
                attachment=BinaryObject(
                    content=b"%PDF-1.4 annexe", mime_code="application/pdf", filename="annexe-1.pdf"
                ),
            ),
        ),
        lines=the_lines,
    )


# --- Hypothesis strategy --------------------------------------------------------------------------

# Printable text without '#' (UBL carries BT-21 as a "#CODE#" prefix of a note) and without CR
# (XML parsers normalise line ends); readers strip the ends of every value.
_TEXT = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="#\r\x85\u2028\u2029"),
    min_size=1,
    max_size=20,
).filter(lambda text: text == text.strip() and text != "")
_CODE = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=6)
_DATE = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
_DEC = st.decimals(min_value=D("-99999999.99"), max_value=D("99999999.99"), places=2, allow_nan=False)
_RATE = st.decimals(min_value=D("0"), max_value=D("100"), places=1, allow_nan=False)


def _opt(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


def _ident(scheme: bool | None = None) -> st.SearchStrategy[Identifier]:
    schemes = st.sampled_from(sorted(codes.ICD_SCHEMES))
    if scheme is True:
        return st.builds(Identifier, value=_TEXT, scheme_id=schemes)
    if scheme is False:
        return st.builds(Identifier, value=_TEXT, scheme_id=st.none())
    return st.builds(Identifier, value=_TEXT, scheme_id=_opt(schemes))


_ADDRESS = st.builds(
    PostalAddress,
    line1=_opt(_TEXT),
    line2=_opt(_TEXT),
    line3=_opt(_TEXT),
    city=_opt(_TEXT),
    post_code=_opt(_CODE),
    country_subdivision=_opt(_TEXT),
    country_code=st.sampled_from(sorted(codes.COUNTRY_CODES)),
)
_CONTACT = st.builds(Contact, point=_opt(_TEXT), telephone=_opt(_TEXT), email=_opt(_TEXT)).filter(
    lambda contact: contact != Contact()
)
_PERIOD = st.builds(Period, start_date=_opt(_DATE), end_date=_opt(_DATE)).filter(
    lambda period: period != Period()
)


@st.composite
def _seller(draw: st.DrawFn) -> Seller:
    # CII writes identifiers without a scheme (ram:ID) before those with one (ram:GlobalID).
    plain = draw(st.lists(_ident(False), max_size=2))
    schemed = draw(st.lists(_ident(True), max_size=2))
    return Seller(
        name=draw(_TEXT),
        trading_name=draw(_opt(_TEXT)),
        identifiers=tuple(plain + schemed),
        legal_registration=draw(_opt(_ident())),
        vat_identifier=draw(_opt(_TEXT)),
        tax_registration_identifier=draw(_opt(_TEXT)),
        additional_legal_information=draw(_opt(_TEXT)),
        electronic_address=draw(_opt(_ident(True))),
        address=draw(_ADDRESS),
        contact=draw(_opt(_CONTACT)),
    )


_BUYER = st.builds(
    Buyer,
    name=_TEXT,
    trading_name=_opt(_TEXT),
    identifier=_opt(_ident()),
    legal_registration=_opt(_ident()),
    vat_identifier=_opt(_TEXT),
    electronic_address=_opt(_ident(True)),
    address=_ADDRESS,
    contact=_opt(_CONTACT),
)
_DOC_AC = st.builds(
    DocumentAllowanceCharge,
    amount=_DEC,
    base_amount=_opt(_DEC),
    percentage=_opt(_RATE),
    vat_category_code=st.sampled_from(sorted(codes.VAT_CATEGORY_CODES)),
    vat_rate=_opt(_RATE),
    reason=_opt(_TEXT),
    reason_code=_opt(st.sampled_from(sorted(codes.ALLOWANCE_REASON_CODES))),
)
_LINE_AC = st.builds(
    LineAllowanceCharge,
    amount=_DEC,
    base_amount=_opt(_DEC),
    percentage=_opt(_RATE),
    reason=_opt(_TEXT),
    reason_code=_opt(_CODE),
)


@st.composite
def _price(draw: st.DrawFn) -> Price:
    # CII carries BT-147 inside the gross price (BT-148): a discount needs a gross price there.
    gross = draw(_opt(_DEC))
    base = draw(_opt(st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3)))
    return Price(
        net_price=draw(_DEC),
        # UBL writes a zero discount to carry a gross price alone, and reads it back as none.
        discount=draw(_opt(_DEC.filter(bool))) if gross is not None else None,
        gross_price=gross,
        base_quantity=base,
        base_quantity_unit_code=draw(st.sampled_from(["C62", "H87", "KGM"])) if base is not None else None,
    )


_ITEM = st.builds(
    Item,
    name=_TEXT,
    description=_opt(_TEXT),
    seller_identifier=_opt(_TEXT),
    buyer_identifier=_opt(_TEXT),
    standard_identifier=_opt(_ident(True)),
    classifications=st.lists(
        st.builds(
            ItemClassification,
            value=_TEXT,
            scheme_id=st.sampled_from(sorted(codes.ITEM_CLASSIFICATION_SCHEMES)),
            scheme_version=_opt(_CODE),
        ),
        max_size=2,
    ).map(tuple),
    origin_country_code=_opt(st.sampled_from(sorted(codes.COUNTRY_CODES))),
    attributes=st.lists(st.builds(ItemAttribute, name=_TEXT, value=_TEXT), max_size=2).map(tuple),
)
_LINE = st.builds(
    InvoiceLine,
    identifier=_CODE,
    note=_opt(_TEXT),
    object_identifier=_opt(_ident()),
    quantity=st.decimals(min_value=D("-1000"), max_value=D("100000"), places=3),
    unit_code=st.sampled_from(sorted(codes.UNIT_CODES)),
    net_amount=_DEC,
    order_line_reference=_opt(_TEXT),
    buyer_accounting_reference=_opt(_TEXT),
    period=_opt(_PERIOD),
    allowances=st.lists(_LINE_AC, max_size=2).map(tuple),
    charges=st.lists(_LINE_AC, max_size=2).map(tuple),
    price=_price(),
    vat=st.builds(LineVat, category_code=st.sampled_from(sorted(codes.VAT_CATEGORY_CODES)), rate=_opt(_RATE)),
    item=_ITEM,
)
_PAYMENT = st.builds(
    PaymentInstructions,
    means_code=st.sampled_from(sorted(codes.PAYMENT_MEANS_CODES)),
    means_text=_opt(_TEXT),
    remittance_information=_opt(_TEXT),
    credit_transfers=st.lists(
        st.builds(
            CreditTransfer,
            account_identifier=_TEXT,
            account_name=_opt(_TEXT),
            service_provider_identifier=_opt(_CODE),
        ),
        max_size=2,
    ).map(tuple),
    card=_opt(st.builds(PaymentCard, primary_account_number=_CODE, holder_name=_opt(_TEXT))),
    direct_debit=_opt(
        st.builds(
            DirectDebit,
            mandate_reference=_opt(_TEXT),
            creditor_identifier=_opt(_TEXT),
            debited_account_identifier=_opt(_CODE),
        ).filter(lambda debit: debit != DirectDebit())
    ),
)


@st.composite
def invoices(draw: st.DrawFn) -> Invoice:
    """Any EN 16931 invoice that both syntaxes can carry term for term."""
    currency = draw(st.sampled_from(["EUR", "USD", "CHF", "GBP"]))
    tax_currency = draw(_opt(st.sampled_from(["SEK", "DKK", "PLN"])))
    return Invoice(
        number=draw(_TEXT),
        issue_date=draw(_DATE),
        type_code=draw(st.sampled_from(sorted(codes.INVOICE_TYPE_CODES | codes.CREDIT_NOTE_TYPE_CODES))),
        currency_code=currency,
        tax_currency_code=tax_currency,
        tax_point_date=draw(_opt(_DATE)),
        tax_point_date_code=draw(_opt(st.sampled_from(sorted(codes.VAT_DATE_CODES)))),
        due_date=draw(_opt(_DATE)),
        buyer_reference=draw(_opt(_TEXT)),
        project_reference=draw(_opt(_TEXT)),
        contract_reference=draw(_opt(_TEXT)),
        # UBL needs an order ID next to BT-14; "NA" stands for none.
        purchase_order_reference=draw(_opt(_TEXT.filter(lambda text: text != "NA"))),
        sales_order_reference=draw(_opt(_TEXT)),
        receiving_advice_reference=draw(_opt(_TEXT)),
        despatch_advice_reference=draw(_opt(_TEXT)),
        tender_or_lot_reference=draw(_opt(_TEXT)),
        invoiced_object_identifier=draw(_opt(_ident())),
        buyer_accounting_reference=draw(_opt(_TEXT)),
        payment_terms=draw(_opt(_TEXT)),
        notes=tuple(
            draw(
                st.lists(
                    st.builds(
                        Note, subject_code=_opt(st.sampled_from(["AAB", "PMD", "PMT", "REG"])), text=_TEXT
                    ),
                    max_size=3,
                )
            )
        ),
        business_process_type=draw(_opt(_TEXT)),
        customization_id=draw(st.sampled_from([EN16931, *CUSTOMIZATION_IDS.values()])),
        preceding_invoices=tuple(
            draw(
                st.lists(
                    st.builds(PrecedingInvoiceReference, reference=_TEXT, issue_date=_opt(_DATE)), max_size=2
                )
            )
        ),
        seller=draw(_seller()),
        buyer=draw(_BUYER),
        payee=draw(
            _opt(st.builds(Payee, name=_TEXT, identifier=_opt(_ident()), legal_registration=_opt(_ident())))
        ),
        tax_representative=draw(
            _opt(st.builds(TaxRepresentative, name=_TEXT, vat_identifier=_TEXT, address=_ADDRESS))
        ),
        delivery=draw(
            _opt(
                st.builds(
                    Delivery,
                    party_name=_opt(_TEXT),
                    location_identifier=_opt(_ident()),
                    actual_delivery_date=_opt(_DATE),
                    address=_opt(_ADDRESS),
                ).filter(lambda delivery: delivery != Delivery())
            )
        ),
        invoicing_period=draw(_opt(_PERIOD)),
        payment_instructions=draw(_opt(_PAYMENT)),
        allowances=tuple(draw(st.lists(_DOC_AC, max_size=2))),
        charges=tuple(draw(st.lists(_DOC_AC, max_size=2))),
        totals=DocumentTotals(
            line_net_total=draw(_DEC),
            allowance_total=draw(_opt(_DEC)),
            charge_total=draw(_opt(_DEC)),
            total_without_vat=draw(_DEC),
            vat_total=draw(_DEC),  # UBL cannot carry BG-23 without BT-110
            vat_total_accounting_currency=draw(_opt(_DEC)) if tax_currency else None,
            total_with_vat=draw(_DEC),
            paid_amount=draw(_opt(_DEC)),
            rounding_amount=draw(_opt(_DEC)),
            amount_due=draw(_DEC),
        ),
        vat_breakdown=tuple(
            draw(
                st.lists(
                    st.builds(
                        VatBreakdown,
                        taxable_amount=_DEC,
                        tax_amount=_DEC,
                        category_code=st.sampled_from(sorted(codes.VAT_CATEGORY_CODES)),
                        rate=_opt(_RATE),
                        exemption_reason=_opt(_TEXT),
                        exemption_reason_code=_opt(st.sampled_from(sorted(codes.VATEX_CODES))),
                    ),
                    min_size=1,
                    max_size=3,
                )
            )
        ),
        supporting_documents=tuple(
            draw(
                st.lists(
                    st.builds(
                        SupportingDocument,
                        reference=_TEXT,
                        description=_opt(_TEXT),
                        external_uri=_opt(_CODE),
                        attachment=_opt(
                            st.builds(
                                BinaryObject,
                                content=st.binary(max_size=40),
                                mime_code=st.sampled_from(sorted(codes.MIME_CODES)),
                                filename=_TEXT,
                            )
                        ),
                    ),
                    max_size=2,
                )
            )
        ),
        lines=tuple(draw(st.lists(_LINE, min_size=1, max_size=4))),
    )
