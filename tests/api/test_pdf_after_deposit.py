"""telecharger/groupe and consulter/recipiendaire for an invoice entered through the API whose
Factur-X PDF its task has not rendered yet: the PDF is rendered on demand, once."""

from __future__ import annotations

import base64

import pytest

from openchorus.audit.models import AuditEvent
from openchorus.connections.services import technical_account_create
from openchorus.core.storage import stored_file_read
from openchorus.invoices.services import invoice_submit
from openchorus.structures.enums import Space
from openchorus.structures.models import StructureSpace
from tests.api.conftest import Tenant, token_for
from tests.invoices.factories import draft, setting

pytestmark = pytest.mark.django_db


def _pdf_events(invoice) -> int:
    return AuditEvent.objects.filter(stream=f"invoice:{invoice.pk}", action="invoice:pdf_written").count()


def test_recipient_api_download_before_and_after_the_task(call, client):
    s = setting()
    StructureSpace.objects.get_or_create(structure=s.recipient, space=Space.RECEIVED_INVOICES)
    credentials = technical_account_create(actor=None, structure=s.recipient)
    tenant = Tenant(s.recipient, credentials, token_for(client, credentials))
    sent = invoice_submit(actor=s.manager, invoice=draft(s))
    body = {"listeFacture": [{"idFacture": sent.pk}], "format": "PDF"}
    before = call("factures/v1/telecharger/groupe", body, tenant=tenant)
    assert before.status_code == 200, before.content
    sent.refresh_from_db()
    assert base64.b64decode(before.json()["fichierResultat"]) == stored_file_read(sent.pdf_file)
    after = call("factures/v1/telecharger/groupe", body, tenant=tenant)
    assert after.json()["fichierResultat"] == before.json()["fichierResultat"]
    assert _pdf_events(sent) == 1
    consulted = call(
        "factures/v1/consulter/recipiendaire", {"identifiantFactureCPP": sent.pk}, tenant=tenant
    ).json()
    assert consulted["facture"]["pieceJointePrincipale"]
