"""Seed 001, sections 3 and 5, in a real browser: Manuela creates "Les Délices de Savoie", Pierre
signs up with its SIRET and asks to join, Manuela approves him as secondary manager then transfers
the primary role to him; Pierre creates the two services and habilitates Manuela on the catering
service only; Manuela then holds only that service."""

from __future__ import annotations

import email
import re
from email import policy

import pytest
from django.conf import settings

from openchorus.structures import access
from openchorus.structures.enums import Role, Space
from openchorus.structures.models import Membership, Structure, StructureService
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIRET = "73150001300016"
PIERRE = "pierre.dubois@delices-de-savoie.fr"
PIERRE_PASSWORD = "Beaufort-Alpage-73!"


def login(page, address, password):
    page.goto(page.base_url + "/")
    form = page.locator("#login-form")
    form.locator("#id_login-email").fill(address)
    form.locator("#id_login-password").fill(password)
    form.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Fil d'événements").wait_for()


def logout(page):
    page.locator("#logout-button").click()
    page.get_by_text("Vous êtes déconnecté(e).").wait_for()


def last_link(pattern: str) -> str:
    newest = sorted(settings.MAIL_DIR.glob("*.eml"))[-1]
    body = (
        email.message_from_bytes(newest.read_bytes(), policy=policy.default)
        .get_body(("plain",))
        .get_content()
    )
    return re.search(pattern, body).group(0)


def test_webinar_story_structure_roles_services_habilitations(portal):
    page = portal
    manuela = UserFactory(
        email="manuela.martin@delices-de-savoie.fr",
        first_name="Manuela",
        last_name="Martin",
        signup_identifier=SIRET,
    )

    # Manuela creates the structure and is its primary manager.
    login(page, manuela.email, PASSWORD)
    page.get_by_role("link", name="Mon compte").first.click()
    page.get_by_role("link", name="Créer une structure").first.click()
    assert page.locator("#id_identifier").input_value() == SIRET
    page.locator("#id_legal_name").fill("Les Délices de Savoie")
    page.locator("#id_address_line1").fill("12 rue de la Tomme")
    page.locator("#id_postcode").fill("73000")
    page.locator("#id_city").fill("Chambéry")
    page.get_by_role("button", name="Soumettre").click()
    assert page.locator("#my-role").inner_text() == "Gestionnaire principal"
    structure = Structure.objects.get(identifier=SIRET)
    logout(page)

    # Pierre signs up with the same SIRET: once activated, his attachment request awaits Manuela.
    signup = page.locator("#signup-form")
    signup.locator("#id_signup-email").fill(PIERRE)
    signup.locator("#id_signup-siret").fill(SIRET)
    signup.get_by_role("button", name="Valider").click()
    page.locator("#id_last_name").fill("Dubois")
    page.locator("#id_first_name").fill("Pierre")
    page.locator("label[for='id_terms']").click()
    page.get_by_role("button", name="Finaliser l'inscription").click()
    page.goto(last_link(r"https?://\S+/activation/\S+/"))
    page.locator("#id_password").fill(PIERRE_PASSWORD)
    page.locator("#id_password_confirmation").fill(PIERRE_PASSWORD)
    page.locator("#id_secret_question").select_option("VILLE_NAISSANCE")
    page.locator("#id_secret_answer").fill("Annecy")
    page.get_by_role("button", name="Valider").click()
    page.get_by_text("Demande de rattachement à Les Délices de Savoie envoyée").wait_for()
    logout(page)

    # Manuela approves Pierre as secondary manager, then transfers the primary role to him.
    login(page, manuela.email, PASSWORD)
    page.locator("#header-approvals").click()
    request_block = page.locator("section[id^='request-']")
    assert PIERRE in request_block.inner_text()
    request_block.locator("select[name='role']").select_option(Role.SECONDARY_MANAGER)
    request_block.get_by_role("button", name="Approuver").click()
    page.get_by_text("La demande est approuvée.").wait_for()
    assert Membership.objects.get(structure=structure, user__email=PIERRE).role == Role.SECONDARY_MANAGER

    page.goto(page.base_url + f"/structures/{structure.pk}/")
    page.get_by_role("link", name="Transférer le rôle de gestionnaire principal").click()
    page.locator("#id_email").fill(PIERRE)
    page.get_by_role("button", name="Valider").click()
    assert page.locator("#my-role").inner_text() == "Utilisateur simple"
    assert page.locator("#primary-manager").inner_text() == "Pierre Dubois"
    logout(page)

    # Pierre creates the two services and habilitates Manuela on the catering service only.
    login(page, PIERRE, PIERRE_PASSWORD)
    page.get_by_role("link", name="Activités du gestionnaire").first.click()
    page.get_by_role("link", name="Consulter").first.click()
    for code, label in [
        ("TRAITEUR", "Service traiteur"),
        ("RESTAURATION_SCOLAIRE", "Service de restauration des établissements scolaires"),
    ]:
        page.get_by_role("link", name="Créer un service").click()
        page.locator("#id_code").fill(code)
        page.locator("#id_label").fill(label)
        page.locator("#id_start_date").fill("2026-01-01")
        page.get_by_role("button", name="Soumettre").click()
        page.get_by_text("Le service est créé.").wait_for()
    assert set(StructureService.objects.filter(structure=structure).values_list("code", flat=True)) == {
        "TRAITEUR",
        "RESTAURATION_SCOLAIRE",
    }

    page.get_by_role("link", name="Gérer les habilitations des utilisateurs").click()
    form = page.locator("#habilitation-form")
    form.locator("#id_user").select_option(label=f"Manuela Martin ({manuela.email})")
    form.locator("#id_service").select_option(label="TRAITEUR — Service traiteur")
    form.locator("#id_space").select_option(Space.SENT_INVOICES)
    form.locator("#id_level").select_option("MODIFICATION")
    form.get_by_role("button", name="Ajouter").click()
    page.get_by_text("L'habilitation est enregistrée.").wait_for()
    assert "Service traiteur" in page.locator("#habilitations").inner_text()
    logout(page)

    # Manuela now holds "Factures émises" for the catering service only, and administers nothing.
    login(page, manuela.email, PASSWORD)
    assert page.get_by_role("link", name="Activités du gestionnaire").count() == 0
    page.get_by_role("link", name="Mon compte").first.click()
    habilitations = page.locator("#habilitations").inner_text()
    assert "TRAITEUR" in habilitations and "RESTAURATION_SCOLAIRE" not in habilitations
    traiteur = StructureService.objects.get(structure=structure, code="TRAITEUR")
    grant = access.space_grant(manuela, structure, Space.SENT_INVOICES)
    assert grant.can_edit and grant.services == {traiteur.pk}
    assert not access.can(manuela, "modify", structure)
