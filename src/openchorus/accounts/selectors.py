"""Reads of the accounts app."""

from __future__ import annotations

from openchorus.accounts.models import User, normalize_login_email


def user_get_by_login(*, email: str) -> User | None:
    return User.objects.filter(email=normalize_login_email(email)).first()
