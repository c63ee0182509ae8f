"""`transverses/v1/recuperer/etats/traitement`: the statuses a recipient may give an invoice from
its current status, as the lifecycle's transition table says (the table is the only place of the
rule: these tests compare the answer with it, status by status)."""

from __future__ import annotations

import pytest

from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.transitions import Party, targets_from

pytestmark = pytest.mark.django_db
PATH = "transverses/v1/recuperer/etats/traitement"


def _possible(response) -> list[str]:
    return [
        row["statutPossiblePourTraitement"] for row in response.json()["listeStatutsPossiblesPourTraitement"]
    ]


@pytest.mark.parametrize("status", InvoiceStatus.values)
def test_answer_is_the_recipients_transitions_of_the_table(call, tenant, status):
    expected = [target.value for target in targets_from(status, Party.RECIPIENT)]
    response = call(PATH, {"statutCourant": status}, tenant=tenant)
    assert response.status_code == 200
    assert _possible(response) == expected
    assert (response.json()["codeRetour"], response.json()["libelle"]) == (
        (0, "TRA_MSG_00.000") if expected else (20000, "TRA_MSG_00.015")
    )


def test_an_invoice_to_process_may_be_processed_or_returned(call, tenant):
    response = call(PATH, {"statutCourant": "MISE_A_DISPOSITION"}, tenant=tenant)
    possible = _possible(response)
    assert {"SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT", "SUSPENDUE", "REJETEE", "A_RECYCLER"} <= set(
        possible
    )
    assert "DEPOSEE" not in possible and "COMPLETEE" not in possible  # the platform's and the supplier's


def test_a_final_status_offers_nothing(call, tenant):
    response = call(PATH, {"statutCourant": "MISE_EN_PAIEMENT"}, tenant=tenant)
    assert response.json()["codeRetour"] == 20000
    assert response.json()["listeStatutsPossiblesPourTraitement"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"statutCourant": " mise_a_disposition "},
        {"statut": "MISE_A_DISPOSITION"},
        {"statutFacture": "Mise_A_Disposition"},
        {"statutCourant": ["MISE_A_DISPOSITION"]},
        {"statutCourant": {"code": "MISE_A_DISPOSITION"}},
        {"statutCourant": "MISE_A_DISPOSITION", "codeLangue": "fr", "inconnu": 1},
    ],
)
def test_lenient_request_variants(call, tenant, body):
    response = call(PATH, body, tenant=tenant)
    assert response.status_code == 200
    assert _possible(response) == [t.value for t in targets_from("MISE_A_DISPOSITION", Party.RECIPIENT)]


def test_chorus_ocr_status_is_our_draft(call, tenant):
    response = call(PATH, {"statutCourant": "INTERPRETEE_OCR"}, tenant=tenant)
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 20000  # a draft is the supplier's business


@pytest.mark.parametrize(
    ("body", "says"), [({}, "obligatoire"), ({"statutCourant": "A_VALIDER_1"}, "inconnu")]
)
def test_missing_or_unknown_status_is_400_naming_the_field(call, tenant, body, says):
    response = call(PATH, body, tenant=tenant)
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 400
    assert says in response.json()["message"]
    assert response.json()["erreurs"][0]["champ"] == "statutCourant"
    assert "MISE_A_DISPOSITION" in response.json()["erreurs"][0]["message"]


def test_status_of_the_wrong_type_is_400(call, tenant):
    response = call(PATH, {"statutCourant": 12}, tenant=tenant)
    assert response.status_code == 400
    assert response.json()["erreurs"][0]["champ"] == "statutCourant"
