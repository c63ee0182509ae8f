"""ACC-1..6 in a real browser: sign up, activate from the e-mail, log out and in, switch to English,
deactivate, and be refused at the next login."""

from __future__ import annotations

import email
import re
from email import policy

import pytest
from django.conf import settings

from openchorus.accounts.enums import AccountStatus
from openchorus.accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LOGIN = "pierre.dubois@fromagerie-alpine.fr"
PASSWORD = "Reblochon-Fermier-74!"


def activation_link_from_outbox() -> str:
    """The link of the newest .eml in the mail folder, as a person would open it."""
    files = sorted(settings.MAIL_DIR.glob("*.eml"))
    assert files, "no e-mail was written"
    message = email.message_from_bytes(files[-1].read_bytes(), policy=policy.default)
    assert message["To"] == LOGIN
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/activation/\S+/", body).group(0)


def test_account_journey_signup_activate_login_english_deactivate(portal):
    page = portal
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"

    # ACC-1: the home's sign-up block, then "Finaliser votre inscription".
    signup = page.locator("#signup-form")
    signup.get_by_label("Adresse électronique de connexion").fill(LOGIN)
    signup.get_by_label("Numéro de SIRET").fill("73282932000074")
    signup.get_by_role("button", name="Valider").click()
    page.locator("#id_last_name").fill("Dubois")
    page.locator("#id_first_name").fill("Pierre")
    page.locator("label[for='id_terms']").click()
    page.get_by_role("button", name="Finaliser l'inscription").click()
    page.get_by_text("Un e-mail d'activation vous a été envoyé").wait_for()
    assert User.objects.get(email=LOGIN).status == AccountStatus.PENDING

    # ACC-2: the activation link from the mail folder; password and secret question.
    page.goto(activation_link_from_outbox())
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.locator("#id_secret_question").select_option("VILLE_NAISSANCE")
    page.get_by_label("Réponse à la question secrète").fill("Annecy")
    page.get_by_role("button", name="Valider").click()
    page.locator("#event-feed").get_by_text("Votre compte a été activé").wait_for()
    assert "Pierre Dubois" in page.locator("#header-user").inner_text()

    # ACC-4: log out, log in again; the header shows the last connection.
    page.locator("#logout-button").click()
    page.get_by_text("Vous êtes déconnecté(e).").wait_for()
    login = page.locator("#login-form")
    login.get_by_label("Adresse électronique de connexion").fill(LOGIN.upper())
    login.get_by_label("Mot de passe").fill(PASSWORD)
    login.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Fil d'événements").wait_for()
    assert "Dernière connexion le" in page.locator("#last-login").inner_text()

    # ACC-6: English.
    page.locator("#language-switch").click()
    page.get_by_role("heading", name="Event feed").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Quick access" in page.content()
    assert User.objects.get(email=LOGIN).language == "en"

    # ACC-6: deactivate the account from "My account".
    page.get_by_role("link", name="My account").first.click()
    form = page.locator("#deactivate-form")
    form.get_by_label("Current password").fill(PASSWORD)
    form.get_by_role("button", name="Deactivate my account").click()
    page.get_by_text("Your account is deactivated").wait_for()
    assert User.objects.get(email=LOGIN).status == AccountStatus.DEACTIVATED

    # The account can no longer sign in.
    login = page.locator("#login-form")
    login.get_by_label("Login e-mail address").fill(LOGIN)
    login.get_by_label("Password").fill(PASSWORD)
    login.get_by_role("button", name="Log in").click()
    page.locator("#login-error").wait_for()
    assert page.url.rstrip("/").endswith(("/connexion", page.base_url.split("//")[1]))
    assert page.get_by_role("heading", name="Event feed").count() == 0
