"""Structures and their services (ORG-1, ORG-2, ORG-3, ORG-13)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat as eu_vat

from openchorus.core.errors import ApplicationError
from openchorus.core.identifiers import identifier_validate
from openchorus.core.text import search_normalize
from openchorus.notifications.enums import FeedEventKind
from openchorus.notifications.services import feed_event_add
from openchorus.structures.enums import Role, Status, StructureKind
from openchorus.structures.models import Membership, Structure, StructureService
from openchorus.structures.services._common import audit, require, snapshot

STRUCTURE_FIELDS = [
    "identifier_type", "identifier", "kind", "legal_name", "label", "address_line1", "address_line2",
    "address_line3", "postcode", "city", "country", "email", "phone", "rcs_number", "vat_number",
    "not_disseminated", "status", "service_code_required", "engagement_required",
    "service_or_engagement_required", "payment_status_hidden", "edi_reception", "moa_presence",
]  # fmt: skip
EDITABLE_FIELDS = [f for f in STRUCTURE_FIELDS if f not in {"identifier_type", "identifier", "status"}]
PUBLIC_PARAMETERS = [
    "service_code_required", "engagement_required", "service_or_engagement_required",
    "payment_status_hidden", "edi_reception", "moa_presence",
]  # fmt: skip
SERVICE_FIELDS = ["code", "label", "description", "start_date", "end_date", "status", "engagement_required"]


def _directory_refresh(structure: Structure) -> None:
    """Keep the public directory's word index in step (DIR-3); it only indexes public structures."""
    from openchorus.directory.services import directory_index_refresh

    directory_index_refresh(structure_ids=[structure.pk])


def _search_text(structure: Structure) -> str:
    parts = [structure.legal_name, structure.label, structure.identifier, structure.city, structure.postcode]
    return search_normalize(" ".join(p for p in parts if p))


def _vat_check(value: str) -> str:
    value = (value or "").replace(" ", "").upper()
    if not value:
        return ""
    try:
        return eu_vat.validate(value)
    except stdnum_errors.ValidationError:
        raise ApplicationError(
            _("Le numéro de TVA intracommunautaire %(value)s n'est pas valide (clé ou longueur).")
            % {"value": value},
            field="vat_number",
        ) from None


def _clean(structure: Structure, exclude: list[str] | None = None) -> None:
    try:
        structure.full_clean(exclude=exclude, validate_constraints=True)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=None if field == "__all__" else field) from None


def _apply(structure: Structure, values: dict) -> None:
    if not (values.get("legal_name") or structure.legal_name or "").strip():
        raise ApplicationError(_("La raison sociale est obligatoire."), field="legal_name")
    for name, value in values.items():
        if name not in EDITABLE_FIELDS:
            raise ApplicationError(
                _("Le champ %(field)s ne peut pas être modifié.") % {"field": name}, field=name
            )
        setattr(structure, name, value.strip() if isinstance(value, str) else value)
    structure.vat_number = _vat_check(structure.vat_number)
    if structure.kind != StructureKind.PUBLIC:
        for name in PUBLIC_PARAMETERS:  # ORG-2 parameters only exist for public structures
            setattr(structure, name, "" if name == "moa_presence" else False)
    if structure.country == "FR" and not (structure.address_line1 and structure.postcode and structure.city):
        raise ApplicationError(
            _("L'adresse, le code postal et la ville sont obligatoires."), field="address_line1"
        )
    structure.search_text = _search_text(structure)


@transaction.atomic
def structure_create(*, actor, identifier_type: str, identifier: str, kind: str, **values) -> Structure:
    """ORG-1: create a structure; its creator becomes its primary manager."""
    identifier = identifier_validate(identifier_type, identifier)
    existing = Structure.objects.filter(identifier_type=identifier_type, identifier=identifier).first()
    if existing is not None:
        raise ApplicationError(
            _(
                "La structure %(identifier)s (%(name)s) existe déjà sur la plateforme : demandez-y un "
                "rattachement depuis « Mon compte »."
            )
            % {"identifier": identifier, "name": existing.legal_name},
            field="identifier",
            extra={"code": "exists", "structure_id": existing.pk},
        )
    if kind not in StructureKind.values:
        raise ApplicationError(_("Choisissez le type de structure (publique ou privée)."), field="kind")
    structure = Structure(identifier_type=identifier_type, identifier=identifier, kind=kind)
    _apply(structure, values)
    _clean(structure)
    try:
        with transaction.atomic():
            structure.save()
    except IntegrityError:
        raise ApplicationError(
            _("Une structure existe déjà avec cet identifiant."), field="identifier"
        ) from None
    membership = Membership.objects.create(user=actor, structure=structure, role=Role.PRIMARY_MANAGER)
    audit(
        actor=actor,
        structure=structure,
        action="structure.create",
        obj=structure,
        after=snapshot(structure, STRUCTURE_FIELDS),
    )
    audit(
        actor=actor,
        structure=structure,
        action="membership.create",
        obj=membership,
        after={"user": actor.email, "role": Role.PRIMARY_MANAGER},
    )
    feed_event_add(user=actor, kind=FeedEventKind.STRUCTURE_CREATED, structure=structure.legal_name)
    _directory_refresh(structure)
    return structure


