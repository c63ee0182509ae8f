"""THE rights policy (ORG-7..10): who may do what on which structure, and see what in each space.

Every view, export, API endpoint and task asks here; nothing else decides a right. Rights are data:
memberships with their role, spaces opened on a structure, habilitations (profiles). The rules:

- A user acts on a structure only through an active membership of it, and only while their account
  is active.
- Managers (primary or secondary) hold every space open on their structure, in modification, for
  the whole structure, and administer it (structure, services, bank details, attachments, mandate,
  spaces, members, habilitations, approvals). The "Organisation modification" profile gives a simple
  user the same administration powers.
- Only the primary manager transfers the primary role.
- A simple user holds exactly the habilitations given to them, on spaces that are open on the
  structure (the default spaces always are); a habilitation bound to a service shows only that
  service's objects.
- Platform staff read everything for support; they write only through their own support actions.

Abilities are returned as plain dicts so templates, the API and exports read the same answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from openchorus.core.fixed import FixedRead
from openchorus.structures.enums import DEFAULT_SPACES, PUBLIC_ONLY_SPACES, Level, Role, Space
from openchorus.structures.models import Habilitation, Membership, Structure, StructureSpace

MANAGER_ROLES = (Role.PRIMARY_MANAGER, Role.SECONDARY_MANAGER)


@dataclass
class SpaceGrant:
    """What a user holds on one space of one structure."""

    level: str  # Level.VIEW or Level.EDIT
    services: set[int] | None = None  # None: the whole structure; else only these services

    @property
    def can_edit(self) -> bool:
        return self.level == Level.EDIT


@dataclass
class StructureRights:
    structure_id: int
    role: str | None
    is_member: bool
    administers: bool
    spaces: dict[str, SpaceGrant] = field(default_factory=dict)

    @property
    def is_primary(self) -> bool:
        return self.role == Role.PRIMARY_MANAGER


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# Read at every API call (the technical account's rights): compiled once (core.fixed).
_opened_spaces = FixedRead(
    lambda structure_id: StructureSpace.objects.filter(structure_id=structure_id).values_list(
        "space", flat=True
    ),
    structure_id=int,
)


def open_spaces(structure: Structure) -> set[str]:
    """Spaces available on a structure: the defaults, plus those a manager opened."""
    spaces = set(DEFAULT_SPACES) | set(_opened_spaces(structure_id=structure.pk))
    if not structure.is_public:
        spaces -= PUBLIC_ONLY_SPACES
    return spaces


def rights_for(user, structure_ids: list[int] | None = None) -> dict[int, StructureRights]:
    """The rights of a user on each structure they are a member of (or on the ones given).

    Three queries whatever the number of structures: memberships, opened spaces, habilitations.
    """
    if getattr(user, "is_technical_account", False):
        return technical_account_rights(user, structure_ids)  # RAC-1: see the end of this file
    if not _signed_in(user):
        return {}
    memberships = Membership.objects.filter(user=user, is_active=True)
    if structure_ids is not None:
        memberships = memberships.filter(structure_id__in=structure_ids)
    memberships = list(memberships.select_related("structure"))
    if not memberships:
        return {}
    ids = {m.structure_id for m in memberships}
    structures = {m.structure_id: m.structure for m in memberships}
    opened: dict[int, set[str]] = defaultdict(set)
    for structure_id, space in StructureSpace.objects.filter(structure_id__in=ids).values_list(
        "structure_id", "space"
    ):
        opened[structure_id].add(space)
    habilitations = list(Habilitation.objects.filter(user=user, structure_id__in=ids))

    result: dict[int, StructureRights] = {}
    for membership in memberships:
        sid = membership.structure_id
        rights = result.setdefault(sid, StructureRights(sid, None, True, False))
        if membership.service_id is None and membership.role in MANAGER_ROLES:
            if rights.role != Role.PRIMARY_MANAGER:
                rights.role = membership.role
        elif rights.role is None:
            rights.role = Role.USER
    for sid, rights in result.items():
        available = set(DEFAULT_SPACES) | opened[sid]
        if not structures[sid].is_public:
            available -= PUBLIC_ONLY_SPACES
        org_edit = any(
            h.structure_id == sid
            and h.space == Space.ORGANISATION
            and h.level == Level.EDIT
            and h.service_id is None
            for h in habilitations
        )
        rights.administers = rights.role in MANAGER_ROLES or org_edit
        if rights.role in MANAGER_ROLES:
            rights.spaces = {space: SpaceGrant(Level.EDIT) for space in available}
            continue
        for h in habilitations:
            if h.structure_id != sid or h.space not in available:
                continue
            grant = rights.spaces.get(h.space)
            if grant is None:
                rights.spaces[h.space] = SpaceGrant(h.level, None if h.service_id is None else {h.service_id})
                continue
            if h.level == Level.EDIT:
                grant.level = Level.EDIT
            if h.service_id is None:
                grant.services = None
            elif grant.services is not None:
                grant.services.add(h.service_id)
    return result


def structure_rights(user, structure: Structure) -> StructureRights | None:
    return rights_for(user, [structure.pk]).get(structure.pk)


def structure_abilities(user, structure: Structure) -> dict[str, bool]:
    """What a user may do on a structure's own record and administration."""
    rights = structure_rights(user, structure)
    staff = _signed_in(user) and user.is_staff
    member = rights is not None
    administers = bool(rights and rights.administers)
    return {
        "view": member or staff,
        "view_members": administers or staff,
        "modify": administers,
        "manage_services": administers,
        "manage_bank_accounts": administers,
        "manage_attachments": administers,
        "manage_mandate": administers,
        "manage_spaces": administers,
        "manage_members": administers,
        "manage_habilitations": administers,
        "decide_requests": administers,
        "transfer_primary": bool(rights and rights.is_primary),
        "detach_self": member,
    }


