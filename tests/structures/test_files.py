"""ORG-5 attachments and ORG-6 billing mandate at the service level."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from openchorus.audit.models import AuditEvent
from openchorus.core.errors import ApplicationError
from openchorus.core.models import StoredFile
from openchorus.core.storage import stored_file_read
from openchorus.structures.enums import Status
from openchorus.structures.models import Attachment, BillingMandate
from openchorus.structures.services import files
from tests.structures.factories import MembershipFactory
from tests.structures.factories_documents import (
    EXE_BYTES,
    HTML_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    managed_structure,
    office_zip,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def delices():
    return managed_structure(legal_name="Les Délices de Savoie", identifier="73150001300016")


def add_refused(structure, actor, **values) -> ApplicationError:
    counts = Attachment.objects.count(), StoredFile.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as caught:
        files.attachment_add(actor=actor, structure=structure, **values)
    assert (Attachment.objects.count(), StoredFile.objects.count(), AuditEvent.objects.count()) == counts
    return caught.value


@pytest.mark.parametrize(
    ("filename", "data", "content_type"),
    [
        ("bon-de-commande.pdf", PDF_BYTES, "application/pdf"),
        ("photo.png", PNG_BYTES, "image/png"),
        (
            "devis.docx",
            office_zip("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "releve.xlsx",
            office_zip("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("note.odt", office_zip("odt"), "application/vnd.oasis.opendocument.text"),
        ("facture.xml", b'<?xml version="1.0"?><Invoice/>', "application/xml"),
        ("liste.csv", b"ref;montant\n1;10\n", "text/plain"),
    ],
)
def test_attachment_add_accepted_type_stored_with_sniffed_type(delices, filename, data, content_type):
    structure, manager = delices
    attachment = files.attachment_add(
        actor=manager, structure=structure, filename=filename, data=data, description="Justificatif"
    )
    assert attachment.is_active
    assert attachment.filename == filename
    assert attachment.stored.content_type == content_type
    assert stored_file_read(attachment.stored) == data
    event = AuditEvent.objects.get(action="attachment.add")
    assert event.after["filename"] == filename
    assert event.after["sha256"] == attachment.stored.sha256


def test_attachment_add_file_like_upload_read_and_stored(delices):
    structure, manager = delices
    attachment = files.attachment_add(
        actor=manager, structure=structure, filename="a.pdf", data=io.BytesIO(PDF_BYTES)
    )
    assert attachment.stored.size == len(PDF_BYTES)


def test_attachment_add_path_in_filename_keeps_last_component(delices):
    structure, manager = delices
    attachment = files.attachment_add(
        actor=manager, structure=structure, filename="C:\\Users\\manuela\\..\\pièce.pdf", data=PDF_BYTES
    )
    assert attachment.filename == "pièce.pdf"


def test_attachment_add_same_bytes_twice_one_stored_file(delices):
    structure, manager = delices
    first = files.attachment_add(actor=manager, structure=structure, filename="a.pdf", data=PDF_BYTES)
    second = files.attachment_add(actor=manager, structure=structure, filename="b.pdf", data=PDF_BYTES)
    assert first.stored_id == second.stored_id
    assert Attachment.objects.count() == 2
    assert StoredFile.objects.count() == 1


def test_attachment_add_exactly_4_mb_accepted(delices):
    structure, manager = delices
    data = PDF_BYTES + b"0" * (4 * 1024 * 1024 - len(PDF_BYTES))
    assert files.attachment_add(
        actor=manager, structure=structure, filename="a.pdf", data=data
    ).stored.size == len(data)


def test_attachment_add_4_mb_plus_one_byte_refused(delices):
    data = PDF_BYTES + b"0" * (4 * 1024 * 1024 + 1 - len(PDF_BYTES))
    error = add_refused(*delices, filename="gros.pdf", data=data)
    assert error.field == "file"
    assert "4 Mo" in str(error.message)


@pytest.mark.parametrize(
    ("filename", "data"),
    [("facture.pdf", EXE_BYTES), ("facture.pdf", HTML_BYTES), ("x.bin", b"\x00\x01\x02")],
)
def test_attachment_add_disguised_or_unknown_file_refused_listing_accepted_types(delices, filename, data):
    error = add_refused(*delices, filename=filename, data=data)
    assert error.field == "file"
    message = str(error.message)
    assert filename in message
    assert "Types acceptés" in message and "PDF" in message


def test_attachment_add_empty_file_refused(delices):
    assert add_refused(*delices, filename="vide.pdf", data=b"").field == "file"


def test_attachment_add_simple_user_refused(delices):
    structure, _manager = delices
    user = MembershipFactory(structure=structure).user
    error = add_refused(structure, user, filename="a.pdf", data=PDF_BYTES)
    assert error.extra["code"] == "forbidden"


def test_attachment_remove_deactivates_keeps_row_and_audits(delices):
    structure, manager = delices
    attachment = files.attachment_add(actor=manager, structure=structure, filename="a.pdf", data=PDF_BYTES)
    files.attachment_remove(actor=manager, attachment=attachment)
    attachment.refresh_from_db()
    assert attachment.is_active is False
    assert StoredFile.objects.filter(pk=attachment.stored_id).exists()
    assert AuditEvent.objects.filter(action="attachment.remove", object_id=str(attachment.pk)).exists()


def test_attachment_remove_twice_refused(delices):
    structure, manager = delices
    attachment = files.attachment_add(actor=manager, structure=structure, filename="a.pdf", data=PDF_BYTES)
    files.attachment_remove(actor=manager, attachment=attachment)
    with pytest.raises(ApplicationError):
        files.attachment_remove(actor=manager, attachment=attachment)


def pdf_text(mandate) -> str:
    reader = PdfReader(io.BytesIO(stored_file_read(mandate.document)))
    return " ".join(page.extract_text() for page in reader.pages)


def test_billing_mandate_subscribe_generates_real_pdf_naming_structure_and_signatory(delices):
    structure, manager = delices
    mandate = files.billing_mandate_subscribe(
        actor=manager, structure=structure, signatory_name="Manuela Martin", signatory_capacity="Gérante"
    )
    data = stored_file_read(mandate.document)
    assert data.startswith(b"%PDF-")
    assert mandate.document.content_type == "application/pdf"
    text = " ".join(pdf_text(mandate).split())
    assert "Mandat de facturation" in text
    assert "Les Délices de Savoie" in text
    assert "73150001300016" in text
    assert "Manuela Martin" in text and "Gérante" in text
    assert "289-I-2" in text
    assert "12 rue de la Tomme" in text
    assert files.billing_mandate_active(structure) == mandate
    event = AuditEvent.objects.get(action="billing_mandate.subscribe")
    assert event.after["document"] == mandate.document.sha256


def test_billing_mandate_subscribe_english_user_still_gets_french_mandate(delices):
    from django.utils import translation

    structure, manager = delices
    with translation.override("en"):
        mandate = files.billing_mandate_subscribe(
            actor=manager, structure=structure, signatory_name="Manuela Martin", signatory_capacity="Gérante"
        )
    assert "Article 1 — Objet" in pdf_text(mandate)


def test_billing_mandate_subscribe_second_live_mandate_refused(delices):
    structure, manager = delices
    files.billing_mandate_subscribe(
        actor=manager, structure=structure, signatory_name="M", signatory_capacity="G"
    )
    with pytest.raises(ApplicationError) as caught:
        files.billing_mandate_subscribe(
            actor=manager, structure=structure, signatory_name="M", signatory_capacity="G"
        )
    assert caught.value.extra["code"] == "exists"
    assert BillingMandate.objects.count() == 1


@pytest.mark.parametrize("missing", ["signatory_name", "signatory_capacity"])
def test_billing_mandate_subscribe_missing_signatory_data_refused_naming_field(delices, missing):
    structure, manager = delices
    values = {"signatory_name": "Manuela Martin", "signatory_capacity": "Gérante", missing: "  "}
    with pytest.raises(ApplicationError) as caught:
        files.billing_mandate_subscribe(actor=manager, structure=structure, **values)
    assert caught.value.field == missing
    assert not BillingMandate.objects.exists()
    assert not StoredFile.objects.exists()


def test_billing_mandate_subscribe_inactive_structure_refused(delices):
    structure, manager = delices
    structure.status = Status.INACTIVE
    structure.save()
    with pytest.raises(ApplicationError):
        files.billing_mandate_subscribe(
            actor=manager, structure=structure, signatory_name="M", signatory_capacity="G"
        )
    assert not BillingMandate.objects.exists()


def test_billing_mandate_subscribe_simple_user_refused(delices):
    structure, _manager = delices
    user = MembershipFactory(structure=structure).user
    with pytest.raises(ApplicationError):
        files.billing_mandate_subscribe(
            actor=user, structure=structure, signatory_name="M", signatory_capacity="G"
        )
    assert not BillingMandate.objects.exists()


def test_billing_mandate_revoke_ends_mandate_then_new_one_allowed(delices):
    structure, manager = delices
    first = files.billing_mandate_subscribe(
        actor=manager, structure=structure, signatory_name="M", signatory_capacity="G"
    )
    files.billing_mandate_revoke(actor=manager, mandate=first)
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoked_by == manager
    assert files.billing_mandate_active(structure) is None
    assert AuditEvent.objects.filter(action="billing_mandate.revoke").count() == 1
    second = files.billing_mandate_subscribe(
        actor=manager, structure=structure, signatory_name="M", signatory_capacity="G"
    )
    assert files.billing_mandate_active(structure) == second


def test_billing_mandate_revoke_already_revoked_refused(delices):
    structure, manager = delices
    mandate = files.billing_mandate_subscribe(
        actor=manager, structure=structure, signatory_name="M", signatory_capacity="G"
    )
    files.billing_mandate_revoke(actor=manager, mandate=mandate)
    with pytest.raises(ApplicationError):
        files.billing_mandate_revoke(actor=manager, mandate=mandate)
    assert AuditEvent.objects.filter(action="billing_mandate.revoke").count() == 1
