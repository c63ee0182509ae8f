"""Organisation pages (ORG-1..13): "Activités du gestionnaire", structures, services, members,
spaces, habilitations, approvals, and the attachment part of "Mon compte".

Every view loads its structure through `_structure`, which asks structures/access.py: a stranger
gets 404 (nothing about the structure leaks), a member without the right gets 403.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openchorus.accounts.models import User, normalize_login_email
from openchorus.audit.selectors import audit_events_for_stream
from openchorus.audit.services import audit_chain_verify
from openchorus.core.errors import ApplicationError
from openchorus.portal.forms import form_add_application_error
from openchorus.portal.forms.organisation import (
    AttachUserForm,
    DecisionForm,
    DuplicateRightsForm,
    HabilitationForm,
    MembershipRequestForm,
    MembershipRequestSearchForm,
    RoleForm,
    ServiceForm,
    StatusForm,
    StructureCreateForm,
    StructureGeneralForm,
    StructurePublicParametersForm,
    SubscriptionForm,
    TransferForm,
)
from openchorus.structures import access, selectors
from openchorus.structures.enums import OPENABLE_SPACES, PUBLIC_ONLY_SPACES, Space
from openchorus.structures.models import (
    Habilitation,
    Membership,
    MembershipRequest,
    SpaceSubscription,
    Structure,
    StructureService,
)
from openchorus.structures.services import memberships, rights
from openchorus.structures.services import structures as structure_services

GENERAL_FIELDS = list(StructureGeneralForm.base_fields)
PUBLIC_FIELDS = list(StructurePublicParametersForm.base_fields)


def _structure(request, structure_id: int, ability: str = "view") -> tuple[Structure, dict]:
    structure = get_object_or_404(Structure, pk=structure_id)
    abilities = access.structure_abilities(request.user, structure)
    if not abilities["view"]:
        raise Http404
    if not abilities.get(ability, False):
        raise PermissionDenied
    return structure, abilities


def _run(request, form, action, success: str) -> bool:
    """Call one service with a valid form; show its refusal beside the field. True on success."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ApplicationError as error:
        if error.extra.get("code") == "forbidden":
            raise PermissionDenied from None
        form_add_application_error(form, error)
        return False
    messages.success(request, success)
    return True


# --- Activités du gestionnaire ---------------------------------------------------------------------


@login_required
def manager_activities(request):
    structures = list(selectors.structures_administered(user=request.user))
    if not structures:
        raise PermissionDenied
    requests_history, subscriptions_history = selectors.approvals_history(user=request.user)
    return render(
        request,
        "portal/organisation/manager_activities.html",
        {
            "structures": structures,
            "requests_history": requests_history,
            "subscriptions_history": subscriptions_history,
            "pending_count": selectors.approvals_pending_count(structure_ids=[s.pk for s in structures]),
        },
    )