@transaction.atomic
def structure_update(*, actor, structure: Structure, **values) -> Structure:
    require(actor, "modify", structure)
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    before = snapshot(structure, STRUCTURE_FIELDS)
    _apply(structure, values)
    _clean(structure)
    structure.save()
    after = snapshot(structure, STRUCTURE_FIELDS)
    if after != before:
        audit(
            actor=actor,
            structure=structure,
            action="structure.update",
            obj=structure,
            before=before,
            after=after,
        )
        _directory_refresh(structure)
    return structure


@transaction.atomic
def structure_set_status(*, actor, structure: Structure, status: str) -> Structure:
    """Activate or inactivate (ORG-13: merger/absorption). Invoices stay viewable either way."""
    require(actor, "modify", structure)
    if status not in Status.values:
        raise ApplicationError(_("Statut inconnu."), field="status")
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    if structure.status != status:
        before = {"status": structure.status}
        structure.status = status
        structure.save(update_fields=["status", "updated_at"])
        audit(
            actor=actor,
            structure=structure,
            action="structure.status",
            obj=structure,
            before=before,
            after={"status": status},
        )
    return structure


# --- Services (ORG-3) -------------------------------------------------------------------------------


def _service_apply(service: StructureService, values: dict) -> None:
    for name, value in values.items():
        if name not in SERVICE_FIELDS:
            raise ApplicationError(
                _("Le champ %(field)s ne peut pas être modifié.") % {"field": name}, field=name
            )
        setattr(service, name, value.strip() if isinstance(value, str) else value)
    service.code = (service.code or "").strip().upper()
    if not service.code:
        raise ApplicationError(_("Le code du service est obligatoire."), field="code")
    if not service.label:
        raise ApplicationError(_("Le libellé du service est obligatoire."), field="label")
    if not isinstance(service.start_date, date):
        raise ApplicationError(_("La date de début d'activation est obligatoire."), field="start_date")
    if service.end_date and service.end_date <= service.start_date:
        raise ApplicationError(
            _("La date de fin d'activation doit suivre la date de début d'activation."), field="end_date"
        )
    duplicate = StructureService.objects.filter(structure_id=service.structure_id, code=service.code).exclude(
        pk=service.pk
    )
    if duplicate.exists():
        raise ApplicationError(
            _("Le code de service %(code)s existe déjà dans cette structure ; choisissez-en un autre.")
            % {"code": service.code},
            field="code",
        )
    try:
        service.full_clean(validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=field) from None


@transaction.atomic
def service_create(*, actor, structure: Structure, **values) -> StructureService:
    require(actor, "manage_services", structure)
    values.setdefault("start_date", timezone.localdate())
    service = StructureService(structure=structure)
    _service_apply(service, values)
    service.save()
    audit(
        actor=actor,
        structure=structure,
        action="service.create",
        obj=service,
        after=snapshot(service, SERVICE_FIELDS),
    )
    return service


@transaction.atomic
def service_update(*, actor, service: StructureService, **values) -> StructureService:
    require(actor, "manage_services", service.structure)
    service = StructureService.objects.select_for_update().get(pk=service.pk)
    before = snapshot(service, SERVICE_FIELDS)
    _service_apply(service, values)
    service.save()
    after = snapshot(service, SERVICE_FIELDS)
    if after != before:
        audit(
            actor=actor,
            structure=service.structure,
            action="service.update",
            obj=service,
            before=before,
            after=after,
        )
    return service


def service_set_status(*, actor, service: StructureService, status: str) -> StructureService:
    if status not in Status.values:
        raise ApplicationError(_("Statut inconnu."), field="status")
    return service_update(actor=actor, service=service, status=status)


def service_is_active(*, service: StructureService, on: date | None = None) -> bool:
    return service.is_active_on(on or timezone.localdate())
