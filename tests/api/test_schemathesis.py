"""schemathesis against /cpro/openapi.json: every operation, with generated bodies (valid ones and
broken ones), authenticated as a real technical account, must answer without a 5xx and with a
response that matches the description (status documented, body of the declared schema).

The application runs in-process (WSGI) inside the test's transaction; the number of examples per
operation is capped so that the whole run stays within a CI budget (two cores, about a minute).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import Tenant

pytestmark = pytest.mark.django_db

# Per operation and per mode; raise it locally for a deeper search (CI: two cores, a few minutes).
EXAMPLES_PER_OPERATION = int(os.environ.get("OPENCHORUS_SCHEMATHESIS_EXAMPLES", "15"))
# No 5xx, and every answer as described: a documented status, content type, headers and body.
# Left out: schemathesis's checks that a schema-valid body is accepted and an invalid one refused.
# The API is lenient on purpose (research §7: unknown fields ignored, `codeLangue` of any value,
# numbers as strings…), and a well-formed body may still be refused by a domain rule (20001, 20002)
# with HTTP 400, as the real platform does.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


class _InTransactionApp:
    """Django's WSGI handler, used inside the test's transaction: like the test client, it must not
    close the connection at the start and end of each request (on PostgreSQL that would end the
    test's transaction). Disconnected again at every call: the test client, used by the fixtures,
    connects `close_old_connections` back after each of its own requests."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        return self.handler(environ, start_response)


@pytest.fixture
def in_process_app(db):
    try:
        yield _APP
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


_APP = _InTransactionApp()


@pytest.fixture
def cpro_schema(in_process_app):
    """The description as served at /cpro/openapi.json, loaded once for the module."""
    if "schema" not in _LOADED:
        _LOADED["schema"] = schemathesis.openapi.from_wsgi("/cpro/openapi.json", in_process_app)
    return _LOADED["schema"]


_LOADED: dict[str, object] = {}


def _cases() -> list[tuple[str, str, GenerationMode]]:
    """(method, path, mode) for every operation the description lists, read when the tests are
    collected: valid inputs for all, invalid ones for those that take an input."""
    from openchorus.api.main import api

    paths = api.get_openapi_schema(path_prefix="/cpro/")["paths"]
    return [
        (method.upper(), path, mode)
        for path, item in paths.items()
        for method, operation in item.items()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if mode is GenerationMode.POSITIVE or "requestBody" in operation
    ]


def _credentials(tenant: Tenant) -> dict[str, str]:
    return {"Authorization": f"Bearer {tenant.token}", "cpro-account": tenant.account_header}


@pytest.mark.parametrize(("method", "path", "mode"), _cases(), ids=str)
def test_every_operation_answers_as_described(cpro_schema, tenant, method, path, mode):
    headers = _credentials(tenant)
    operation = cpro_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
