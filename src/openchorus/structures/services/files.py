"""A structure's attachments (pièces jointes, ORG-5) and its billing mandate (mandat de facturation, ORG-6)."""

from __future__ import annotations

import gc
import re
import warnings
from typing import IO

import weasyprint
from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from openchorus.core.errors import ApplicationError
from openchorus.core.models import StoredFile
from openchorus.core.storage import (
    DOCX,
    GIF,
    JPEG,
    ODP,
    ODS,
    ODT,
    PDF,
    PNG,
    PPTX,
    TEXT,
    TIFF,
    XLSX,
    XML,
    ZIP,
    read_capped,
    sniff_content_type,
    stored_file_put,
)
from openchorus.structures.enums import Status
from openchorus.structures.models import Attachment, BillingMandate, Structure
from openchorus.structures.services._common import audit, require
from openchorus.structures.services.bank import country_name

ATTACHMENT_MAX_BYTES = 4 * 1024 * 1024
ATTACHMENT_TYPES = frozenset({PDF, PNG, JPEG, GIF, TIFF, DOCX, XLSX, PPTX, ODT, ODS, ODP, XML, TEXT, ZIP})
ACCEPTED_TYPES_TEXT = _(
    "PDF, images (PNG, JPEG, GIF, TIFF), documents bureautiques (Word, Excel, PowerPoint, OpenDocument), "
    "XML, texte ou archive ZIP"
)
_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f\"<>|:*?]")


