"""`openchorus api-client create --siret S --login L --json`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openchorus.connections.models import TechnicalAccount
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


def test_api_client_create_prints_credentials_once(client):
    structure = StructureFactory()
    out = io.StringIO()
    call_command(
        "api-client",
        "create",
        "--siret",
        structure.identifier,
        "--login",
        "TECH_cli@example.fr",
        "--json",
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    assert {"client_id", "client_secret", "login", "password"} <= set(printed)
    assert printed["login"] == "TECH_cli@example.fr"
    account = TechnicalAccount.objects.get(login="TECH_cli@example.fr")
    assert account.structure == structure
    assert printed["password"] not in account.password
    token = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": printed["client_id"],
            "client_secret": printed["client_secret"],
        },
    )
    assert token.status_code == 200


def test_api_client_create_refuses_unknown_structure_and_duplicate_login():
    structure = StructureFactory()
    with pytest.raises(CommandError):
        call_command("api-client", "create", "--siret", "00000000000000", stdout=io.StringIO())
    call_command(
        "api-client",
        "create",
        "--siret",
        structure.identifier,
        "--login",
        "TECH_dup@example.fr",
        stdout=io.StringIO(),
    )
    with pytest.raises(CommandError, match="existe déjà"):
        call_command(
            "api-client",
            "create",
            "--siret",
            structure.identifier,
            "--login",
            "TECH_dup@example.fr",
            stdout=io.StringIO(),
        )


def test_api_client_revoke():
    structure = StructureFactory()
    call_command(
        "api-client",
        "create",
        "--siret",
        structure.identifier,
        "--login",
        "TECH_rev@example.fr",
        stdout=io.StringIO(),
    )
    call_command("api-client", "revoke", "--login", "TECH_rev@example.fr", stdout=io.StringIO())
    assert TechnicalAccount.objects.get(login="TECH_rev@example.fr").is_revoked
