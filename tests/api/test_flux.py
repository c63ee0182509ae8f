"""EDI over the API (issues #8 and #9): deposer/flux, consulterCR, consulterCRDetaille and our return
flow consulter/retours — credentials, tenants, bodies, missing objects and happy paths."""

from __future__ import annotations

import base64
import hashlib

import pytest

from openchorus.connections.models import IdempotentRequest
from openchorus.connections.services import technical_account_create
from openchorus.flows.enums import FlowStatus
from openchorus.flows.models import Flow
from openchorus.invoices.models import Invoice
from tests.api.conftest import Tenant, token_for
from tests.flows.test_processing import targz, wrong_total
from tests.invoices.factories import setting, structured_file

pytestmark = pytest.mark.django_db

OPERATIONS = (
    "factures/v1/deposer/flux",
    "transverses/v1/consulterCR",
    "transverses/v1/consulterCRDetaille",
    "factures/v1/consulter/retours",
)


@pytest.fixture
def s(db):
    return setting(with_mandate=False)


@pytest.fixture
def supplier(s, client):
    credentials = technical_account_create(actor=None, structure=s.supplier)
    return Tenant(s.supplier, credentials, token_for(client, credentials))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def deposit(call, supplier, data: bytes, capture, *, name="lot.tar.gz", syntax="IN_DP_E1_UBL_INVOICE", **kw):
    with capture(execute=True):
        return call(
            "factures/v1/deposer/flux",
            {
                "idUtilisateurCourant": 0,
                "fichierFlux": b64(data),
                "nomFichier": name,
                "syntaxeFlux": syntax,
                "avecSignature": False,
            },
            tenant=supplier,
            **kw,
        )


@pytest.mark.parametrize("path", OPERATIONS)
def test_no_credentials_is_refused_naming_the_token(call, path):
    response = call(path, {"numeroFluxDepot": "CPP1"})
    assert response.status_code == 401
    assert response.json()["credential"] == "token"


def test_a_mixed_flow_then_its_reports_with_every_error_located(
    s, supplier, call, django_capture_on_commit_callbacks
):
    good = structured_file(s, "ubl", number="API-FL-1")
    bad = wrong_total(structured_file(s, "ubl", number="API-FL-2"))
    response = deposit(
        call, supplier, targz([("1.xml", good), ("2.xml", bad)]), django_capture_on_commit_callbacks
    )
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["codeRetour"] == 0 and answer["libelle"] == "GCU_MSG_01_000"
    assert answer["syntaxeFlux"] == "IN_DP_E1_UBL_INVOICE" and answer["dateDepot"]
    number = answer["numeroFluxDepot"]
    assert number.startswith("CPP") and len(number) == 25

    report = call("transverses/v1/consulterCR", {"numeroFluxDepot": number}, tenant=supplier).json()
    assert report["etatCourantFlux"] == FlowStatus.PARTIAL
    assert report["nomFichierFlux"] == "lot.tar.gz" and report["designationPartenaire"]
    pdf = base64.b64decode(report["fichierCR"])
    assert pdf.startswith(b"%PDF-")
    # Rendered once when the flow concluded, then read back (integrators poll consulterCR).
    assert hashlib.sha256(pdf).hexdigest() == Flow.objects.get(number=number).report_files["fr"]

    detail = call("transverses/v1/consulterCRDetaille", {"numeroFluxDepot": number}, tenant=supplier).json()
    assert detail["etatCourantDepotFlux"] == "IN_INTEGRE_PARTIEL"
    assert detail["nomFichier"] == f"FSO1110A_CPP001_{number}"
    assert (detail["nbFactures"], detail["nbFacturesIntegrees"], detail["nbFacturesRejetees"]) == (2, 1, 1)
    error = next(e for e in detail["listeErreurDP"] if e["codeRegle"] == "BR-CO-15")
    assert error["numeroDP"] == "API-FL-2" and error["numeroOrdre"] == 2 and error["nomFichier"] == "2.xml"
    assert error["libelleErreurDP"].startswith("[BR-CO-15] ")
    assert error["localisation"].startswith("/") and error["identifiantDestinataire"]
    assert detail["listeErreurTechnique"] == []

    english = call(
        "transverses/v1/consulterCRDetaille",
        {"numeroFluxDepot": number},
        tenant=supplier,
        headers={"HTTP_ACCEPT_LANGUAGE": "en"},
    ).json()
    assert (
        next(e for e in english["listeErreurDP"] if e["codeRegle"] == "BR-CO-15")["libelleErreurDP"]
        != error["libelleErreurDP"]
    )

    # The invoices integrated are found by the flow's number, as integrators do (research §3.4).
    found = call("factures/v1/rechercher/fournisseur", {"numeroFluxDepot": number}, tenant=supplier).json()
    [row] = found["listeFactures"]
    assert (row["numeroFacture"], row["numeroFluxDepot"], row["statut"]) == (
        "API-FL-1",
        number,
        "MISE_A_DISPOSITION",
    )
    assert row["modeDepot"] == "EDI_XML_STRUCT"
    assert Invoice.objects.get(number="API-FL-1").pk == row["identifiantFactureCPP"]