def _filename_clean(filename: str) -> str:
    """The last path component, without control or reserved characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" .")
    if not name:
        raise ApplicationError(_("Donnez un nom au fichier joint."), field="file")
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 254 - len(extension)] + dot + extension) if dot and len(extension) < 10 else name[:255]
    return name


def _attachment_snapshot(attachment: Attachment) -> dict:
    return {
        "filename": attachment.filename,
        "description": attachment.description,
        "sha256": attachment.stored.sha256,
        "size": attachment.stored.size,
        "content_type": attachment.stored.content_type,
        "is_active": attachment.is_active,
    }


def attachment_file_check(data: bytes | IO[bytes] | None, filename: str) -> tuple[StoredFile, str]:
    """A supporting document's checks (name, 4 MB cap, type read from the bytes), then kept.

    One rule for the structure's attachments (ORG-5) and the files attached to an invoice.
    """
    filename = _filename_clean(filename)
    content = read_capped(data if data is not None else b"", limit=ATTACHMENT_MAX_BYTES)
    if content is None:
        raise ApplicationError(
            _("Le fichier « %(name)s » dépasse la taille maximale de 4 Mo : réduisez-le ou scindez-le.")
            % {"name": filename},
            field="file",
        )
    if not content:
        raise ApplicationError(_("Le fichier « %(name)s » est vide.") % {"name": filename}, field="file")
    content_type = sniff_content_type(content)
    if content_type not in ATTACHMENT_TYPES:
        raise ApplicationError(
            _("Le fichier « %(name)s » n'est pas d'un type accepté. Types acceptés : %(types)s.")
            % {"name": filename, "types": ACCEPTED_TYPES_TEXT},
            field="file",
            extra={"content_type": content_type or ""},
        )
    return stored_file_put(data=content, content_type=content_type), filename


@transaction.atomic
def attachment_add(
    *, actor, structure: Structure, filename: str, data: bytes | IO[bytes], description: str = ""
) -> Attachment:
    """ORG-5: add a supporting document (max 4 MB), kept for reuse on the structure's invoices."""
    require(actor, "manage_attachments", structure)
    description = (description or "").strip()
    if len(description) > 255:
        raise ApplicationError(_("La description comporte au plus 255 caractères."), field="description")
    stored, filename = attachment_file_check(data, filename)
    attachment = Attachment.objects.create(
        structure=structure,
        filename=filename,
        description=description,
        stored=stored,
        uploaded_by=actor,
    )
    audit(
        actor=actor,
        structure=structure,
        action="attachment.add",
        obj=attachment,
        after=_attachment_snapshot(attachment),
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> Attachment:
    """Withdraw an attachment: it is deactivated, never deleted (invoices may carry it)."""
    require(actor, "manage_attachments", attachment.structure)
    attachment = (
        Attachment.objects.select_for_update(of=("self",))
        .select_related("structure", "stored")
        .get(pk=attachment.pk)
    )
    if not attachment.is_active:
        raise ApplicationError(
            _("La pièce jointe « %(name)s » a déjà été retirée.") % {"name": attachment.filename},
            extra={"code": "already_removed"},
        )
    attachment.is_active = False
    attachment.save(update_fields=["is_active", "updated_at"])
    audit(
        actor=actor,
        structure=attachment.structure,
        action="attachment.remove",
        obj=attachment,
        before={"is_active": True},
        after={"is_active": False},
    )
    return attachment


# --- Billing mandate (ORG-6) ----------------------------------------------------------------------


def billing_mandate_active(structure: Structure) -> BillingMandate | None:
    """The structure's mandate in force, if any (entering invoices in the form requires one)."""
    return BillingMandate.objects.filter(structure=structure, revoked_at__isnull=True).first()


def _no_fetch(url: str, *args, **kwargs):
    """The mandate is self-contained: nothing is fetched while rendering it (no network, no disk)."""
    raise ValueError(f"external resource refused: {url}")


def billing_mandate_render(
    *, structure: Structure, actor, signatory_name: str, signatory_capacity: str, signed_at
) -> bytes:
    """The mandate document, as a PDF/A-2b file."""
    signed_at = timezone.localtime(signed_at)
    # The mandate is a contract under French tax law: its authentic text is French, whatever the
    # language the signatory browses in.
    with translation.override("fr"):
        html = render_to_string(
            "structures/mandate.html",
            {
                "structure": structure,
                "country_name": country_name(structure.country),
                "signatory_name": signatory_name,
                "signatory_capacity": signatory_capacity,
                "signatory_email": getattr(actor, "email", ""),
                "signed_at": signed_at,
                "reference": f"MF-{structure.identifier}-{signed_at:%Y%m%d%H%M%S}",
                "platform": settings.SITE_TITLE,
                "platform_url": settings.BASE_URL,
            },
        )
    # PDF/A for a document kept ten years. WeasyPrint opens its sRGB profile for PDF/A and never
    # closes it; the ResourceWarning of that handle is silenced here, where it is released.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf(pdf_variant="pdf/a-2b")
        gc.collect()
    return pdf


@transaction.atomic
def billing_mandate_subscribe(
    *, actor, structure: Structure, signatory_name: str, signatory_capacity: str
) -> BillingMandate:
    """ORG-6: subscribe the billing mandate; the platform generates and keeps its document."""
    require(actor, "manage_mandate", structure)
    signatory_name = (signatory_name or "").strip()
    signatory_capacity = (signatory_capacity or "").strip()
    if not signatory_name:
        raise ApplicationError(
            _("Indiquez le nom et le prénom du signataire du mandat."), field="signatory_name"
        )
    if not signatory_capacity:
        raise ApplicationError(
            _("Indiquez la qualité du signataire (par exemple : gérant, président, directeur financier)."),
            field="signatory_capacity",
        )
    for field, value in (("signatory_name", signatory_name), ("signatory_capacity", signatory_capacity)):
        if len(value) > 200:
            raise ApplicationError(_("Ce champ comporte au plus 200 caractères."), field=field)
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    if structure.status != Status.ACTIVE:
        raise ApplicationError(
            _(
                "La structure %(identifier)s est inactive : elle ne peut plus souscrire de mandat de facturation."
            )
            % {"identifier": structure.identifier},
            extra={"code": "inactive"},
        )
    if billing_mandate_active(structure) is not None:
        raise ApplicationError(
            _(
                "La structure a déjà un mandat de facturation en cours. Révoquez-le avant d'en souscrire un "
                "nouveau."
            ),
            extra={"code": "exists"},
        )
    signed_at = timezone.now()
    pdf = billing_mandate_render(
        structure=structure,
        actor=actor,
        signatory_name=signatory_name,
        signatory_capacity=signatory_capacity,
        signed_at=signed_at,
    )
    mandate = BillingMandate(
        structure=structure,
        signatory=actor,
        signatory_name=signatory_name,
        signatory_capacity=signatory_capacity,
        document=stored_file_put(data=pdf, content_type=PDF),
    )
    try:
        with transaction.atomic():
            mandate.save()
    except IntegrityError:
        raise ApplicationError(
            _("La structure a déjà un mandat de facturation en cours."), extra={"code": "exists"}
        ) from None
    audit(
        actor=actor,
        structure=structure,
        action="billing_mandate.subscribe",
        obj=mandate,
        after={
            "signatory_name": signatory_name,
            "signatory_capacity": signatory_capacity,
            "document": mandate.document.sha256,
        },
    )
    return mandate


@transaction.atomic
def billing_mandate_revoke(*, actor, mandate: BillingMandate) -> BillingMandate:
    """End a mandate: invoices can no longer be entered in the form until a new one is subscribed."""
    require(actor, "manage_mandate", mandate.structure)
    mandate = (
        BillingMandate.objects.select_for_update(of=("self",)).select_related("structure").get(pk=mandate.pk)
    )
    if mandate.revoked_at is not None:
        raise ApplicationError(
            _("Ce mandat de facturation est déjà révoqué."), extra={"code": "already_revoked"}
        )
    mandate.revoked_at = timezone.now()
    mandate.revoked_by = actor
    mandate.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit(
        actor=actor,
        structure=mandate.structure,
        action="billing_mandate.revoke",
        obj=mandate,
        before={"revoked_at": None},
        after={"revoked_at": mandate.revoked_at},
    )
    return mandate
