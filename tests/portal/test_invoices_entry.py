""" "Saisir une facture" over HTTP (INV-2, INV-5, INV-6): drafts, lines, live totals, checks beside
the fields, sending, deleting, attachments, the mandate prerequisite and the rights."""

from __future__ import annotations

import html as html_module
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from openchorus.invoices.models import Invoice
from openchorus.invoices.services import invoice_submit
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.structures.enums import Level, Space
from openchorus.structures.models import Habilitation
from tests.factories import UserFactory
from tests.invoices.factories import PARIS_HABITAT_SIRET, draft, setting
from tests.structures.factories import MembershipFactory, ServiceFactory, StructureFactory
from tests.structures.factories_documents import PDF_BYTES

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html_module.unescape(response.content.decode())


def form_data(s, *, structure=True, lines=None, **overrides) -> dict:
    """What the browser posts: the header, then the rows of the line formset."""
    rows = lines if lines is not None else [
        {"item_name": "Plateau de fromages de Savoie", "quantity": "12", "unit_price": "18,50",
         "vat_category": "S", "vat_rate": "5.5", "unit_code": "C62"},
        {"item_name": "Service traiteur (2 heures)", "quantity": "2", "unit_price": "45", "discount": "10",
         "vat_category": "S", "vat_rate": "20", "unit_code": "HUR"},
    ]  # fmt: skip
    data = {
        "recipient_identifier": PARIS_HABITAT_SIRET,
        "service_code": "BC",
        "engagement_number": "EJ-2026-0042",
        "billing_frame": "A1_FACTURE_FOURNISSEUR",
        "type_code": "380",
        "number": "F2026-101",
        "issue_date": "2026-11-02",
        "due_date": "2026-12-02",
        "currency": "EUR",
        "payment_terms": "Paiement à 30 jours par virement",
        "bank_account": str(s.bank_account.pk),
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "2000",
    }
    if structure:
        data["structure"] = str(s.supplier.pk)
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"lines-{i}-{name}"] = value
    data.update(overrides)
    return data


def field_group(html: str, field: str) -> str:
    """The DSFR group of one field: from its wrapper to the next field's."""
    start = html.index(f'id="id_{field}"')
    begin = html.rindex('class="fr-input-group', 0, start) if "fr-input-group" in html[:start] else 0
    select_begin = html.rfind('class="fr-select-group', 0, start)
    begin = max(begin, select_begin)
    end = html.find("-group", start + 200)
    return html[begin : end if end > 0 else len(html)]


@pytest.fixture
def s():
    return setting()


def test_new_invoice_form_shows_the_fields_and_the_active_bank_accounts(client, s):
    client.force_login(s.manager)
    response = client.get(reverse("portal:sent_invoices_new"))
    assert response.status_code == 200
    html = text(response)
    for label in ("SIRET du destinataire", "Code service", "Numéro d'engagement", "Cadre de facturation",
                  "Coordonnées bancaires", "Net à payer", "Ajouter une ligne"):  # fmt: skip
        assert label in html
    assert s.bank_account.name in html
    assert reverse("directory:search") in html


def test_save_draft_records_lines_and_totals_then_edit_shows_them(client, s):
    client.force_login(s.manager)
    response = client.post(reverse("portal:sent_invoices_new"), form_data(s, action="save"))
    invoice = Invoice.objects.get(supplier=s.supplier)
    assert response.status_code == 302 and response.url == reverse("portal:invoice_edit", args=[invoice.pk])
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.lines.count() == 2
    assert str(invoice.total_excl_vat) == "302.00" and str(invoice.vat_total) == "28.21"
    assert invoice.bank_account == s.bank_account and invoice.iban == s.bank_account.iban

    html = text(client.get(response.url))
    assert "Plateau de fromages de Savoie" in html and "F2026-101" in html
    assert "330,21" in html  # TTC = 302.00 + 28.21


def test_removed_and_blank_lines_are_not_kept(client, s):
    client.force_login(s.manager)
    data = form_data(s, action="save")
    data["lines-1-DELETE"] = "on"
    data.update({"lines-TOTAL_FORMS": "3", "lines-2-item_name": "", "lines-2-vat_rate": "20"})
    client.post(reverse("portal:sent_invoices_new"), data)
    invoice = Invoice.objects.get(supplier=s.supplier)
    assert list(invoice.lines.values_list("item_name", flat=True)) == ["Plateau de fromages de Savoie"]
    assert str(invoice.total_excl_vat) == "222.00"


