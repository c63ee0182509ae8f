"""Public directory pages: no login, GET search, escaping, pagination, structure page, CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from openchorus.directory import formats
from tests.directory.factories import ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db


def test_search_page_is_public_and_shows_the_form(client):
    response = client.get(reverse("directory:search"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Rechercher une structure publique" in content
    assert 'method="get"' in content and 'name="q"' in content
    assert reverse("directory:export_all") in content


def test_search_page_lists_structure_services_codes_status_and_flags(client, demo):
    response = client.get(reverse("directory:search"), {"q": "paris habitat"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "1 structure trouvée" in content
    for text in ("34481082500366", "PARIS HABITAT OPH", "Bons de commande", "<code>BC</code>", "ACTIF"):
        assert text in content
    for header in ("Identifiant", "Désignation", "Services", "Code service", "Statut", "Service obligatoire",
                   "Engagement obligatoire", "Service ou engagement obligatoire"):  # fmt: skip
        assert f'<th scope="col">{header}</th>' in content
    assert content.count('class="oc-directory-service"') == 5
    assert reverse("directory:detail", args=[demo_pk("34481082500366")]) in content


def demo_pk(identifier: str) -> int:
    from openchorus.structures.models import Structure

    return Structure.objects.get(identifier=identifier).pk


def test_search_page_escapes_names_and_query(client):
    StructureFactory(legal_name="<script>alert('x')</script> COMMUNE")
    response = client.get(reverse("directory:search"), {"q": "<script> commune"})
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; COMMUNE" in content
    assert 'value="&lt;script&gt; commune"' in content


def test_search_page_says_when_nothing_matches(client, demo):
    content = client.get(reverse("directory:search"), {"q": "zzyzx"}).content.decode()
    assert "Aucune structure publique ne correspond à « zzyzx »" in content


def test_search_page_shows_inactive_structures_as_inactive(client):
    structure = StructureFactory(legal_name="SIVOM DISSOUS", inactive=True)
    ServiceFactory(structure=structure, code="ANCIEN", status="INACTIF")
    content = client.get(reverse("directory:search"), {"q": "sivom dissous"}).content.decode()
    assert content.count("fr-badge--error") == 2


def test_search_page_paginates(client):
    for n in range(45):
        StructureFactory(legal_name=f"ECOLE PRIMAIRE {n:02d}")
    first = client.get(reverse("directory:search"), {"q": "ecole primaire"}).content.decode()
    assert "45 structures trouvées" in first
    assert first.count('class="oc-directory-structure"') == 20
    assert "ECOLE PRIMAIRE 00" in first and "ECOLE PRIMAIRE 20" not in first
    assert "?q=ecole%20primaire&amp;page=2" in first
    third = client.get(reverse("directory:search"), {"q": "ecole primaire", "page": "3"}).content.decode()
    assert third.count('class="oc-directory-structure"') == 5
    assert "ECOLE PRIMAIRE 44" in third
    junk = client.get(reverse("directory:search"), {"q": "ecole primaire", "page": "abc"})
    assert junk.status_code == 200


def test_search_page_refuses_post(client):
    assert client.post(reverse("directory:search"), {"q": "x"}).status_code == 405


def test_structure_page_shows_services_and_parameters(client, demo):
    response = client.get(reverse("directory:detail", args=[demo_pk("34481082500366")]))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<tr data-code=") == 5
    assert "Contrats d&#x27;entretien" in content
    assert "Situations/Honoraires" in content


def test_structure_page_of_private_or_missing_structure_is_not_found(client):
    private = StructureFactory(private=True)
    assert client.get(reverse("directory:detail", args=[private.pk])).status_code == 404
    assert client.get(reverse("directory:detail", args=[999_999])).status_code == 404


def test_export_of_the_search_is_csv_of_its_matches(client, demo):
    response = client.get(reverse("directory:export"), {"q": "paris habitat"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert lines[0] == formats.HEADER
    assert len(lines) == 6 and {line[0] for line in lines[1:]} == {"34481082500366"}


def test_export_all_streams_the_whole_directory(client, demo):
    response = client.get(reverse("directory:export_all"))
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.count("\r\n") == 1 + demo.lines
