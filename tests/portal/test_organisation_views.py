"""Organisation pages over HTTP: every page refuses strangers (404, no data) and non-managers (403),
shows refusals beside the field, and changes nothing on refusal."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from openchorus.structures.enums import Level, RequestStatus, Role, Space
from openchorus.structures.models import (
    Habilitation,
    Membership,
    MembershipRequest,
    Structure,
    StructureService,
)
from tests.factories import UserFactory
from tests.structures.factories import MembershipFactory, ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db

STRUCTURE_PAGES = [
    ("portal:structure_detail", "view"),
    ("portal:structure_edit", "modify"),
    ("portal:structure_members", "view_members"),
    ("portal:structure_habilitations", "manage_habilitations"),
    ("portal:structure_transfer", "transfer_primary"),
    ("portal:service_create", "manage_services"),
]


@pytest.fixture
def org():
    structure = StructureFactory(legal_name="Fromagerie Secrète")
    return {
        "structure": structure,
        "primary": MembershipFactory(structure=structure, primary=True).user,
        "member": MembershipFactory(structure=structure).user,
        "stranger": UserFactory(),
    }


@pytest.mark.parametrize(("name", "ability"), STRUCTURE_PAGES)
def test_structure_pages_stranger_gets_404_without_data(client, org, name, ability):
    client.force_login(org["stranger"])
    response = client.get(reverse(name, kwargs={"structure_id": org["structure"].pk}))
    assert response.status_code == 404
    assert "Fromagerie Secrète" not in response.content.decode()


@pytest.mark.parametrize(("name", "ability"), STRUCTURE_PAGES)
def test_structure_pages_simple_member_gets_403_on_admin_pages(client, org, name, ability):
    client.force_login(org["member"])
    response = client.get(reverse(name, kwargs={"structure_id": org["structure"].pk}))
    assert response.status_code == (200 if ability == "view" else 403)


@pytest.mark.parametrize(("name", "ability"), STRUCTURE_PAGES)
def test_structure_pages_primary_manager_allowed(client, org, name, ability):
    client.force_login(org["primary"])
    assert client.get(reverse(name, kwargs={"structure_id": org["structure"].pk})).status_code == 200


@pytest.mark.parametrize("name", ["portal:manager_activities", "portal:approvals", "portal:rights_duplicate"])
def test_manager_pages_refused_to_non_managers(client, org, name):
    client.force_login(org["member"])
    assert client.get(reverse(name)).status_code == 403
    client.force_login(org["primary"])
    assert client.get(reverse(name)).status_code == 200


def test_anonymous_redirected_from_organisation_pages(client, org):
    response = client.get(reverse("portal:structure_detail", kwargs={"structure_id": org["structure"].pk}))
    assert response.status_code == 302


def test_structure_edit_post_by_member_refused_and_unchanged(client, org):
    client.force_login(org["member"])
    url = reverse("portal:structure_edit", kwargs={"structure_id": org["structure"].pk})
    response = client.post(
        url,
        {
            "general-legal_name": "Piratée",
            "general-address_line1": "x",
            "general-postcode": "1",
            "general-city": "x",
            "general-country": "FR",
        },
    )
    assert response.status_code == 403
    assert Structure.objects.get(pk=org["structure"].pk).legal_name == "Fromagerie Secrète"


def test_service_create_duplicate_code_shows_error_beside_field(client, org):
    ServiceFactory(structure=org["structure"], code="BC")
    client.force_login(org["primary"])
    url = reverse("portal:service_create", kwargs={"structure_id": org["structure"].pk})
    response = client.post(
        url, {"code": "bc", "label": "Bons", "start_date": "2026-01-01", "status": "ACTIF"}
    )
    assert response.status_code == 400
    assert "existe déjà dans cette structure" in html.unescape(response.content.decode())
    assert StructureService.objects.filter(structure=org["structure"]).count() == 1


def test_transfer_to_non_member_shows_error_and_keeps_primary(client, org):
    client.force_login(org["primary"])
    url = reverse("portal:structure_transfer", kwargs={"structure_id": org["structure"].pk})
    response = client.post(url, {"email": org["stranger"].email})
    assert response.status_code == 400
    assert "doit d'abord y être rattaché" in html.unescape(response.content.decode())
    assert (
        Membership.objects.get(structure=org["structure"], role=Role.PRIMARY_MANAGER).user == org["primary"]
    )


def test_membership_request_without_comment_shows_error_and_creates_nothing(client, org):
    client.force_login(org["stranger"])
    response = client.post(
        reverse("portal:membership_request"), {"structure": org["structure"].pk, "service": "", "comment": ""}
    )
    assert response.status_code == 400
    assert "commentaire" in html.unescape(response.content.decode())
    assert not MembershipRequest.objects.exists()


def test_membership_request_then_approval_in_inbox(client, org):
    client.force_login(org["stranger"])
    client.post(
        reverse("portal:membership_request"),
        {"structure": org["structure"].pk, "service": "", "comment": "Nouvelle comptable"},
    )
    request = MembershipRequest.objects.get()
    client.force_login(org["primary"])
    inbox = html.unescape(client.get(reverse("portal:approvals")).content.decode())
    assert "Nouvelle comptable" in inbox
    client.post(
        reverse("portal:approval_decide", kwargs={"kind": "rattachement", "request_id": request.pk}),
        {"decision": "approve", "role": Role.USER},
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert Membership.objects.filter(
        user=org["stranger"], structure=org["structure"], is_active=True
    ).exists()


def test_approval_decide_on_other_structure_request_is_404_and_unchanged(client, org):
    other = StructureFactory()
    request = MembershipRequest.objects.create(user=UserFactory(), structure=other, comment="x")
    client.force_login(org["primary"])
    response = client.post(
        reverse("portal:approval_decide", kwargs={"kind": "rattachement", "request_id": request.pk}),
        {"decision": "approve"},
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED


def test_habilitation_remove_other_structure_is_404(client, org):
    other = StructureFactory()
    habilitation = Habilitation.objects.create(
        user=UserFactory(), structure=other, space=Space.SENT_INVOICES, level=Level.EDIT
    )
    client.force_login(org["primary"])
    url = reverse(
        "portal:habilitation_remove",
        kwargs={"structure_id": org["structure"].pk, "habilitation_id": habilitation.pk},
    )
    assert client.post(url).status_code == 404
    assert Habilitation.objects.filter(pk=habilitation.pk).exists()


def test_habilitations_export_lists_only_my_rights(client, org):
    Habilitation.objects.create(
        user=org["member"], structure=org["structure"], space=Space.SENT_INVOICES, level=Level.VIEW
    )
    Habilitation.objects.create(
        user=org["stranger"], structure=StructureFactory(), space=Space.ENGAGEMENTS, level=Level.EDIT
    )
    client.force_login(org["member"])
    response = client.get(reverse("portal:habilitations_export"))
    content = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert content.splitlines()[0] == "Structure;Raison sociale;Code service;Libellé service;Profils"
    assert "Factures émises consultation" in content and "Engagements" not in content


def test_navigation_tabs_show_manager_activities_only_to_managers(client, org):
    client.force_login(org["member"])
    assert "Activités du gestionnaire" not in client.get(reverse("portal:dashboard")).content.decode()
    client.force_login(org["primary"])
    assert "Activités du gestionnaire" in client.get(reverse("portal:dashboard")).content.decode()


def test_member_detach_self_from_account_page(client, org):
    membership = Membership.objects.get(user=org["member"])
    client.force_login(org["member"])
    client.post(reverse("portal:membership_detach", kwargs={"membership_id": membership.pk}))
    membership.refresh_from_db()
    assert not membership.is_active


def test_structure_history_shows_changes_and_verified_chain(client, org):
    from openchorus.structures.services import structures as structure_services

    structure_services.structure_update(
        actor=org["primary"], structure=org["structure"], label="Fromagerie du col"
    )
    client.force_login(org["primary"])
    page = html.unescape(
        client.get(
            reverse("portal:structure_history", kwargs={"structure_id": org["structure"].pk})
        ).content.decode()
    )
    assert "structure.update" in page and "Fromagerie du col" in page
    assert "Piste d'audit intègre" in page


def test_structure_history_refused_to_simple_member(client, org):
    client.force_login(org["member"])
    assert (
        client.get(
            reverse("portal:structure_history", kwargs={"structure_id": org["structure"].pk})
        ).status_code
        == 403
    )
