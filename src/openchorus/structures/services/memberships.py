"""Attachments (rattachements), requests and roles (ORG-7, ORG-8, ORG-11, ORG-12, ACC-8)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openchorus.accounts.models import User, normalize_login_email
from openchorus.core.errors import ApplicationError
from openchorus.notifications.enums import FeedEventKind
from openchorus.notifications.services import feed_event_add
from openchorus.structures import access
from openchorus.structures.enums import DEFAULT_SPACES, Level, RequestStatus, Role
from openchorus.structures.models import (
    Habilitation,
    Membership,
    MembershipRequest,
    Structure,
    StructureService,
)
from openchorus.structures.services._common import audit, require


def _managers(structure: Structure) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            structure=structure, is_active=True, service__isnull=True, role__in=access.MANAGER_ROLES
        ).select_related("user")
    ]


def _service_of(structure: Structure, service: StructureService | None) -> StructureService | None:
    if service is not None and service.structure_id != structure.pk:
        raise ApplicationError(_("Ce service n'appartient pas à la structure choisie."), field="service")
    return service


def _active_membership(user, structure: Structure, service: StructureService | None = None):
    return Membership.objects.filter(user=user, structure=structure, service=service, is_active=True).first()


def _grant_default_habilitations(
    *, actor, user, structure: Structure, service: StructureService | None
) -> None:
    """A new member holds the default spaces in modification (seed 001), for their service if any."""
    for space in sorted(DEFAULT_SPACES):
        habilitation, created = Habilitation.objects.get_or_create(
            user=user, structure=structure, service=service, space=space, defaults={"level": Level.EDIT}
        )
        if created:
            audit(
                actor=actor,
                structure=structure,
                action="habilitation.create",
                obj=habilitation,
                after={
                    "user": user.email,
                    "service": service.code if service else None,
                    "space": space,
                    "level": Level.EDIT,
                },
            )


def _attach(
    *, actor, user, structure: Structure, service: StructureService | None, role: str = Role.USER
) -> Membership:
    membership = _active_membership(user, structure, service)
    if membership is None:
        membership = Membership.objects.create(user=user, structure=structure, service=service, role=role)
        audit(
            actor=actor,
            structure=structure,
            action="membership.create",
            obj=membership,
            after={"user": user.email, "service": service.code if service else None, "role": role},
        )
    _grant_default_habilitations(actor=actor, user=user, structure=structure, service=service)
    return membership


@transaction.atomic
def membership_request_create(
    *, user, structure: Structure, comment: str, service: StructureService | None = None
) -> MembershipRequest:
    """ORG-8: ask to join a structure or one of its services; the comment is mandatory."""
    service = _service_of(structure, service)
    if not (comment or "").strip():
        raise ApplicationError(
            _("Expliquez votre demande dans le commentaire : il est obligatoire."), field="comment"
        )
    if not structure.is_active:
        raise ApplicationError(
            _("La structure %(identifier)s est inactive : elle n'accepte plus de rattachement.")
            % {"identifier": structure.identifier},
            field="structure",
        )
    if _active_membership(user, structure, service) is not None:
        raise ApplicationError(
            _("Vous êtes déjà rattaché(e) à cette structure ou à ce service."), field="structure"
        )
    if MembershipRequest.objects.filter(
        user=user, structure=structure, status=RequestStatus.REQUESTED
    ).exists():
        raise ApplicationError(
            _("Une demande de rattachement à cette structure est déjà en attente."), field="structure"
        )
    request = MembershipRequest.objects.create(
        user=user, structure=structure, service=service, comment=comment.strip()
    )
    audit(
        actor=user,
        structure=structure,
        action="membership_request.create",
        obj=request,
        after={"user": user.email, "service": service.code if service else None, "comment": request.comment},
    )
    feed_event_add(user=user, kind=FeedEventKind.MEMBERSHIP_REQUESTED, structure=structure.legal_name)
    for manager in _managers(structure):
        feed_event_add(user=manager, kind=FeedEventKind.APPROVAL_PENDING, structure=structure.legal_name)
    return request


def _decide(request, *, actor, status: str, comment: str) -> None:
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    if hasattr(request, "decision_comment"):
        request.decision_comment = comment.strip()


@transaction.atomic
def membership_request_approve(
    *, actor, request: MembershipRequest, role: str = Role.USER, comment: str = ""
) -> Membership:
    request = (
        MembershipRequest.objects.select_for_update(of=("self",))
        .select_related("structure", "service", "user")
        .get(pk=request.pk)
    )
    require(actor, "decide_requests", request.structure)
    if request.status != RequestStatus.REQUESTED:
        raise ApplicationError(_("Cette demande a déjà été traitée."))
    if role not in (Role.USER, Role.SECONDARY_MANAGER) or (
        role == Role.SECONDARY_MANAGER and request.service_id
    ):
        raise ApplicationError(
            _(
                "Un rattachement se fait comme utilisateur simple, ou gestionnaire secondaire "
                "au niveau de la structure."
            ),
            field="role",
        )
    if not request.user.is_active:
        raise ApplicationError(_("Le compte du demandeur n'est pas actif."))
    _decide(request, actor=actor, status=RequestStatus.APPROVED, comment=comment)
    request.save()
    membership = _attach(
        actor=actor, user=request.user, structure=request.structure, service=request.service, role=role
    )
    audit(
        actor=actor,
        structure=request.structure,
        action="membership_request.approve",
        obj=request,
        before={"status": RequestStatus.REQUESTED},
        after={"status": RequestStatus.APPROVED, "role": role},
    )
    feed_event_add(
        user=request.user, kind=FeedEventKind.MEMBERSHIP_APPROVED, structure=request.structure.legal_name
    )
    return membership


@transaction.atomic
def membership_request_refuse(*, actor, request: MembershipRequest, comment: str = "") -> MembershipRequest:
    request = (
        MembershipRequest.objects.select_for_update(of=("self",))
        .select_related("structure", "user")
        .get(pk=request.pk)
    )
    require(actor, "decide_requests", request.structure)
    if request.status != RequestStatus.REQUESTED:
        raise ApplicationError(_("Cette demande a déjà été traitée."))
    _decide(request, actor=actor, status=RequestStatus.REFUSED, comment=comment)
    request.save()
    audit(
        actor=actor,
        structure=request.structure,
        action="membership_request.refuse",
        obj=request,
        before={"status": RequestStatus.REQUESTED},
        after={"status": RequestStatus.REFUSED, "comment": request.decision_comment},
    )
    feed_event_add(
        user=request.user, kind=FeedEventKind.MEMBERSHIP_REFUSED, structure=request.structure.legal_name
    )
    return request


@transaction.atomic
def membership_attach_by_email(
    *, actor, structure: Structure, email: str, service: StructureService | None = None, role: str = Role.USER
) -> Membership:
    """ORG-8: a manager attaches an existing account on their own initiative."""
    require(actor, "manage_members", structure)
    service = _service_of(structure, service)
    user = User.objects.filter(email=normalize_login_email(email)).first()
    if user is None or not user.is_active:
        raise ApplicationError(
            _("Aucun compte actif n'utilise l'adresse %(email)s : la personne doit d'abord créer son compte.")
            % {"email": email},
            field="email",
        )
    if role not in (Role.USER, Role.SECONDARY_MANAGER) or (role == Role.SECONDARY_MANAGER and service):
        raise ApplicationError(_("Rôle impossible pour ce rattachement."), field="role")
    if _active_membership(user, structure, service) is not None:
        raise ApplicationError(_("Cette personne est déjà rattachée à ce niveau."), field="email")
    membership = _attach(actor=actor, user=user, structure=structure, service=service, role=role)
    MembershipRequest.objects.filter(user=user, structure=structure, status=RequestStatus.REQUESTED).update(
        status=RequestStatus.APPROVED, decided_by=actor, decided_at=timezone.now()
    )
    feed_event_add(user=user, kind=FeedEventKind.MEMBERSHIP_ADDED, structure=structure.legal_name)
    return membership


def _end_membership(*, actor, membership: Membership) -> None:
    membership.is_active = False
    membership.ended_at = timezone.now()
    membership.save(update_fields=["is_active", "ended_at", "updated_at"])
    audit(
        actor=actor,
        structure=membership.structure,
        action="membership.end",
        obj=membership,
        before={"user": membership.user.email, "role": membership.role, "active": True},
        after={"active": False},
    )
    # Rights go with the attachment: at the service level, that service's; at the structure level, all.
    habilitations = Habilitation.objects.filter(user=membership.user, structure=membership.structure)
    if membership.service_id:
        habilitations = habilitations.filter(service_id=membership.service_id)
    elif Membership.objects.filter(
        user=membership.user, structure=membership.structure, is_active=True
    ).exists():
        habilitations = habilitations.filter(service__isnull=True)
    for habilitation in habilitations:
        audit(
            actor=actor,
            structure=membership.structure,
            action="habilitation.delete",
            obj=habilitation,
            before={"user": membership.user.email, "space": habilitation.space, "level": habilitation.level},
        )
    habilitations.delete()


@transaction.atomic
def membership_detach_self(*, user, membership: Membership) -> None:
    """ORG-8: a user leaves a structure or service. The primary manager transfers the role first."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("structure", "user")
        .get(pk=membership.pk)
    )
    if membership.user_id != user.pk or not membership.is_active:
        raise ApplicationError(_("Ce rattachement n'est pas le vôtre."), extra={"code": "forbidden"})
    if membership.role == Role.PRIMARY_MANAGER:
        raise ApplicationError(
            _(
                "Vous êtes le gestionnaire principal de %(structure)s : transférez d'abord ce rôle à un "
                "autre utilisateur rattaché."
            )
            % {"structure": membership.structure.legal_name}
        )
    _end_membership(actor=user, membership=membership)