def test_a_garbage_flow_is_rejected_and_said_so_in_the_technical_errors(
    supplier, call, django_capture_on_commit_callbacks
):
    answer = deposit(
        call, supplier, b"not an invoice", django_capture_on_commit_callbacks, name="x.xml"
    ).json()
    detail = call(
        "transverses/v1/consulterCRDetaille", {"numeroFluxDepot": answer["numeroFluxDepot"]}, tenant=supplier
    ).json()
    assert detail["etatCourantDepotFlux"] == "IN_REJETE"
    assert [e["codeErreur"] for e in detail["listeErreurTechnique"]] == ["FLUX-FORMAT"]
    assert detail["listeErreurTechnique"][0]["natureErreur"] == "FLUX"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"fichierFlux": "", "nomFichier": "a.xml", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE"}, "fichierFlux"),
        ({"fichierFlux": "@@@not base64@@@", "nomFichier": "a.xml"}, "fichierFlux"),
        ({"fichierFlux": "PHgvPg==", "nomFichier": "a.xml", "syntaxeFlux": "IN_DP_E1_XCBL"}, "syntaxeFlux"),
    ],
    ids=["empty", "not-base64", "unknown-syntax"],
)
def test_invalid_bodies_are_refused_naming_the_field_and_keep_nothing(supplier, call, body, field):
    response = call("factures/v1/deposer/flux", body, tenant=supplier)
    assert response.status_code == 400
    assert response.json()["erreurs"][0]["champ"] == field
    assert not Flow.objects.exists()


def test_the_same_flow_twice_is_refused_and_a_replay_with_the_same_key_is_not(
    s, supplier, call, django_capture_on_commit_callbacks
):
    data = structured_file(s, "ubl", number="API-DUP-1")
    key = {"HTTP_IDEMPOTENCY_KEY": "flux-0001"}
    first = deposit(call, supplier, data, django_capture_on_commit_callbacks, name="a.xml", headers=key)
    replay = deposit(call, supplier, data, django_capture_on_commit_callbacks, name="a.xml", headers=key)
    assert replay.json()["numeroFluxDepot"] == first.json()["numeroFluxDepot"]
    assert replay["Idempotent-Replayed"] == "true"
    assert IdempotentRequest.objects.count() == 1
    again = deposit(call, supplier, data, django_capture_on_commit_callbacks, name="a.xml")
    assert again.status_code == 400
    assert again.json()["erreurs"][0]["regle"] == "FLUX-DOUBLON"
    assert first.json()["numeroFluxDepot"] in again.json()["message"]
    assert Flow.objects.count() == 1 and Invoice.objects.count() == 1


def test_another_tenants_flow_answers_as_a_missing_one(
    s, supplier, other, call, django_capture_on_commit_callbacks
):
    number = deposit(
        call,
        supplier,
        structured_file(s, "ubl", number="API-T-1"),
        django_capture_on_commit_callbacks,
        name="t.xml",
    ).json()["numeroFluxDepot"]
    for path in ("transverses/v1/consulterCR", "transverses/v1/consulterCRDetaille"):
        theirs = call(path, {"numeroFluxDepot": number}, tenant=other)
        missing = call(path, {"numeroFluxDepot": "CPP0000000000000000000000"}, tenant=other)
        assert theirs.status_code == missing.status_code == 400
        assert theirs.json()["codeRetour"] == missing.json()["codeRetour"] == 20001
        assert number not in str(missing.json())
    assert call("transverses/v1/consulterCR", {}, tenant=supplier).json()["erreurs"][0]["champ"] == (
        "numeroFluxDepot"
    )


def test_the_return_flow_lists_the_status_changes_from_a_cursor(
    s, supplier, other, call, django_capture_on_commit_callbacks
):
    deposit(
        call,
        supplier,
        structured_file(s, "ubl", number="API-R-1"),
        django_capture_on_commit_callbacks,
        name="r.xml",
    )
    answer = call("factures/v1/consulter/retours", {"curseur": 0}, tenant=supplier).json()
    changes = answer["listeChangements"]
    assert [c["nouveauStatut"] for c in changes] == ["DEPOSEE", "MISE_A_DISPOSITION"]
    assert {c["role"] for c in changes} == {"FOURNISSEUR"} and changes[1]["codeStatutReforme"] == "203"
    following = call("factures/v1/consulter/retours", {"curseur": answer["curseurSuivant"]}, tenant=supplier)
    assert following.json()["listeChangements"] == []
    assert call("factures/v1/consulter/retours", {}, tenant=other).json()["listeChangements"] == []
