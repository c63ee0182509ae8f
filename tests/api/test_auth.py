"""The two credentials: /api/oauth/token, then Bearer + cpro-account on every operation; each
failure says which credential failed."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from oauth2_provider.models import AccessToken

from openchorus.audit.models import AuditEvent
from openchorus.connections.services import technical_account_password_rotate, technical_account_revoke
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db
SEARCH = "structures/v1/rechercher"


def test_token_client_credentials_answers_piste_shape(client, tenant):
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": tenant.credentials.client_id,
            "client_secret": tenant.credentials.client_secret,
            "scope": "openid",
        },
    )
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "openid"
    assert body["expires_in"] == 3600


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"grant_type": "client_credentials", "client_secret": "nope"}, 401, "invalid_client"),
        ({"grant_type": "foo"}, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials", "scope": "admin"}, 400, "invalid_scope"),
    ],
)
def test_token_errors_are_standard_oauth2_with_description(client, tenant, form, status, error):
    data = {
        "client_id": tenant.credentials.client_id,
        "client_secret": tenant.credentials.client_secret,
        **form,
    }
    response = client.post("/api/oauth/token", data)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.json()["error_description"]


def test_token_refused_for_revoked_account(client, tenant):
    technical_account_revoke(actor=None, account=tenant.credentials.account)
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": tenant.credentials.client_id,
            "client_secret": tenant.credentials.client_secret,
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_operation_without_credentials_names_the_token(call):
    response = call(SEARCH)
    assert response.status_code == 401
    assert response.json()["credential"] == "token"
    assert response.json()["codeRetour"] == 401
    assert "Bearer" in response.json()["message"]
    assert "invalid_token" in response["WWW-Authenticate"]


def test_operation_with_unknown_token_names_the_token(call, tenant):
    response = call(
        SEARCH, headers={"HTTP_AUTHORIZATION": "Bearer nope", "HTTP_CPRO_ACCOUNT": tenant.account_header}
    )
    assert response.status_code == 401
    assert response.json()["credential"] == "token"


def test_operation_with_expired_token_says_expired(call, tenant):
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = call(SEARCH, tenant=tenant)
    assert response.status_code == 401
    assert "expiré" in response.json()["message"]


def test_operation_without_cpro_account_names_it(call, tenant):
    response = call(SEARCH, headers={"HTTP_AUTHORIZATION": f"Bearer {tenant.token}"})
    assert response.status_code == 403
    assert response.json()["credential"] == "cpro-account"
    assert "absent" in response.json()["message"]


@pytest.mark.parametrize("raw", ["not base64!", base64.b64encode(b"no-colon").decode()])
def test_operation_with_unreadable_cpro_account_says_so(call, tenant, raw):
    response = call(
        SEARCH, headers={"HTTP_AUTHORIZATION": f"Bearer {tenant.token}", "HTTP_CPRO_ACCOUNT": raw}
    )
    assert response.status_code == 403
    assert "illisible" in response.json()["message"]


def test_operation_with_wrong_password_is_refused(call, tenant):
    header = base64.b64encode(f"{tenant.credentials.login}:wrong".encode()).decode()
    response = call(
        SEARCH, headers={"HTTP_AUTHORIZATION": f"Bearer {tenant.token}", "HTTP_CPRO_ACCOUNT": header}
    )
    assert response.status_code == 403
    assert response.json()["credential"] == "cpro-account"


def test_operation_with_another_accounts_login_is_refused(call, tenant, other):
    """A token of one client with the cpro-account of another technical account: refused."""
    response = call(
        SEARCH,
        headers={"HTTP_AUTHORIZATION": f"Bearer {tenant.token}", "HTTP_CPRO_ACCOUNT": other.account_header},
    )
    assert response.status_code == 403
    assert other.credentials.login in response.json()["message"]


def test_password_expires_then_rotation_gives_a_working_one(call, client, tenant):
    account = tenant.credentials.account
    with time_machine.travel(account.password_expires_at + timedelta(days=1)):
        AccessToken.objects.update(expires=timezone.now() + timedelta(hours=1))
        response = call(SEARCH, tenant=tenant)
        assert response.status_code == 403
        assert "expiré" in response.json()["message"]
        rotated = technical_account_password_rotate(actor=None, account=account)
        header = base64.b64encode(f"{rotated.login}:{rotated.password}".encode()).decode()
        fresh = call(
            SEARCH, headers={"HTTP_AUTHORIZATION": f"Bearer {tenant.token}", "HTTP_CPRO_ACCOUNT": header}
        )
        assert fresh.status_code == 200
        assert call(SEARCH, tenant=tenant).status_code == 403  # the former password no longer works


def test_revocation_stops_tokens_and_is_audited(call, tenant):
    technical_account_revoke(actor=None, account=tenant.credentials.account)
    assert call(SEARCH, tenant=tenant).status_code == 401
    actions = list(
        AuditEvent.objects.filter(stream=f"structure:{tenant.structure.pk}").values_list("action", flat=True)
    )
    assert actions == ["technical_account.create", "technical_account.revoke"]


def test_revoked_account_with_a_live_token_is_forbidden(call, client, tenant):
    account = tenant.credentials.account
    account.revoked_at = timezone.now()
    account.save()
    response = call(SEARCH, tenant=tenant)
    assert response.status_code == 403
    assert "révoqué" in response.json()["message"]


def test_password_is_stored_hashed(tenant):
    account = tenant.credentials.account
    account.refresh_from_db()
    assert tenant.credentials.password not in account.password
    assert account.application.client_secret != tenant.credentials.client_secret


def test_second_token_for_same_client(client, tenant):
    assert token_for(client, tenant.credentials) != tenant.token


def test_credentials_are_read_at_every_call_so_a_change_stops_the_next_one(call, tenant):
    """Nothing of the credentials is kept between calls: each change refuses the very next call."""
    account = tenant.credentials.account
    assert call(SEARCH, tenant=tenant).status_code == 200
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert call(SEARCH, tenant=tenant).json()["credential"] == "token"
    AccessToken.objects.update(expires=timezone.now() + timedelta(hours=1))
    assert call(SEARCH, tenant=tenant).status_code == 200
    tenant.structure.status = "INACTIF"
    tenant.structure.save()
    assert call(SEARCH, tenant=tenant).json()["credential"] == "cpro-account"
    tenant.structure.status = "ACTIF"
    tenant.structure.save()
    assert call(SEARCH, tenant=tenant).status_code == 200
    technical_account_revoke(actor=None, account=account)
    assert call(SEARCH, tenant=tenant).status_code in (401, 403)


def test_token_failure_is_told_before_a_missing_cpro_account(call):
    response = call(SEARCH, headers={"HTTP_AUTHORIZATION": "Bearer unknown"})
    assert response.status_code == 401 and response.json()["credential"] == "token"
