"""Public pages: the home (login and sign-up blocks), help, legal notices; the language switch."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate
from django.views.decorators.http import require_POST

from openchorus.accounts.enums import Language
from openchorus.assistant.selectors import news_latest
from openchorus.portal.forms.accounts import LoginForm, SignUpStartForm


def home(request, *, login_form=None, signup_form=None, status=200, login_error=None):
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    context = {
        "login_form": login_form or LoginForm(prefix="login"),
        "signup_form": signup_form or SignUpStartForm(prefix="signup"),
        "login_error": login_error,
        "news": news_latest(limit=3),
    }
    return render(request, "portal/public/home.html", context, status=status)


def help_page(request):
    return render(request, "portal/public/help.html")


def legal_notice(request):
    return render(request, "portal/public/legal.html", {"from_email": settings.DEFAULT_FROM_EMAIL})


def accessibility(request):
    return render(request, "portal/public/accessibility.html")


@require_POST
def language_set(request):
    """Switch between French and English; a signed-in user's choice is saved on the account."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if language in Language.values:
        if request.user.is_authenticated:
            from openchorus.accounts.services import user_language_set

            user_language_set(user=request.user, language=language)
        activate(language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", max_age=365 * 86400)
    return response
