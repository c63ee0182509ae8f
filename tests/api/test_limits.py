"""A body over the in-memory limit is answered 413 with the limit, before anything is parsed."""

from __future__ import annotations

import json

import pytest

from openchorus.invoices.models import Invoice

pytestmark = pytest.mark.django_db


def test_oversized_body_is_413(call, tenant, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({"pieceJointe": "A" * (1024 * 1024 + 10)})
    response = call("factures/v1/deposer/pdf", body, tenant=tenant)
    assert response.status_code == 413
    assert "1 Mo" in response.json()["libelle"]
    assert not Invoice.objects.exists()