def test_remove_line_button_without_javascript_shows_the_form_without_it(client, s):
    client.force_login(s.manager)
    response = client.post(reverse("portal:sent_invoices_new"), form_data(s, remove_line="1"))
    assert response.status_code == 200
    assert not Invoice.objects.exists()
    html = text(response)
    assert re.search(r'<tr id="line-lines-1" class="oc-line" hidden>', html)
    assert 'name="lines-1-DELETE" value="on"' in html
    assert re.search(r'id="total-excl-vat">222,00<', html)


def test_line_add_gives_the_next_row_and_counts_it(client, s):
    client.force_login(s.manager)
    response = client.get(reverse("portal:invoice_line_add"), {"lines-TOTAL_FORMS": "2"})
    html = text(response)
    assert response.status_code == 200
    assert 'name="lines-2-item_name"' in html and 'name="lines-2-unit_price"' in html
    assert re.search(r'name="lines-TOTAL_FORMS"[^>]*value="3"[^>]*hx-swap-oob', html)


def test_live_totals_compute_vat_per_rate_and_net_to_pay(client, s):
    client.force_login(s.manager)
    response = client.post(reverse("portal:invoice_totals"), form_data(s))
    html = text(response)
    assert response.status_code == 200
    assert re.search(r'id="total-excl-vat">302,00<', html)
    assert "12,21" in html and "16,00" in html  # 222 × 5,5 % ; 80 × 20 %
    assert re.search(r'id="vat-total">28,21<', html)
    assert re.search(r'id="total-incl-vat">330,21<', html)
    assert re.search(r"<strong>330,21</strong>", html)
    # Each line's amount excl. VAT, swapped out of band: 12 × 18,50 ; 2 × 45 − 10.
    assert re.search(r'id="line-amount-lines-0" hx-swap-oob="true">222,00<', html)
    assert re.search(r'id="line-amount-lines-1" hx-swap-oob="true">80,00<', html)


def test_recipient_services_lists_active_services_with_engagement_flag(client, s):
    s.services["FL"].engagement_required = True
    s.services["FL"].save()
    s.services["SIT"].status = "INACTIF"
    s.services["SIT"].save()
    client.force_login(s.manager)
    response = client.get(
        reverse("portal:invoice_recipient_services"), {"recipient_identifier": PARIS_HABITAT_SIRET}
    )
    html = text(response)
    assert 'value="BC"' in html and 'value="FL"' in html and 'value="SIT"' not in html
    assert re.search(r"FL — Service FL \(engagement obligatoire\)", html)
    assert "PARIS HABITAT OPH" in html

    unknown = client.get(
        reverse("portal:invoice_recipient_services"), {"recipient_identifier": "12345678901234"}
    )
    assert "Aucune structure n'a l'identifiant 12345678901234" in text(unknown)


def test_verify_shows_the_inv5_message_on_the_service_code_field(client):
    s = setting(service_code_required=True)
    invoice = draft(s, header_overrides={"service_code": ""})
    client.force_login(s.manager)
    response = client.get(reverse("portal:invoice_verify", args=[invoice.pk]))
    html = text(response)
    assert response.status_code == 200
    assert 'data-rule="INV-5-SERVICE-OBLIGATOIRE"' in html  # in the summary
    group = field_group(html, "service_code")
    assert "fr-select-group--error" in group
    assert "La structure PARIS HABITAT OPH exige un code service." in group
    assert "BC, CT, FACTURES_PUBLIQUES, FL, SIT" in group
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT


def test_verify_posted_form_saves_then_checks(client, s):
    invoice = draft(s)
    client.force_login(s.manager)
    response = client.post(
        reverse("portal:invoice_verify", args=[invoice.pk]),
        form_data(s, structure=False, service_code="NOPE"),
    )
    html = text(response)
    assert 'data-rule="INV-5-SERVICE-INCONNU"' in html
    assert "Le service « NOPE » n'existe pas" in field_group(html, "service_code")
    invoice.refresh_from_db()
    assert invoice.service_code == "NOPE"