@transaction.atomic
def membership_end(*, actor, membership: Membership) -> None:
    """A manager removes a member (never the primary manager)."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("structure", "user")
        .get(pk=membership.pk)
    )
    require(actor, "manage_members", membership.structure)
    if membership.role == Role.PRIMARY_MANAGER:
        raise ApplicationError(
            _("Le gestionnaire principal ne peut pas être détaché : transférez d'abord son rôle.")
        )
    _end_membership(actor=actor, membership=membership)


@transaction.atomic
def membership_set_role(*, actor, membership: Membership, role: str) -> Membership:
    """Make a member secondary manager or simple user. The primary role moves only by transfer."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("structure", "user")
        .get(pk=membership.pk)
    )
    require(actor, "manage_members", membership.structure)
    if role not in (Role.USER, Role.SECONDARY_MANAGER):
        raise ApplicationError(
            _("Le rôle de gestionnaire principal se transmet par « Transférer le rôle »."), field="role"
        )
    if membership.role == Role.PRIMARY_MANAGER:
        raise ApplicationError(_("Le gestionnaire principal garde son rôle tant qu'il ne l'a pas transféré."))
    if membership.service_id and role == Role.SECONDARY_MANAGER:
        raise ApplicationError(
            _("Un gestionnaire est rattaché à la structure, pas à un service."), field="role"
        )
    if membership.role != role:
        before = {"role": membership.role}
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        audit(
            actor=actor,
            structure=membership.structure,
            action="membership.role",
            obj=membership,
            before=before,
            after={"role": role},
        )
        feed_event_add(
            user=membership.user,
            kind=FeedEventKind.ROLE_CHANGED,
            structure=membership.structure.legal_name,
            role=membership.get_role_display(),
        )
    return membership


