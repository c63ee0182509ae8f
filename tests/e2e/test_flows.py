"""RAC-3 in a real browser: an agent of "Les Délices de Savoie" holding "Suivi des flux" opens the
space, finds a partially integrated flow, opens it, reads the rejected invoice's error and
downloads the compte-rendu; then opens "Rejets EDI" from the connected home's quick access.

Set OPENCHORUS_SCREENSHOTS to a folder to keep a screenshot of each page."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pdfplumber
import pytest

from openchorus.flows.enums import FlowStatus
from openchorus.structures.enums import Level
from tests.e2e.test_sending_invoices import login
from tests.factories import PASSWORD
from tests.flows.factories import FlowFactory, flow_with_items, monitor
from tests.invoices.factories import sent, setting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def shot(page, name: str):
    folder = os.environ.get("OPENCHORUS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_flows_partial_flow_error_report_and_rejections(portal):
    page = portal
    s = setting()
    agent = monitor(s.supplier, level=Level.EDIT)
    invoice = sent(s, number="F2026-0100")
    flow_with_items(s.supplier, integrated=3, rejected=0)
    partial = flow_with_items(
        s.supplier, integrated=3, rejected=2, invoices=[invoice], filename="FSO1110A_lot_mars.xml"
    )
    FlowFactory(structure=s.supplier, garbage=True, filename="export_erp.txt")

    login(page, agent.email, PASSWORD)
    page.locator("#navigation").get_by_role("link", name="Suivi des flux").click()
    page.get_by_role("heading", name="Rechercher un flux").wait_for()
    page.locator("#id_status").select_option(FlowStatus.PARTIAL.value)
    page.get_by_role("button", name="Rechercher").click()
    rows = page.locator("#flows-results tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("[data-status]").text_content().strip() == "Intégré partiellement"
    shot(page, "flows-search")

    rows.first.get_by_role("link", name=partial.number).click()
    page.locator("#flow-items").wait_for()
    rejected = page.locator("#flow-items tr[data-position='5']")
    assert rejected.locator(".fr-badge").first.text_content().strip() == "Rejetée"
    assert "FR-DEST-01" in rejected.inner_text()  # the rule, its message, its fix, where in the file
    assert "Vérifiez le SIRET du destinataire" in rejected.inner_text()
    assert "cac:AccountingCustomerParty" in rejected.inner_text()
    assert page.locator("#flow-steps li[data-step='IN_INTEGRE_PARTIEL']").is_visible()
    shot(page, "flow-detail")

    with page.expect_download() as pdf_download:
        page.locator("#download-report-pdf").click()
    data = Path(pdf_download.value.path()).read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as document:
        text = "\n".join(p.extract_text() or "" for p in document.pages)
    assert partial.number in text and "BR-16" in text and "FR-DEST-01" in text
    with page.expect_download() as json_download:
        page.locator("#download-report-json").click()
    report = json.loads(Path(json_download.value.path()).read_text())
    assert report["nombreFacturesRejetees"] == 2

    page.locator("#outcome-filter [data-outcome='REJETEE']").click()
    page.wait_for_url("**resultat=REJETEE**")
    assert page.locator("#flow-items tbody tr").count() == 2
    shot(page, "flow-detail-rejected")

    page.locator("#navigation").get_by_role("link", name="Accueil connecté").click()
    page.locator("#quick-access").get_by_role("link", name="Accéder aux rejets EDI").click()
    page.locator("#rejections").wait_for()
    kinds = page.locator("#rejections tbody tr").evaluate_all("rows => rows.map(r => r.dataset.kind)")
    assert kinds.count("item") == 2 and kinds.count("flow") == 1
    assert "FLUX-SYNTAXE" in page.locator("#rejections").inner_text()
    shot(page, "flows-rejections")
    page.locator("#rejections tr[data-kind='item']").first.get_by_role("link", name=partial.number).click()
    page.locator("#flow-items").wait_for()
    assert "resultat=REJETEE" in page.url