def can(user, action: str, structure: Structure) -> bool:
    """One ability of `structure_abilities`; unknown actions are refused."""
    return structure_abilities(user, structure).get(action, False)


def space_grant(user, structure: Structure, space: str) -> SpaceGrant | None:
    rights = structure_rights(user, structure)
    return rights.spaces.get(space) if rights else None


def spaces_held(user, rights: dict[int, StructureRights] | None = None) -> set[str]:
    """Every space a user holds on at least one structure (for the navigation tabs).

    `rights` lets a caller that already computed `rights_for(user)` reuse it (one page, one read).
    """
    held: set[str] = set()
    for granted in (rights_for(user) if rights is None else rights).values():
        held.update(granted.spaces)
        if granted.administers:
            held.add(Space.MANAGER_ACTIVITIES)
    return held


def managed_structure_ids(user, rights: dict[int, StructureRights] | None = None) -> list[int]:
    all_rights = rights_for(user) if rights is None else rights
    return [sid for sid, granted in all_rights.items() if granted.administers]


def space_scope(
    user,
    space: str,
    *,
    edit: bool = False,
    structure_field: str = "structure_id",
    service_field: str = "service_id",
) -> Q:
    """A filter selecting the objects of a space a user may see (or edit), for any model with a
    structure and an optional service. Selectors of every space use it; it never widens a right.
    """
    condition = Q(pk__in=[])
    for sid, rights in rights_for(user).items():
        grant = rights.spaces.get(space)
        if grant is None or (edit and not grant.can_edit):
            continue
        if grant.services is None:
            condition |= Q(**{structure_field: sid})
        else:
            condition |= Q(**{structure_field: sid, f"{service_field}__in": sorted(grant.services)})
    return condition


def structure_can_exchange(structure: Structure) -> bool:
    """ORG-13: an inactive structure neither sends nor receives new invoices (still viewable)."""
    return structure.is_active


# --- invoices (INV, LIF) ------------------------------------------------------------------------
# Invoices are objects of two spaces: "Factures émises" on the supplier's side (scoped by the
# supplier structure and service), "Factures reçues" on the recipient's (recipient structure and
# service). Drafts are never visible to the recipient.


def sent_invoices_scope(user, *, edit: bool = False) -> Q:
    return space_scope(
        user,
        Space.SENT_INVOICES,
        edit=edit,
        structure_field="supplier_id",
        service_field="supplier_service_id",
    )


def received_invoices_scope(user, *, edit: bool = False) -> Q:
    return space_scope(
        user,
        Space.RECEIVED_INVOICES,
        edit=edit,
        structure_field="recipient_id",
        service_field="recipient_service_id",
    ) & ~Q(status="BROUILLON")


