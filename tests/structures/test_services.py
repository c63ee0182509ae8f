"""ORG-1..3, 7, 8, 11..13 at the service level: outcomes, refusals that change nothing, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from openchorus.audit.models import AuditEvent
from openchorus.audit.services import audit_chain_verify
from openchorus.core.errors import ApplicationError
from openchorus.structures import access
from openchorus.structures.enums import Level, RequestStatus, Role, Space, Status, StructureKind
from openchorus.structures.models import (
    Habilitation,
    Membership,
    MembershipRequest,
    Structure,
    StructureService,
)
from openchorus.structures.services import memberships, rights
from openchorus.structures.services import structures as structure_services
from tests.factories import UserFactory
from tests.structures.factories import MembershipFactory, ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db

ADDRESS = {"address_line1": "12 rue de la Tomme", "postcode": "73000", "city": "Chambéry"}


def create_delices(user):
    return structure_services.structure_create(
        actor=user,
        identifier_type="SIRET",
        identifier="73150001300016",
        kind=StructureKind.PRIVATE,
        legal_name="Les Délices de Savoie",
        **ADDRESS,
    )


def test_structure_create_creator_becomes_primary_manager_and_audited():
    manuela = UserFactory()
    structure = create_delices(manuela)
    membership = Membership.objects.get(structure=structure)
    assert (membership.user, membership.role) == (manuela, Role.PRIMARY_MANAGER)
    assert access.can(manuela, "transfer_primary", structure)
    assert structure.search_text == "les delices de savoie 73150001300016 chambery 73000"
    actions = list(
        AuditEvent.objects.filter(stream=f"structure:{structure.pk}").values_list("action", flat=True)
    )
    assert actions == ["structure.create", "membership.create"]
    assert audit_chain_verify(stream=f"structure:{structure.pk}").valid


@pytest.mark.parametrize(
    ("identifier", "field", "message"),
    [("73150001300017", "siret", "clé de contrôle"), ("123", "siret", "14 chiffres")],
)
def test_structure_create_bad_siret_refused_and_nothing_created(identifier, field, message):
    with pytest.raises(ApplicationError, match=message):
        structure_services.structure_create(
            actor=UserFactory(),
            identifier_type="SIRET",
            identifier=identifier,
            kind="PRIVEE",
            legal_name="X",
            **ADDRESS,
        )
    assert not Structure.objects.exists()
    assert not Membership.objects.exists()


def test_structure_create_existing_identifier_points_to_membership_request():
    create_delices(UserFactory())
    with pytest.raises(ApplicationError) as error:
        create_delices(UserFactory())
    assert error.value.extra["code"] == "exists"
    assert "demandez-y un rattachement" in str(error.value.message)
    assert Structure.objects.count() == 1


def test_structure_create_bad_vat_number_refused():
    with pytest.raises(ApplicationError) as error:
        structure_services.structure_create(
            actor=UserFactory(), identifier_type="SIRET", identifier="73150001300016", kind="PRIVEE",
            legal_name="X", vat_number="FR00123456789", **ADDRESS,
        )  # fmt: skip
    assert error.value.field == "vat_number"
    assert not Structure.objects.exists()


def test_structure_update_public_parameters_kept_only_for_public_structures():
    manager = UserFactory()
    public = StructureFactory(public=True)
    private = StructureFactory()
    MembershipFactory(user=manager, structure=public, primary=True)
    MembershipFactory(user=manager, structure=private, primary=True)
    structure_services.structure_update(
        actor=manager, structure=public, service_code_required=True, moa_presence="AVEC_MOA"
    )
    structure_services.structure_update(actor=manager, structure=private, service_code_required=True)
    public.refresh_from_db()
    private.refresh_from_db()
    assert public.service_code_required and public.moa_presence == "AVEC_MOA"
    assert not private.service_code_required
    event = AuditEvent.objects.filter(action="structure.update").first()
    assert event.before["service_code_required"] is False and event.after["service_code_required"] is True


def test_structure_update_by_simple_user_refused_and_unchanged():
    structure = StructureFactory(legal_name="Avant")
    user = MembershipFactory(structure=structure).user
    with pytest.raises(ApplicationError) as error:
        structure_services.structure_update(actor=user, structure=structure, legal_name="Après")
    assert error.value.extra["code"] == "forbidden"
    structure.refresh_from_db()
    assert structure.legal_name == "Avant"


def test_structure_inactivation_keeps_record_and_blocks_exchange():
    structure = StructureFactory()
    manager = MembershipFactory(structure=structure, primary=True).user
    structure_services.structure_set_status(actor=manager, structure=structure, status=Status.INACTIVE)
    structure.refresh_from_db()
    assert not access.structure_can_exchange(structure)
    assert access.can(manager, "view", structure)


def test_service_create_duplicate_code_in_structure_refused_but_reusable_elsewhere():
    structure, other = StructureFactory(public=True), StructureFactory(public=True)
    manager = MembershipFactory(structure=structure, primary=True).user
    MembershipFactory(user=manager, structure=other, primary=True)
    structure_services.service_create(actor=manager, structure=structure, code="bc", label="Bons de commande")
    with pytest.raises(ApplicationError) as error:
        structure_services.service_create(actor=manager, structure=structure, code="BC", label="Autre")
    assert error.value.field == "code" and "existe déjà" in str(error.value.message)
    structure_services.service_create(actor=manager, structure=other, code="BC", label="Bons de commande")
    assert StructureService.objects.filter(code="BC").count() == 2


def test_service_activation_dates_decide_activity():
    service = ServiceFactory(start_date=date(2026, 1, 1), end_date=date(2026, 7, 1))
    assert not service.is_active_on(date(2025, 12, 31))
    assert service.is_active_on(date(2026, 1, 1))
    assert service.is_active_on(date(2026, 6, 30))
    assert not service.is_active_on(date(2026, 7, 1))
    service.status = Status.INACTIVE
    assert not service.is_active_on(date(2026, 3, 1))


def test_service_end_before_start_refused():
    structure = StructureFactory()
    manager = MembershipFactory(structure=structure, primary=True).user
    with pytest.raises(ApplicationError) as error:
        structure_services.service_create(
            actor=manager, structure=structure, code="T", label="Traiteur",
            start_date=date(2026, 5, 1), end_date=date(2026, 4, 1),
        )  # fmt: skip
    assert error.value.field == "end_date"
    assert not StructureService.objects.exists()


def test_membership_request_without_comment_refused():
    structure = StructureFactory()
    with pytest.raises(ApplicationError) as error:
        memberships.membership_request_create(user=UserFactory(), structure=structure, comment="  ")
    assert error.value.field == "comment"
    assert not MembershipRequest.objects.exists()


def test_membership_request_approved_as_secondary_manager_grants_admin():
    structure = StructureFactory()
    manuela = MembershipFactory(structure=structure, primary=True).user
    pierre = UserFactory()
    request = memberships.membership_request_create(
        user=pierre, structure=structure, comment="Je rejoins Manuela"
    )
    assert access.structure_rights(pierre, structure) is None
    memberships.membership_request_approve(actor=manuela, request=request, role=Role.SECONDARY_MANAGER)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED and request.decided_by == manuela
    assert access.can(pierre, "manage_services", structure)
    assert not access.can(pierre, "transfer_primary", structure)


def test_membership_request_decided_by_simple_user_refused():
    structure = StructureFactory()
    user = MembershipFactory(structure=structure).user
    request = memberships.membership_request_create(
        user=UserFactory(), structure=structure, comment="Bonjour"
    )
    with pytest.raises(ApplicationError):
        memberships.membership_request_approve(actor=user, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED


def test_membership_request_refused_keeps_history():
    structure = StructureFactory()
    manager = MembershipFactory(structure=structure, primary=True).user
    request = memberships.membership_request_create(
        user=UserFactory(), structure=structure, comment="Bonjour"
    )
    memberships.membership_request_refuse(actor=manager, request=request, comment="Inconnu")
    request.refresh_from_db()
    assert (request.status, request.decision_comment) == (RequestStatus.REFUSED, "Inconnu")
    assert not Membership.objects.filter(user=request.user).exists()


def test_primary_transfer_former_primary_becomes_simple_user():
    structure = StructureFactory()
    manuela = MembershipFactory(structure=structure, primary=True).user
    pierre = MembershipFactory(structure=structure, secondary=True).user
    memberships.primary_transfer(actor=manuela, structure=structure, new_primary_email=pierre.email.upper())
    roles = dict(Membership.objects.filter(structure=structure).values_list("user__email", "role"))
    assert roles == {manuela.email: Role.USER, pierre.email: Role.PRIMARY_MANAGER}


def test_primary_transfer_to_non_member_refused_and_nothing_changed():
    structure = StructureFactory()
    manuela = MembershipFactory(structure=structure, primary=True).user
    stranger = UserFactory()
    with pytest.raises(ApplicationError) as error:
        memberships.primary_transfer(actor=manuela, structure=structure, new_primary_email=stranger.email)
    assert error.value.field == "email"
    assert Membership.objects.get(structure=structure, user=manuela).role == Role.PRIMARY_MANAGER


def test_primary_transfer_by_secondary_manager_refused():
    structure = StructureFactory()
    MembershipFactory(structure=structure, primary=True)
    pierre = MembershipFactory(structure=structure, secondary=True).user
    with pytest.raises(ApplicationError):
        memberships.primary_transfer(actor=pierre, structure=structure, new_primary_email=pierre.email)


def test_primary_deactivation_appoints_most_recently_connected_secondary():
    from openchorus.accounts.services import user_deactivate
    from tests.factories import PASSWORD

    structure = StructureFactory()
    primary = MembershipFactory(structure=structure, primary=True).user
    now = timezone.now()
    MembershipFactory(
        structure=structure, secondary=True, user=UserFactory(last_login=now - timedelta(days=3))
    )
    recent = MembershipFactory(
        structure=structure, secondary=True, user=UserFactory(last_login=now - timedelta(hours=1))
    ).user
    MembershipFactory(
        structure=structure, user=UserFactory(last_login=now)
    )  # a simple user is never appointed
    user_deactivate(user=primary, current_password=PASSWORD)
    assert Membership.objects.get(structure=structure, role=Role.PRIMARY_MANAGER).user == recent


def test_membership_detach_self_primary_refused_user_allowed_and_rights_removed():
    structure = StructureFactory()
    primary = MembershipFactory(structure=structure, primary=True)
    member = MembershipFactory(structure=structure)
    Habilitation.objects.create(
        user=member.user, structure=structure, space=Space.SENT_INVOICES, level=Level.EDIT
    )
    with pytest.raises(ApplicationError, match="transférez"):
        memberships.membership_detach_self(user=primary.user, membership=primary)
    memberships.membership_detach_self(user=member.user, membership=member)
    member.refresh_from_db()
    assert not member.is_active and member.ended_at is not None
    assert not Habilitation.objects.filter(user=member.user).exists()
    assert access.structure_rights(member.user, structure) is None


def test_membership_attach_by_email_unknown_account_refused():
    structure = StructureFactory()
    manager = MembershipFactory(structure=structure, primary=True).user
    with pytest.raises(ApplicationError) as error:
        memberships.membership_attach_by_email(actor=manager, structure=structure, email="nobody@example.fr")
    assert error.value.field == "email"
    assert Membership.objects.filter(structure=structure).count() == 1


def test_membership_attach_to_service_grants_default_spaces_for_that_service_only():
    structure = StructureFactory()
    manager = MembershipFactory(structure=structure, primary=True).user
    traiteur = ServiceFactory(structure=structure, code="TRAITEUR")
    manuela = UserFactory()
    memberships.membership_attach_by_email(
        actor=manager, structure=structure, email=manuela.email, service=traiteur
    )
    grant = access.space_grant(manuela, structure, Space.SENT_INVOICES)
    assert grant is not None and grant.can_edit and grant.services == {traiteur.pk}


def test_signup_with_existing_siret_creates_pending_request():
    structure = StructureFactory(identifier="73150001300016")
    MembershipFactory(structure=structure, primary=True)
    pierre = UserFactory(signup_identifier="73150001300016")
    request = memberships.membership_request_on_signup(user=pierre)
    assert (
        request is not None and request.structure == structure and request.status == RequestStatus.REQUESTED
    )


def test_rights_duplicate_copies_memberships_and_habilitations_on_managed_structures_only():
    managed, foreign = StructureFactory(), StructureFactory()
    operator = MembershipFactory(structure=managed, primary=True).user
    source = MembershipFactory(structure=managed).user
    MembershipFactory(structure=foreign, user=source)
    Habilitation.objects.create(user=source, structure=managed, space=Space.ENGAGEMENTS, level=Level.VIEW)
    Habilitation.objects.create(user=source, structure=foreign, space=Space.ENGAGEMENTS, level=Level.EDIT)
    target = UserFactory()
    created = memberships.rights_duplicate(actor=operator, source=source, target=target)
    assert created == 2
    assert set(Membership.objects.filter(user=target).values_list("structure_id", flat=True)) == {managed.pk}
    assert list(Habilitation.objects.filter(user=target).values_list("structure_id", "level")) == [
        (managed.pk, Level.VIEW)
    ]


def test_space_subscription_approved_gives_habilitation():
    structure = StructureFactory()
    manager = MembershipFactory(structure=structure, primary=True).user
    user = MembershipFactory(structure=structure).user
    rights.space_open(actor=manager, structure=structure, space=Space.ENGAGEMENTS)
    subscription = rights.space_subscription_request(
        user=user, structure=structure, space=Space.ENGAGEMENTS, level=Level.VIEW
    )
    assert access.space_grant(user, structure, Space.ENGAGEMENTS) is None
    rights.space_subscription_decide(actor=manager, subscription=subscription, approve=True)
    grant = access.space_grant(user, structure, Space.ENGAGEMENTS)
    assert grant is not None and not grant.can_edit


def test_space_subscription_to_closed_space_refused():
    structure = StructureFactory()
    user = MembershipFactory(structure=structure).user
    with pytest.raises(ApplicationError, match="n'est pas ouvert"):
        rights.space_subscription_request(user=user, structure=structure, space=Space.ENGAGEMENTS)


def test_received_invoices_space_refused_on_private_structure():
    structure = StructureFactory()
    manager = MembershipFactory(structure=structure, primary=True).user
    with pytest.raises(ApplicationError, match="réservé aux structures publiques"):
        rights.space_open(actor=manager, structure=structure, space=Space.RECEIVED_INVOICES)


def test_organisation_edit_profile_gives_admin_but_not_transfer():
    structure = StructureFactory()
    manager = MembershipFactory(structure=structure, primary=True).user
    helper = MembershipFactory(structure=structure).user
    rights.habilitation_set(
        actor=manager, user=helper, structure=structure, space=Space.ORGANISATION, level=Level.EDIT
    )
    assert access.can(helper, "manage_services", structure)
    assert access.can(helper, "decide_requests", structure)
    assert not access.can(helper, "transfer_primary", structure)


def test_habilitation_for_non_member_refused():
    structure = StructureFactory()
    manager = MembershipFactory(structure=structure, primary=True).user
    with pytest.raises(ApplicationError) as error:
        rights.habilitation_set(
            actor=manager,
            user=UserFactory(),
            structure=structure,
            space=Space.SENT_INVOICES,
            level=Level.VIEW,
        )
    assert error.value.field == "user"
    assert not Habilitation.objects.exists()


def test_space_scope_service_habilitation_filters_to_that_service():
    structure = StructureFactory()
    traiteur = ServiceFactory(structure=structure)
    ServiceFactory(structure=structure)
    user = MembershipFactory(structure=structure).user
    Habilitation.objects.create(
        user=user, structure=structure, service=traiteur, space=Space.SENT_INVOICES, level=Level.EDIT
    )
    visible = StructureService.objects.filter(
        access.space_scope(user, Space.SENT_INVOICES, service_field="id")
    )
    assert list(visible) == [traiteur]


def test_deactivated_account_holds_no_rights():
    structure = StructureFactory()
    user = MembershipFactory(structure=structure, primary=True, user=UserFactory(deactivated=True)).user
    assert access.rights_for(user) == {}
    assert not access.can(user, "view", structure)