@login_required
def structure_create(request):
    initial = {
        "identifier_type": request.user.signup_identifier_type,
        "identifier": request.user.signup_identifier,
    }
    form = StructureCreateForm(request.POST or None, initial={**initial, "country": "FR", "kind": "PRIVEE"})
    if request.method == "POST":
        created: list[Structure] = []

        def action(data):
            created.append(structure_services.structure_create(actor=request.user, **data))

        if _run(request, form, action, _("La structure est créée : vous en êtes le gestionnaire principal.")):
            return redirect("portal:structure_detail", structure_id=created[0].pk)
    return render(
        request,
        "portal/organisation/structure_create.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# --- A structure -----------------------------------------------------------------------------------


@login_required
def structure_detail(request, structure_id: int):
    structure, abilities = _structure(request, structure_id)
    context = {
        "structure": structure,
        "abilities": abilities,
        "services": selectors.services_of_structure(user=request.user, structure=structure),
        "members": selectors.members_of_structure(user=request.user, structure=structure),
        "primary": selectors.primary_manager_of(structure=structure),
        "open_spaces": access.open_spaces(structure),
        "openable_spaces": [s for s in OPENABLE_SPACES if structure.is_public or s not in PUBLIC_ONLY_SPACES],
        "my_membership": Membership.objects.filter(
            user=request.user, structure=structure, is_active=True
        ).first(),
    }
    return render(request, "portal/organisation/structure_detail.html", context)


@login_required
def structure_edit(request, structure_id: int):
    structure, _abilities = _structure(request, structure_id, "modify")
    initial = {name: getattr(structure, name) for name in GENERAL_FIELDS + PUBLIC_FIELDS}
    data = request.POST or None
    general = StructureGeneralForm(data, initial=initial, prefix="general")
    public = (
        StructurePublicParametersForm(data, initial=initial, prefix="public") if structure.is_public else None
    )
    status_form = StatusForm(initial={"status": structure.status}, prefix="status")
    if request.method == "POST" and general.is_valid() and (public is None or public.is_valid()):
        values = {**general.cleaned_data, **(public.cleaned_data if public else {})}
        if _run(
            request,
            general,
            lambda _data: structure_services.structure_update(
                actor=request.user, structure=structure, **values
            ),
            _("Les modifications de la structure sont enregistrées."),
        ):
            return redirect("portal:structure_detail", structure_id=structure.pk)
    context = {"structure": structure, "general": general, "public": public, "status_form": status_form}
    return render(
        request, "portal/organisation/structure_edit.html", context, status=400 if general.errors else 200
    )


@login_required
@require_POST
def structure_status(request, structure_id: int):
    structure, _abilities = _structure(request, structure_id, "modify")
    form = StatusForm(request.POST, prefix="status")
    if _run(
        request,
        form,
        lambda data: structure_services.structure_set_status(
            actor=request.user, structure=structure, status=data["status"]
        ),
        _("Le statut de la structure est enregistré."),
    ):
        return redirect("portal:structure_detail", structure_id=structure.pk)
    messages.error(request, _("Statut non enregistré."))
    return redirect("portal:structure_edit", structure_id=structure.pk)


@login_required
def service_edit(request, structure_id: int, service_id: int | None = None):
    structure, _abilities = _structure(request, structure_id, "manage_services")
    service = get_object_or_404(StructureService, pk=service_id, structure=structure) if service_id else None
    initial = {name: getattr(service, name) for name in ServiceForm.base_fields} if service else {}
    form = ServiceForm(request.POST or None, initial=initial)
    if request.method == "POST":

        def action(data):
            if service is None:
                return structure_services.service_create(actor=request.user, structure=structure, **data)
            return structure_services.service_update(actor=request.user, service=service, **data)

        success = _("Le service est créé.") if service is None else _("Le service est modifié.")
        if _run(request, form, action, success):
            return redirect("portal:structure_detail", structure_id=structure.pk)
    context = {"structure": structure, "service": service, "form": form}
    return render(
        request, "portal/organisation/service_edit.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def structure_space(request, structure_id: int):
    structure, _abilities = _structure(request, structure_id, "manage_spaces")
    space, opening = request.POST.get("space", ""), request.POST.get("action") == "open"
    try:
        if opening:
            rights.space_open(actor=request.user, structure=structure, space=space)
            messages.success(request, _("L'espace « %(space)s » est ouvert.") % {"space": Space(space).label})
        else:
            rights.space_close(actor=request.user, structure=structure, space=space)
            messages.success(request, _("L'espace est fermé."))
    except (ApplicationError, ValueError) as error:
        messages.error(request, str(getattr(error, "message", error)))
    return redirect("portal:structure_detail", structure_id=structure.pk)


@login_required
def structure_history(request, structure_id: int):
    """The structure's audit trail (who, when, what, before/after) and whether its chain verifies."""
    structure, _abilities = _structure(request, structure_id, "modify")
    stream = f"structure:{structure.pk}"
    context = {
        "structure": structure,
        "events": audit_events_for_stream(stream=stream)[::-1][:200],
        "verdict": audit_chain_verify(stream=stream),
    }
    return render(request, "portal/organisation/history.html", context)


# --- Members ----------------------------------------------------------------------------------------


@login_required
def structure_members(request, structure_id: int):
    structure, abilities = _structure(request, structure_id, "view_members")
    services = list(structure.services.order_by("code"))
    form = AttachUserForm(request.POST or None, services=services, prefix="attach")
    if request.method == "POST" and abilities["manage_members"]:

        def action(data):
            service = next((s for s in services if str(s.pk) == data["service"]), None)
            memberships.membership_attach_by_email(
                actor=request.user,
                structure=structure,
                email=data["email"],
                service=service,
                role=data["role"],
            )

        if _run(request, form, action, _("L'utilisateur est rattaché à la structure.")):
            return redirect("portal:structure_members", structure_id=structure.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "structure": structure,
        "abilities": abilities,
        "members": selectors.members_of_structure(user=request.user, structure=structure),
        "form": form,
        "role_form": RoleForm(),
    }
    return render(request, "portal/organisation/members.html", context, status=400 if form.errors else 200)


def _membership_of(request, structure: Structure, membership_id: int) -> Membership:
    return get_object_or_404(Membership, pk=membership_id, structure=structure, is_active=True)


@login_required
@require_POST
def member_role(request, structure_id: int, membership_id: int):
    structure, _abilities = _structure(request, structure_id, "manage_members")
    membership = _membership_of(request, structure, membership_id)
    form = RoleForm(request.POST)
    if not _run(
        request,
        form,
        lambda data: memberships.membership_set_role(
            actor=request.user, membership=membership, role=data["role"]
        ),
        _("Le rôle est modifié."),
    ):
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("portal:structure_members", structure_id=structure.pk)


@login_required
@require_POST
def member_remove(request, structure_id: int, membership_id: int):
    structure, _abilities = _structure(request, structure_id, "manage_members")
    membership = _membership_of(request, structure, membership_id)
    try:
        memberships.membership_end(actor=request.user, membership=membership)
        messages.success(request, _("L'utilisateur est détaché de la structure."))
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect("portal:structure_members", structure_id=structure.pk)


@login_required
def structure_transfer(request, structure_id: int):
    structure, _abilities = _structure(request, structure_id, "transfer_primary")
    form = TransferForm(request.POST or None)
    if request.method == "POST" and _run(
        request,
        form,
        lambda data: memberships.primary_transfer(
            actor=request.user, structure=structure, new_primary_email=data["email"]
        ),
        _("Le rôle de gestionnaire principal est transféré : vous êtes désormais utilisateur simple."),
    ):
        return redirect("portal:structure_detail", structure_id=structure.pk)
    candidates = [
        m
        for m in selectors.members_of_structure(user=request.user, structure=structure)
        if m.service_id is None and m.user_id != request.user.pk
    ]
    context = {"structure": structure, "form": form, "candidates": candidates}
    return render(request, "portal/organisation/transfer.html", context, status=400 if form.errors else 200)


# --- Habilitations (ORG-10) ------------------------------------------------------------------------


@login_required
def structure_habilitations(request, structure_id: int):
    structure, _abilities = _structure(request, structure_id, "manage_habilitations")
    members = list(
        User.objects.filter(memberships__structure=structure, memberships__is_active=True)
        .distinct()
        .order_by("last_name")
    )
    services = list(structure.services.order_by("code"))
    form = HabilitationForm(request.POST or None, members=members, services=services)
    if request.method == "POST":

        def action(data):
            rights.habilitation_set(
                actor=request.user,
                user=next(u for u in members if str(u.pk) == data["user"]),
                structure=structure,
                service=next((s for s in services if str(s.pk) == data["service"]), None),
                space=data["space"],
                level=data["level"],
            )

        if _run(request, form, action, _("L'habilitation est enregistrée.")):
            return redirect("portal:structure_habilitations", structure_id=structure.pk)
    context = {
        "structure": structure,
        "form": form,
        "habilitations": selectors.habilitations_of_structure(user=request.user, structure=structure),
    }
    return render(
        request, "portal/organisation/habilitations.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def habilitation_remove(request, structure_id: int, habilitation_id: int):
    structure, _abilities = _structure(request, structure_id, "manage_habilitations")
    habilitation = get_object_or_404(Habilitation, pk=habilitation_id, structure=structure)
    rights.habilitation_remove(actor=request.user, habilitation=habilitation)
    messages.success(request, _("L'habilitation est supprimée."))
    return redirect("portal:structure_habilitations", structure_id=structure.pk)


# --- Approbations (ORG-8, ORG-9) -------------------------------------------------------------------


@login_required
def approvals(request):
    if not access.managed_structure_ids(request.user):
        raise PermissionDenied
    pending_requests, pending_subscriptions = selectors.approvals_pending(user=request.user)
    history_requests, history_subscriptions = selectors.approvals_history(user=request.user)
    context = {
        "pending_requests": pending_requests,
        "pending_subscriptions": pending_subscriptions,
        "history_requests": history_requests,
        "history_subscriptions": history_subscriptions,
        "decision_form": DecisionForm(),
    }
    return render(request, "portal/organisation/approvals.html", context)


@login_required
@require_POST
def approval_decide(request, kind: str, request_id: int):
    """Approve or refuse one pending request; rights are checked by the service (access.py)."""
    approve = request.POST.get("decision") == "approve"
    form = DecisionForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        if kind == "rattachement":
            item = get_object_or_404(
                MembershipRequest, pk=request_id, structure_id__in=access.managed_structure_ids(request.user)
            )
            if approve:
                memberships.membership_request_approve(
                    actor=request.user,
                    request=item,
                    role=data.get("role") or "UTILISATEUR",
                    comment=data.get("comment", ""),
                )
            else:
                memberships.membership_request_refuse(
                    actor=request.user, request=item, comment=data.get("comment", "")
                )
        elif kind == "abonnement":
            item = get_object_or_404(
                SpaceSubscription, pk=request_id, structure_id__in=access.managed_structure_ids(request.user)
            )
            rights.space_subscription_decide(actor=request.user, subscription=item, approve=approve)
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("La demande est approuvée.") if approve else _("La demande est refusée."))
    return redirect("portal:approvals")


@login_required
def rights_duplicate(request):
    if not access.managed_structure_ids(request.user):
        raise PermissionDenied
    form = DuplicateRightsForm(request.POST or None)
    if request.method == "POST":

        def action(data):
            source = User.objects.filter(email=normalize_login_email(data["source"])).first()
            target = User.objects.filter(email=normalize_login_email(data["target"])).first()
            if source is None or target is None:
                raise ApplicationError(
                    _("Aucun compte n'utilise cette adresse."), field="source" if source is None else "target"
                )
            count = memberships.rights_duplicate(actor=request.user, source=source, target=target)
            messages.info(request, _("%(count)d droits ajoutés.") % {"count": count})

        if _run(request, form, action, _("Les droits sont dupliqués.")):
            return redirect("portal:manager_activities")
    return render(
        request, "portal/organisation/duplicate.html", {"form": form}, status=400 if form.errors else 200
    )


# --- Mon compte: attachments and habilitations -------------------------------------------------------


@login_required
def membership_request(request):
    """ "Demander un rattachement": find the structure, choose the level, explain (ORG-8)."""
    search = MembershipRequestSearchForm(request.GET or None)
    results = (
        selectors.structures_for_membership_search(text=search.cleaned_data["q"])
        if search.is_valid() and search.cleaned_data["q"]
        else []
    )
    structure = Structure.objects.filter(
        pk=request.GET.get("structure") or request.POST.get("structure"), status="ACTIF"
    ).first()
    services = list(structure.services.filter(status="ACTIF").order_by("code")) if structure else []
    form = MembershipRequestForm(request.POST or None, services=services)
    if request.method == "POST" and structure is not None:

        def action(data):
            service = next((s for s in services if str(s.pk) == data["service"]), None)
            memberships.membership_request_create(
                user=request.user, structure=structure, service=service, comment=data["comment"]
            )

        if _run(
            request,
            form,
            action,
            _("Votre demande de rattachement est envoyée aux gestionnaires de la structure."),
        ):
            return redirect("portal:account")
    context = {"search": search, "results": results, "structure": structure, "form": form}
    return render(
        request, "portal/organisation/membership_request.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def membership_detach(request, membership_id: int):
    membership = get_object_or_404(Membership, pk=membership_id, user=request.user, is_active=True)
    try:
        memberships.membership_detach_self(user=request.user, membership=membership)
        messages.success(
            request,
            _("Vous êtes détaché(e) de %(structure)s.") % {"structure": membership.structure.legal_name},
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect("portal:account")


@login_required
def space_subscription(request):
    structures = [m.structure for m in selectors.memberships_of_user(user=request.user)]
    structures = list({s.pk: s for s in structures}.values())
    form = SubscriptionForm(request.POST or None, structures=structures)
    if request.method == "POST":

        def action(data):
            structure = next(s for s in structures if str(s.pk) == data["structure"])
            rights.space_subscription_request(
                user=request.user,
                structure=structure,
                space=data["space"],
                level=data["level"],
                comment=data["comment"],
            )

        if _run(request, form, action, _("Votre demande d'abonnement est envoyée aux gestionnaires.")):
            return redirect("portal:account")
    return render(
        request, "portal/organisation/subscription.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def habilitations_export(request):
    """ "Mes habilitations" as CSV (ORG-10), the columns of the real export."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mes-habilitations.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [_("Structure"), _("Raison sociale"), _("Code service"), _("Libellé service"), _("Profils")]
    )
    for row in my_habilitation_rows(request.user):
        writer.writerow(row)
    return response


def my_habilitation_rows(user) -> list[list[str]]:
    """Rows of "Mes habilitations": explicit profiles, and the spaces managers hold by their role."""
    rows = []
    all_rights = access.rights_for(user)
    managed = {sid for sid, granted in all_rights.items() if granted.role in access.MANAGER_ROLES}
    structures = Structure.objects.in_bulk(managed)
    for sid in sorted(managed):
        structure = structures[sid]
        for space in sorted(all_rights[sid].spaces):
            rows.append(
                [
                    structure.identifier,
                    structure.legal_name,
                    "",
                    "",
                    f"{Space(space).label} {_('modification')}",
                ]
            )
    for h in selectors.habilitations_of_user(user=user):
        if h.structure_id in managed:
            continue
        rows.append([
            h.structure.identifier, h.structure.legal_name, h.service.code if h.service else "", h.service.label if h.service else "",
            f"{h.get_space_display()} {h.get_level_display()}",
        ])  # fmt: skip
    return rows