def _set_primary(*, actor, structure: Structure, new_primary: Membership, former: Membership | None) -> None:
    if former is not None:
        former.role = Role.USER
        former.save(update_fields=["role", "updated_at"])
    new_primary.role = Role.PRIMARY_MANAGER
    new_primary.save(update_fields=["role", "updated_at"])
    audit(
        actor=actor,
        structure=structure,
        action="structure.primary_manager",
        obj=new_primary,
        before={"primary": former.user.email if former else None},
        after={"primary": new_primary.user.email},
    )
    feed_event_add(
        user=new_primary.user, kind=FeedEventKind.PRIMARY_ROLE_RECEIVED, structure=structure.legal_name
    )


@transaction.atomic
def primary_transfer(*, actor, structure: Structure, new_primary_email: str) -> Membership:
    """ORG-11: the primary manager hands the role over; they become a simple user (seed 000)."""
    require(actor, "transfer_primary", structure)
    former = Membership.objects.select_for_update().get(
        structure=structure, role=Role.PRIMARY_MANAGER, is_active=True
    )
    target = (
        Membership.objects.select_for_update(of=("self",))
        .filter(
            structure=structure,
            user__email=normalize_login_email(new_primary_email),
            service__isnull=True,
            is_active=True,
        )
        .select_related("user")
        .first()
    )
    if target is None or not target.user.is_active:
        raise ApplicationError(
            _(
                "%(email)s n'est pas un utilisateur actif rattaché à la structure %(structure)s : "
                "le nouveau gestionnaire principal doit d'abord y être rattaché."
            )
            % {"email": new_primary_email, "structure": structure.identifier},
            field="email",
        )
    if target.pk == former.pk:
        raise ApplicationError(_("Vous êtes déjà le gestionnaire principal."), field="email")
    _set_primary(actor=actor, structure=structure, new_primary=target, former=former)
    return target


