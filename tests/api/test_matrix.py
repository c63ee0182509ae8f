"""The per-operation matrix over the whole OpenAPI description, so that no operation is forgotten:
every authenticated operation is in a credentials table (no credentials → 401, wrong technical
account → 403), and every operation refuses a field of the wrong type with 400 naming the field.

Missing objects, other tenants' objects and happy paths need data of each operation's kind: they are
in the modules of each API (test_operations, test_factures_supplier, test_factures_recipient,
test_etats_traitement); `test_every_operation_is_in_a_credentials_table` keeps their lists whole.
"""

from __future__ import annotations

import base64

import pytest

from openchorus.api.main import api
from tests.api import test_factures_recipient, test_factures_supplier, test_operations

pytestmark = pytest.mark.django_db


def _description() -> dict:
    return api.get_openapi_schema(path_prefix="/cpro/")


def _authenticated_paths() -> list[str]:
    return sorted(
        path.removeprefix("/cpro/")
        for path, item in _description()["paths"].items()
        for operation in item.values()
        if operation.get("security")
    )


# Operations whose 401/403 tests live here rather than in their API's module.
OPERATIONS = [
    "transverses/v1/recuperer/etats/traitement",
    "factures/v1/deposer/flux",
    "factures/v1/consulter/retours",
    "transverses/v1/consulterCR",
    "transverses/v1/consulterCRDetaille",
]
TABLES = (
    test_operations.OPERATIONS,
    test_factures_supplier.OPERATIONS,
    test_factures_recipient.OPERATIONS,
    OPERATIONS,
)


def test_every_operation_is_in_a_credentials_table():
    listed = {path for table in TABLES for path in table}
    assert [path for path in _authenticated_paths() if path not in listed] == []


@pytest.mark.parametrize("path", OPERATIONS)
def test_operation_without_credentials_is_401(call, path):
    response = call(path)
    assert response.status_code == 401
    assert response.json()["credential"] == "token"


@pytest.mark.parametrize("path", OPERATIONS)
def test_operation_with_wrong_technical_account_is_403(call, tenant, other, path):
    unknown = base64.b64encode(b"TECH_unknown@cpro.openchorus:password").decode()
    for account in (unknown, other.account_header):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tenant.token}", "HTTP_CPRO_ACCOUNT": account}
        response = call(path, headers=headers)
        assert response.status_code == 403
        assert response.json()["credential"] == "cpro-account"


# --- a field of the wrong type, in every operation that reads a body -------------------------------


def _resolve(schema: dict, components: dict) -> dict:
    if "$ref" in schema:
        return components[schema["$ref"].rsplit("/", 1)[-1]]
    for option in schema.get("anyOf", ()):
        if option.get("type") != "null":
            return _resolve(option, components)
    return schema


def _wrong_type_cases() -> list[tuple[str, str, object]]:
    """(path, field, value of the wrong type) for each operation with a body field to break."""
    description = _description()
    components = description["components"]["schemas"]
    cases = []
    for path, item in description["paths"].items():
        for operation in item.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            properties = _resolve(body["schema"], components).get("properties", {})
            for field, schema in properties.items():
                kind = _resolve(schema, components).get("type")
                if field == "codeLangue":  # any value is read, as FR by default
                    continue
                if kind in ("integer", "number", "boolean"):
                    cases.append((path.removeprefix("/cpro/"), field, {"pas": "un nombre"}))
                    break
                if kind in ("object", "array"):
                    cases.append((path.removeprefix("/cpro/"), field, 12))
                    break
                if kind == "string":
                    cases.append((path.removeprefix("/cpro/"), field, {"pas": "un texte"}))
                    break
    return cases


@pytest.mark.parametrize(("path", "field", "value"), _wrong_type_cases(), ids=lambda v: str(v))
def test_field_of_the_wrong_type_is_400_naming_it(call, tenant, path, field, value):
    response = call(path, {field: value}, tenant=tenant)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["codeRetour"] == 400
    assert field in {error["champ"].split(".")[0] for error in body["erreurs"]}, body
