"""API fixtures: two tenants, each with a technical account, a token and the cpro-account header."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import pytest

from openchorus.connections.services import technical_account_create
from tests.structures.factories import ServiceFactory, StructureFactory


@dataclass
class Tenant:
    structure: object
    credentials: object
    token: str

    @property
    def account_header(self) -> str:
        raw = f"{self.credentials.login}:{self.credentials.password}"
        return base64.b64encode(raw.encode()).decode()

    @property
    def headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", "HTTP_CPRO_ACCOUNT": self.account_header}


def token_for(client, credentials) -> str:
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "scope": "openid",
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def _tenant(client, name: str) -> Tenant:
    structure = StructureFactory(legal_name=name)
    credentials = technical_account_create(actor=None, structure=structure)
    return Tenant(structure, credentials, token_for(client, credentials))


@pytest.fixture
def tenant(db, client):
    return _tenant(client, "Fromagerie du Tenant")


@pytest.fixture
def other(db, client):
    return _tenant(client, "Fromagerie Secrète")


@pytest.fixture
def public(db):
    structure = StructureFactory(public=True, legal_name="Commune de Chambéry", service_code_required=True)
    ServiceFactory(structure=structure, code="FACTURES_PUBLIQUES", label="Service des factures publiques")
    ServiceFactory(structure=structure, code="SERV_COMPTA", label="Comptabilité", engagement_required=True)
    return structure


@pytest.fixture
def call(client):
    """POST a JSON body (a dict, or raw text) to /cpro/<path> with a tenant's headers (or none)."""

    def _call(
        path: str, body=None, *, tenant=None, headers=None, content_type="application/json;charset=utf-8"
    ):
        data = body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
        extra = dict(tenant.headers if tenant is not None else {})
        extra.update(headers or {})
        if isinstance(data, bytes):  # sent as is, whatever its charset
            return client.generic("POST", f"/cpro/{path}", data, content_type=content_type, **extra)
        return client.post(f"/cpro/{path}", data=data, content_type=content_type, **extra)

    return _call
