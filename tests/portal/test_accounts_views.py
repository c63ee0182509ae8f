"""The portal's account pages over HTTP: outcomes, clear errors, throttling, CSRF, language."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openchorus.accounts.enums import AccountStatus
from openchorus.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def page_text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_home_public_shows_login_and_signup_blocks_in_french_whatever_the_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    text = page_text(response)
    assert response.status_code == 200
    assert "Vous avez déjà un compte ?" in text
    assert "Vous êtes nouveau sur Chorus Pro ?" in text
    assert "Je n'ai pas de numéro de SIRET" in text
    assert '<html lang="fr"' in text


def test_signup_start_bad_siret_shows_error_beside_field_and_creates_nothing(client):
    response = client.post(
        reverse("portal:signup_start"), {"signup-email": "a@example.fr", "signup-siret": "73150001300017"}
    )
    assert response.status_code == 400
    assert "clé de contrôle est fausse" in page_text(response)
    assert not User.objects.exists()


def test_signup_start_email_already_used_shows_error(client):
    UserFactory(email="taken@example.fr")
    response = client.post(
        reverse("portal:signup_start"), {"signup-email": "Taken@Example.fr", "signup-siret": "73150001300016"}
    )
    assert response.status_code == 400
    assert "déjà l'identifiant d'un compte" in page_text(response)
    assert User.objects.count() == 1


def test_signup_full_flow_sends_activation_mail(client):
    client.post(
        reverse("portal:signup_start"), {"signup-email": "new@example.fr", "signup-siret": "73150001300016"}
    )
    page = client.get(reverse("portal:signup"))
    assert 'value="new@example.fr"' in page_text(page)
    response = client.post(
        reverse("portal:signup"),
        {
            "email": "new@example.fr",
            "identifier_type": "SIRET",
            "identifier": "73150001300016",
            "last_name": "Dubois",
            "first_name": "Pierre",
            "terms": "on",
        },
    )
    assert response.status_code == 200
    assert "new@example.fr" in page_text(response)
    assert User.objects.get().status == AccountStatus.PENDING
    assert len(mail.outbox) == 1


def test_signup_without_terms_refused(client):
    response = client.post(
        reverse("portal:signup"),
        {
            "email": "new@example.fr",
            "identifier_type": "SIRET",
            "identifier": "73150001300016",
            "last_name": "D",
            "first_name": "P",
        },
    )
    assert response.status_code == 400
    assert "conditions générales" in page_text(response)
    assert not User.objects.exists()


def test_activation_page_tampered_link_explains_and_offers_resend(client):
    response = client.get(reverse("portal:activate", kwargs={"token": "not-a-real-token"}))
    assert response.status_code == 400
    text = page_text(response)
    assert "modifié ou mal copié" in text
    assert "Renvoyer le lien d'activation" in text


def test_login_right_password_opens_connected_home_with_name(client):
    UserFactory(email="manuela@example.fr", first_name="Manuela", last_name="Martin")
    response = client.post(
        reverse("portal:login"),
        {"login-email": "MANUELA@example.fr", "login-password": PASSWORD},
        follow=True,
    )
    text = page_text(response)
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert "Fil d'événements" in text and "Accès rapide" in text
    assert "Manuela Martin" in text
    assert "Première connexion" in text


def test_login_second_time_shows_last_connection(client):
    UserFactory(email="manuela@example.fr")
    client.post(reverse("portal:login"), {"login-email": "manuela@example.fr", "login-password": PASSWORD})
    client.post(reverse("portal:logout"))
    response = client.post(
        reverse("portal:login"),
        {"login-email": "manuela@example.fr", "login-password": PASSWORD},
        follow=True,
    )
    assert "Dernière connexion le" in page_text(response)


def test_login_wrong_password_refused_with_clear_message(client):
    UserFactory(email="manuela@example.fr")
    response = client.post(
        reverse("portal:login"), {"login-email": "manuela@example.fr", "login-password": "wrong"}
    )
    assert response.status_code == 400
    assert "Adresse électronique ou mot de passe incorrect" in page_text(response)
    assert "_auth_user_id" not in client.session


def test_login_pending_account_says_to_activate(client):
    UserFactory(email="pending@example.fr", pending=True)
    response = client.post(
        reverse("portal:login"), {"login-email": "pending@example.fr", "login-password": "whatever"}
    )
    assert "pas encore activé" in page_text(response)


def test_login_too_many_failures_locks_account_even_with_right_password(client):
    UserFactory(email="target@example.fr")
    for _ in range(5):
        client.post(reverse("portal:login"), {"login-email": "target@example.fr", "login-password": "guess"})
    response = client.post(
        reverse("portal:login"), {"login-email": "Target@example.fr", "login-password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in page_text(response)
    assert "_auth_user_id" not in client.session


def test_login_deactivated_account_refused(client):
    UserFactory(email="gone@example.fr", deactivated=True)
    response = client.post(
        reverse("portal:login"), {"login-email": "gone@example.fr", "login-password": PASSWORD}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_login_form_without_csrf_token_refused():
    UserFactory(email="manuela@example.fr")
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(
        reverse("portal:login"), {"login-email": "manuela@example.fr", "login-password": PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in csrf_client.session


@pytest.mark.parametrize("name", ["portal:account", "portal:dashboard"])
def test_private_pages_anonymous_redirected_to_home(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:home"))


def test_account_page_escapes_user_supplied_names(client):
    user = UserFactory(first_name="<script>alert(1)</script>", last_name="X")
    client.force_login(user)
    raw = client.get(reverse("portal:account")).content.decode()
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw


def test_language_switch_signed_in_saves_english_on_account(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("portal:language"), {"language": "en", "next": "/mon-compte/"})
    user.refresh_from_db()
    assert user.language == "en"
    response = client.get(reverse("portal:account"))
    assert '<html lang="en"' in page_text(response)
    assert "My account" in page_text(response)


def test_language_switch_rejects_foreign_redirect(client):
    response = client.post(reverse("portal:language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_account_profile_update_bad_email_shows_error_and_keeps_data(client):
    user = UserFactory(contact_email="ok@example.fr")
    client.force_login(user)
    response = client.post(
        reverse("portal:account_profile"),
        {"last_name": "Martin", "first_name": "Manuela", "contact_email": "nope", "language": "fr"},
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.contact_email == "ok@example.fr"


def test_account_deactivate_logs_out_and_blocks_login(client):
    user = UserFactory(email="bye@example.fr")
    client.force_login(user)
    response = client.post(reverse("portal:account_deactivate"), {"deactivate-current_password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    response = client.post(
        reverse("portal:login"), {"login-email": "bye@example.fr", "login-password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert User.objects.get(pk=user.pk).status == AccountStatus.DEACTIVATED


def test_login_with_totp_asks_code_before_opening_session(client):
    from django_otp.oath import totp

    from openchorus.accounts import services

    user = UserFactory(email="secure@example.fr")
    device = services.totp_setup_start(user=user)
    services.totp_setup_confirm(user=user, token=f"{totp(device.bin_key):06d}")
    response = client.post(
        reverse("portal:login"), {"login-email": "secure@example.fr", "login-password": PASSWORD}
    )
    assert response["Location"] == reverse("portal:login_otp")
    assert "_auth_user_id" not in client.session
    response = client.post(
        reverse("portal:login_otp"), {"token": "000000" if totp(device.bin_key) else "111111"}
    )
    assert response.status_code == 400
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    # The next 30-second step: a code already used (here, at set-up) is never accepted twice.
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        response = client.post(reverse("portal:login_otp"), {"token": f"{totp(device.bin_key):06d}"})
    assert response["Location"] == reverse("portal:dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)
