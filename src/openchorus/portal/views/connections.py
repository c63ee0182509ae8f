"""Raccordements (RAC-1): a manager requests technical accounts of the API for a structure, sees
its secrets once, their expiry, renews the password and revokes an account.

Thin adapters over connections.services and connections.selectors; rights come from
structures/access.py (`technical_account_abilities`): only a structure's managers see its accounts.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openchorus.connections import selectors, services, webhooks
from openchorus.core.errors import ApplicationError
from openchorus.portal.forms import PortalForm, form_add_application_error
from openchorus.structures import access
from openchorus.structures.models import Structure


class TechnicalAccountForm(PortalForm):
    structure = forms.ModelChoiceField(queryset=Structure.objects.none(), label=gettext_lazy("Structure"))
    label = forms.CharField(
        label=gettext_lazy("Nom du raccordement"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Par exemple le nom du logiciel qui appellera l'API."),
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures
        self.fields["structure"].label_from_instance = lambda s: f"{s.identifier} — {s.legal_name}"
        if structures.count() == 1:
            self.fields["structure"].initial = structures.first()


def _structures(user):
    ids = access.technical_account_structures(user)
    if not ids:
        raise PermissionDenied
    return Structure.objects.filter(pk__in=ids).order_by("legal_name")


def _page(request, form, credentials=None, status=200):
    accounts = list(selectors.technical_accounts_for_user(user=request.user))
    return render(
        request,
        "portal/connections/connections.html",
        {"form": form, "accounts": accounts, "credentials": credentials},
        status=status,
    )


@login_required
def connections(request):
    if not access.technical_account_structures(request.user):
        return render(request, "portal/connections/not_manager.html", status=403)
    structures = _structures(request.user)
    form = TechnicalAccountForm(request.POST or None, structures=structures)
    if request.method == "POST" and form.is_valid():
        try:
            credentials = services.technical_account_create(
                actor=request.user, structure=form.cleaned_data["structure"], label=form.cleaned_data["label"]
            )
        except ApplicationError as error:
            if error.extra.get("code") == "forbidden":
                raise PermissionDenied from None
            form_add_application_error(form, error)
        else:
            messages.success(
                request, _("Le compte technique est créé. Notez ses secrets : ils ne seront plus affichés.")
            )
            return _page(request, TechnicalAccountForm(structures=structures), credentials)
    return _page(request, form, status=400 if form.errors else 200)


def _account(request, account_id: int):
    _structures(request.user)
    account = selectors.technical_account_for_user(user=request.user, account_id=account_id)
    if account is None:
        raise Http404
    return account


@login_required
@require_POST
def connection_rotate(request, account_id: int):
    account = _account(request, account_id)
    try:
        credentials = services.technical_account_password_rotate(actor=request.user, account=account)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("portal:connections")
    messages.success(
        request,
        _("Nouveau mot de passe créé : l'ancien ne fonctionne plus. Notez-le : il ne sera plus affiché."),
    )
    return _page(request, TechnicalAccountForm(structures=_structures(request.user)), credentials)


@login_required
@require_POST
def connection_revoke(request, account_id: int):
    account = _account(request, account_id)
    services.technical_account_revoke(actor=request.user, account=account)
    messages.success(request, _("Le compte technique %(login)s est révoqué.") % {"login": account.login})
    return redirect("portal:connections")


# --- webhooks (BYD-3) -----------------------------------------------------------------------------


class WebhookForm(PortalForm):
    url = forms.CharField(
        label=gettext_lazy("Adresse de notification"),
        max_length=500,
        help_text=gettext_lazy(
            "L'adresse https:// où votre logiciel reçoit les événements (POST JSON signé)."
        ),
    )


def _webhooks_page(request, account, form, secret="", status=200):
    return render(
        request,
        "portal/connections/webhooks.html",
        {
            "account": account,
            "form": form,
            "secret": secret,
            "webhooks": list(webhooks.webhooks_for_account(account=account)),
            "deliveries": webhooks.deliveries_for_account(account=account),
        },
        status=status,
    )


@login_required
def connection_webhooks(request, account_id: int):
    """The webhooks of one technical account: add a URL (its secret shown once), remove one, and
    the delivery log (each attempt's HTTP status, duration and error)."""
    account = _account(request, account_id)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _webhook, secret = webhooks.webhook_add(
                actor=request.user, account=account, url=form.cleaned_data["url"]
            )
        except ApplicationError as error:
            if error.extra.get("code") == "forbidden":
                raise PermissionDenied from None
            form_add_application_error(form, error)
        else:
            messages.success(
                request,
                _("L'adresse est enregistrée. Notez son secret de signature : il ne sera plus affiché."),
            )
            return _webhooks_page(request, account, WebhookForm(), secret)
    return _webhooks_page(request, account, form, status=400 if form.errors else 200)


@login_required
@require_POST
def connection_webhook_remove(request, webhook_id: int):
    _structures(request.user)
    webhook = webhooks.webhook_for_user(user=request.user, webhook_id=webhook_id)
    if webhook is None:
        raise Http404
    try:
        webhooks.webhook_remove(actor=request.user, webhook=webhook)
    except ApplicationError as error:
        raise PermissionDenied from error
    messages.success(request, _("L'adresse %(url)s ne sera plus notifiée.") % {"url": webhook.url})
    return redirect("portal:connection_webhooks", webhook.account_id)
