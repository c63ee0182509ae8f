"""Reads of the organisation app, always scoped by the acting user through access.py."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from openchorus.core.text import search_normalize
from openchorus.structures import access
from openchorus.structures.enums import RequestStatus, Role
from openchorus.structures.models import (
    Habilitation,
    Membership,
    MembershipRequest,
    SpaceSubscription,
    Structure,
    StructureService,
)


def structures_administered(*, user) -> QuerySet[Structure]:
    return Structure.objects.filter(pk__in=access.managed_structure_ids(user)).order_by("legal_name")


def memberships_of_user(*, user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("structure", "service")
        .order_by("structure__legal_name", "service__code")
    )


def habilitations_of_user(*, user) -> QuerySet[Habilitation]:
    """ "Mes habilitations": the explicit profiles (managers also hold every open space)."""
    return (
        Habilitation.objects.filter(
            user=user, structure__memberships__user=user, structure__memberships__is_active=True
        )
        .distinct()
        .select_related("structure", "service")
        .order_by("structure__identifier", "service__code", "space")
    )


def members_of_structure(*, user, structure: Structure) -> QuerySet[Membership]:
    if not access.can(user, "view_members", structure):
        return Membership.objects.none()
    return (
        Membership.objects.filter(structure=structure, is_active=True)
        .select_related("user", "service")
        .order_by("-role", "user__last_name", "user__first_name")
    )


def habilitations_of_structure(*, user, structure: Structure) -> QuerySet[Habilitation]:
    if not access.can(user, "manage_habilitations", structure):
        return Habilitation.objects.none()
    return (
        Habilitation.objects.filter(structure=structure)
        .select_related("user", "service")
        .order_by("user__last_name", "service__code", "space")
    )


def services_of_structure(*, user, structure: Structure) -> QuerySet[StructureService]:
    if not access.can(user, "view", structure):
        return StructureService.objects.none()
    return structure.services.order_by("code")


def approvals_pending(*, user) -> tuple[list[MembershipRequest], list[SpaceSubscription]]:
    """The "Approbations" inbox: requests awaiting a decision on structures the user administers."""
    ids = access.managed_structure_ids(user)
    requests = list(
        MembershipRequest.objects.filter(structure_id__in=ids, status=RequestStatus.REQUESTED)
        .select_related("user", "structure", "service")
        .order_by("created_at")
    )
    subscriptions = list(
        SpaceSubscription.objects.filter(structure_id__in=ids, status=RequestStatus.REQUESTED)
        .select_related("user", "structure")
        .order_by("created_at")
    )
    return requests, subscriptions


def approvals_pending_count(*, structure_ids: list[int]) -> int:
    """Pending requests on these structures (the caller passes the ones the user administers)."""
    return (
        MembershipRequest.objects.filter(
            structure_id__in=structure_ids, status=RequestStatus.REQUESTED
        ).count()
        + SpaceSubscription.objects.filter(
            structure_id__in=structure_ids, status=RequestStatus.REQUESTED
        ).count()
    )


def approvals_history(*, user, limit: int = 50) -> tuple[list[MembershipRequest], list[SpaceSubscription]]:
    ids = access.managed_structure_ids(user)
    decided = ~Q(status=RequestStatus.REQUESTED)
    return (
        list(
            MembershipRequest.objects.filter(decided, structure_id__in=ids)
            .select_related("user", "structure", "service", "decided_by")
            .order_by("-decided_at")[:limit]
        ),
        list(
            SpaceSubscription.objects.filter(decided, structure_id__in=ids)
            .select_related("user", "structure", "decided_by")
            .order_by("-decided_at")[:limit]
        ),
    )


def requests_of_user(*, user) -> QuerySet[MembershipRequest]:
    return (
        MembershipRequest.objects.filter(user=user)
        .select_related("structure", "service")
        .order_by("-created_at")
    )


def structures_for_membership_search(*, text: str, limit: int = 20) -> list[Structure]:
    """Find a structure to join by identifier, legal name or label (ORG-8), active ones only."""
    words = search_normalize(text).split()
    if not words:
        return []
    query = Structure.objects.filter(status="ACTIF")
    compact = text.replace(" ", "")
    if compact.isdigit():
        return list(query.filter(identifier__startswith=compact).order_by("identifier")[:limit])
    for word in words:
        query = query.filter(search_text__contains=word)
    return list(query.order_by("legal_name")[:limit])


def primary_manager_of(*, structure: Structure) -> Membership | None:
    return (
        Membership.objects.filter(structure=structure, role=Role.PRIMARY_MANAGER, is_active=True)
        .select_related("user")
        .first()
    )


# --- API reads (RAC-2) ------------------------------------------------------------------------------
# The structures an actor (user or technical account) may look up: every public structure (public
# information, as the directory) and the private ones it belongs to; nothing else, so a stranger's
# private structure answers as a missing one.


def _visible_to(actor) -> Q:
    from openchorus.structures.enums import StructureKind

    return Q(kind=StructureKind.PUBLIC) | Q(pk__in=sorted(access.rights_for(actor)))


def structures_search_for_actor(
    *,
    actor,
    identifier: str = "",
    identifier_type: str = "",
    name: str = "",
    postcode: str = "",
    city: str = "",
    country: str = "",
    kind: str = "",
    status: str = "",
) -> QuerySet[Structure]:
    """`structures/rechercher`: structures matching every criterion given, among the visible ones."""
    query = Structure.objects.filter(_visible_to(actor))
    if identifier := identifier.replace(" ", ""):
        query = query.filter(identifier__startswith=identifier)
    if identifier_type:
        query = query.filter(identifier_type=identifier_type)
    for word in search_normalize(name).split():
        query = query.filter(search_text__contains=word)
    if postcode:
        query = query.filter(postcode__startswith=postcode.strip())
    if city:
        query = query.filter(city__iexact=city.strip())
    if country:
        query = query.filter(country=country.strip().upper())
    if kind:
        query = query.filter(kind=kind)
    if status:
        query = query.filter(status=status)
    return query


def structure_get_for_actor(*, actor, structure_id: int) -> Structure | None:
    """One visible structure, or None (missing and invisible look the same)."""
    return Structure.objects.filter(_visible_to(actor), pk=structure_id).first()


def service_get_for_actor(*, actor, structure: Structure, service_id: int) -> StructureService | None:
    """A service of a structure already checked visible (`structure_get_for_actor`)."""
    return StructureService.objects.filter(structure=structure, pk=service_id).first()


def services_for_actor(*, actor, structure: Structure) -> QuerySet[StructureService]:
    """The services of a structure already checked visible (public ones are in the directory)."""
    return StructureService.objects.filter(structure=structure)


def memberships_for_actor(*, actor, structure: Structure, email: str = "") -> QuerySet[Membership]:
    """`lister/rattachementsutilisateur`: attachments to a structure (of one user, by e-mail)."""
    if not access.technical_account_may_list_members(actor, structure):
        return Membership.objects.none()
    memberships = Membership.objects.filter(structure=structure).select_related("user", "service")
    if email:
        memberships = memberships.filter(user__email__iexact=email.strip())
    return memberships.order_by("user__email", "service__code", "pk")
