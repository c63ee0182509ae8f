"""Flow test data: EDI flows of "Les Délices de Savoie" to PARIS HABITAT, made directly as rows
(reception and processing are tested with flows/services.py and flows/tasks.py)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import factory
from django.utils import timezone

from openchorus.core.storage import XML, stored_file_put
from openchorus.flows.enums import FINAL_STATUSES, FlowChannel, FlowStatus, FlowSyntax, ItemOutcome
from openchorus.flows.models import Flow, FlowItem
from openchorus.structures.enums import Level, Space
from openchorus.structures.models import Habilitation, StructureSpace
from tests.structures.factories import MembershipFactory, StructureFactory

# A finding as the library reports it (`Issue.as_dict()`, plus the form field it concerns).
NO_LINE = {
    "rule_id": "BR-16",
    "severity": "fatal",
    "field": "lines",
    "bt": "BG-25",
    "location": "/Invoice/cac:InvoiceLine",
    "message_fr": "Une facture doit comporter au moins une ligne.",
    "message_en": "An invoice shall have at least one invoice line.",
    "fix_fr": "Ajoutez au moins une ligne de facture.",
    "fix_en": "Add at least one invoice line.",
}
UNKNOWN_RECIPIENT = {
    "rule_id": "FR-DEST-01",
    "severity": "fatal",
    "field": "recipient_identifier",
    "bt": "BT-46",
    "location": "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "message_fr": "Le destinataire 99999999999999 n'est pas une structure publique de l'annuaire.",
    "message_en": "The recipient 99999999999999 is not a public structure of the directory.",
    "fix_fr": "Vérifiez le SIRET du destinataire dans l'annuaire des structures publiques.",
    "fix_en": "Check the recipient's SIRET in the directory of public structures.",
}
UNREADABLE = {
    "rule_id": "FLUX-SYNTAXE",
    "severity": "fatal",
    "field": "",
    "bt": "",
    "location": "/",
    "message_fr": "Le fichier n'est pas un document XML lisible.",
    "message_en": "The file is not a readable XML document.",
    "fix_fr": "Déposez un fichier XML UBL 2.1 bien formé.",
    "fix_en": "Deposit a well-formed UBL 2.1 XML file.",
}


def flow_number(n: int) -> str:
    return f"CPP00111{n:016d}"


class FlowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flow

    number = factory.Sequence(lambda n: flow_number(n + 1500))
    structure = factory.SubFactory(StructureFactory)
    channel = FlowChannel.API
    syntax = FlowSyntax.E1_UBL
    filename = factory.Sequence(lambda n: f"FSO1110A_CPP001_lot_{n:04d}.xml")
    file = factory.LazyAttribute(
        lambda o: stored_file_put(data=f"<Invoices n='{o.number}'/>".encode(), content_type=XML)
    )
    size = factory.LazyAttribute(lambda o: o.file.size)
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.number.encode()).hexdigest())
    status = FlowStatus.INTEGRATED
    status_at = factory.LazyFunction(timezone.now)
    processed_at = factory.LazyAttribute(lambda o: o.status_at if o.status in FINAL_STATUSES else None)

    class Params:
        garbage = factory.Trait(status=FlowStatus.REJECTED, errors=factory.LazyFunction(lambda: [UNREADABLE]))


class FlowItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FlowItem

    flow = factory.SubFactory(FlowFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"facture_{o.position:05d}.xml")
    number = factory.LazyAttribute(lambda o: f"F2026-{o.position:05d}")
    supplier_identifier = factory.LazyAttribute(lambda o: o.flow.structure.identifier)
    recipient_identifier = "34481082500366"
    outcome = ItemOutcome.INTEGRATED
    processed_at = factory.LazyFunction(timezone.now)

    class Params:
        rejected = factory.Trait(outcome=ItemOutcome.REJECTED, errors=factory.LazyFunction(lambda: [NO_LINE]))


def monitor(structure, *, level: str = Level.VIEW, service=None):
    """A user of `structure` holding "Suivi des flux" (the space opened on it)."""
    StructureSpace.objects.get_or_create(structure=structure, space=Space.FLOW_MONITORING)
    user = MembershipFactory(structure=structure).user
    Habilitation.objects.create(
        user=user, structure=structure, service=service, space=Space.FLOW_MONITORING, level=level
    )
    return user


def flow_with_items(
    structure, *, integrated: int = 3, rejected: int = 1, invoices=(), ago: timedelta | None = None, **fields
) -> Flow:
    """A processed flow: `integrated` invoices integrated (linked to `invoices`, in order, as far as
    they go), then `rejected` ones; its status and counters follow."""
    total = integrated + rejected
    status = (
        FlowStatus.INTEGRATED
        if not rejected
        else FlowStatus.REJECTED
        if not integrated
        else FlowStatus.PARTIAL
    )
    at = timezone.now() - (ago or timedelta())
    flow = FlowFactory(
        structure=structure,
        status=fields.pop("status", status),
        status_at=at,
        processed_at=at,
        item_count=total,
        integrated_count=integrated,
        rejected_count=rejected,
        **fields,
    )
    if ago:  # created_at is set on insert; move the deposit back in time
        Flow.objects.filter(pk=flow.pk).update(created_at=at - timedelta(minutes=2))
        flow.refresh_from_db()
    invoices = list(invoices)
    rows = []
    for position in range(1, total + 1):
        item = FlowItem(
            flow=flow,
            position=position,
            name=f"facture_{position:05d}.xml",
            number=f"F2026-{position:05d}",
            supplier_identifier=structure.identifier,
            recipient_identifier="34481082500366",
            processed_at=at,
        )
        if position <= integrated:
            item.outcome = ItemOutcome.INTEGRATED
            if position <= len(invoices):
                item.invoice = invoices[position - 1]
                item.number = invoices[position - 1].number
        else:
            item.outcome = ItemOutcome.REJECTED
            item.errors = [UNKNOWN_RECIPIENT if position % 2 else NO_LINE]
        rows.append(item)
    FlowItem.objects.bulk_create(rows, batch_size=2000)
    return flow
