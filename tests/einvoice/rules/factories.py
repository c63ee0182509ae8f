"""A valid French B2G invoice in the model, built with correct EN 16931 arithmetic."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from openchorus.einvoice.model import (
    CUSTOMIZATION_IDS,
    Buyer,
    CreditTransfer,
    Delivery,
    DocumentAllowanceCharge,
    DocumentTotals,
    Identifier,
    Invoice,
    InvoiceLine,
    Item,
    LineVat,
    Note,
    PaymentInstructions,
    PostalAddress,
    Price,
    Profile,
    Seller,
    VatBreakdown,
)

D = Decimal
CENT = D("0.01")
RATES = (D("20.00"), D("10.00"), D("5.50"))
SELLER_SIRET = "73282932000074"  # a real-format SIRET with a valid INSEE key
SELLER_SIREN = "732829320"
BUYER_SIRET = "11000201100044"  # the State's single SIRET
BUYER_SIREN = "110002011"


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line(
    number: int, *, quantity: Decimal, price: Decimal, rate: Decimal, category: str = "S"
) -> InvoiceLine:
    return InvoiceLine(
        identifier=str(number),
        quantity=quantity,
        unit_code="C62",
        net_amount=money(quantity * price),
        price=Price(net_price=price),
        vat=LineVat(category_code=category, rate=rate),
        item=Item(name=f"Article {number}"),
    )


def build_invoice(
    lines: list[InvoiceLine] | None = None,
    *,
    allowances: tuple[DocumentAllowanceCharge, ...] = (),
    charges: tuple[DocumentAllowanceCharge, ...] = (),
    paid: Decimal | None = None,
    number: str = "F2026-0001",
) -> Invoice:
    """An invoice whose breakdown and totals are computed from its lines, allowances and charges."""
    lines = lines if lines is not None else typical_lines(3)
    bases: dict[tuple[str, Decimal | None], Decimal] = defaultdict(Decimal)
    for item in lines:
        bases[(item.vat.category_code, item.vat.rate)] += item.net_amount or D(0)
    for charge in charges:
        bases[(charge.vat_category_code, charge.vat_rate)] += charge.amount or D(0)
    for allowance in allowances:
        bases[(allowance.vat_category_code, allowance.vat_rate)] -= allowance.amount or D(0)
    breakdown = tuple(
        VatBreakdown(
            taxable_amount=money(base),
            tax_amount=money(base * (rate or D(0)) / 100),
            category_code=category,
            rate=rate,
            exemption_reason="Exonération de TVA, article 261 du CGI" if category == "E" else None,
        )
        for (category, rate), base in sorted(bases.items(), key=lambda kv: (kv[0][0], kv[0][1] or D(0)))
    )
    line_total = money(sum((item.net_amount or D(0) for item in lines), D(0)))
    allowance_total = money(sum((a.amount or D(0) for a in allowances), D(0))) if allowances else None
    charge_total = money(sum((c.amount or D(0) for c in charges), D(0))) if charges else None
    without_vat = line_total - (allowance_total or 0) + (charge_total or 0)
    vat_total = money(sum((v.tax_amount or D(0) for v in breakdown), D(0)))
    with_vat = without_vat + vat_total
    return Invoice(
        number=number,
        issue_date=date(2026, 3, 2),
        type_code="380",
        currency_code="EUR",
        due_date=date(2026, 4, 1),
        buyer_reference="SERVICE-FACT",
        purchase_order_reference="EJ-1300012345",
        payment_terms="Paiement à 30 jours",
        notes=(
            Note(subject_code="PMT", text="Indemnité forfaitaire pour frais de recouvrement : 40 EUR"),
            Note(subject_code="PMD", text="Pénalités de retard : trois fois le taux d'intérêt légal"),
            Note(subject_code="AAB", text="Pas d'escompte pour paiement anticipé"),
        ),
        business_process_type="A1",
        customization_id=CUSTOMIZATION_IDS[Profile.EN16931],
        seller=Seller(
            name="Fournitures de Bureau SARL",
            identifiers=(Identifier(value=SELLER_SIRET, scheme_id="0009"),),
            legal_registration=Identifier(value=SELLER_SIREN, scheme_id="0002"),
            vat_identifier="FR44732829320",
            electronic_address=Identifier(value=SELLER_SIRET, scheme_id="0009"),
            address=PostalAddress(
                line1="12 rue de la Paix", city="Paris", post_code="75002", country_code="FR"
            ),
        ),
        buyer=Buyer(
            name="Ministère de l'Exemple",
            identifier=Identifier(value=BUYER_SIRET, scheme_id="0009"),
            legal_registration=Identifier(value=BUYER_SIREN, scheme_id="0002"),
            electronic_address=Identifier(value=BUYER_SIRET, scheme_id="0009"),
            address=PostalAddress(
                line1="139 rue de Bercy", city="Paris", post_code="75012", country_code="FR"
            ),
        ),
        delivery=Delivery(actual_delivery_date=date(2026, 2, 27)),
        payment_instructions=PaymentInstructions(
            means_code="30",
            credit_transfers=(CreditTransfer(account_identifier="FR7630006000011234567890189"),),
        ),
        allowances=allowances,
        charges=charges,
        totals=DocumentTotals(
            line_net_total=line_total,
            allowance_total=allowance_total,
            charge_total=charge_total,
            total_without_vat=without_vat,
            vat_total=vat_total,
            total_with_vat=with_vat,
            paid_amount=paid,
            amount_due=with_vat - (paid or 0),
        ),
        vat_breakdown=breakdown,
        lines=tuple(lines),
    )


def typical_lines(count: int) -> list[InvoiceLine]:
    """`count` lines with varied quantities, prices and the three common French rates."""
    return [
        line(
            i + 1,
            quantity=D(i % 7 + 1),
            price=D(f"{(i * 37) % 200 + 3}.{(i * 13) % 100:02d}"),
            rate=RATES[i % len(RATES)],
        )
        for i in range(count)
    ]


def document_allowance(amount: str, rate: Decimal = RATES[0]) -> DocumentAllowanceCharge:
    return DocumentAllowanceCharge(
        amount=D(amount), vat_category_code="S", vat_rate=rate, reason="Remise commerciale", reason_code="95"
    )


def document_charge(amount: str, rate: Decimal = RATES[0]) -> DocumentAllowanceCharge:
    return DocumentAllowanceCharge(
        amount=D(amount), vat_category_code="S", vat_rate=rate, reason="Frais de port", reason_code="FC"
    )
