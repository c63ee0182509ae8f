"""Sign-up, activation, login, second factor, logout and password recovery (ACC-1..5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from openchorus.accounts import services
from openchorus.accounts.models import User
from openchorus.core.errors import ApplicationError
from openchorus.core.identifiers import IdentifierType, siret_validate
from openchorus.portal.forms import form_add_application_error
from openchorus.portal.forms.accounts import (
    ActivationForm,
    EmailOnlyForm,
    LoginForm,
    OtpForm,
    PasswordResetForm,
    SignUpForm,
    SignUpStartForm,
)
from openchorus.portal.views.public import home

SESSION_SIGNUP = "signup_start"
SESSION_OTP_USER = "otp_pending_user"
LOGIN_BACKEND = "openchorus.accounts.backends.EmailBackend"


# --- Sign-up -----------------------------------------------------------------------------------


@require_POST
def signup_start(request):
    """The home's "Vous êtes nouveau sur Chorus Pro ?" block: e-mail and SIRET, then the details."""
    form = SignUpStartForm(request.POST, prefix="signup")
    if form.is_valid():
        try:
            siret = siret_validate(form.cleaned_data["siret"], field="siret")
            services.email_must_be_free(form.cleaned_data["email"])
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            request.session[SESSION_SIGNUP] = {"email": form.cleaned_data["email"], "siret": siret}
            return redirect("portal:signup")
    return home(request, signup_form=form, status=400)


def signup(request):
    """ "Finaliser votre inscription": names and identifier; "Je n'ai pas de numéro de SIRET" too."""
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    started = request.session.get(SESSION_SIGNUP, {})
    without_siret = request.GET.get("sans_siret") == "1"
    initial = {"email": started.get("email", ""), "identifier": started.get("siret", "")}
    initial["identifier_type"] = IdentifierType.OTHER if without_siret else IdentifierType.SIRET
    form = SignUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_sign_up(
                email=data["email"],
                identifier_type=data["identifier_type"],
                identifier=data["identifier"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                language=request.LANGUAGE_CODE,
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            request.session.pop(SESSION_SIGNUP, None)
            return render(request, "portal/accounts/signup_done.html", {"email": user.email})
    return render(
        request,
        "portal/accounts/signup.html",
        {"form": form, "without_siret": without_siret},
        status=400 if form.errors else 200,
    )


def activate(request, token: str):
    """ACC-2: choose the password and the secret question from the e-mailed link."""
    try:
        user = services.activation_user_from_token(token=token)
    except ApplicationError as error:
        return render(
            request,
            "portal/accounts/activation_invalid.html",
            {"error": error.message, "code": error.extra.get("code"), "resend_form": EmailOnlyForm()},
            status=400,
        )
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_activate(token=token, **form.cleaned_data)
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            logout(request)
            services.user_record_login(user=user)
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(request, _("Votre compte est activé. Bienvenue sur le portail !"))
            return redirect("portal:dashboard")
    return render(
        request,
        "portal/accounts/activate.html",
        {"form": form, "account": user},
        status=400 if form.errors else 200,
    )


def activation_resend(request):
    """ACC-3: "Renvoyer le lien d'activation"."""
    form = EmailOnlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.activation_link_resend(email=form.cleaned_data["email"])
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(
                request,
                _("Un nouveau lien d'activation a été envoyé à %(email)s.") % {"email": user.email},
            )
            return redirect("portal:home")
    return render(
        request, "portal/accounts/activation_resend.html", {"form": form}, status=400 if form.errors else 200
    )


# --- Login and logout ----------------------------------------------------------------------------


@require_POST
def login_view(request):
    form = LoginForm(request.POST, prefix="login")
    if not form.is_valid():
        return home(request, login_form=form, status=400)
    email, password = form.cleaned_data["email"], form.cleaned_data["password"]
    user = authenticate(request, email=email, password=password)
    if getattr(request, "axes_locked_out", False):
        return locked_out(request)
    if user is None:
        return home(
            request, login_form=form, status=400, login_error=services.login_refusal_reason(email=email)
        )
    if services.totp_device_for(user=user):
        request.session[SESSION_OTP_USER] = user.pk
        return redirect("portal:login_otp")
    return _complete_login(request, user)


def _complete_login(request, user: User, device=None):
    services.user_record_login(user=user)  # before login() overwrites last_login
    login(request, user, backend=LOGIN_BACKEND)
    if device is not None:
        otp_login(request, device)
    return redirect("portal:dashboard")


def login_otp(request):
    """Second step of the login for accounts with a TOTP second factor."""
    user = User.objects.filter(pk=request.session.get(SESSION_OTP_USER)).first()
    if user is None or not user.is_active:
        return redirect("portal:home")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_verify(user=user, token=form.cleaned_data["token"])
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            del request.session[SESSION_OTP_USER]
            return _complete_login(request, user, device)
    return render(
        request, "portal/accounts/login_otp.html", {"form": form}, status=400 if form.errors else 200
    )


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a login e-mail has too many failures (ACC-4)."""
    from django.conf import settings

    error = ApplicationError(
        _(
            "Trop de tentatives de connexion infructueuses pour ce compte. Par sécurité, la connexion "
            "est bloquée pendant %(minutes)d minutes. Vous pouvez réinitialiser votre mot de passe."
        )
        % {"minutes": int(settings.AXES_COOLOFF_TIME * 60)}
    )
    form = LoginForm(request.POST or None, prefix="login")
    form.is_valid()
    return home(request, login_form=form, status=429, login_error=error)


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("Vous êtes déconnecté(e)."))
    return redirect("portal:home")


# --- Password recovery ----------------------------------------------------------------------------


def password_forgot(request):
    form = EmailOnlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        messages.success(
            request,
            _(
                "Si un compte actif utilise l'adresse %(email)s, un lien de réinitialisation vient d'y "
                "être envoyé. Pensez à vérifier vos courriers indésirables."
            )
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("portal:home")
    return render(
        request, "portal/accounts/password_forgot.html", {"form": form}, status=400 if form.errors else 200
    )


def password_reset(request, uidb64: str, token: str):
    try:
        user = services.password_reset_user(uidb64=uidb64, token=token)
    except ApplicationError as error:
        return render(
            request, "portal/accounts/password_reset_invalid.html", {"error": error.message}, status=400
        )
    form = PasswordResetForm(request.POST or None)
    if not user.secret_question:
        del form.fields["secret_answer"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.password_reset_complete(
                uidb64=uidb64,
                token=token,
                secret_answer=data.get("secret_answer", ""),
                password=data["password"],
                password_confirmation=data["password_confirmation"],
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, _("Votre mot de passe a été modifié. Connectez-vous avec le nouveau."))
            return redirect(reverse("portal:home"))
    return render(
        request,
        "portal/accounts/password_reset.html",
        {"form": form, "question": user.get_secret_question_display()},
        status=400 if form.errors else 200,
    )
