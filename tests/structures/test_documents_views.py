"""The portal pages of ORG-4..6 over HTTP: who sees what, who may change what, downloads, CSRF."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from openchorus.audit.models import AuditEvent
from openchorus.core.models import StoredFile
from openchorus.structures.models import Attachment, BankAccount, BillingMandate
from openchorus.structures.services import files
from tests.factories import UserFactory
from tests.structures.factories import MembershipFactory
from tests.structures.factories_documents import (
    EXE_BYTES,
    IBAN_FR,
    PDF_BYTES,
    PNG_BYTES,
    iban_account,
    managed_structure,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


def page_text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


@pytest.fixture
def setting():
    """A structure with its manager, a simple member, a stranger, one bank account and one attachment."""
    structure, manager = managed_structure(legal_name="Les Délices de Savoie")
    member = MembershipFactory(structure=structure).user
    stranger = MembershipFactory().user  # manager of nothing here, member of another structure
    account = iban_account(structure, manager)
    attachment = files.attachment_add(
        actor=manager, structure=structure, filename="kbis.pdf", data=PDF_BYTES, description="Extrait Kbis"
    )
    return {
        "structure": structure,
        "manager": manager,
        "member": member,
        "stranger": stranger,
        "account": account,
        "attachment": attachment,
    }


@pytest.fixture
def with_mandate(setting):
    """The same, with a billing mandate in force (rendering its PDF takes a moment: only where needed)."""
    setting["mandate"] = files.billing_mandate_subscribe(
        actor=setting["manager"],
        structure=setting["structure"],
        signatory_name="Manuela Martin",
        signatory_capacity="Gérante",
    )
    return setting


def url(name, s, **kwargs):
    return reverse(f"portal:{name}", kwargs={"structure_id": s["structure"].pk, **kwargs})


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bank_post(**overrides):
    return {
        "name": "Compte de la boutique",
        "kind": "IBAN",
        "country": "DE",
        "iban_key": "89",
        "bban": "370400440532013000",
        "bic": "DEUTDEFF500",
        "document": SimpleUploadedFile("rib.pdf", PDF_BYTES, content_type="application/pdf"),
        **overrides,
    }


def read_urls(s):
    return [
        url("structure_bank_accounts", s),
        url("structure_bank_account_document", s, account_id=s["account"].pk),
        url("structure_attachments", s),
        url("structure_attachment_download", s, attachment_id=s["attachment"].pk),
        url("structure_mandate", s),
        url("structure_mandate_document", s, mandate_id=s["mandate"].pk),
    ]


def test_documents_pages_anonymous_redirected_to_login(with_mandate):
    for address in read_urls(with_mandate):
        response = Client().get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:home"))
        assert "next=" in response["Location"]


def test_documents_pages_stranger_gets_404_without_data(with_mandate):
    client = client_for(with_mandate["stranger"])
    for address in read_urls(with_mandate):
        response = client.get(address)
        assert response.status_code == 404
        assert IBAN_FR[-8:] not in response.content.decode()
        assert "Délices" not in response.content.decode()


def test_documents_changes_stranger_gets_404_and_nothing_changes(with_mandate):
    client = client_for(with_mandate["stranger"])
    before = (
        BankAccount.objects.count(),
        Attachment.objects.filter(is_active=True).count(),
        AuditEvent.objects.count(),
    )
    assert client.post(url("structure_bank_account_create", with_mandate), bank_post()).status_code == 404
    remove = url("structure_attachment_remove", with_mandate, attachment_id=with_mandate["attachment"].pk)
    assert client.post(remove).status_code == 404
    revoke = url("structure_mandate_revoke", with_mandate, mandate_id=with_mandate["mandate"].pk)
    assert client.post(revoke).status_code == 404
    after = (
        BankAccount.objects.count(),
        Attachment.objects.filter(is_active=True).count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_documents_pages_missing_structure_gets_404(setting):
    client = client_for(setting["manager"])
    assert (
        client.get(reverse("portal:structure_bank_accounts", kwargs={"structure_id": 999999})).status_code
        == 404
    )


def test_bank_accounts_member_sees_list_without_management_buttons(setting):
    response = client_for(setting["member"]).get(url("structure_bank_accounts", setting))
    text = page_text(response)
    assert response.status_code == 200
    assert "Compte courant" in text
    assert "FR76 3000 6000 0112 3456 7890 189" in text
    assert "Créer une coordonnée bancaire" not in text
    assert "Modifier" not in text


def test_bank_accounts_manager_sees_create_button_and_breadcrumb_to_structure(setting):
    response = client_for(setting["manager"]).get(url("structure_bank_accounts", setting))
    text = page_text(response)
    assert "Créer une coordonnée bancaire" in text
    assert reverse("portal:structure_detail", kwargs={"structure_id": setting["structure"].pk}) in text


def test_bank_account_document_member_downloads_as_attachment_with_sniffed_type(setting):
    response = client_for(setting["member"]).get(
        url("structure_bank_account_document", setting, account_id=setting["account"].pk)
    )
    assert response.status_code == 200
    assert response.content == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{setting["account"].document_name}"'
    assert setting["account"].document_name.endswith(".pdf")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_bank_account_create_page_shows_real_portal_labels(setting):
    response = client_for(setting["manager"]).get(url("structure_bank_account_create", setting))
    text = page_text(response)
    for label in ["Nom de coordonnée bancaire", "Affactureur", "Type", "Pays", "Clé IBAN", "BIC ou SWIFT",
                  "Code banque", "Code guichet", "Numéro de compte", "Clé RIB", "Pièce jointe", "Aide saisie"]:  # fmt: skip
        assert label in text, label


def test_bank_account_create_manager_valid_iban_created_and_redirected(setting):
    client = client_for(setting["manager"])
    response = client.post(url("structure_bank_account_create", setting), bank_post())
    assert response.status_code == 302
    account = BankAccount.objects.get(name="Compte de la boutique")
    assert account.iban == "DE89370400440532013000"
    assert AuditEvent.objects.filter(action="bank_account.create", object_id=str(account.pk)).exists()


def test_bank_account_create_whole_iban_pasted_in_bban_field_accepted(setting):
    client = client_for(setting["manager"])
    response = client.post(
        url("structure_bank_account_create", setting),
        bank_post(iban_key="", bban="DE89 3704 0044 0532 0130 00"),
    )
    assert response.status_code == 302
    assert BankAccount.objects.filter(iban="DE89370400440532013000").exists()


def test_bank_account_create_rib_with_factor_created(setting):
    client = client_for(setting["manager"])
    response = client.post(
        url("structure_bank_account_create", setting),
        bank_post(
            name="Compte affacturé", kind="RIB", country="FR", iban_key="", bban="", bic="",
            bank_code="20041", branch_code="01005", account_number="0500013M026", rib_key="06",
            has_factor="on", factor_name="Savoie Affacturage", factor_country="FR",
            factor_identifier="73150001300016", factor_identifier_type="SIRET",
        ),
    )  # fmt: skip
    assert response.status_code == 302
    account = BankAccount.objects.get(name="Compte affacturé")
    assert account.has_factor and account.rib_key == "06"


def test_bank_account_create_bad_key_shows_error_beside_field_and_creates_nothing(setting):
    counts = BankAccount.objects.count(), StoredFile.objects.count()
    response = client_for(setting["manager"]).post(
        url("structure_bank_account_create", setting), bank_post(iban_key="88")
    )
    assert response.status_code == 400
    assert "clé IBAN" in page_text(response)
    assert 'aria-describedby="id_iban_key-desc-error"' in response.content.decode()
    assert (BankAccount.objects.count(), StoredFile.objects.count()) == counts


def test_bank_account_create_disguised_document_refused_and_nothing_created(setting):
    counts = BankAccount.objects.count(), StoredFile.objects.count()
    response = client_for(setting["manager"]).post(
        url("structure_bank_account_create", setting),
        bank_post(document=SimpleUploadedFile("rib.pdf", EXE_BYTES, content_type="application/pdf")),
    )
    assert response.status_code == 400
    assert "ni un PDF ni une image" in page_text(response)
    assert (BankAccount.objects.count(), StoredFile.objects.count()) == counts


def test_bank_account_create_without_document_refused(setting):
    data = bank_post()
    del data["document"]
    response = client_for(setting["manager"]).post(url("structure_bank_account_create", setting), data)
    assert response.status_code == 400
    assert not BankAccount.objects.filter(name="Compte de la boutique").exists()


def test_bank_account_create_simple_member_forbidden_and_nothing_created(setting):
    client = client_for(setting["member"])
    assert client.get(url("structure_bank_account_create", setting)).status_code == 403
    response = client.post(url("structure_bank_account_create", setting), bank_post())
    assert response.status_code == 403
    assert not BankAccount.objects.filter(name="Compte de la boutique").exists()


def test_bank_account_edit_manager_changes_name_keeps_document(setting):
    account = setting["account"]
    client = client_for(setting["manager"])
    page = client.get(url("structure_bank_account_edit", setting, account_id=account.pk))
    assert 'value="7630006000011234567890189"' not in page.content.decode()
    assert 'value="30006000011234567890189"' in page.content.decode()
    data = bank_post(
        name="Compte principal", country="FR", iban_key="76", bban="30006000011234567890189", bic="AGRIFRPP"
    )
    del data["document"]
    response = client.post(url("structure_bank_account_edit", setting, account_id=account.pk), data)
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.name == "Compte principal"
    assert account.document.content_type == "application/pdf"


def test_bank_account_status_manager_deactivates_member_no_longer_sees_it(setting):
    account = setting["account"]
    response = client_for(setting["manager"]).post(
        url("structure_bank_account_status", setting, account_id=account.pk), {"status": "INACTIF"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == "INACTIF"
    member_page = page_text(client_for(setting["member"]).get(url("structure_bank_accounts", setting)))
    assert "Compte courant" not in member_page


def test_bank_account_status_get_not_allowed(setting):
    response = client_for(setting["manager"]).get(
        url("structure_bank_account_status", setting, account_id=setting["account"].pk)
    )
    assert response.status_code == 405


def test_bank_account_create_without_csrf_token_refused(setting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(setting["manager"])
    response = client.post(url("structure_bank_account_create", setting), bank_post())
    assert response.status_code == 403
    assert not BankAccount.objects.filter(name="Compte de la boutique").exists()


def test_attachments_member_lists_and_downloads(setting):
    client = client_for(setting["member"])
    page = page_text(client.get(url("structure_attachments", setting)))
    assert "kbis.pdf" in page and "Extrait Kbis" in page
    assert "Créer une pièce jointe" not in page
    response = client.get(
        url("structure_attachment_download", setting, attachment_id=setting["attachment"].pk)
    )
    assert response.content == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="kbis.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_attachments_manager_uploads_image(setting):
    response = client_for(setting["manager"]).post(
        url("structure_attachments", setting),
        {
            "file": SimpleUploadedFile("photo.png", PNG_BYTES, content_type="image/png"),
            "description": "Chantier",
        },
    )
    assert response.status_code == 302
    assert Attachment.objects.get(filename="photo.png").stored.content_type == "image/png"


def test_attachments_disguised_html_refused_with_accepted_types(setting):
    counts = Attachment.objects.count(), StoredFile.objects.count()
    response = client_for(setting["manager"]).post(
        url("structure_attachments", setting),
        {
            "file": SimpleUploadedFile(
                "facture.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
            )
        },
    )
    assert response.status_code == 400
    assert "Types acceptés" in page_text(response)
    assert (Attachment.objects.count(), StoredFile.objects.count()) == counts


def test_attachments_oversize_upload_refused(setting):
    data = PDF_BYTES + b"0" * (4 * 1024 * 1024 + 1 - len(PDF_BYTES))
    response = client_for(setting["manager"]).post(
        url("structure_attachments", setting), {"file": SimpleUploadedFile("gros.pdf", data)}
    )
    assert response.status_code == 400
    assert "4 Mo" in page_text(response)
    assert not Attachment.objects.filter(filename="gros.pdf").exists()


def test_attachments_simple_member_upload_forbidden(setting):
    response = client_for(setting["member"]).post(
        url("structure_attachments", setting), {"file": SimpleUploadedFile("a.pdf", PNG_BYTES)}
    )
    assert response.status_code == 403
    assert not Attachment.objects.filter(filename="a.pdf").exists()


def test_attachment_remove_manager_withdraws_then_download_404(setting):
    client = client_for(setting["manager"])
    attachment = setting["attachment"]
    response = client.post(url("structure_attachment_remove", setting, attachment_id=attachment.pk))
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.is_active is False
    assert (
        client.get(url("structure_attachment_download", setting, attachment_id=attachment.pk)).status_code
        == 404
    )


def test_attachment_remove_member_forbidden(setting):
    attachment = setting["attachment"]
    response = client_for(setting["member"]).post(
        url("structure_attachment_remove", setting, attachment_id=attachment.pk)
    )
    assert response.status_code == 403
    attachment.refresh_from_db()
    assert attachment.is_active


def test_mandate_page_member_sees_current_mandate_without_revoke(with_mandate):
    text = page_text(client_for(with_mandate["member"]).get(url("structure_mandate", with_mandate)))
    assert "Mandat de facturation en cours" in text
    assert "Manuela Martin" in text
    assert "Révoquer le mandat" not in text


def test_mandate_document_download_is_pdf_attachment(with_mandate):
    response = client_for(with_mandate["member"]).get(
        url("structure_mandate_document", with_mandate, mandate_id=with_mandate["mandate"].pk)
    )
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="mandat-de-facturation-')


def test_mandate_revoke_then_subscribe_again_through_pages(with_mandate):
    client = client_for(with_mandate["manager"])
    response = client.post(
        url("structure_mandate_revoke", with_mandate, mandate_id=with_mandate["mandate"].pk)
    )
    assert response.status_code == 302
    page = page_text(client.get(url("structure_mandate", with_mandate)))
    assert "Aucun mandat de facturation en cours" in page
    assert "Souscrire un mandat de facturation" in page
    response = client.post(
        url("structure_mandate", with_mandate),
        {"signatory_name": "Manuela Martin", "signatory_capacity": "Présidente", "accept": "on"},
    )
    assert response.status_code == 302
    assert BillingMandate.objects.filter(revoked_at__isnull=True).get().signatory_capacity == "Présidente"


def test_mandate_subscribe_without_acceptance_refused(with_mandate):
    client = client_for(with_mandate["manager"])
    client.post(url("structure_mandate_revoke", with_mandate, mandate_id=with_mandate["mandate"].pk))
    response = client.post(
        url("structure_mandate", with_mandate),
        {"signatory_name": "Manuela Martin", "signatory_capacity": "Gérante"},
    )
    assert response.status_code == 400
    assert "Cochez la case" in page_text(response)
    assert not BillingMandate.objects.filter(revoked_at__isnull=True).exists()


def test_mandate_revoke_member_forbidden(with_mandate):
    response = client_for(with_mandate["member"]).post(
        url("structure_mandate_revoke", with_mandate, mandate_id=with_mandate["mandate"].pk)
    )
    assert response.status_code == 403
    with_mandate["mandate"].refresh_from_db()
    assert with_mandate["mandate"].is_active


def test_selectors_stranger_gets_nothing(setting):
    from openchorus.structures import selectors_documents as selectors

    stranger, structure = setting["stranger"], setting["structure"]
    assert not selectors.bank_account_list_for_structure(user=stranger, structure=structure).exists()
    assert not selectors.attachment_list_for_structure(user=stranger, structure=structure).exists()
    assert not selectors.billing_mandate_list_for_structure(user=stranger, structure=structure).exists()
    assert (
        selectors.bank_account_get(user=stranger, structure=structure, account_id=setting["account"].pk)
        is None
    )
    assert selectors.bank_account_list_for_structure(user=setting["member"], structure=structure).count() == 1


def test_selectors_deactivated_user_gets_nothing(setting):
    from openchorus.structures import selectors_documents as selectors

    user = UserFactory(deactivated=True)
    MembershipFactory(user=user, structure=setting["structure"])
    assert not selectors.attachment_list_for_structure(user=user, structure=setting["structure"]).exists()


def test_mandate_page_without_mandate_member_sees_no_subscribe_form(setting):
    text = page_text(client_for(setting["member"]).get(url("structure_mandate", setting)))
    assert "Aucun mandat de facturation en cours" in text
    assert "Souscrire le mandat" not in text


def test_mandate_subscribe_simple_member_forbidden_nothing_created(setting):
    response = client_for(setting["member"]).post(
        url("structure_mandate", setting),
        {"signatory_name": "Pierre Dubois", "signatory_capacity": "Comptable", "accept": "on"},
    )
    assert response.status_code == 403
    assert not BillingMandate.objects.exists()
