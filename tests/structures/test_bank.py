"""ORG-4 bank details at the service level: library-checked numbers, clear refusals that change nothing."""

from __future__ import annotations

import pytest

from openchorus.audit.models import AuditEvent
from openchorus.audit.services import audit_chain_verify
from openchorus.core.errors import ApplicationError
from openchorus.core.models import StoredFile
from openchorus.structures.enums import Status
from openchorus.structures.models import BankAccount
from openchorus.structures.services import bank
from tests.structures.factories import MembershipFactory
from tests.structures.factories_documents import (
    BIC_DE,
    BIC_FR,
    EXE_BYTES,
    HTML_BYTES,
    IBAN_BE,
    IBAN_DE,
    IBAN_FR,
    PDF_BYTES,
    PNG_BYTES,
    RIB,
    iban_account,
    managed_structure,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def delices():
    return managed_structure()


def refused(structure, manager, **values) -> ApplicationError:
    """Create with the given values, expect a refusal, and check that nothing was written."""
    accounts, files, events = (
        BankAccount.objects.count(),
        StoredFile.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(ApplicationError) as caught:
        iban_account(structure, manager, **values)
    assert BankAccount.objects.count() == accounts
    assert StoredFile.objects.count() == files
    assert AuditEvent.objects.count() == events
    return caught.value


@pytest.mark.parametrize(
    ("country", "iban", "bic"),
    [
        ("FR", IBAN_FR, BIC_FR),
        ("DE", IBAN_DE, BIC_DE),
        ("BE", IBAN_BE, "GEBABEBB"),
        ("FR", "fr76 3000 6000 0112 3456 7890 189", "agrifrpp"),
    ],
)
def test_bank_account_create_valid_iban_accepted_and_normalised(delices, country, iban, bic):
    structure, manager = delices
    account = iban_account(structure, manager, country=country, iban=iban, bic=bic)
    assert account.iban == iban.replace(" ", "").upper()
    assert account.bic == bic.upper()
    assert account.status == Status.ACTIVE
    assert account.document.content_type == "application/pdf"
    assert (account.bank_code, account.account_number, account.rib_key) == ("", "", "")


def test_bank_account_create_valid_rib_accepted_with_its_iban(delices):
    structure, manager = delices
    account = iban_account(structure, manager, kind="RIB", iban="", bic="", **RIB)
    assert (account.bank_code, account.branch_code, account.account_number, account.rib_key) == (
        "30006", "00001", "12345678901", "89",
    )  # fmt: skip
    assert account.iban == IBAN_FR


def test_bank_account_create_rib_with_letters_in_account_key_computed_on_converted_letters(delices):
    # RIB key algorithm: letters of the account number become digits (A, J → 1; M → 4; S → 2 …).
    structure, manager = delices
    account = iban_account(
        structure, manager, kind="RIB", bank_code="20041", branch_code="01005", account_number="0500013M026",
        rib_key="06", iban="", bic="",
    )  # fmt: skip
    assert account.iban == "FR1420041010050500013M02606"


def test_bank_account_create_rib_letter_changing_converted_digit_refused(delices):
    # M and N convert to 4 and 5: the key 06 computed with M no longer fits once M becomes N.
    error = refused(
        *delices, kind="RIB", bank_code="20041", branch_code="01005", account_number="0500013N026",
        rib_key="06", iban="", bic="",
    )  # fmt: skip
    assert error.field == "rib_key"


def test_bank_account_create_image_document_accepted(delices):
    structure, manager = delices
    account = iban_account(structure, manager, document_data=PNG_BYTES, document_name="rib.png")
    assert account.document.content_type == "image/png"


def test_bank_account_create_bad_iban_key_refused_naming_iban(delices):
    error = refused(*delices, iban="FR7730006000011234567890189")
    assert error.field == "iban"
    assert "clé IBAN" in str(error.message)


def test_bank_account_create_iban_wrong_length_for_country_refused(delices):
    error = refused(*delices, country="DE", iban="DE8937040044053201300", bic=BIC_DE)
    assert error.field == "iban"
    assert "22 caractères" in str(error.message)
    assert "21" in str(error.message)


def test_bank_account_create_bad_national_key_in_french_iban_refused(delices):
    # IBAN key recomputed so that only the embedded RIB key (88 instead of 89) is wrong.
    from schwifty import IBAN

    iban = str(IBAN.from_bban("FR", "30006000011234567890188"))
    error = refused(*delices, iban=iban)
    assert error.field == "iban"
    assert "clé RIB" in str(error.message)


def test_bank_account_create_bic_of_seven_characters_refused(delices):
    error = refused(*delices, bic="AGRIFRP")
    assert error.field == "bic"
    assert "8 ou 11 caractères" in str(error.message)


def test_bank_account_create_iban_without_bic_refused(delices):
    error = refused(*delices, bic="")
    assert error.field == "bic"


def test_bank_account_create_iban_country_not_chosen_country_refused(delices):
    error = refused(*delices, country="FR", iban=IBAN_DE, bic=BIC_DE)
    assert error.field == "iban"
    assert "« DE »" in str(error.message)


def test_bank_account_create_country_without_iban_refused_naming_country(delices):
    error = refused(*delices, country="US", iban="US12345", bic="CHASUS33")
    assert error.field == "country"


def test_bank_account_create_bad_rib_key_refused_naming_rib_key(delices):
    error = refused(*delices, kind="RIB", iban="", bic="", **{**RIB, "rib_key": "88"})
    assert error.field == "rib_key"
    assert "88" in str(error.message)


@pytest.mark.parametrize(
    ("field", "value"),
    [("bank_code", "3000"), ("branch_code", "0000A"), ("account_number", "123456789"), ("rib_key", "8")],
)
def test_bank_account_create_rib_part_wrong_length_refused_naming_that_part(delices, field, value):
    error = refused(*delices, kind="RIB", iban="", bic="", **{**RIB, field: value})
    assert error.field == field


def test_bank_account_create_rib_outside_france_refused(delices):
    error = refused(*delices, kind="RIB", country="DE", iban="", bic="", **RIB)
    assert error.field == "country"
    assert "IBAN" in str(error.message)


@pytest.mark.parametrize(
    "missing", ["factor_name", "factor_country", "factor_identifier", "factor_identifier_type"]
)
def test_bank_account_create_factor_half_filled_refused_naming_missing_field(delices, missing):
    factor = {
        "factor_name": "Savoie Affacturage",
        "factor_country": "FR",
        "factor_identifier": "73150001300016",
        "factor_identifier_type": "SIRET",
    }
    error = refused(*delices, **{**factor, missing: ""})
    assert error.field == missing
    assert "affacturage" in str(error.message)


def test_bank_account_create_factor_bad_siret_refused_naming_factor_identifier(delices):
    error = refused(
        *delices, factor_name="Savoie Affacturage", factor_country="FR", factor_identifier="73150001300017",
        factor_identifier_type="SIRET",
    )  # fmt: skip
    assert error.field == "factor_identifier"


def test_bank_account_create_complete_factor_accepted(delices):
    structure, manager = delices
    account = iban_account(
        structure, manager, factor_name="Savoie Affacturage", factor_country="FR",
        factor_identifier="731 500 013 00016", factor_identifier_type="SIRET",
    )  # fmt: skip
    assert account.has_factor
    assert account.factor_identifier == "73150001300016"


def test_bank_account_create_without_document_refused_naming_document(delices):
    error = refused(*delices, document_data=None)
    assert error.field == "document"
    assert "obligatoire" in str(error.message)


@pytest.mark.parametrize("data", [EXE_BYTES, HTML_BYTES, b"just some text"])
def test_bank_account_create_document_not_pdf_or_image_refused(delices, data):
    error = refused(*delices, document_data=data, document_name="rib.pdf")
    assert error.field == "document"
    assert "rib.pdf" in str(error.message)


def test_bank_account_create_document_over_4_mb_refused(delices):
    error = refused(*delices, document_data=PDF_BYTES + b"0" * (4 * 1024 * 1024 + 1 - len(PDF_BYTES)))
    assert error.field == "document"
    assert "4 Mo" in str(error.message)


def test_bank_account_create_same_iban_twice_refused(delices):
    structure, manager = delices
    iban_account(structure, manager)
    error = refused(structure, manager, name="Autre nom")
    assert error.field == "iban"


def test_bank_account_create_simple_user_refused(delices):
    structure, _manager = delices
    user = MembershipFactory(structure=structure).user
    error = refused(structure, user)
    assert error.extra["code"] == "forbidden"


def test_bank_account_create_audit_event_masks_iban(delices):
    structure, manager = delices
    account = iban_account(structure, manager)
    event = AuditEvent.objects.get(action="bank_account.create")
    assert event.object_id == str(account.pk)
    assert event.after["iban"] == "*" * 23 + "0189"
    assert IBAN_FR not in str(event.after)
    assert audit_chain_verify(stream=f"structure:{structure.pk}").valid


def test_bank_account_update_changes_fields_keeps_document_and_audits(delices):
    structure, manager = delices
    account = iban_account(structure, manager)
    document = account.document_id
    updated = bank.bank_account_update(
        actor=manager, account=account, name="Compte principal", country="DE", iban=IBAN_DE, bic=BIC_DE
    )
    assert (updated.name, updated.iban, updated.document_id) == ("Compte principal", IBAN_DE, document)
    event = AuditEvent.objects.get(action="bank_account.update")
    assert event.before["iban"].endswith("0189") and event.after["iban"].endswith("3000")
    assert event.before["name"] == "Compte courant"


def test_bank_account_update_invalid_change_refused_and_nothing_changed(delices):
    structure, manager = delices
    account = iban_account(structure, manager)
    with pytest.raises(ApplicationError) as caught:
        bank.bank_account_update(actor=manager, account=account, iban="FR7730006000011234567890189")
    assert caught.value.field == "iban"
    account.refresh_from_db()
    assert account.iban == IBAN_FR
    assert not AuditEvent.objects.filter(action="bank_account.update").exists()


def test_bank_account_update_new_document_replaces_it(delices):
    structure, manager = delices
    account = iban_account(structure, manager)
    updated = bank.bank_account_update(
        actor=manager, account=account, document_data=PNG_BYTES, document_name="rib.png"
    )
    assert updated.document.content_type == "image/png"


def test_bank_account_set_status_inactive_then_active_audited(delices):
    structure, manager = delices
    account = iban_account(structure, manager)
    bank.bank_account_set_status(actor=manager, account=account, status=Status.INACTIVE)
    account.refresh_from_db()
    assert account.status == Status.INACTIVE
    bank.bank_account_set_status(actor=manager, account=account, status=Status.ACTIVE)
    account.refresh_from_db()
    assert account.status == Status.ACTIVE
    assert AuditEvent.objects.filter(action="bank_account.status").count() == 2


def test_bank_account_set_status_simple_user_refused(delices):
    structure, manager = delices
    account = iban_account(structure, manager)
    user = MembershipFactory(structure=structure).user
    with pytest.raises(ApplicationError):
        bank.bank_account_set_status(actor=user, account=account, status=Status.INACTIVE)
    account.refresh_from_db()
    assert account.status == Status.ACTIVE
