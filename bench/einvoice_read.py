"""Benchmark: read a typical 20-line invoice in each syntax N times; print milliseconds per invoice.

Run: .venv/bin/python bench/einvoice_read.py [N]   (default N = 300; Factur-X uses N // 3)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from openchorus.einvoice import read, write
from openchorus.einvoice.model import (
    CUSTOMIZATION_IDS,
    Buyer,
    CreditTransfer,
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


def typical_invoice(lines: int = 20) -> Invoice:
    items = []
    for number in range(1, lines + 1):
        quantity, price = Decimal(number), Decimal("12.50")
        items.append(
            InvoiceLine(
                identifier=str(number),
                quantity=quantity,
                unit_code="C62",
                net_amount=quantity * price,
                price=Price(net_price=price),
                vat=LineVat(category_code="S", rate=Decimal("20")),
                item=Item(name=f"Article {number}", seller_identifier=f"SKU-{number}"),
            )
        )
    net = sum((line.net_amount or Decimal(0) for line in items), Decimal(0))
    vat = (net * Decimal("0.20")).quantize(Decimal("0.01"))
    return Invoice(
        number="FA-2026-0042",
        issue_date=date(2026, 3, 1),
        type_code="380",
        currency_code="EUR",
        due_date=date(2026, 3, 31),
        buyer_reference="SERVICE-1",
        purchase_order_reference="EJ-1000000001",
        notes=(Note(subject_code="PMT", text="Indemnité forfaitaire de recouvrement : 40 €"),),
        customization_id=CUSTOMIZATION_IDS[Profile.EN16931],
        seller=Seller(
            name="Fournitures Durand SAS",
            legal_registration=Identifier(value="732829320", scheme_id="0002"),
            vat_identifier="FR44732829320",
            electronic_address=Identifier(value="73282932000074", scheme_id="0009"),
            address=PostalAddress(
                line1="12 rue de la Paix", city="Paris", post_code="75002", country_code="FR"
            ),
        ),
        buyer=Buyer(
            name="Commune de Saint-Exemple",
            legal_registration=Identifier(value="217500016", scheme_id="0002"),
            electronic_address=Identifier(value="21750001600019", scheme_id="0009"),
            address=PostalAddress(city="Lyon", post_code="69001", country_code="FR"),
        ),
        payment_instructions=PaymentInstructions(
            means_code="30",
            credit_transfers=(CreditTransfer(account_identifier="FR7630006000011234567890189"),),
        ),
        totals=DocumentTotals(
            line_net_total=net,
            total_without_vat=net,
            vat_total=vat,
            total_with_vat=net + vat,
            amount_due=net + vat,
        ),
        vat_breakdown=(
            VatBreakdown(taxable_amount=net, tax_amount=vat, category_code="S", rate=Decimal("20")),
        ),
        lines=tuple(items),
    )


def measure(label: str, runs: int, action: Callable[[], object]) -> None:
    action()  # warm up (imports, schema caches)
    start = time.perf_counter()
    for _ in range(runs):
        action()
    elapsed = (time.perf_counter() - start) * 1000 / runs
    print(f"{label:<28} {elapsed:8.3f} ms per invoice  ({runs} runs)")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    invoice = typical_invoice()
    documents = {syntax: write(invoice, syntax) for syntax in ("ubl", "cii", "facturx")}
    for syntax, data in documents.items():
        assert read(data).invoice == invoice, syntax
    print(
        f"20-line invoice: UBL {len(documents['ubl'])} B, CII {len(documents['cii'])} B, "
        f"Factur-X {len(documents['facturx'])} B"
    )
    measure("read UBL", runs, lambda: read(documents["ubl"]))
    measure("read CII", runs, lambda: read(documents["cii"]))
    measure("read Factur-X (PDF)", max(runs // 3, 1), lambda: read(documents["facturx"]))
    measure("write UBL", runs, lambda: write(invoice, "ubl"))
    measure("write CII", runs, lambda: write(invoice, "cii"))
    measure("write Factur-X (PDF/A-3)", max(runs // 100, 3), lambda: write(invoice, "facturx"))


if __name__ == "__main__":
    main()
