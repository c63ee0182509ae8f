"""Issue 6 in a real browser: Manuela, of "Les Délices de Savoie", enters an invoice for PARIS
HABITAT's service BC and sends it; deposits a text PDF, finds it pre-filled, completes and sends
it; deposits a Factur-X and a UBL file that fill the form exactly; then finds all four in the
search, the dashboard and the synthèse."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from openchorus.invoices.enums import Channel, SourceSyntax
from openchorus.invoices.models import Invoice
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.structures.enums import Level, Space
from openchorus.structures.models import Habilitation
from tests.factories import PASSWORD, UserFactory
from tests.ingestion import files
from tests.invoices.factories import PARIS_HABITAT_SIRET, setting, structured_file
from tests.structures.factories import MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ENTERED = "F2026-0101"
TEXT_PDF = "FA2026-0107"  # the number printed in tests/ingestion/files.text_invoice()
FACTURX = "FX2026-0003"
UBL = "UBL2026-0004"
AVAILABLE = InvoiceStatus.AVAILABLE.value


def login(page, address, password):
    page.goto(page.base_url + "/")
    form = page.locator("#login-form")
    form.locator("#id_login-email").fill(address)
    form.locator("#id_login-password").fill(password)
    form.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Fil d'événements").wait_for()


def sent_space(page, section: str | None = None):
    """The header's "Factures émises" tab, then one entry of its sub-navigation."""
    page.locator("#navigation").get_by_role("link", name="Factures émises").click()
    if section:
        page.locator(".oc-subnav").get_by_role("link", name=section, exact=True).click()


def wait_text(locator, expected: str):
    """Wait until an element htmx refreshes (swapped out of band, so looked up again) shows `expected`."""
    from playwright.sync_api import expect

    expect(locator).to_have_text(expected)


def text(locator) -> str:
    return re.sub(r"\s+", " ", locator.inner_text()).strip()


def deposit(page, name: str, data: bytes, mime: str):
    sent_space(page)
    page.locator("#sent-deposit").click()
    page.locator("input[name='file']").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name="Déposer").click()
    page.get_by_text(f"Le fichier « {name} » est déposé").wait_for()


def send(page, number: str):
    """Envoyer, then the invoice page: "Mise à disposition" of PARIS HABITAT."""
    page.locator("#submit").click()
    page.get_by_text(f"La facture {number} est envoyée").wait_for()
    badge = page.locator(f".oc-invoice-head [data-status='{AVAILABLE}']")
    assert badge.text_content().strip() == "Mise à disposition"
    assert number in page.locator("h1").inner_text()


def assert_structured_form(page, *, number, issue_date, service, engagement, rows, totals):
    """A structured deposit: its data read-only as in the file, only the routing fields editable."""
    assert page.locator("#structured-notice").is_visible()
    assert page.locator("#file-number").inner_text() == number
    assert page.locator("#file-issue-date").inner_text() == issue_date
    assert page.locator("#file-due-date").inner_text() == "02/12/2026"
    assert page.locator("#file-iban").inner_text() == files.IBAN
    assert page.locator("#file-payment-terms").inner_text() == "Paiement à 30 jours par virement"
    shown_rows = [text(row) for row in page.locator("#file-lines tbody tr").all()]
    assert shown_rows == rows
    for cell, value in zip(("#total-excl-vat", "#vat-total", "#total-incl-vat"), totals, strict=True):
        assert page.locator(f"#totals {cell}").inner_text() == value
    # Routing fields: editable and holding the file's values; the rest is no form field at all.
    assert page.locator("#id_recipient_identifier").input_value() == PARIS_HABITAT_SIRET
    assert page.locator("#id_service_code").input_value() == service
    assert page.locator("#id_engagement_number").input_value() == engagement
    for routing in (
        "#id_recipient_identifier",
        "#id_service_code",
        "#id_engagement_number",
        "#id_billing_frame",
    ):
        assert page.locator(routing).is_editable()
    for data_field in ("#id_number", "#id_issue_date", "#lines-table", "#line-add", "#id_bank_account"):
        assert page.locator(data_field).count() == 0


