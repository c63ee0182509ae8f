"""The "Raccordements" page: managers request technical accounts, see the secrets once, renew the
password and revoke; strangers and simple members are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openchorus.audit.models import AuditEvent
from openchorus.connections.models import TechnicalAccount
from openchorus.connections.services import technical_account_create
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    structure = StructureFactory(legal_name="Fromagerie Raccordée")
    return {
        "structure": structure,
        "manager": MembershipFactory(structure=structure, primary=True).user,
        "member": MembershipFactory(structure=structure).user,
    }


def test_page_requires_login(client):
    assert client.get(reverse("portal:connections")).status_code == 302


def test_page_refuses_users_who_manage_no_structure(client, org):
    client.force_login(org["member"])
    assert client.get(reverse("portal:connections")).status_code == 403


def test_manager_creates_account_and_sees_secrets_once(client, org):
    client.force_login(org["manager"])
    response = client.post(
        reverse("portal:connections"), {"structure": org["structure"].pk, "label": "Mon ERP"}
    )
    assert response.status_code == 200
    account = TechnicalAccount.objects.get(structure=org["structure"])
    page = response.content.decode()
    assert 'id="credentials"' in page
    assert account.login in page
    assert account.application.client_id in page
    again = client.get(reverse("portal:connections")).content.decode()
    assert account.login in again  # listed
    assert 'id="credentials"' not in again  # the secrets are gone
    assert AuditEvent.objects.filter(
        stream=f"structure:{org['structure'].pk}", action="technical_account.create"
    ).exists()


def test_manager_cannot_create_for_a_structure_they_do_not_manage(client, org):
    outsider = StructureFactory()
    client.force_login(org["manager"])
    response = client.post(reverse("portal:connections"), {"structure": outsider.pk})
    assert response.status_code == 400
    assert not TechnicalAccount.objects.exists()


def test_rotate_shows_new_password_and_audits(client, org):
    credentials = technical_account_create(actor=org["manager"], structure=org["structure"])
    client.force_login(org["manager"])
    response = client.post(reverse("portal:connection_rotate", args=[credentials.account.pk]))
    assert response.status_code == 200
    assert 'id="credential-password"' in response.content.decode()
    assert credentials.password not in response.content.decode()
    assert AuditEvent.objects.filter(action="technical_account.password_rotate").count() == 1


def test_revoke(client, org):
    credentials = technical_account_create(actor=org["manager"], structure=org["structure"])
    client.force_login(org["manager"])
    response = client.post(reverse("portal:connection_revoke", args=[credentials.account.pk]))
    assert response.status_code == 302
    credentials.account.refresh_from_db()
    assert credentials.account.is_revoked
    assert "Révoqué" in client.get(reverse("portal:connections")).content.decode()


def test_other_managers_cannot_touch_an_account(client, org):
    credentials = technical_account_create(actor=org["manager"], structure=org["structure"])
    stranger = MembershipFactory(structure=StructureFactory(), primary=True).user
    client.force_login(stranger)
    assert credentials.account.login not in client.get(reverse("portal:connections")).content.decode()
    assert client.post(reverse("portal:connection_revoke", args=[credentials.account.pk])).status_code == 404
    assert client.post(reverse("portal:connection_rotate", args=[credentials.account.pk])).status_code == 404
    credentials.account.refresh_from_db()
    assert not credentials.account.is_revoked
