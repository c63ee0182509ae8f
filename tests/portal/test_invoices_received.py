""" "Factures reçues" over HTTP (LIF-2) and the invoice page's actions (LIF-2..6): the recipient's
"Traiter" and forward, the supplier's recycle, completion and new invoice from a rejected one;
each action's outcome and its refusals; what each side sees of the statuses."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from openchorus.invoices.models import Invoice
from openchorus.lifecycle.services import invoice_process
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.structures.enums import Level, Space
from openchorus.structures.models import StructureSpace
from tests.invoices.factories import setting
from tests.invoices.test_received_selectors import recipient_service_user
from tests.invoices.test_selectors import make_draft, make_sent, outsider, recipient_user, service_user
from tests.structures.factories import MembershipFactory, ServiceFactory, StructureFactory
from tests.structures.factories_documents import PDF_BYTES

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "portal:received_invoices",
    "portal:received_invoices_dashboard",
    "portal:received_invoices_search",
    "portal:received_invoices_export",
]


def _text(response) -> str:
    return response.content.decode()


def _status(invoice: Invoice) -> str:
    return Invoice.objects.values_list("status", flat=True).get(pk=invoice.pk)


def _process(client, invoice, **data):
    return client.post(reverse("portal:invoice_process", args=[invoice.pk]), data)


RECYCLE = {"target": "A_RECYCLER", "motif": "SE_INCORRECT", "comment": "Le service est BC, pas FL."}


# --- the lists ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LIST_PAGES)
def test_received_pages_need_sign_in_and_the_space(client, name):
    s = setting()
    assert client.get(reverse(name)).status_code == 302
    client.force_login(s.manager)  # a supplier: no "Factures reçues"
    assert client.get(reverse(name)).status_code == 403
    client.force_login(recipient_user(s))
    assert client.get(reverse(name)).status_code == 200


def test_received_tab_appears_for_recipient_users(client):
    s = setting()
    client.force_login(recipient_user(s))
    assert reverse("portal:received_invoices") in _text(client.get(reverse("portal:dashboard")))


def test_synthesis_lists_invoices_to_process_and_counts_by_status(client):
    s = setting()
    agent = recipient_user(s)
    make_sent(s, number="NEW-1")
    invoice_process(actor=agent, invoice=make_sent(s, number="SF-1"), target=InvoiceStatus.SERVICE_DONE)
    make_draft(s, number="DRAFT-1")
    client.force_login(agent)

    text = _text(client.get(reverse("portal:received_invoices")))

    assert "NEW-1" in text and "DRAFT-1" not in text
    assert 'data-status="SERVICE_FAIT"' in text and "SF-1" not in text.split('id="synthesis-statuses"')[0]


def test_service_user_sees_only_its_service_in_lists_and_pages(client):
    s = setting()
    bc = make_sent(s, number="BC-1", service_code="BC")
    fl = make_sent(s, number="FL-1", service_code="FL")
    client.force_login(recipient_service_user(s, "BC"))

    text = _text(client.get(reverse("portal:received_invoices_search")))
    assert "BC-1" in text and "FL-1" not in text
    assert client.get(reverse("portal:invoice_detail", args=[bc.pk])).status_code == 200
    assert client.get(reverse("portal:invoice_detail", args=[fl.pk])).status_code == 404
    assert _process(client, fl, **RECYCLE).status_code == 404


def test_search_filters_paginates_and_reports_bad_criteria(client):
    s = setting()
    for i in range(22):
        make_sent(s, number=f"N-{i:02}", service_code="FL" if i == 3 else "BC")
    client.force_login(recipient_user(s))
    url = reverse("portal:received_invoices_search")

    first = _text(client.get(url))
    assert "22 factures" in first and "page=2" in first
    only = _text(client.get(url, {"recipient_service_id": s.services["FL"].pk}))
    assert "N-03" in only and "N-04" not in only
    bad = _text(client.get(url, {"amount_min": "10", "amount_max": "5"}))
    assert "Le montant maximum est inférieur au montant minimum." in bad


def test_dashboard_links_counts_to_the_search(client):
    s = setting()
    make_sent(s, number="BC-1", service_code="BC")
    client.force_login(recipient_user(s))

    text = _text(client.get(reverse("portal:received_invoices_dashboard")))

    assert f"recipient_service_id={s.services['BC'].pk}&amp;status=MISE_A_DISPOSITION" in text
    assert f"supplier_id={s.supplier.pk}" in text
    assert "BC-1" in _text(
        client.get(reverse("portal:received_invoices_search"), {"supplier_id": s.supplier.pk})
    )


def test_export_streams_csv_with_the_reform_code(client):
    s = setting()
    make_sent(s, number="CSV-1")
    client.force_login(recipient_user(s))

    response = client.get(reverse("portal:received_invoices_export"), {"number": "CSV-1"})

    assert response["Content-Disposition"].startswith('attachment; filename="factures-recues-')
    lines = b"".join(response.streaming_content).decode("utf-8-sig").split("\r\n")
    assert "Statut (réforme 2026)" in lines[0]
    assert lines[1].startswith("CSV-1;") and ";203 Mise à disposition;" in lines[1] and len(lines) == 3


# --- "Traiter" (LIF-2) ------------------------------------------------------------------------------


def test_process_page_offers_the_lifecycle_choices_and_motifs(client):
    s = setting()
    invoice = make_sent(s)
    client.force_login(recipient_user(s))

    text = _text(client.get(reverse("portal:invoice_detail", args=[invoice.pk])))

    assert 'id="process-form"' in text and 'id="forward-form"' in text
    assert 'value="A_RECYCLER"' in text and 'value="SERVICE_FAIT"' in text
    assert 'value="COMPLETEE"' not in text.split('id="process-form"')[1].split("</form>")[0]
    assert "SE incorrect" in text and "EJ incorrect ou inexistant" in text


def test_process_recycle_with_motif_and_comment_changes_the_status(client):
    s = setting()
    invoice = make_sent(s)
    client.force_login(recipient_user(s))

    response = _process(client, invoice, **RECYCLE)

    assert response.status_code == 302 and _status(invoice) == InvoiceStatus.TO_RECYCLE
    text = _text(client.get(response["Location"]))
    assert "SE incorrect" in text and "Le service est BC, pas FL." in text
    assert 'data-reform="213"' in text  # the reform code beside the status in the history


def test_process_refuses_missing_comment_and_motif_and_changes_nothing(client):
    s = setting()
    invoice = make_sent(s)
    client.force_login(recipient_user(s))

    no_comment = _text(_process(client, invoice, target="A_RECYCLER", motif="SE_INCORRECT", comment=" "))
    no_motif = _text(_process(client, invoice, target="REJETEE", comment="Montants faux"))
    wrong_motif = _text(_process(client, invoice, target="REJETEE", motif="SE_INCORRECT", comment="x"))

    assert "Un commentaire est obligatoire" in no_comment
    assert "Choisissez le motif du statut « Rejetée »" in no_motif
    assert "Ce motif ne correspond pas au statut choisi." in wrong_motif
    assert _status(invoice) == InvoiceStatus.AVAILABLE


def test_process_refuses_an_impossible_transition_with_a_clear_message(client):
    s = setting()
    invoice = make_sent(s)
    client.force_login(recipient_user(s))

    text = _text(_process(client, invoice, target="COMPLETEE"))

    assert "ne peut pas passer au statut « Complétée »" in text
    assert _status(invoice) == InvoiceStatus.AVAILABLE


def test_processing_statuses_follow_each_other_then_stop(client):
    s = setting()
    invoice = make_sent(s)
    client.force_login(recipient_user(s))
    for target in (
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "COMPTABILISEE",
        "MISE_EN_PAIEMENT",
    ):
        assert _process(client, invoice, target=target).status_code == 302
        assert _status(invoice) == target
    text = _text(client.get(reverse("portal:invoice_detail", args=[invoice.pk])))
    assert 'id="process-form"' not in text  # final: nothing left to offer


def test_process_is_refused_to_view_only_users_suppliers_and_outsiders(client):
    s = setting()
    invoice = make_sent(s)
    viewer = recipient_service_user(s, "BC", level=Level.VIEW)
    client.force_login(viewer)
    assert 'id="process-form"' not in _text(client.get(reverse("portal:invoice_detail", args=[invoice.pk])))
    assert _process(client, invoice, **RECYCLE).status_code == 403
    client.force_login(s.manager)
    assert _process(client, invoice, **RECYCLE).status_code == 403
    client.force_login(outsider())
    assert _process(client, invoice, **RECYCLE).status_code == 404
    assert _status(invoice) == InvoiceStatus.AVAILABLE


# --- forward (LIF-3) ----------------------------------------------------------------------------


def test_forward_to_another_service_of_the_structure(client):
    s = setting()
    invoice = make_sent(s, service_code="FL")
    client.force_login(recipient_user(s))

    response = client.post(
        reverse("portal:invoice_forward", args=[invoice.pk]), {"service": s.services["BC"].pk, "comment": ""}
    )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.recipient_service == s.services["BC"] and invoice.status == InvoiceStatus.AVAILABLE
    assert "Transmise à un autre service" in _text(client.get(response["Location"]))


def test_forward_refuses_a_service_of_another_structure(client):
    s = setting()
    other_service = ServiceFactory(structure=StructureFactory(public=True), code="BC")
    invoice = make_sent(s, service_code="FL")
    client.force_login(recipient_user(s))

    response = client.post(
        reverse("portal:invoice_forward", args=[invoice.pk]), {"service": other_service.pk}
    )

    assert response.status_code == 200 and 'id="forward-form"' in _text(response)
    invoice.refresh_from_db()
    assert invoice.recipient_service == s.services["FL"]


def test_forward_by_a_service_user_returns_to_the_list(client):
    s = setting()
    invoice = make_sent(s, service_code="FL")
    client.force_login(recipient_service_user(s, "FL"))

    response = client.post(
        reverse("portal:invoice_forward", args=[invoice.pk]), {"service": s.services["BC"].pk}
    )

    assert response["Location"] == reverse("portal:received_invoices")
    assert client.get(reverse("portal:invoice_detail", args=[invoice.pk])).status_code == 404


# --- the supplier's answers ----------------------------------------------------------------------


def _returned(s, target: str, motif: str) -> Invoice:
    invoice = make_sent(s)
    return invoice_process(
        actor=recipient_user(s), invoice=invoice, target=target, motif=motif, comment="Voir"
    )


def test_recycle_form_is_prefilled_and_resends_to_the_corrected_service(client):
    s = setting()
    invoice = _returned(s, "A_RECYCLER", "SE_INCORRECT")
    client.force_login(s.manager)
    page = _text(client.get(reverse("portal:invoice_detail", args=[invoice.pk])))
    assert 'id="recycle-form"' in page and 'value="EJ-2026-0042"' in page and 'value="BC"' in page

    response = client.post(
        reverse("portal:invoice_recycle", args=[invoice.pk]),
        {"recipient_identifier": s.recipient.identifier, "service_code": "FL", "engagement_number": "EJ-9"},
    )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.AVAILABLE and invoice.number == "F2026-001"
    assert (invoice.recipient_service, invoice.engagement_number) == (s.services["FL"], "EJ-9")


def test_recycle_refuses_an_unknown_service_and_changes_nothing(client):
    s = setting()
    invoice = _returned(s, "A_RECYCLER", "SE_INCORRECT")
    client.force_login(s.manager)

    response = client.post(
        reverse("portal:invoice_recycle", args=[invoice.pk]),
        {"recipient_identifier": s.recipient.identifier, "service_code": "NOPE", "engagement_number": "EJ-9"},
    )

    assert response.status_code == 200 and 'id="findings"' in _text(response)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.TO_RECYCLE and invoice.service_code == "BC"


def test_recycle_of_an_invoice_not_to_recycle_says_why(client):
    s = setting()
    invoice = make_sent(s)
    client.force_login(s.manager)

    response = client.post(
        reverse("portal:invoice_recycle", args=[invoice.pk]),
        {"recipient_identifier": s.recipient.identifier, "service_code": "FL"},
        follow=True,
    )

    assert "cette action n&#x27;est pas possible" in _text(response)
    assert _status(invoice) == InvoiceStatus.AVAILABLE


def test_supplier_answers_are_refused_to_others(client):
    s = setting()
    invoice = _returned(s, "A_RECYCLER", "SE_INCORRECT")
    data = {"recipient_identifier": s.recipient.identifier, "service_code": "FL"}
    client.force_login(service_user(s, None, level=Level.VIEW))
    assert client.post(reverse("portal:invoice_recycle", args=[invoice.pk]), data).status_code == 403
    client.force_login(recipient_service_user(s, "BC"))
    assert client.post(reverse("portal:invoice_recycle", args=[invoice.pk]), data).status_code == 403
    client.force_login(outsider())
    assert client.post(reverse("portal:invoice_copy", args=[invoice.pk]), {"number": "X"}).status_code == 404
    assert _status(invoice) == InvoiceStatus.TO_RECYCLE


def test_former_recipient_keeps_a_read_only_trace_of_a_recycled_invoice(client):
    s = setting()
    agent = recipient_user(s)
    invoice = make_sent(s)
    invoice = invoice_process(actor=agent, invoice=invoice, target="A_RECYCLER", motif="DESTINATAIRE_INCORRECT",
                              comment="Pas pour nous")  # fmt: skip
    other = StructureFactory(public=True, legal_name="AUTRE OPH")
    ServiceFactory(structure=other, code="BC")
    client.force_login(s.manager)
    client.post(
        reverse("portal:invoice_recycle", args=[invoice.pk]),
        {"recipient_identifier": other.identifier, "service_code": "BC", "engagement_number": "EJ-1"},
    )
    invoice.refresh_from_db()
    assert invoice.recipient == other

    client.force_login(agent)
    page = _text(client.get(reverse("portal:invoice_detail", args=[invoice.pk])))
    assert 'id="former-recipient"' in page and 'id="process-form"' not in page
    assert _process(client, invoice, target="SERVICE_FAIT").status_code == 403
    assert "F2026-001" not in _text(client.get(reverse("portal:received_invoices_search")))


def test_suspended_invoice_gets_its_documents_then_is_completed(client):
    s = setting()
    invoice = _returned(s, "SUSPENDUE", "PJ_MANQUANTE")
    client.force_login(s.manager)
    page = _text(client.get(reverse("portal:invoice_detail", args=[invoice.pk])))
    assert 'id="suspended-attachment-form"' in page and "Renvoyer la facture complétée" in page

    early = client.post(reverse("portal:invoice_complete", args=[invoice.pk]), follow=True)
    assert "Ajoutez la ou les pièces jointes demandées" in _text(early)
    assert _status(invoice) == InvoiceStatus.SUSPENDED

    upload = SimpleUploadedFile("bon-de-livraison.pdf", PDF_BYTES, content_type="application/pdf")
    added = client.post(
        reverse("portal:invoice_suspended_attachment_add", args=[invoice.pk]),
        {"file": upload, "description": "BL"},
    )
    assert added.status_code == 302 and invoice.attachments.filter(filename="bon-de-livraison.pdf").exists()
    assert client.post(reverse("portal:invoice_complete", args=[invoice.pk])).status_code == 302
    assert _status(invoice) == InvoiceStatus.COMPLETED


def test_suspended_attachment_form_reports_a_missing_file(client):
    s = setting()
    invoice = _returned(s, "SUSPENDUE", "PJ_MANQUANTE")
    client.force_login(s.manager)

    response = client.post(reverse("portal:invoice_suspended_attachment_add", args=[invoice.pk]), {})

    assert response.status_code == 200 and "Choisissez un fichier" in _text(response)


def test_rejected_invoice_says_to_issue_a_new_one_and_copies_it(client):
    s = setting()
    invoice = _returned(s, "REJETEE", "MONTANT_ERRONE")
    client.force_login(s.manager)
    page = _text(client.get(reverse("portal:invoice_detail", args=[invoice.pk])))
    assert "vous devez émettre une nouvelle facture" in page and 'id="copy-form"' in page
    assert "Motif du destinataire" in page and "Montant erroné" in page  # why, beside the action

    same = client.post(reverse("portal:invoice_copy", args=[invoice.pk]), {"number": invoice.number})
    assert same.status_code == 200 and "Donnez un nouveau numéro" in _text(same)

    response = client.post(reverse("portal:invoice_copy", args=[invoice.pk]), {"number": "F2026-001-B"})

    copy = Invoice.objects.get(number="F2026-001-B")
    assert response["Location"] == reverse("portal:invoice_edit", args=[copy.pk])
    assert copy.status == InvoiceStatus.DRAFT and copy.lines.count() == invoice.lines.count()
    assert _status(invoice) == InvoiceStatus.REJECTED


# --- LIF-6: a hidden "Mise en paiement" ------------------------------------------------------------


def test_supplier_does_not_see_a_hidden_payment_status(client):
    s = setting(payment_status_hidden=True)
    agent = recipient_user(s)
    invoice = make_sent(s)
    invoice = invoice_process(actor=agent, invoice=invoice, target="COMPTABILISEE")
    invoice_process(actor=agent, invoice=invoice, target="MISE_EN_PAIEMENT")

    client.force_login(s.manager)
    detail = _text(client.get(reverse("portal:invoice_detail", args=[invoice.pk])))
    listing = _text(client.get(reverse("portal:sent_invoices_search"))).split('id="search-results"')[1]
    export = b"".join(client.get(reverse("portal:sent_invoices_export")).streaming_content).decode(
        "utf-8-sig"
    )
    for text in (detail, listing, export):
        assert "Mise en paiement" not in text and "MISE_EN_PAIEMENT" not in text
        assert "Comptabilisée" in text

    client.force_login(agent)
    assert "Mise en paiement" in _text(client.get(reverse("portal:invoice_detail", args=[invoice.pk])))


def test_space_holder_structure_without_the_space_opened_gets_403(client):
    s = setting()
    StructureSpace.objects.filter(structure=s.recipient, space=Space.RECEIVED_INVOICES).delete()
    client.force_login(MembershipFactory(structure=s.recipient).user)
    assert client.get(reverse("portal:received_invoices")).status_code == 403
