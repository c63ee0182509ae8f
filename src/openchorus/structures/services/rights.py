"""Spaces, subscriptions and habilitations (ORG-9, ORG-10)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openchorus.core.errors import ApplicationError
from openchorus.notifications.enums import FeedEventKind
from openchorus.notifications.services import feed_event_add
from openchorus.structures import access
from openchorus.structures.enums import (
    DEFAULT_SPACES,
    OPENABLE_SPACES,
    PUBLIC_ONLY_SPACES,
    Level,
    RequestStatus,
    Space,
)
from openchorus.structures.models import (
    Habilitation,
    Membership,
    SpaceSubscription,
    Structure,
    StructureService,
    StructureSpace,
)
from openchorus.structures.services._common import audit, require

GRANTABLE_SPACES = tuple(s for s in Space if s not in {Space.MANAGER_ACTIVITIES, Space.ACCOUNT})


def _space_check(structure: Structure, space: str) -> None:
    if space in PUBLIC_ONLY_SPACES and not structure.is_public:
        raise ApplicationError(
            _("L'espace « %(space)s » est réservé aux structures publiques.") % {"space": Space(space).label},
            field="space",
        )


@transaction.atomic
def space_open(*, actor, structure: Structure, space: str) -> StructureSpace:
    require(actor, "manage_spaces", structure)
    if space not in OPENABLE_SPACES:
        raise ApplicationError(_("Cet espace ne s'ouvre pas : il est toujours disponible."), field="space")
    _space_check(structure, space)
    opened, created = StructureSpace.objects.get_or_create(structure=structure, space=space)
    if created:
        audit(actor=actor, structure=structure, action="space.open", obj=opened, after={"space": space})
    return opened


@transaction.atomic
def space_close(*, actor, structure: Structure, space: str) -> None:
    require(actor, "manage_spaces", structure)
    deleted, _ = StructureSpace.objects.filter(structure=structure, space=space).delete()
    if deleted:
        audit(actor=actor, structure=structure, action="space.close", obj=structure, before={"space": space})


def _member_check(user, structure: Structure, service: StructureService | None) -> None:
    if service is not None and service.structure_id != structure.pk:
        raise ApplicationError(_("Ce service n'appartient pas à la structure choisie."), field="service")
    if not Membership.objects.filter(user=user, structure=structure, is_active=True).exists():
        raise ApplicationError(
            _("%(user)s n'est pas rattaché(e) à la structure %(structure)s.")
            % {"user": user.email, "structure": structure.identifier},
            field="user",
        )


@transaction.atomic
def space_subscription_request(
    *, user, structure: Structure, space: str, level: str = Level.EDIT, comment: str = ""
) -> SpaceSubscription:
    """A member asks to use a space of their structure; managers decide in "Approbations"."""
    _member_check(user, structure, None)
    if space not in GRANTABLE_SPACES or level not in Level.values:
        raise ApplicationError(_("Choisissez un espace et un profil."), field="space")
    _space_check(structure, space)
    if (
        space not in DEFAULT_SPACES
        and space != Space.ORGANISATION
        and space not in access.open_spaces(structure)
    ):
        raise ApplicationError(
            _(
                "L'espace « %(space)s » n'est pas ouvert sur cette structure : "
                "demandez à un gestionnaire de l'ouvrir."
            )
            % {"space": Space(space).label},
            field="space",
        )
    if SpaceSubscription.objects.filter(
        user=user, structure=structure, space=space, status=RequestStatus.REQUESTED
    ).exists():
        raise ApplicationError(_("Une demande d'abonnement à cet espace est déjà en attente."), field="space")
    subscription = SpaceSubscription.objects.create(
        user=user, structure=structure, space=space, level=level, comment=(comment or "").strip()
    )
    audit(
        actor=user,
        structure=structure,
        action="space_subscription.create",
        obj=subscription,
        after={"user": user.email, "space": space, "level": level},
    )
    return subscription


@transaction.atomic
def space_subscription_decide(*, actor, subscription: SpaceSubscription, approve: bool) -> SpaceSubscription:
    subscription = (
        SpaceSubscription.objects.select_for_update(of=("self",))
        .select_related("structure", "user")
        .get(pk=subscription.pk)
    )
    require(actor, "decide_requests", subscription.structure)
    if subscription.status != RequestStatus.REQUESTED:
        raise ApplicationError(_("Cette demande a déjà été traitée."))
    subscription.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    subscription.decided_by = actor
    subscription.decided_at = timezone.now()
    subscription.save()
    audit(
        actor=actor,
        structure=subscription.structure,
        action="space_subscription.decide",
        obj=subscription,
        before={"status": RequestStatus.REQUESTED},
        after={"status": subscription.status},
    )
    params = {"structure": subscription.structure.legal_name, "space": Space(subscription.space).label}
    if approve:
        habilitation_set(
            actor=actor,
            user=subscription.user,
            structure=subscription.structure,
            space=subscription.space,
            level=subscription.level,
        )
        feed_event_add(user=subscription.user, kind=FeedEventKind.SUBSCRIPTION_APPROVED, **params)
    else:
        feed_event_add(user=subscription.user, kind=FeedEventKind.SUBSCRIPTION_REFUSED, **params)
    return subscription


@transaction.atomic
def habilitation_set(
    *, actor, user, structure: Structure, space: str, level: str, service: StructureService | None = None
) -> Habilitation:
    """ORG-10: add a profile, or change its level (consultation / modification)."""
    require(actor, "manage_habilitations", structure)
    _member_check(user, structure, service)
    if space not in GRANTABLE_SPACES:
        raise ApplicationError(_("Choisissez un espace."), field="space")
    if level not in Level.values:
        raise ApplicationError(_("Choisissez le profil consultation ou modification."), field="level")
    _space_check(structure, space)
    if space == Space.ORGANISATION and service is not None:
        raise ApplicationError(_("Le profil « Organisation » porte sur toute la structure."), field="service")
    habilitation = Habilitation.objects.filter(
        user=user, structure=structure, service=service, space=space
    ).first()
    if habilitation is None:
        habilitation = Habilitation.objects.create(
            user=user, structure=structure, service=service, space=space, level=level
        )
        audit(
            actor=actor,
            structure=structure,
            action="habilitation.create",
            obj=habilitation,
            after={
                "user": user.email,
                "service": service.code if service else None,
                "space": space,
                "level": level,
            },
        )
    elif habilitation.level != level:
        before = {"level": habilitation.level}
        habilitation.level = level
        habilitation.save(update_fields=["level", "updated_at"])
        audit(
            actor=actor,
            structure=structure,
            action="habilitation.update",
            obj=habilitation,
            before=before,
            after={"level": level},
        )
    return habilitation


@transaction.atomic
def habilitation_remove(*, actor, habilitation: Habilitation) -> None:
    require(actor, "manage_habilitations", habilitation.structure)
    audit(
        actor=actor,
        structure=habilitation.structure,
        action="habilitation.delete",
        obj=habilitation,
        before={
            "user": habilitation.user.email,
            "service": habilitation.service.code if habilitation.service else None,
            "space": habilitation.space,
            "level": habilitation.level,
        },
    )
    habilitation.delete()