def test_submit_sends_and_makes_the_invoice_available(client, s, django_capture_on_commit_callbacks):
    invoice = draft(s)
    client.force_login(s.manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("portal:invoice_submit", args=[invoice.pk]), form_data(s, structure=False)
        )
    assert response.status_code == 302
    assert response.url == reverse("portal:invoice_detail", args=[invoice.pk])
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.AVAILABLE
    assert invoice.recipient == s.recipient and invoice.recipient_service == s.services["BC"]
    assert invoice.pdf_file is None and invoice.xml_file is not None  # the answer did not wait for it
    for callback in callbacks:  # the commit: its task renders the Factur-X PDF
        callback()
    invoice.refresh_from_db()
    assert invoice.pdf_file is not None


def test_submit_from_the_new_form_creates_and_sends(client, s):
    client.force_login(s.manager)
    response = client.post(reverse("portal:sent_invoices_new"), form_data(s, action="submit"))
    invoice = Invoice.objects.get(supplier=s.supplier)
    assert response.status_code == 302 and invoice.status == InvoiceStatus.AVAILABLE


def test_submit_refused_shows_findings_beside_fields_and_keeps_the_draft(client, s):
    s.services["FL"].engagement_required = True
    s.services["FL"].save()
    invoice = draft(s)
    client.force_login(s.manager)
    response = client.post(
        reverse("portal:invoice_submit", args=[invoice.pk]),
        form_data(s, structure=False, engagement_number="", service_code="FL"),
    )
    html = text(response)
    assert response.status_code == 400
    assert 'data-rule="INV-5-ENGAGEMENT-OBLIGATOIRE"' in html
    assert "Le service FL exige un numéro d'engagement." in field_group(html, "engagement_number")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT and invoice.service_code == "FL"


def test_submit_refused_for_unknown_recipient_names_the_field(client, s):
    invoice = draft(s, header_overrides={"recipient_identifier": "12345678901234"})
    client.force_login(s.manager)
    response = client.post(reverse("portal:invoice_submit", args=[invoice.pk]))
    html = text(response)
    assert response.status_code == 400
    assert "Aucune structure n'a l'identifiant 12345678901234" in field_group(html, "recipient_identifier")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT


def test_sent_invoice_can_no_longer_be_edited_submitted_or_deleted(client, s):
    invoice = invoice_submit(actor=s.manager, invoice=draft(s))
    client.force_login(s.manager)
    detail = reverse("portal:invoice_detail", args=[invoice.pk])
    assert client.get(reverse("portal:invoice_edit", args=[invoice.pk])).url == detail
    response = client.post(reverse("portal:invoice_edit", args=[invoice.pk]), form_data(s, number="CHANGED"))
    assert response.url == detail
    assert client.post(reverse("portal:invoice_delete", args=[invoice.pk])).url == detail
    invoice.refresh_from_db()
    assert invoice.number == "F2026-001" and invoice.status == InvoiceStatus.AVAILABLE


def test_delete_draft_after_confirmation(client, s):
    invoice = draft(s)
    client.force_login(s.manager)
    page = client.get(reverse("portal:invoice_delete", args=[invoice.pk]))
    assert page.status_code == 200 and "Supprimer le brouillon" in text(page)
    assert Invoice.objects.filter(pk=invoice.pk).exists()
    response = client.post(reverse("portal:invoice_delete", args=[invoice.pk]))
    assert response.status_code == 302
    assert not Invoice.objects.filter(pk=invoice.pk).exists()


