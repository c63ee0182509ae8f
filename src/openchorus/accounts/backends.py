"""Authentication by login e-mail, case-insensitive (ACC-4)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from openchorus.accounts.models import normalize_login_email


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        return super().authenticate(
            request, username=normalize_login_email(email or username or ""), password=password
        )


def axes_username(request, credentials) -> str:
    """django-axes counts failures per login e-mail, whatever its case."""
    credentials = credentials or {}
    raw = (
        credentials.get("email")
        or credentials.get("username")
        or (request.POST.get("login-email") if request else "")
    )
    return normalize_login_email(raw or "")