@transaction.atomic
def primary_appoint_on_deactivation(*, user) -> list[Structure]:
    """ORG-11: when a primary manager's account is deactivated, the secondary manager who logged in
    most recently becomes primary. Returns the structures left with no manager to appoint."""
    orphaned: list[Structure] = []
    for former in (
        Membership.objects.select_for_update(of=("self",))
        .filter(user=user, role=Role.PRIMARY_MANAGER, is_active=True)
        .select_related("structure")
    ):
        successor = (
            Membership.objects.filter(
                structure=former.structure,
                role=Role.SECONDARY_MANAGER,
                is_active=True,
                service__isnull=True,
                user__status="ACTIF",
            )
            .exclude(user=user)
            .select_related("user")
            .order_by(F("user__last_login").desc(nulls_last=True), "pk")
            .first()
        )
        if successor is None:
            orphaned.append(former.structure)
            continue
        _set_primary(actor=None, structure=former.structure, new_primary=successor, former=former)
    return orphaned


@transaction.atomic
def rights_duplicate(*, actor, source, target) -> int:
    """ORG-12: give `target` the attachments and habilitations `source` has on the structures the
    actor administers (absorbing an entity). Returns the number of rights created."""
    if source.pk == target.pk:
        raise ApplicationError(_("Choisissez deux utilisateurs différents."), field="target")
    if not target.is_active:
        raise ApplicationError(_("Le compte de l'utilisateur cible n'est pas actif."), field="target")
    managed = set(access.managed_structure_ids(actor))
    memberships = Membership.objects.filter(
        user=source, is_active=True, structure_id__in=managed
    ).select_related("structure", "service")
    created = 0
    for membership in memberships:
        role = Role.SECONDARY_MANAGER if membership.role == Role.PRIMARY_MANAGER else membership.role
        if _active_membership(target, membership.structure, membership.service) is None:
            new = Membership.objects.create(
                user=target, structure=membership.structure, service=membership.service, role=role
            )
            audit(
                actor=actor,
                structure=membership.structure,
                action="membership.create",
                obj=new,
                after={"user": target.email, "role": role, "duplicated_from": source.email},
            )
            created += 1
    for habilitation in Habilitation.objects.filter(user=source, structure_id__in=managed):
        copy, made = Habilitation.objects.get_or_create(
            user=target,
            structure_id=habilitation.structure_id,
            service_id=habilitation.service_id,
            space=habilitation.space,
            defaults={"level": habilitation.level},
        )
        if made:
            created += 1
            audit(
                actor=actor,
                structure=habilitation.structure,
                action="habilitation.create",
                obj=copy,
                after={
                    "user": target.email,
                    "space": habilitation.space,
                    "level": habilitation.level,
                    "duplicated_from": source.email,
                },
            )
    if created == 0 and not memberships:
        raise ApplicationError(
            _("L'utilisateur source n'a aucun rattachement sur les structures que vous gérez."),
            field="source",
        )
    return created


def membership_request_on_signup(*, user) -> MembershipRequest | None:
    """ACC-8: an account created with the identifier of an existing structure asks to join it."""
    structure = Structure.objects.filter(
        identifier_type=user.signup_identifier_type, identifier=user.signup_identifier
    ).first()
    if structure is None or not structure.is_active or _active_membership(user, structure) is not None:
        return None
    if MembershipRequest.objects.filter(
        user=user, structure=structure, status=RequestStatus.REQUESTED
    ).exists():
        return None
    return membership_request_create(
        user=user,
        structure=structure,
        comment=str(_("Inscription avec l'identifiant de la structure (second compte).")),
    )
