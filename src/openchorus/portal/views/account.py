""" "Mon compte" (ACC-6): personal details, settings, password, secret question, second factor."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openchorus.accounts import services
from openchorus.core.errors import ApplicationError
from openchorus.portal.forms import form_add_application_error
from openchorus.portal.forms.account import (
    CurrentPasswordForm,
    PasswordChangeForm,
    ProfileForm,
    SecretChangeForm,
    TotpConfirmForm,
)
from openchorus.portal.views.organisation import my_habilitation_rows
from openchorus.structures import selectors
from openchorus.structures.enums import RequestStatus


def _profile_initial(user) -> dict:
    fields = [
        "last_name",
        "first_name",
        "contact_email",
        "phone",
        "mobile_phone",
        "language",
        "activity_notifications",
    ]
    return {name: getattr(user, name) for name in fields}


def _page(request, status=200, **forms):
    user = request.user
    pending_totp = services.totp_device_for(user=user, confirmed=False)
    context = {
        "profile_form": ProfileForm(initial=_profile_initial(user)),
        "password_form": PasswordChangeForm(),
        "secret_form": SecretChangeForm(initial={"secret_question": user.secret_question}),
        "totp_device": services.totp_device_for(user=user),
        "totp_pending": pending_totp,
        "totp_qr": segno.make(pending_totp.config_url, micro=False).svg_inline(scale=4)
        if pending_totp
        else "",
        "totp_secret": pending_totp.bin_key.hex() if pending_totp else "",
        "totp_confirm_form": TotpConfirmForm(),
        "totp_remove_form": CurrentPasswordForm(prefix="totp"),
        "deactivate_form": CurrentPasswordForm(prefix="deactivate"),
        "memberships": selectors.memberships_of_user(user=user),
        "membership_requests": selectors.requests_of_user(user=user).filter(status=RequestStatus.REQUESTED),
        "habilitation_rows": my_habilitation_rows(user),
        **forms,
    }
    return render(request, "portal/account/account.html", context, status=status)


@login_required
def account(request):
    return _page(request)


def _handle(request, form, action, success: str, form_name: str):
    """Run one service from one of the page's forms; re-render the page with errors on refusal."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, success)
            return redirect("portal:account")
    return _page(request, status=400, **{form_name: form})


@login_required
@require_POST
def profile_update(request):
    form = ProfileForm(request.POST)
    return _handle(
        request,
        form,
        lambda data: services.user_profile_update(user=request.user, **data),
        _("Vos informations ont été enregistrées."),
        "profile_form",
    )


@login_required
@require_POST
def password_change(request):
    form = PasswordChangeForm(request.POST)

    def action(data):
        services.user_password_change(user=request.user, **data)
        update_session_auth_hash(request, request.user)

    return _handle(request, form, action, _("Votre mot de passe a été modifié."), "password_form")


@login_required
@require_POST
def secret_change(request):
    form = SecretChangeForm(request.POST)
    return _handle(
        request,
        form,
        lambda data: services.user_secret_change(user=request.user, **data),
        _("Votre question secrète a été modifiée."),
        "secret_form",
    )


@login_required
@require_POST
def totp_start(request):
    try:
        services.totp_setup_start(user=request.user)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect("portal:account")


@login_required
@require_POST
def totp_confirm(request):
    form = TotpConfirmForm(request.POST)
    return _handle(
        request,
        form,
        lambda data: services.totp_setup_confirm(user=request.user, token=data["token"]),
        _("La double authentification est activée : un code vous sera demandé à chaque connexion."),
        "totp_confirm_form",
    )


@login_required
@require_POST
def totp_remove(request):
    form = CurrentPasswordForm(request.POST, prefix="totp")
    return _handle(
        request,
        form,
        lambda data: services.totp_remove(user=request.user, **data),
        _("La double authentification est désactivée."),
        "totp_remove_form",
    )


@login_required
@require_POST
def deactivate(request):
    form = CurrentPasswordForm(request.POST, prefix="deactivate")
    if form.is_valid():
        try:
            services.user_deactivate(user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            logout(request)
            messages.info(request, _("Votre compte est désactivé. Vous ne pouvez plus vous connecter."))
            return redirect("portal:home")
    return _page(request, status=400, deactivate_form=form)
