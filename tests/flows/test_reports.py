"""The compte-rendu of a flow: the JSON document (whole and streamed) and the PDF."""

from __future__ import annotations

import io
import json

import pdfplumber
import pytest

from openchorus.flows import reports
from openchorus.flows.enums import FlowStatus, ItemOutcome
from tests.flows.factories import NO_LINE, UNKNOWN_RECIPIENT, FlowFactory, flow_with_items
from tests.invoices.factories import sent, setting

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def test_flow_report_data_partial_flow_items_and_errors():
    s = setting()
    invoice = sent(s, number="F2026-0100")
    flow = flow_with_items(s.supplier, integrated=2, rejected=2, invoices=[invoice])
    data = reports.flow_report_data(flow)
    assert data["numeroFluxDepot"] == flow.number
    assert data["etatCourantFlux"] == FlowStatus.PARTIAL
    assert data["syntaxeFlux"] == flow.syntax and data["nomFichier"] == flow.filename
    assert (data["nombreFactures"], data["nombreFacturesIntegrees"], data["nombreFacturesRejetees"]) == (
        4,
        2,
        2,
    )
    assert data["dateDepotFlux"] and data["dateHeureEtatCourantFlux"]
    first, second, third, fourth = data["factures"]
    assert first["numeroFacture"] == "F2026-0100" and first["idFacture"] == invoice.pk
    assert first["statutFacture"] == invoice.supplier_status and first["resultat"] == ItemOutcome.INTEGRATED
    assert second["idFacture"] is None and second["statutFacture"] is None
    assert third["resultat"] == ItemOutcome.REJECTED and third["erreurs"] == [UNKNOWN_RECIPIENT]
    assert fourth["erreurs"] == [NO_LINE]
    assert fourth["identifiantFournisseur"] == s.supplier.identifier
    json.dumps(data)  # JSON-ready


def test_flow_report_json_chunks_same_document_as_data():
    flow = flow_with_items(FlowFactory().structure, integrated=3, rejected=2)
    streamed = "".join(reports.flow_report_json_chunks(flow))
    assert json.loads(streamed) == json.loads(json.dumps(reports.flow_report_data(flow)))


def test_flow_report_json_chunks_empty_flow_valid_json():
    flow = FlowFactory(garbage=True)
    document = json.loads("".join(reports.flow_report_json_chunks(flow)))
    assert document["factures"] == [] and document["erreursFlux"][0]["rule_id"] == "FLUX-SYNTAXE"


def test_flow_report_pdf_lists_rejected_item_with_rule_and_location():
    flow = flow_with_items(FlowFactory().structure, integrated=3, rejected=1)
    text = pdf_text(reports.flow_report_pdf(flow))
    assert flow.number in text
    assert "Intégré partiellement" in text
    assert "NO-LINE" not in text
    assert "BR-16" in text and "Ajoutez au moins une ligne de facture." in text
    assert "/Invoice/cac:InvoiceLine" in text
    assert "F2026-00001" in text  # integrated invoices listed compactly


def test_flow_report_pdf_english_messages():
    flow = flow_with_items(FlowFactory().structure, integrated=0, rejected=2)
    text = pdf_text(reports.flow_report_pdf(flow, lang="en"))
    assert "Rejected" in text
    assert "An invoice shall have at least one invoice line." in text
    assert "Une facture doit comporter" not in text


def test_flow_report_pdf_rejected_flow_reason():
    flow = FlowFactory(garbage=True)
    text = pdf_text(reports.flow_report_pdf(flow))
    assert "FLUX-SYNTAXE" in text and "n'est pas un document XML lisible" in text
