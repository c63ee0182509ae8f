"""Error pages look like the rest of the portal (DSFR header, footer, a way back), in French first."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_missing_page_answers_404_with_the_portal_page(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page non trouvée" in body and "Erreur 404" in body
    assert 'id="error-404"' in body and "fr-header" in body and "Page d'accueil" in body


def test_a_missing_page_in_english(client):
    client.cookies["openchorus_language"] = "en"
    body = client.get("/nowhere/").content.decode()
    assert "Page not found" in body and "Error 404" in body