def invoice_supplier_structures(user) -> list[int]:
    """The structures a user may send invoices for ("Factures émises" in modification)."""
    return [
        sid
        for sid, rights in rights_for(user).items()
        if (grant := rights.spaces.get(Space.SENT_INVOICES)) is not None and grant.can_edit
    ]


def _grant_covers(grant: SpaceGrant | None, service_id: int | None, *, edit: bool) -> bool:
    if grant is None or (edit and not grant.can_edit):
        return False
    return grant.services is None or service_id in grant.services


def _former_recipient(user, invoice, rights: dict[int, StructureRights]) -> bool:
    """A structure an invoice was recycled away from keeps a read-only trace of it (LIF-3)."""
    from openchorus.lifecycle.models import InvoiceStatusChange

    former = set(
        InvoiceStatusChange.objects.filter(invoice_id=invoice.pk, recipient_id__isnull=False)
        .exclude(recipient_id=invoice.recipient_id)
        .values_list("recipient_id", "recipient_service_id")
    )
    if not former:
        return False
    held = rights_for(user, sorted({sid for sid, _ in former}))
    return any(
        _grant_covers(held[sid].spaces.get(Space.RECEIVED_INVOICES), service_id, edit=False)
        for sid, service_id in former
        if sid in held
    )


def invoice_abilities(user, invoice) -> dict[str, bool]:
    """What a user may do with one invoice, from either side (supplier or recipient)."""
    names = ("view", "view_as_supplier", "view_as_recipient", "view_as_former_recipient", "edit", "submit",
             "delete", "download", "attach", "recycle", "complete", "copy", "process", "forward")  # fmt: skip
    if not _signed_in(user):
        return dict.fromkeys(names, False)
    rights = rights_for(user, [sid for sid in (invoice.supplier_id, invoice.recipient_id) if sid])
    supplier = rights.get(invoice.supplier_id)
    sent_grant = supplier.spaces.get(Space.SENT_INVOICES) if supplier else None
    as_supplier = _grant_covers(sent_grant, invoice.supplier_service_id, edit=False)
    supplier_edit = _grant_covers(sent_grant, invoice.supplier_service_id, edit=True)
    recipient = rights.get(invoice.recipient_id) if invoice.recipient_id else None
    received_grant = recipient.spaces.get(Space.RECEIVED_INVOICES) if recipient else None
    status = invoice.status
    draft = status == "BROUILLON"
    as_recipient = not draft and _grant_covers(received_grant, invoice.recipient_service_id, edit=False)
    recipient_edit = not draft and _grant_covers(received_grant, invoice.recipient_service_id, edit=True)
    former = not (as_supplier or as_recipient) and not draft and _former_recipient(user, invoice, rights)
    view = as_supplier or as_recipient or former or user.is_staff
    return {
        "view": view,
        "view_as_supplier": as_supplier,
        "view_as_recipient": as_recipient,
        "view_as_former_recipient": former,
        "edit": draft and supplier_edit,
        "submit": draft and supplier_edit,
        "delete": draft and supplier_edit,
        "download": view,
        "attach": supplier_edit and status in ("BROUILLON", "SUSPENDUE"),
        "recycle": supplier_edit and status == "A_RECYCLER",
        "complete": supplier_edit and status == "SUSPENDUE",
        "copy": supplier_edit and status == "REJETEE",
        "process": recipient_edit,
        "forward": recipient_edit and status in ("MISE_A_DISPOSITION", "COMPLETEE"),
    }


def space_holders(structure_id: int, space: str, service_id: int | None = None) -> list:
    """The active users who hold a space on a structure and see objects of `service_id` in it
    (managers, and users habilitated on the whole structure or on that service): who to notify."""
    from django.contrib.auth import get_user_model

    if (
        space not in DEFAULT_SPACES
        and not StructureSpace.objects.filter(structure_id=structure_id, space=space).exists()
    ):
        return []
    members = Membership.objects.filter(structure_id=structure_id, is_active=True)
    managers = members.filter(role__in=MANAGER_ROLES, service__isnull=True).values("user_id")
    habilitated = Habilitation.objects.filter(structure_id=structure_id, space=space).filter(
        Q(service__isnull=True) | Q(service_id=service_id)
    )
    return list(
        get_user_model()
        .objects.filter(Q(pk__in=managers) | Q(pk__in=habilitated.values("user_id")))
        .filter(pk__in=members.values("user_id"), status="ACTIF")
        .distinct()
    )


