"""The envelope and the lenient input: codeRetour/libelle everywhere, errors in the real shape
plus our message, empty bodies, charset variants, unknown fields, OpenAPI and docs."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json;charset=utf-8", "application/json; charset=UTF-8"]
)
def test_charset_variants_are_accepted(call, tenant, content_type):
    response = call(
        "transverses/v1/recuperer/tauxtva", {"codeLangue": "FR"}, tenant=tenant, content_type=content_type
    )
    assert response.status_code == 200
    assert response.json()["libelle"] == "TRA_MSG_00.000"


@pytest.mark.parametrize("body", ["", "{}", '{"codeLangue": "fr", "inconnu": 1}'])
def test_empty_body_and_unknown_fields_are_accepted(call, tenant, body):
    response = call("transverses/v1/recuperer/tauxtva", body, tenant=tenant)
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 0


def test_latin1_body_is_read_when_declared(call, tenant):
    body = '{"structure": {"raisonSocialeStructure": "Fromagerie"}, "x": "é"}'.encode("latin-1")
    response = call(
        "structures/v1/rechercher", body, tenant=tenant, content_type="application/json; charset=ISO-8859-1"
    )
    assert response.status_code == 200


def test_broken_json_says_where(call, tenant):
    response = call("structures/v1/rechercher", '{"structure": ', tenant=tenant)
    assert response.status_code == 400
    body = response.json()
    assert body["codeRetour"] == 400
    assert "JSON" in body["libelle"]
    assert "ligne" in body["message"]


def test_json_array_body_is_refused(call, tenant):
    response = call("structures/v1/rechercher", "[]", tenant=tenant)
    assert response.status_code == 400
    assert "objet JSON" in response.json()["message"]


def test_invalid_field_lists_the_fields(call, tenant):
    response = call("structures/v1/consulter", {"idStructureCPP": "abc"}, tenant=tenant)
    assert response.status_code == 400
    body = response.json()
    assert body["codeRetour"] == 400
    assert body["erreurs"][0]["champ"] == "idStructureCPP"


def test_openapi_lists_operations_with_real_names(client):
    response = client.get("/cpro/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert "/cpro/structures/v1/rechercher" in spec["paths"]
    assert "/cpro/transverses/v1/health-check" in spec["paths"]
    schemas = spec["components"]["schemas"]
    assert "idStructureCPP" in schemas["StructureTrouvee"]["properties"]
    assert "codeRetour" in schemas["RechercherStructureOut"]["properties"]
    operation = spec["paths"]["/cpro/structures/v1/rechercher"]["post"]
    assert any(p["name"] == "cpro-account" for p in operation["parameters"])


def test_docs_page_is_served(client):
    response = client.get("/cpro/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
