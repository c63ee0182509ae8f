"""Suivi des flux and Rejets EDI over HTTP (RAC-3): rights from access.py (another structure's flow
is a 404, a user without the space has no access), the search, a flow's page, its downloads."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pdfplumber
import pytest
from django.urls import reverse

from openchorus.flows.enums import FlowStatus, ItemOutcome
from openchorus.structures.enums import Space
from openchorus.structures.models import StructureSpace
from tests.flows.factories import FlowFactory, flow_with_items, monitor
from tests.invoices.factories import sent, setting
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db

FLOW_PAGES = ["portal:flow_detail", "portal:flow_report_pdf", "portal:flow_report_json", "portal:flow_file"]


def test_flow_pages_other_structure_flow_404(client):
    client.force_login(monitor(StructureFactory()))
    flow = flow_with_items(StructureFactory())
    for name in FLOW_PAGES:
        assert client.get(reverse(name, args=[flow.pk])).status_code == 404, name
    assert client.get(reverse("portal:flow_detail", args=[999_999])).status_code == 404


def test_flow_pages_member_without_space_404_and_lists_403(client):
    structure = StructureFactory()
    StructureSpace.objects.create(structure=structure, space=Space.FLOW_MONITORING)
    client.force_login(MembershipFactory(structure=structure).user)
    flow = flow_with_items(structure)
    for name in FLOW_PAGES:
        assert client.get(reverse(name, args=[flow.pk])).status_code == 404, name
    for name in ("portal:flows", "portal:flows_rejections"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "Vous n'avez pas accès à l'espace « Suivi des flux »" in response.content.decode()


def test_flow_pages_anonymous_redirected_to_login(client):
    flow = FlowFactory()
    for url in (
        reverse("portal:flows"),
        reverse("portal:flows_rejections"),
        reverse("portal:flow_detail", args=[flow.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"]


def test_flows_search_lists_own_flows_newest_first(client):
    structure = StructureFactory()
    client.force_login(monitor(structure))
    old = flow_with_items(structure, ago=timedelta(days=3))
    new = flow_with_items(structure, integrated=2, rejected=1)
    foreign = flow_with_items(StructureFactory())
    html = client.get(reverse("portal:flows")).content.decode()
    assert html.index(new.number) < html.index(old.number)
    assert foreign.number not in html
    assert "Intégré partiellement" in html and "fr-badge--warning" in html


def test_flows_search_filters_by_status_and_number(client):
    structure = StructureFactory()
    client.force_login(monitor(structure))
    partial = flow_with_items(structure, integrated=2, rejected=1)
    whole = flow_with_items(structure, rejected=0)
    html = client.get(reverse("portal:flows"), {"status": FlowStatus.PARTIAL}).content.decode()
    assert partial.number in html and whole.number not in html
    html = client.get(reverse("portal:flows"), {"number": whole.number[-6:]}).content.decode()
    assert whole.number in html and partial.number not in html


def test_flows_search_invalid_dates_shows_error(client):
    client.force_login(monitor(StructureFactory()))
    response = client.get(
        reverse("portal:flows"), {"deposit_date_from": "2026-05-02", "deposit_date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "La date de fin précède la date de début." in response.content.decode()


def test_flow_detail_shows_items_errors_and_invoice_link(client):
    s = setting()
    StructureSpace.objects.create(structure=s.supplier, space=Space.FLOW_MONITORING)
    invoice = sent(s, number="F2026-0100")
    flow = flow_with_items(s.supplier, integrated=2, rejected=1, invoices=[invoice])
    client.force_login(s.manager)  # a manager holds every opened space
    html = client.get(reverse("portal:flow_detail", args=[flow.pk])).content.decode()
    assert flow.number in html and flow.filename in html
    assert reverse("portal:invoice_detail", args=[invoice.pk]) in html
    assert "FR-DEST-01" in html  # the rejected item (position 3) with its rule…
    assert "Vérifiez le SIRET du destinataire" in html  # … its fix
    assert "/Invoice/cac:AccountingCustomerParty" in html  # … and where in the file
    assert 'data-step="IN_INTEGRE_PARTIEL"' in html


def test_flow_detail_invoice_not_visible_no_link(client):
    s = setting()
    invoice = sent(s, number="F2026-0101")
    flow = flow_with_items(s.supplier, integrated=1, rejected=0, invoices=[invoice])
    client.force_login(monitor(s.supplier))  # "Suivi des flux" only, not "Factures émises"
    html = client.get(reverse("portal:flow_detail", args=[flow.pk])).content.decode()
    assert "F2026-0101" in html
    assert reverse("portal:invoice_detail", args=[invoice.pk]) not in html


def test_flow_detail_filter_by_outcome(client):
    structure = StructureFactory()
    client.force_login(monitor(structure))
    flow = flow_with_items(structure, integrated=2, rejected=1)
    html = client.get(
        reverse("portal:flow_detail", args=[flow.pk]), {"resultat": ItemOutcome.REJECTED}
    ).content.decode()
    assert 'data-position="3"' in html and 'data-position="1"' not in html


def test_flow_detail_english_messages(client):
    structure = StructureFactory()
    user = monitor(structure)
    user.language = "en"  # the account's preference (ACC-6)
    user.save(update_fields=["language"])
    client.force_login(user)
    flow = flow_with_items(structure, integrated=0, rejected=2)
    html = client.get(reverse("portal:flow_detail", args=[flow.pk])).content.decode()
    assert "An invoice shall have at least one invoice line." in html
    assert "Add at least one invoice line." in html
    assert "Une facture doit comporter" not in html


def test_flow_report_pdf_download_is_pdf_with_rule(client):
    structure = StructureFactory()
    client.force_login(monitor(structure))
    flow = flow_with_items(structure, integrated=2, rejected=1)
    response = client.get(reverse("portal:flow_report_pdf", args=[flow.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"compte-rendu-{flow.number}.pdf" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(data)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    assert "FR-DEST-01" in text and flow.number in text


def test_flow_report_json_download_content(client):
    structure = StructureFactory()
    client.force_login(monitor(structure))
    flow = flow_with_items(structure, integrated=2, rejected=1)
    response = client.get(reverse("portal:flow_report_json", args=[flow.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    document = json.loads(b"".join(response.streaming_content))
    assert document["numeroFluxDepot"] == flow.number
    assert document["etatCourantFlux"] == "IN_INTEGRE_PARTIEL"
    assert [item["resultat"] for item in document["factures"]] == ["INTEGREE", "INTEGREE", "REJETEE"]
    assert document["factures"][2]["erreurs"][0]["rule_id"] == "FR-DEST-01"


def test_flow_file_download_exact_bytes(client):
    structure = StructureFactory()
    client.force_login(monitor(structure))
    flow = FlowFactory(structure=structure)
    response = client.get(reverse("portal:flow_file", args=[flow.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == f"<Invoices n='{flow.number}'/>".encode()
    assert flow.filename in response["Content-Disposition"]


def test_rejections_lists_rejected_items_and_flows_with_links(client):
    structure = StructureFactory()
    client.force_login(monitor(structure))
    partial = flow_with_items(structure, integrated=2, rejected=1)
    garbage = FlowFactory(structure=structure, garbage=True)
    flow_with_items(StructureFactory(), integrated=0, rejected=1)
    html = client.get(reverse("portal:flows_rejections")).content.decode()
    assert reverse("portal:flow_detail", args=[partial.pk]) + "?resultat=REJETEE" in html
    assert reverse("portal:flow_detail", args=[garbage.pk]) in html
    assert "FR-DEST-01" in html and "FLUX-SYNTAXE" in html
    assert "2 rejets" in html


def test_dashboard_quick_access_links_rejections(client):
    client.force_login(monitor(StructureFactory()))
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("portal:flows_rejections") in html and reverse("portal:flows") in html
