"""Recipient-side Factures operations: consulter/recipiendaire, rechercher/recipiendaire,
rechercher/atraiter/recipiendaire, telecharger/groupe, traiter/recue — credentials, another tenant
(no leak), invalid bodies, missing objects, happy paths, and the official schema's field names."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pytest

from openchorus.connections.services import technical_account_create
from openchorus.invoices.models import Invoice
from openchorus.lifecycle.models import InvoiceStatusChange
from openchorus.lifecycle.statuses import InvoiceStatus as S
from openchorus.structures.enums import Space
from openchorus.structures.models import StructureSpace
from tests.api.conftest import Tenant, token_for
from tests.invoices.factories import sent, setting

pytestmark = pytest.mark.django_db

SWAGGER = Path("/work/shared/research/api-chorus-pro-factures.swagger.json")
OPERATIONS = [
    "factures/v1/consulter/recipiendaire",
    "factures/v1/rechercher/recipiendaire",
    "factures/v1/rechercher/atraiter/recipiendaire",
    "factures/v1/telecharger/groupe",
    "factures/v1/traiter/recue",
]


@pytest.fixture
def world(client):
    s = setting()
    StructureSpace.objects.get_or_create(structure=s.recipient, space=Space.RECEIVED_INVOICES)
    credentials = technical_account_create(actor=None, structure=s.recipient)
    recipient = Tenant(s.recipient, credentials, token_for(client, credentials))
    invoice = sent(s)
    assert invoice.status == S.AVAILABLE
    return {"s": s, "recipient": recipient, "invoice": invoice}


def _body(invoice_id: int, path: str) -> dict:
    return {
        "factures/v1/consulter/recipiendaire": {"identifiantFactureCPP": invoice_id},
        "factures/v1/rechercher/recipiendaire": {"numeroFacture": "F2026-001"},
        "factures/v1/rechercher/atraiter/recipiendaire": {},
        "factures/v1/telecharger/groupe": {"listeFacture": [{"idFacture": invoice_id}], "format": "PDF"},
        "factures/v1/traiter/recue": {"idFacture": invoice_id, "nouveauStatut": "SERVICE_FAIT"},
    }[path]


# --- credentials ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", OPERATIONS)
def test_no_credentials(call, world, path):
    response = call(path, _body(world["invoice"].pk, path))
    assert response.status_code == 401
    assert response.json()["credential"] == "token"


@pytest.mark.parametrize("path", OPERATIONS)
def test_wrong_technical_account(call, world, path):
    bad = base64.b64encode(f"{world['recipient'].credentials.login}:wrong".encode()).decode()
    response = call(
        path, _body(world["invoice"].pk, path), tenant=world["recipient"], headers={"HTTP_CPRO_ACCOUNT": bad}
    )
    assert response.status_code == 403
    assert response.json()["credential"] == "cpro-account"
    assert Invoice.objects.get(pk=world["invoice"].pk).status == S.AVAILABLE


# --- another tenant: exactly a missing invoice ----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["factures/v1/consulter/recipiendaire", "factures/v1/telecharger/groupe", "factures/v1/traiter/recue"],
)
def test_other_tenant_sees_a_missing_invoice(call, world, other, path):
    invoice = world["invoice"]
    missing = Invoice.objects.order_by("-pk").first().pk + 1000
    theirs = call(path, _body(invoice.pk, path), tenant=other)
    absent = call(path, _body(missing, path), tenant=other)
    assert theirs.status_code == absent.status_code == 400
    assert theirs.json()["codeRetour"] == absent.json()["codeRetour"] == 20001
    assert theirs.json()["message"].replace(str(invoice.pk), "N") == absent.json()["message"].replace(
        str(missing), "N"
    )
    assert "F2026-001" not in theirs.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == S.AVAILABLE


def test_supplier_account_does_not_consult_as_recipient(call, world, client):
    supplier = technical_account_create(actor=None, structure=world["s"].supplier)
    tenant = Tenant(world["s"].supplier, supplier, token_for(client, supplier))
    response = call(
        "factures/v1/consulter/recipiendaire", {"identifiantFactureCPP": world["invoice"].pk}, tenant=tenant
    )
    assert response.json()["codeRetour"] == 20001
    response = call(
        "factures/v1/traiter/recue", _body(world["invoice"].pk, "factures/v1/traiter/recue"), tenant=tenant
    )
    assert response.json()["codeRetour"] == 20001


@pytest.mark.parametrize(
    "path", ["factures/v1/rechercher/recipiendaire", "factures/v1/rechercher/atraiter/recipiendaire"]
)
def test_other_tenant_searches_find_nothing(call, world, other, path):
    response = call(path, {}, tenant=other)
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 20000
    assert response.json()["listeFactures"] == []


# --- invalid bodies and missing objects -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("factures/v1/consulter/recipiendaire", {"identifiantFactureCPP": "abc"}, "identifiantFactureCPP"),
        ("factures/v1/consulter/recipiendaire", {}, "identifiantFactureCPP"),
        ("factures/v1/rechercher/recipiendaire", {"statutCourant": ["PAS_UN_STATUT"]}, "statutCourant"),
        (
            "factures/v1/rechercher/recipiendaire",
            {"paramRecherche": {"nbResultatsParPage": "beaucoup"}},
            "paramRecherche",
        ),
        ("factures/v1/telecharger/groupe", {"listeFacture": [], "format": "PDF"}, "listeFacture"),
        ("factures/v1/telecharger/groupe", {"listeFacture": [{"idFacture": 1}], "format": "DOCX"}, "format"),
        ("factures/v1/traiter/recue", {"idFacture": 1, "nouveauStatut": "PAYEE"}, "nouveauStatut"),
        ("factures/v1/traiter/recue", {"nouveauStatut": "SERVICE_FAIT"}, "idFacture"),
    ],
)
def test_invalid_body(call, world, path, body, field):
    response = call(path, body, tenant=world["recipient"])
    assert response.status_code == 400
    data = response.json()
    assert data["codeRetour"] == 400
    assert field in json.dumps(data)


def test_invalid_json(call, world):
    response = call("factures/v1/traiter/recue", '{"idFacture": ', tenant=world["recipient"])
    assert response.status_code == 400
    assert "JSON" in response.json()["message"]


@pytest.mark.parametrize(
    "path",
    ["factures/v1/consulter/recipiendaire", "factures/v1/telecharger/groupe", "factures/v1/traiter/recue"],
)
def test_missing_invoice(call, world, path):
    response = call(path, _body(987654, path), tenant=world["recipient"])
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20001
    assert "987654" in response.json()["message"]


# --- happy paths ----------------------------------------------------------------------------------


def _definitions():
    return json.loads(SWAGGER.read_text())["definitions"]


def _unknown_keys(value, definition: str, definitions: dict, path: str = "") -> list[str]:
    """Keys of an answer that the official definition does not have (recursively)."""
    schema = definitions[definition]
    props = schema.get("properties", {})
    wrong = []
    for key, item in value.items():
        if key == "message":  # our addition on errors only
            continue
        if key not in props:
            wrong.append(f"{path}{key}")
            continue
        prop = props[key]
        ref = prop.get("$ref") or (prop.get("items") or {}).get("$ref")
        if ref and item:
            name = ref.rsplit("/", 1)[-1]
            for element in item if isinstance(item, list) else [item]:
                wrong += _unknown_keys(element, name, definitions, f"{path}{key}.")
    return wrong


@pytest.mark.skipif(not SWAGGER.exists(), reason="official schema not available")
def test_answers_use_the_official_field_names(call, world):
    definitions = _definitions()
    invoice_id, tenant = world["invoice"].pk, world["recipient"]
    answers = {
        "WsRetourFacturesRecues": call("factures/v1/consulter/recipiendaire", {"identifiantFactureCPP": invoice_id}, tenant=tenant),
        "WsRetourRechercheFactureRecipiendaireRest": call("factures/v1/rechercher/recipiendaire", {}, tenant=tenant),
        "WsRetourRechercheFactureRecipiendaire": call("factures/v1/rechercher/atraiter/recipiendaire", {}, tenant=tenant),
        "WsRetourTelechargerGroupeFacture": call("factures/v1/telecharger/groupe", _body(invoice_id, "factures/v1/telecharger/groupe"), tenant=tenant),
        "WsRetourTraiterFacture": call("factures/v1/traiter/recue", _body(invoice_id, "factures/v1/traiter/recue"), tenant=tenant),
    }  # fmt: skip
    for definition, response in answers.items():
        assert response.status_code == 200, (definition, response.content)
        assert _unknown_keys(response.json(), definition, definitions) == [], definition


def test_consulter_recipiendaire(call, world):
    invoice = world["invoice"]
    response = call(
        "factures/v1/consulter/recipiendaire",
        {"identifiantFactureCPP": str(invoice.pk), "codeLangue": "fr"},
        tenant=world["recipient"],
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["codeRetour"], data["libelle"]) == (0, "TRA_MSG_00.000")
    facture = data["facture"]
    assert facture["identifiantFactureCPP"] == invoice.pk
    assert facture["numeroFacture"] == "F2026-001"
    assert facture["statutFacture"] == "MISE_A_DISPOSITION"
    assert facture["destinataire"]["codeServiceExecutant"] == "BC"
    assert facture["fournisseur"]["designationFournisseur"] == world["s"].supplier.designation
    assert facture["references"]["numeroBonCommande"] == "EJ-2026-0042"
    assert facture["montantTotal"]["montantTtcTotal"] == float(invoice.total_incl_vat)
    assert facture["lignesDePoste"]["totalLignesPoste"] == 2
    assert len(facture["lignesDePoste"]["lignePoste"]) == 2
    paged = call(
        "factures/v1/consulter/recipiendaire",
        {
            "idFacture": invoice.pk,
            "rechercheLignePoste": {"nbResultatsParPageLignesPoste": 1, "pageResultatDemandeeLignesPoste": 2},
        },
        tenant=world["recipient"],
    ).json()["facture"]["lignesDePoste"]
    assert (paged["pageCouranteLignesPoste"], paged["pagesLignesPoste"], len(paged["lignePoste"])) == (
        2,
        2,
        1,
    )


def test_rechercher_recipiendaire_filters_and_pages(call, world):
    s, tenant = world["s"], world["recipient"]
    second = sent(s, number="F2026-002")
    data = call(
        "factures/v1/rechercher/recipiendaire",
        {"typeDemandePaiement": "FACTURE", "paramRecherche": {"nbResultatsParPage": 1, "pageResultatDemandee": 1, "triColonne": "NumeroFacture", "triSens": "Descendant"}},
        tenant=tenant,
    ).json()  # fmt: skip
    assert (
        data["codeRetour"],
        data["total"],
        data["pages"],
        data["pageCourante"],
        data["nbResultatsParPage"],
    ) == (0, 2, 2, 1, 1)
    assert [f["numeroFacture"] for f in data["listeFactures"]] == ["F2026-002"]
    row = data["listeFactures"][0]
    assert row["idFacture"] == second.pk and row["statut"] == "MISE_A_DISPOSITION"
    assert row["factureTelechargeeParDestinataire"] is False
    assert row["montantTTC"] == float(second.total_incl_vat)
    by_number = call(
        "factures/v1/rechercher/recipiendaire", {"numeroFacture": "F2026-001"}, tenant=tenant
    ).json()
    assert [f["idFacture"] for f in by_number["listeFactures"]] == [world["invoice"].pk]
    by_supplier = call(
        "factures/v1/rechercher/recipiendaire",
        {"listeFournisseurs": [{"idFournisseur": s.supplier.pk}], "statutCourant": ["MISE_A_DISPOSITION"]},
        tenant=tenant,
    ).json()
    assert by_supplier["total"] == 2
    none = call("factures/v1/rechercher/recipiendaire", {"statutCourant": ["REJETEE"]}, tenant=tenant).json()
    assert (none["codeRetour"], none["libelle"], none["total"]) == (20000, "TRA_MSG_00.015", 0)
    travaux = call(
        "factures/v1/rechercher/recipiendaire", {"typeDemandePaiement": "FACTURE_TRAVAUX"}, tenant=tenant
    ).json()
    assert travaux["codeRetour"] == 20000


def test_rechercher_atraiter_recipiendaire(call, world):
    s, tenant = world["s"], world["recipient"]
    data = call(
        "factures/v1/rechercher/atraiter/recipiendaire", {"idStructure": s.recipient.pk}, tenant=tenant
    ).json()
    assert data["codeRetour"] == 0
    assert data["parametresRetour"]["total"] == 1
    call(
        "factures/v1/traiter/recue",
        {"idFacture": world["invoice"].pk, "nouveauStatut": "SERVICE_FAIT"},
        tenant=tenant,
    )
    after = call("factures/v1/rechercher/atraiter/recipiendaire", {}, tenant=tenant).json()
    assert after["codeRetour"] == 20000 and after["listeFactures"] == []
    foreign = call(
        "factures/v1/rechercher/atraiter/recipiendaire", {"idStructure": s.supplier.pk}, tenant=tenant
    )
    assert foreign.json()["codeRetour"] == 20001


def test_telecharger_groupe_formats_and_download_flag(call, world):
    s, tenant, invoice = world["s"], world["recipient"], world["invoice"]
    second = sent(s, number="F2026-002")
    pdf = call(
        "factures/v1/telecharger/groupe",
        {"listeFacture": [{"idFacture": invoice.pk}], "format": "PDF"},
        tenant=tenant,
    )
    assert pdf.status_code == 200, pdf.content
    assert base64.b64decode(pdf.json()["fichierResultat"]).startswith(b"%PDF-")
    xml = call(
        "factures/v1/telecharger/groupe",
        {"listeFacture": [{"identifiantFactureCPP": invoice.pk}], "format": "XML"},
        tenant=tenant,
    )
    assert base64.b64decode(xml.json()["fichierResultat"]).lstrip().startswith(b"<")
    both = call(
        "factures/v1/telecharger/groupe",
        {"listeFacture": [{"idFacture": invoice.pk}, {"idFacture": second.pk}], "format": "ZIP"},
        tenant=tenant,
    )
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(both.json()["fichierResultat"])))
    names = archive.namelist()
    assert f"F2026-001_{invoice.pk}.pdf" in names and f"F2026-002_{second.pk}.xml" in names
    flags = {
        f["numeroFacture"]: f["factureTelechargeeParDestinataire"]
        for f in call("factures/v1/rechercher/recipiendaire", {}, tenant=tenant).json()["listeFactures"]
    }
    assert flags == {"F2026-001": True, "F2026-002": True}
    not_yet = call(
        "factures/v1/rechercher/recipiendaire", {"factureTelechargeeParDestinataire": False}, tenant=tenant
    ).json()
    assert not_yet["codeRetour"] == 20000


def test_telecharger_groupe_over_the_limit_is_413(call, world, settings):
    settings.OPENCHORUS_API_DOWNLOAD_MAX_BYTES = 100
    response = call(
        "factures/v1/telecharger/groupe",
        {"listeFacture": [{"idFacture": world["invoice"].pk}], "format": "ZIP"},
        tenant=world["recipient"],
    )
    assert response.status_code == 413
    assert response.json()["codeRetour"] == 413
    assert "limite" in response.json()["message"]


def test_telecharger_groupe_refuses_when_one_invoice_is_not_visible(call, world, other):
    response = call(
        "factures/v1/telecharger/groupe",
        {"listeFacture": [{"idFacture": world["invoice"].pk}, {"idFacture": 999999}], "format": "PDF"},
        tenant=world["recipient"],
    )
    assert response.json()["codeRetour"] == 20001
    assert "999999" in response.json()["message"]
    assert "fichierResultat" not in response.json()


def test_traiter_recue_moves_the_invoice_through_the_lifecycle(call, world):
    tenant, invoice = world["recipient"], world["invoice"]
    response = call(
        "factures/v1/traiter/recue", {"idFacture": invoice.pk, "nouveauStatut": "SERVICE_FAIT"}, tenant=tenant
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["codeRetour"], data["idFacture"], data["numeroFacture"], data["nouveauStatut"]) == (
        0, invoice.pk, "F2026-001", "SERVICE_FAIT",
    )  # fmt: skip
    assert data["dateTraitement"]
    change = InvoiceStatusChange.objects.filter(invoice=invoice).order_by("-id").first()
    assert change.to_status == S.SERVICE_DONE and change.actor_label == tenant.credentials.login
    mandate = call(
        "factures/v1/traiter/recue",
        {"idFacture": invoice.pk, "nouveauStatut": "MANDATEE", "numeroDPMandat": "M-42"},
        tenant=tenant,
    )
    assert mandate.json()["nouveauStatut"] == "MANDATEE"
    assert "M-42" in InvoiceStatusChange.objects.filter(invoice=invoice).order_by("-id").first().comment


def test_traiter_recue_impossible_transition_says_why(call, world):
    tenant, invoice = world["recipient"], world["invoice"]
    call("factures/v1/traiter/recue", {"idFacture": invoice.pk, "nouveauStatut": "MANDATEE"}, tenant=tenant)
    response = call(
        "factures/v1/traiter/recue", {"idFacture": invoice.pk, "nouveauStatut": "SERVICE_FAIT"}, tenant=tenant
    )
    assert response.status_code == 400
    data = response.json()
    assert data["codeRetour"] == 20002
    assert "Mandatée" in data["message"] and "Service fait" in data["message"]
    assert Invoice.objects.get(pk=invoice.pk).status == S.MANDATED


def test_traiter_recue_return_with_free_text_motif(call, world):
    tenant, invoice = world["recipient"], world["invoice"]
    response = call(
        "factures/v1/traiter/recue",
        {"idFacture": invoice.pk, "nouveauStatut": "SUSPENDUE", "motif": "Bon de livraison manquant"},
        tenant=tenant,
    )
    assert response.status_code == 200, response.content
    change = InvoiceStatusChange.objects.filter(invoice=invoice).order_by("-id").first()
    assert (change.to_status, change.motif, change.comment) == (
        S.SUSPENDED,
        "AUTRE",
        "Bon de livraison manquant",
    )


def test_traiter_recue_return_without_motif_is_refused(call, world):
    tenant, invoice = world["recipient"], world["invoice"]
    response = call(
        "factures/v1/traiter/recue", {"idFacture": invoice.pk, "nouveauStatut": "REJETEE"}, tenant=tenant
    )
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20002
    assert response.json()["erreurs"][0]["champ"] in {"motif", "commentaire"}
    coded = call(
        "factures/v1/traiter/recue",
        {"idFacture": invoice.pk, "nouveauStatut": "REJETEE", "motif": "DOUBLON"},
        tenant=tenant,
    )
    assert coded.status_code == 200
    assert InvoiceStatusChange.objects.filter(invoice=invoice).order_by("-id").first().motif == "DOUBLON"