# --- technical accounts (RAC-1) -------------------------------------------------------------------
# A system calling the API acts through a technical account bound to one structure. It is passed to
# every function above as the actor, like a user: `rights_for` hands it to `technical_account_rights`,
# so selectors and services scoped by `space_scope`, `invoice_abilities`, `structure_abilities`…
# answer for it without knowing it. Its rights: every space open on its structure, in modification,
# for the whole structure, as the real platform's technical user holding the structure's spaces; it
# never administers the structure (no members, rights, bank details or approvals) and sees nothing of
# any other structure. docs/adr/0004-api.md tells why.


@dataclass(frozen=True)
class TechnicalActor:
    """The actor of an API call: the technical account's id, login and structure."""

    account_id: int
    login: str
    structure_id: int
    is_technical_account: bool = True
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    pk: None = None  # not a user: the audit trail records it by its label (`email`)
    # Its user record for "created by" columns, when already loaded (a flow's worker loads it once).
    user: object = field(default=None, compare=False, repr=False)
    # Its structure, as the API's credential check loaded it (saves reading it again for the rights).
    structure: Structure | None = field(default=None, compare=False, repr=False)

    @property
    def email(self) -> str:
        return self.login


def technical_account_rights(actor, structure_ids: list[int] | None = None) -> dict[int, StructureRights]:
    """The rights of a technical account: its own structure's open spaces, in modification."""
    if structure_ids is not None and actor.structure_id not in structure_ids:
        return {}
    structure = getattr(actor, "structure", None) or Structure.objects.filter(pk=actor.structure_id).first()
    if structure is None:
        return {}
    rights = StructureRights(structure.pk, None, True, False)
    rights.spaces = {space: SpaceGrant(Level.EDIT) for space in open_spaces(structure)}
    return {structure.pk: rights}


def technical_account_abilities(user, structure: Structure) -> dict[str, bool]:
    """What a user may do with the technical accounts (Raccordements) of a structure: its managers
    request, rotate and revoke them; nobody else sees them."""
    administers = bool((rights := structure_rights(user, structure)) and rights.administers)
    return {"view": administers, "create": administers, "rotate": administers, "revoke": administers}


def technical_account_structures(user) -> list[int]:
    """The structures whose technical accounts a user manages (the "Raccordements" page)."""
    return managed_structure_ids(user)


def technical_account_may_list_members(actor, structure: Structure) -> bool:
    """`lister/rattachementsutilisateur`: a technical account reads who is attached to its own
    structure (what its system needs to route work); users need the usual "view_members"."""
    if getattr(actor, "is_technical_account", False):
        return actor.structure_id == structure.pk
    return can(actor, "view_members", structure)


# --- EDI flows (RAC-3) ----------------------------------------------------------------------------
# A flow belongs to the structure that sent it, not to one of its services. "Suivi des flux" shows
# it to whoever holds that space on the whole structure (its managers, once the space is opened;
# users habilitated on it without a service): a habilitation bound to one service does not widen to
# the structure's flows. A technical account sees the flows of its own structure, the space opened
# or not: it is how its system reads the compte-rendu of what it deposited (consulterCR).


def flows_scope(user) -> Q:
    """A filter on `Flow` selecting the flows a user (or technical account) may see."""
    if getattr(user, "is_technical_account", False):
        return Q(structure_id=user.structure_id)
    ids = [
        sid
        for sid, rights in rights_for(user).items()
        if (grant := rights.spaces.get(Space.FLOW_MONITORING)) is not None and grant.services is None
    ]
    return Q(structure_id__in=ids) if ids else Q(pk__in=[])


def flow_visible(user, flow) -> bool:
    """Whether a user (or technical account) may see one flow, its items and its compte-rendu."""
    if getattr(user, "is_technical_account", False):
        return flow.structure_id == user.structure_id
    rights = rights_for(user, [flow.structure_id]).get(flow.structure_id)
    grant = rights.spaces.get(Space.FLOW_MONITORING) if rights else None
    return grant is not None and grant.services is None
