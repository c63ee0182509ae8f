"""Déposer une facture (INV-3) and Dépôt par lot (INV-4): thin adapters over `ingestion.pipeline`.

A user may deposit for the structures where they hold "Factures émises" in modification
(`structures/access.py`); anyone else gets a 403. A single deposit becomes a draft the user checks,
completes and sends on the invoice form; a batch sends every structured file that passes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from openchorus.ingestion import pipeline
from openchorus.portal.forms.invoices_deposit import ACCEPT, MAX_BATCH_FILES, BatchDepositForm, DepositForm
from openchorus.structures import access
from openchorus.structures.models import Structure

STEPS = {
    "rights": gettext_lazy("Droits"),
    "preflight": gettext_lazy("Contrôle du fichier"),
    "detect": gettext_lazy("Reconnaissance du format"),
    "read": gettext_lazy("Lecture de la facture"),
    "validate": gettext_lazy("Règles EN 16931 et Chorus Pro"),
    "duplicates": gettext_lazy("Numéro de facture"),
    "recipient": gettext_lazy("Destinataire"),
    "route": gettext_lazy("Envoi au destinataire"),
    "persist": gettext_lazy("Enregistrement"),
}


def _structures(request):
    ids = access.invoice_supplier_structures(request.user)
    if not ids:
        raise PermissionDenied
    return Structure.objects.filter(pk__in=ids).order_by("legal_name")


def _read(upload) -> bytes:
    # One byte past the cap is enough for the pipeline to refuse an oversize file.
    return upload.read(pipeline.max_bytes() + 1)


def invoice_edit_url(invoice) -> str:
    """The draft's form (the entry engineer's page), the invoice page until it exists."""
    try:
        return reverse("portal:invoice_edit", args=[invoice.pk])
    except NoReverseMatch:
        return reverse("portal:invoice_detail", args=[invoice.pk])


def _context(**context):
    size_fr, _size_en = pipeline.size_label(pipeline.max_bytes())
    return {"max_size": size_fr, "accept": ACCEPT, "max_batch_files": MAX_BATCH_FILES, **context}


def _refusal(outcome) -> dict:
    return {
        "step": STEPS.get(outcome.refused_at, outcome.refused_at),
        "findings": outcome.findings,
        "scanned": any(f.rule_id in ("PDF-SCANNED", "PDF-IMAGE-PAGES") for f in outcome.findings),
    }


@login_required
@require_http_methods(["GET", "POST"])
def deposit(request):
    structures = _structures(request)
    if request.method == "GET":
        form = DepositForm(structures=structures)
        return render(request, "portal/invoices/deposit.html", _context(form=form))
    form = DepositForm(request.POST, request.FILES, structures=structures)
    if not form.is_valid():
        return render(request, "portal/invoices/deposit.html", _context(form=form), status=400)
    upload = form.cleaned_data["file"]
    outcome = pipeline.deposit(
        actor=request.user, supplier=form.cleaned_data["supplier"], data=_read(upload), filename=upload.name
    )
    if outcome.invoice is None:
        context = _context(form=DepositForm(structures=structures), filename=upload.name, **_refusal(outcome))
        return render(request, "portal/invoices/deposit.html", context, status=422)
    messages.success(
        request,
        _(
            "Le fichier « %(name)s » est déposé : vérifiez et complétez les champs de la facture, "
            "puis envoyez-la."
        )
        % {"name": upload.name},
    )
    return redirect(invoice_edit_url(outcome.invoice))


@login_required
@require_http_methods(["GET", "POST"])
def batch(request):
    structures = _structures(request)
    if request.method == "GET":
        form = BatchDepositForm(structures=structures)
        return render(request, "portal/invoices/deposit_batch.html", _context(form=form))
    form = BatchDepositForm(request.POST, request.FILES, structures=structures)
    if not form.is_valid():
        return render(request, "portal/invoices/deposit_batch.html", _context(form=form), status=400)
    uploads = form.cleaned_data["files"]
    outcomes = pipeline.deposit_batch(
        actor=request.user,
        supplier=form.cleaned_data["supplier"],
        files=[(upload.name, _read(upload)) for upload in uploads],
    )
    rows = []
    for outcome in outcomes:
        row = {"outcome": outcome, **_refusal(outcome)}
        if outcome.invoice is not None:
            row["url"] = (
                reverse("portal:invoice_detail", args=[outcome.invoice.pk])
                if outcome.sent
                else invoice_edit_url(outcome.invoice)
            )
        rows.append(row)
    summary = {
        "sent": sum(1 for o in outcomes if o.sent),
        "drafts": sum(1 for o in outcomes if o.accepted and not o.sent),
        "refused": sum(1 for o in outcomes if o.invoice is None),
    }
    context = _context(form=BatchDepositForm(structures=structures), rows=rows, summary=summary)
    return render(request, "portal/invoices/deposit_batch.html", context)
