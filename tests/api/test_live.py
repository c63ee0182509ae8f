"""Over a real HTTP server, as an integrator's software: token, then an operation."""

from __future__ import annotations

import base64

import pytest
import requests

from openchorus.connections.services import technical_account_create
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_token_then_structures_rechercher_over_http(live_server):
    structure = StructureFactory(legal_name="Fromagerie en ligne")
    credentials = technical_account_create(actor=None, structure=structure)
    token = requests.post(
        f"{live_server.url}/api/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "scope": "openid",
        },
        timeout=30,
    )
    assert token.status_code == 200
    account = base64.b64encode(f"{credentials.login}:{credentials.password}".encode()).decode()
    response = requests.post(
        f"{live_server.url}/cpro/structures/v1/rechercher",
        json={
            "structure": {"identifiantStructure": structure.identifier, "typeIdentifiantStructure": "SIRET"}
        },
        headers={
            "Authorization": f"Bearer {token.json()['access_token']}",
            "cpro-account": account,
            "Content-Type": "application/json;charset=utf-8",
        },
        timeout=30,
    )
    assert response.status_code == 200
    assert response.json()["listeStructures"][0]["idStructureCPP"] == structure.pk