def test_attachments_uploaded_picked_from_structure_and_removed(client, s):
    from openchorus.structures.services.files import attachment_add

    invoice = draft(s)
    kbis = attachment_add(
        actor=s.manager, structure=s.supplier, filename="kbis.pdf", data=PDF_BYTES, description="Extrait Kbis"
    )
    client.force_login(s.manager)
    url = reverse("portal:invoice_attachment_add", args=[invoice.pk])
    upload = SimpleUploadedFile("bon-de-livraison.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(url, {"file": upload, "description": "Bon de livraison"})
    client.post(url, {"structure_attachment": str(kbis.pk)})
    assert sorted(invoice.attachments.values_list("filename", flat=True)) == [
        "bon-de-livraison.pdf",
        "kbis.pdf",
    ]
    html = text(client.get(reverse("portal:invoice_edit", args=[invoice.pk])))
    assert "bon-de-livraison.pdf" in html and "Extrait Kbis" in html

    empty = client.post(url, {}, follow=True)
    assert "Choisissez un fichier" in text(empty)
    attachment = invoice.attachments.get(filename="kbis.pdf")
    client.post(reverse("portal:invoice_attachment_remove", args=[invoice.pk, attachment.pk]))
    assert list(invoice.attachments.values_list("filename", flat=True)) == ["bon-de-livraison.pdf"]


def test_without_mandate_the_page_explains_and_links_to_the_mandate(client):
    s = setting(with_mandate=False)
    client.force_login(s.manager)
    response = client.get(reverse("portal:sent_invoices_new"))
    html = text(response)
    assert 'id="mandate-missing"' in html and "mandat de facturation" in html
    assert reverse("portal:structure_mandate", args=[s.supplier.pk]) in html
    assert 'id="invoice-form"' not in html
    client.post(reverse("portal:sent_invoices_new"), form_data(s, action="save"))
    assert not Invoice.objects.exists()


def test_user_sending_for_several_structures_chooses_first(client, s):
    other = StructureFactory(legal_name="Fromagerie des Aravis")
    MembershipFactory(structure=other, user=s.manager, primary=True)
    client.force_login(s.manager)
    html = text(client.get(reverse("portal:sent_invoices_new")))
    assert 'id="structure-choice"' in html and "Fromagerie des Aravis" in html
    chosen = client.get(reverse("portal:sent_invoices_new"), {"structure": s.supplier.pk})
    assert 'id="invoice-form"' in text(chosen)


def test_stranger_gets_404_and_viewer_403_and_nothing_changes(client, s):
    invoice = draft(s)
    stranger = UserFactory()
    client.force_login(stranger)
    for name in ("portal:invoice_edit", "portal:invoice_verify", "portal:invoice_delete"):
        assert client.get(reverse(name, args=[invoice.pk])).status_code == 404
    assert client.post(reverse("portal:invoice_submit", args=[invoice.pk])).status_code == 404
    assert client.get(reverse("portal:sent_invoices_new")).status_code == 403
    assert client.get(reverse("portal:sent_invoices_new"), {"structure": s.supplier.pk}).status_code == 403
    assert client.post(reverse("portal:invoice_totals"), form_data(s)).status_code == 403

    viewer = MembershipFactory(structure=s.supplier).user
    Habilitation.objects.filter(user=viewer).delete()
    Habilitation.objects.create(
        user=viewer, structure=s.supplier, space=Space.SENT_INVOICES, level=Level.VIEW
    )
    client.force_login(viewer)
    assert client.get(reverse("portal:invoice_edit", args=[invoice.pk])).status_code == 403
    assert client.post(reverse("portal:invoice_delete", args=[invoice.pk])).status_code == 403
    assert Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.DRAFT).exists()


def test_service_bound_user_sends_for_her_service_only(client, s):
    catering = ServiceFactory(structure=s.supplier, code="TRAITEUR", label="Service traiteur")
    ServiceFactory(structure=s.supplier, code="SCOLAIRE", label="Restauration scolaire")
    manuela = MembershipFactory(structure=s.supplier).user
    Habilitation.objects.filter(user=manuela).delete()
    Habilitation.objects.create(
        user=manuela, structure=s.supplier, service=catering, space=Space.SENT_INVOICES, level=Level.EDIT
    )
    client.force_login(manuela)
    html = text(client.get(reverse("portal:sent_invoices_new")))
    assert "TRAITEUR" in html and "SCOLAIRE" not in html
    response = client.post(
        reverse("portal:sent_invoices_new"), form_data(s, action="save", supplier_service=str(catering.pk))
    )
    invoice = Invoice.objects.get(supplier=s.supplier)
    assert invoice.supplier_service == catering
    assert client.get(response.url).status_code == 200


def test_invalid_amount_is_shown_on_its_cell_and_nothing_saved(client, s):
    client.force_login(s.manager)
    data = form_data(s, action="save")
    data["lines-0-unit_price"] = "douze"
    response = client.post(reverse("portal:sent_invoices_new"), data)
    assert response.status_code == 400
    assert "Saisissez un nombre" in text(response)
    assert not Invoice.objects.exists()


def test_issue_date_defaults_to_today_on_a_new_form(client, s):
    client.force_login(s.manager)
    html = text(client.get(reverse("portal:sent_invoices_new")))
    assert f'value="{date.today().isoformat()}"' in html