def test_sending_invoices_enter_deposit_pdf_facturx_ubl_then_follow_up(portal):
    page = portal
    s = setting()
    manuela = UserFactory(
        email="manuela.martin@delices-de-savoie.fr", first_name="Manuela", last_name="Martin"
    )
    MembershipFactory(structure=s.supplier, user=manuela)
    Habilitation.objects.filter(user=manuela).delete()
    Habilitation.objects.create(
        user=manuela, structure=s.supplier, space=Space.SENT_INVOICES, level=Level.EDIT
    )
    facturx = structured_file(s, "facturx", number=FACTURX)
    ubl = structured_file(
        s, "ubl", number=UBL, issue_date=date(2026, 11, 5), service_code="FL", engagement_number="EJ-2026-0077",
        line_count=3,
    )  # fmt: skip

    login(page, manuela.email, PASSWORD)

    # (1) "Saisir une facture" for PARIS HABITAT's service BC, two lines, live totals, check, send.
    sent_space(page)
    page.locator("#sent-new").click()
    page.get_by_role("heading", name="Saisir une facture", level=1).wait_for()
    page.locator("#id_recipient_identifier").fill(PARIS_HABITAT_SIRET)
    page.locator("#id_recipient_identifier").press("Tab")  # leaving the field reloads its services
    page.locator("#id_service_code option[value='BC']").wait_for(state="attached")
    assert "PARIS HABITAT OPH" in page.locator("#recipient-info").inner_text()
    page.locator("#id_service_code").select_option("BC")
    page.locator("#id_engagement_number").fill("EJ-2026-0042")
    page.locator("#id_number").fill(ENTERED)
    page.locator("#id_issue_date").fill("2026-11-02")
    page.locator("#id_delivery_date").fill("2026-10-30")
    page.locator("#id_due_date").fill("2026-12-02")
    page.locator("#id_payment_terms").fill("Paiement à 30 jours par virement")
    page.locator("#id_lines-0-item_name").fill("Plateau de fromages de Savoie")
    page.locator("#id_lines-0-quantity").fill("12")
    page.locator("#id_lines-0-unit_price").fill("18,50")
    page.locator("#id_lines-0-vat_rate").select_option("5.5")
    wait_text(page.locator("#line-amount-lines-0"), "222,00")
    wait_text(page.locator("#total-excl-vat"), "222,00")

    page.locator("#line-add").click()
    page.locator("#id_lines-1-item_name").fill("Service traiteur (2 heures)")
    assert page.locator("#id_lines-TOTAL_FORMS").input_value() == "2"
    page.locator("#id_lines-1-quantity").fill("2")
    page.locator("#id_lines-1-unit_code").select_option("HUR")
    page.locator("#id_lines-1-unit_price").fill("45")
    page.locator("#id_lines-1-discount").fill("10")
    page.locator("#id_lines-1-vat_rate").select_option("20")
    wait_text(page.locator("#line-amount-lines-1"), "80,00")
    wait_text(page.locator("#total-excl-vat"), "302,00")
    assert page.locator("#vat-total").inner_text() == "28,21"
    assert page.locator("#total-incl-vat").inner_text() == "330,21"
    assert page.locator("#totals .oc-vat-row").count() == 2

    page.locator("#verify").click()
    # "Vérifier" saves the draft and runs every check without sending: warnings at most here.
    page.get_by_role("heading", name=f"Facture {ENTERED}", level=1).wait_for()
    assert page.locator(".oc-finding--fatal").count() == 0
    assert page.locator("#findings.fr-alert--error").count() == 0
    entered = Invoice.objects.get(supplier=s.supplier, number=ENTERED)
    assert entered.status == InvoiceStatus.DRAFT and entered.lines.count() == 2
    send(page, ENTERED)
    entered.refresh_from_db()
    assert entered.status == InvoiceStatus.AVAILABLE and entered.channel == Channel.ENTRY
    assert entered.recipient == s.recipient and entered.recipient_service.code == "BC"
    assert entered.engagement_number == "EJ-2026-0042" and entered.created_by == manuela
    assert (entered.total_excl_vat, entered.vat_total, entered.total_incl_vat) == (
        Decimal("302.00"), Decimal("28.21"), Decimal("330.21"))  # fmt: skip
    assert entered.pdf_file_id and entered.xml_file_id  # the Factur-X the platform generated

    # (2) A text PDF: the form comes pre-filled from its keywords; the draft shows in the synthèse.
    deposit(page, "facture-fa2026-0107.pdf", files.text_pdf(), "application/pdf")
    assert page.locator("#reading-notice").is_visible()
    assert page.locator("#id_number").input_value() == TEXT_PDF
    assert page.locator("#id_recipient_identifier").input_value() == PARIS_HABITAT_SIRET
    assert page.locator("#id_engagement_number").input_value() == "EJ482913"
    assert page.locator("#id_issue_date").input_value() == "2026-10-14"
    assert page.locator("#id_lines-0-unit_price").input_value() == "350"
    assert page.locator("#id_lines-0-vat_rate").input_value() == "20"
    assert "HT 350,00" in page.locator("#reading-totals").inner_text()
    assert "TTC 420,00" in page.locator("#reading-totals").inner_text()
    assert page.locator("#total-excl-vat").inner_text() == "350,00"
    assert page.locator("#vat-total").inner_text() == "70,00"
    assert page.locator("#total-incl-vat").inner_text() == "420,00"
    assert page.locator("#id_service_code").input_value() == ""

    sent_space(page)
    drafts = page.locator("#synthesis-counts [data-status='BROUILLON'] .oc-synthesis-count")
    assert drafts.inner_text() == "1"
    page.locator("#synthesis-brouillon").get_by_role("link", name=TEXT_PDF).click()
    page.locator("#invoice-edit").click()
    page.locator("#id_service_code").select_option("BC")
    send(page, TEXT_PDF)
    from_pdf = Invoice.objects.get(supplier=s.supplier, number=TEXT_PDF)
    assert from_pdf.status == InvoiceStatus.AVAILABLE and from_pdf.source_syntax == SourceSyntax.PDF
    assert from_pdf.recipient_service.code == "BC" and from_pdf.engagement_number == "EJ482913"
    assert from_pdf.total_incl_vat == Decimal("420.00")

    # (3) A Factur-X and a UBL file: the form shows exactly their data, only the routing editable.
    deposit(page, "fx2026-0003.pdf", facturx, "application/pdf")
    assert_structured_form(
        page,
        number=FACTURX,
        issue_date="02/11/2026",
        service="BC",
        engagement="EJ-2026-0042",
        rows=[
            "Plateau de fromages de Savoie 1 12 C62 18,50 0,00 5,50 % 222,00",
            "Service traiteur (2 heures) 2 2 HUR 45,00 10,00 20 % 80,00",
        ],
        totals=("302,00", "28,21", "330,21"),
    )
    send(page, FACTURX)

    deposit(page, "ubl2026-0004.xml", ubl, "application/xml")
    assert_structured_form(
        page,
        number=UBL,
        issue_date="05/11/2026",
        service="FL",
        engagement="EJ-2026-0077",
        rows=[
            "Plateau de fromages de Savoie 1 12 C62 18,50 0,00 5,50 % 222,00",
            "Service traiteur (2 heures) 2 2 HUR 45,00 10,00 20 % 80,00",
            "Plateau de fromages de Savoie 3 12 C62 18,50 0,00 5,50 % 222,00",
        ],
        totals=("524,00", "40,42", "564,42"),
    )
    send(page, UBL)

    structured = {i.number: i for i in Invoice.objects.filter(number__in=[FACTURX, UBL])}
    assert structured[FACTURX].source_syntax == SourceSyntax.FACTURX
    assert structured[UBL].source_syntax == SourceSyntax.UBL
    assert structured[UBL].recipient_service.code == "FL" and structured[UBL].lines.count() == 3
    assert all(i.status == InvoiceStatus.AVAILABLE for i in structured.values())

    # (4) Follow-up: search by number and by recipient, the dashboard, the synthèse.
    sent_space(page, "Rechercher")
    page.locator("#id_number").fill(UBL)
    page.locator("#sent-search").get_by_role("button", name="Rechercher").click()
    assert text(page.locator("#search-count")) == "1 facture"
    result = page.locator("#search-results tbody tr")
    assert result.count() == 1 and UBL in result.inner_text() and "564,42" in result.inner_text()
    assert result.locator("[data-status]").get_attribute("data-status") == AVAILABLE

    page.get_by_role("link", name="Effacer les critères").click()
    page.locator("#id_recipient").fill("paris habitat")
    page.locator("#sent-search").get_by_role("button", name="Rechercher").click()
    assert text(page.locator("#search-count")) == "4 factures"
    numbers = page.locator("#search-results tbody tr td:first-child").all_inner_texts()
    assert sorted(numbers) == sorted([ENTERED, TEXT_PDF, FACTURX, UBL])

    sent_space(page, "Tableau de bord")
    assert "4 factures émises" in page.locator("main").inner_text()
    by_structure = page.locator("#dashboard-supplier_id tbody tr")
    assert by_structure.count() == 1 and by_structure.locator("th").inner_text() == "Les Délices de Savoie"
    assert by_structure.locator("td").last.inner_text() == "4"
    by_user = page.locator("#dashboard-created_by_id tbody tr")
    assert "Manuela Martin" in by_user.locator("th").inner_text()
    assert by_user.locator("td").last.inner_text() == "4"

    sent_space(page, "Synthèse")
    assert drafts.inner_text() == "0"
    page.locator("#synthesis-empty").wait_for()
    assert Invoice.objects.filter(supplier=s.supplier, status=InvoiceStatus.AVAILABLE).count() == 4
    assert not Invoice.objects.filter(supplier=s.supplier, status=InvoiceStatus.DRAFT).exists()
