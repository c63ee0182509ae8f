"""Invoice test data: Les Délices de Savoie invoicing PARIS HABITAT (seed 001), real files."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db import transaction

from openchorus import einvoice
from openchorus.core.storage import PDF, stored_file_put
from openchorus.directory.services import directory_index_refresh
from openchorus.invoices.documents import document_from_record
from openchorus.invoices.models import Invoice
from openchorus.invoices.services import invoice_draft_save
from openchorus.structures.models import BankAccount, BillingMandate, Structure, StructureService
from tests.structures.factories import MembershipFactory, ServiceFactory, StructureFactory
from tests.structures.factories_documents import PDF_BYTES, iban_account

PARIS_HABITAT_SIRET = "34481082500366"
PARIS_HABITAT_SERVICES = ("FACTURES_PUBLIQUES", "FL", "BC", "CT", "SIT")
SUPPLIER_VAT = "FR40303265045"


@dataclass
class Setting:
    supplier: Structure
    manager: object
    bank_account: BankAccount
    recipient: Structure
    services: dict[str, StructureService]


def paris_habitat(**fields) -> tuple[Structure, dict[str, StructureService]]:
    structure = StructureFactory(
        public=True,
        identifier=PARIS_HABITAT_SIRET,
        legal_name="PARIS HABITAT OPH",
        postcode="75013",
        city="Paris",
        **fields,
    )
    services = {
        code: ServiceFactory(structure=structure, code=code, label=f"Service {code}")
        for code in PARIS_HABITAT_SERVICES
    }
    directory_index_refresh(structure_ids=[structure.pk])  # as the organisation services do
    return structure, services


def mandate(structure: Structure, user) -> BillingMandate:
    return BillingMandate.objects.create(
        structure=structure,
        signatory=user,
        signatory_name="Pierre Martin",
        signatory_capacity="Gérant",
        document=stored_file_put(data=PDF_BYTES, content_type=PDF),
    )


def setting(*, with_mandate: bool = True, **recipient_fields) -> Setting:
    supplier = StructureFactory(legal_name="Les Délices de Savoie", vat_number=SUPPLIER_VAT)
    manager = MembershipFactory(structure=supplier, primary=True).user
    account = iban_account(supplier, manager)
    if with_mandate:
        mandate(supplier, manager)
    recipient, services = paris_habitat(**recipient_fields)
    return Setting(supplier, manager, account, recipient, services)


def header(**overrides) -> dict:
    values = {
        "recipient_identifier": PARIS_HABITAT_SIRET,
        "service_code": "BC",
        "engagement_number": "EJ-2026-0042",
        "billing_frame": "A1_FACTURE_FOURNISSEUR",
        "number": "F2026-001",
        "issue_date": date(2026, 11, 2),
        "type_code": "380",
        "currency": "EUR",
        "due_date": date(2026, 12, 2),
        "payment_terms": "Paiement à 30 jours par virement",
    }
    return {**values, **overrides}


def lines(count: int = 2) -> list[dict]:
    catalogue = [
        {"item_name": "Plateau de fromages de Savoie", "quantity": Decimal("12"), "unit_price": Decimal("18.50"),
         "vat_category": "S", "vat_rate": Decimal("5.5"), "unit_code": "C62"},
        {"item_name": "Service traiteur (2 heures)", "quantity": Decimal("2"), "unit_price": Decimal("45.00"),
         "vat_category": "S", "vat_rate": Decimal("20"), "unit_code": "HUR", "discount": Decimal("10.00")},
    ]  # fmt: skip
    return [
        dict(catalogue[i % len(catalogue)], item_name=f"{catalogue[i % len(catalogue)]['item_name']} {i + 1}")
        for i in range(count)
    ]


def draft(s: Setting, *, header_overrides: dict | None = None, line_count: int = 2) -> Invoice:
    return invoice_draft_save(
        actor=s.manager,
        supplier=s.supplier,
        values=header(**(header_overrides or {})),
        lines=lines(line_count),
        bank_account=s.bank_account,
    )


def structured_file(s: Setting, syntax: str = "ubl", *, line_count: int = 2, **header_overrides) -> bytes:
    """A real UBL / CII / Factur-X file of an invoice the supplier would send, made by the library."""
    with transaction.atomic():  # the draft the file is written from is rolled back, counters too
        record = draft(s, header_overrides={"number": "TMP-FILE", **header_overrides}, line_count=line_count)
        document = document_from_record(record)
        transaction.set_rollback(True)
    number = header(**header_overrides)["number"]
    return einvoice.write(replace(document, number=number), syntax)


def recipient_agent(s: Setting, *, service: str | None = None, level: str = "MODIFICATION"):
    """A PARIS HABITAT agent holding "Factures reçues" (the space opened on the structure), on the
    whole structure or on one service."""
    from openchorus.structures.enums import Space
    from openchorus.structures.models import Habilitation, StructureSpace

    StructureSpace.objects.get_or_create(structure=s.recipient, space=Space.RECEIVED_INVOICES)
    scoped = s.services[service] if service else None
    agent = MembershipFactory(structure=s.recipient, service=scoped).user
    Habilitation.objects.create(
        user=agent, structure=s.recipient, service=scoped, space=Space.RECEIVED_INVOICES, level=level
    )
    return agent


def sent(s: Setting, **header_overrides) -> Invoice:
    """An invoice entered and sent: Mise à disposition of PARIS HABITAT's service BC."""
    from openchorus.invoices.services import invoice_submit

    return invoice_submit(actor=s.manager, invoice=draft(s, header_overrides=header_overrides))
