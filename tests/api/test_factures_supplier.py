"""The supplier's Factures operations (issue #8): soumettre, deposer/pdf, ajouter/fichier, completer,
recycler, consulter/fournisseur, consulter/historique, rechercher/fournisseur and
rechercher/atraiter/fournisseur — credentials, tenants, bodies, missing objects, happy paths and
idempotent replays."""

from __future__ import annotations

import base64

import pytest

from openchorus.api.routers import factures as factures_router
from openchorus.connections.models import ApiUpload, IdempotentRequest
from openchorus.connections.services import technical_account_create
from openchorus.invoices.enums import Channel
from openchorus.invoices.models import Invoice, InvoiceAttachment
from openchorus.invoices.services import invoice_submit
from openchorus.lifecycle.services import invoice_process
from openchorus.lifecycle.statuses import InvoiceStatus as S
from openchorus.structures.models import BillingMandate
from tests.api.conftest import Tenant, token_for
from tests.ingestion import files
from tests.invoices.factories import PARIS_HABITAT_SIRET, draft, recipient_agent, setting
from tests.structures.factories_documents import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(db):
    return setting(with_mandate=False)


@pytest.fixture
def supplier(s, client):
    credentials = technical_account_create(actor=None, structure=s.supplier)
    return Tenant(s.supplier, credentials, token_for(client, credentials))


def body_of(s, **overrides) -> dict:
    body = {
        "modeDepot": "SAISIE_API",
        "numeroFactureSaisi": "API-2026-001",
        "dateFacture": "2026-11-02T00:00:00.000+01:00",
        "destinataire": {"codeDestinataire": PARIS_HABITAT_SIRET, "codeServiceExecutant": "BC"},
        "fournisseur": {
            "idFournisseur": s.supplier.pk,
            "codeCoordonneesBancairesFournisseur": s.bank_account.pk,
        },
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        "references": {
            "deviseFacture": "EUR",
            "typeFacture": "FACTURE",
            "typeTva": "TVA_SUR_DEBIT",
            "numeroBonCommande": "EJ-2026-0042",
            "modePaiement": "VIREMENT",
        },
        "lignePoste": [
            {
                "lignePosteNumero": 1,
                "lignePosteDenomination": "Plateau de fromages",
                "lignePosteQuantite": 12,
                "lignePosteUnite": "C62",
                "lignePosteMontantUnitaireHT": "18.50",
                "lignePosteTauxTva": "TVA3",
            }
        ],
        "ligneTva": [
            {
                "ligneTvaTauxManuel": 5.5,
                "ligneTvaMontantBaseHtParTaux": 222,
                "ligneTvaMontantTvaParTaux": 12.21,
            }
        ],
        "montantTotal": {
            "montantHtTotal": 222,
            "montantTVA": 12.21,
            "montantTtcTotal": 234.21,
            "montantAPayer": 234.21,
        },
        "commentaire": "Livraison du 2 novembre",
    }
    body.update(overrides)
    return body


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _submitted(call, s, supplier, **overrides) -> dict:
    response = call("factures/v1/soumettre", body_of(s, **overrides), tenant=supplier)
    assert response.status_code == 200, response.content
    return response.json()


# --- credentials (every operation) ----------------------------------------------------------------

OPERATIONS = [
    "factures/v1/soumettre",
    "factures/v1/deposer/pdf",
    "factures/v1/completer",
    "factures/v1/recycler",
    "factures/v1/consulter/fournisseur",
    "factures/v1/consulter/historique",
    "factures/v1/rechercher/fournisseur",
    "factures/v1/rechercher/atraiter/fournisseur",
    "transverses/v1/ajouter/fichier",
]


@pytest.mark.parametrize("path", OPERATIONS)
def test_every_operation_needs_both_credentials(call, supplier, other, path):
    assert call(path, {}).status_code == 401
    assert call(path, {}, headers={"HTTP_AUTHORIZATION": f"Bearer {supplier.token}"}).status_code == 403
    # another tenant's technical account with this tenant's token: refused
    wrong = {"HTTP_AUTHORIZATION": f"Bearer {supplier.token}", "HTTP_CPRO_ACCOUNT": other.account_header}
    response = call(path, {}, headers=wrong)
    assert response.status_code == 403 and response.json()["credential"] == "cpro-account"


# --- soumettre ------------------------------------------------------------------------------------


def test_soumettre_sends_the_invoice_through_the_portal_services_without_a_mandate(call, s, supplier):
    assert not BillingMandate.objects.filter(structure=s.supplier).exists()
    answer = _submitted(call, s, supplier)
    assert answer["codeRetour"] == 0 and answer["libelle"] == "GCU_MSG_01_000"
    invoice = Invoice.objects.get(pk=answer["identifiantFactureCPP"])
    assert answer["numeroFacture"] == "API-2026-001" == invoice.number
    assert answer["statutFacture"] == S.AVAILABLE == invoice.status
    assert answer["identifiantStructure"] == s.supplier.identifier and answer["dateDepot"]
    assert answer["empreinteCertificatDepot"] == invoice.xml_file.sha256
    assert invoice.channel == Channel.API and invoice.recipient == s.recipient
    assert invoice.recipient_service == s.services["BC"] and invoice.engagement_number == "EJ-2026-0042"
    assert str(invoice.total_incl_vat) == "234.21" and invoice.bank_account == s.bank_account
    assert invoice.note == "Livraison du 2 novembre"
    assert invoice.created_by.email.startswith("compte-technique-") and not invoice.created_by.is_active
    assert invoice.status_changes.first().actor_label == supplier.credentials.login


def test_the_portal_entry_still_needs_its_mandate(s):
    from openchorus.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        invoice_submit(actor=s.manager, invoice=draft(s))
    assert refused.value.extra["code"] == "mandate_missing"


def test_soumettre_refusal_names_each_rule_and_field_and_creates_nothing(call, s, supplier):
    before = Invoice.objects.count()
    body = body_of(s, destinataire={"codeDestinataire": "11111111111111", "codeServiceExecutant": "BC"})
    response = call("factures/v1/soumettre", body, tenant=supplier)
    assert response.status_code == 400
    answer = response.json()
    assert answer["codeRetour"] == 20002 and "anomalie" in answer["message"]
    fields = {e["champ"] for e in answer["erreurs"]}
    assert "destinataire.codeDestinataire" in fields
    assert all(e["regle"] and e["message"] for e in answer["erreurs"])
    assert Invoice.objects.count() == before


def test_soumettre_refuses_an_invalid_body_field_by_field(call, s, supplier):
    response = call(
        "factures/v1/soumettre",
        body_of(s, lignePoste=[{"lignePosteQuantite": "douze", "lignePosteTauxTva": "TVA1"}]),
        tenant=supplier,
    )
    assert response.status_code == 400 and response.json()["codeRetour"] == 400
    assert "lignePoste" in response.json()["erreurs"][0]["champ"]
    body = body_of(s, references={"typeFacture": "DEVIS", "modePaiement": "TROC"})
    body["lignePoste"][0]["lignePosteTauxTva"] = "TVA99"
    answer = call("factures/v1/soumettre", body, tenant=supplier).json()
    assert {e["champ"] for e in answer["erreurs"]} == {
        "references.typeFacture",
        "references.modePaiement",
        "lignePoste[1].lignePosteTauxTva",
    }
    assert call("factures/v1/soumettre", "[1, 2]", tenant=supplier).status_code == 400
    assert not Invoice.objects.exists()


def test_soumettre_refuses_totals_that_contradict_the_lines(call, s, supplier):
    body = body_of(s, montantTotal={"montantHtTotal": 222, "montantTVA": 12.21, "montantTtcTotal": 300})
    answer = call("factures/v1/soumettre", body, tenant=supplier).json()
    assert answer["codeRetour"] == 20002
    assert [e["champ"] for e in answer["erreurs"]] == ["montantTotal.montantTtcTotal"]
    assert not Invoice.objects.exists()


def test_soumettre_for_another_structure_is_not_found(call, s, supplier, other):
    body = body_of(s, fournisseur={"idFournisseur": other.structure.pk})
    response = call("factures/v1/soumettre", body, tenant=supplier)
    assert response.status_code == 400 and response.json()["codeRetour"] == 20001
    assert not Invoice.objects.exists()


def test_soumettre_is_idempotent_per_key(call, s, supplier):
    key = {"HTTP_IDEMPOTENCY_KEY": "commande-42"}
    first = call("factures/v1/soumettre", body_of(s), tenant=supplier, headers=key)
    again = call("factures/v1/soumettre", body_of(s), tenant=supplier, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Invoice.objects.count() == 1
    changed = call(
        "factures/v1/soumettre", body_of(s, numeroFactureSaisi="X-2"), tenant=supplier, headers=key
    )
    assert changed.status_code == 409 and "commande-42" in changed.json()["message"]
    assert Invoice.objects.count() == 1
    # a refused request reserves nothing: the key can be used again once the body is fixed
    bad = call(
        "factures/v1/soumettre",
        body_of(s, numeroFactureSaisi=""),
        tenant=supplier,
        headers={"HTTP_IDEMPOTENCY_KEY": "k2"},
    )
    assert bad.status_code == 400
    assert not IdempotentRequest.objects.filter(key="k2").exists()


def test_idempotency_keys_are_per_technical_account(call, s, supplier, client):
    second = technical_account_create(actor=None, structure=s.supplier)
    other_account = Tenant(s.supplier, second, token_for(client, second))
    key = {"HTTP_IDEMPOTENCY_KEY": "same"}
    assert call("factures/v1/soumettre", body_of(s), tenant=supplier, headers=key).status_code == 200
    response = call(
        "factures/v1/soumettre", body_of(s, numeroFactureSaisi="API-2"), tenant=other_account, headers=key
    )
    assert response.status_code == 200 and Invoice.objects.count() == 2


# --- ajouter/fichier and attachments in soumettre --------------------------------------------------


def test_ajouter_fichier_then_soumettre_with_attachments_as_object_or_array(call, s, supplier):
    response = call(
        "transverses/v1/ajouter/fichier",
        {
            "pieceJointeFichier": _b64(PDF_BYTES),
            "pieceJointeNom": "bon-livraison",
            "pieceJointeExtension": "PDF",
        },
        tenant=supplier,
    )
    assert response.status_code == 200, response.content
    assert response.json()["libelle"] == "GCU_MSG_01_000"
    piece = response.json()["pieceJointeId"]
    assert ApiUpload.objects.get(pk=piece).filename == "bon-livraison.pdf"
    body = body_of(
        s,
        pieceJointePrincipale=[
            {"pieceJointePrincipaleId": piece, "pieceJointePrincipaleDesignation": "Facture"}
        ],
        pieceJointeComplementaire=[
            {"pieceJointeComplementaireId": str(piece), "pieceJointeComplementaireDesignation": "BL"}
        ],
    )
    invoice = Invoice.objects.get(pk=_submitted(call, s, supplier, **body)["identifiantFactureCPP"])
    assert sorted(invoice.attachments.values_list("description", flat=True)) == ["BL", "Facture"]
    body = body_of(s, numeroFactureSaisi="API-2", pieceJointePrincipale={"pieceJointePrincipaleId": piece})
    assert _submitted(call, s, supplier, **body)["codeRetour"] == 0


def test_ajouter_fichier_refusals_and_other_tenants_pieces(call, s, supplier, other):
    assert call("transverses/v1/ajouter/fichier", {}, tenant=supplier).status_code == 400
    bad = call(
        "transverses/v1/ajouter/fichier",
        {"pieceJointeFichier": "%%%", "pieceJointeNom": "x"},
        tenant=supplier,
    )
    assert bad.status_code == 400 and bad.json()["erreurs"][0]["champ"] == "pieceJointeFichier"
    html = call(
        "transverses/v1/ajouter/fichier",
        {"pieceJointeFichier": _b64(b"<html><script>x</script></html>"), "pieceJointeNom": "a.html"},
        tenant=supplier,
    )
    assert html.status_code == 400 and html.json()["codeRetour"] == 20002
    theirs = call(
        "transverses/v1/ajouter/fichier",
        {"pieceJointeFichier": _b64(PDF_BYTES), "pieceJointeNom": "a.pdf"},
        tenant=other,
    ).json()["pieceJointeId"]
    body = body_of(s, pieceJointeComplementaire=[{"pieceJointeComplementaireId": theirs}])
    leaked = call("factures/v1/soumettre", body, tenant=supplier).json()
    missing = call(
        "factures/v1/soumettre",
        body_of(s, pieceJointeComplementaire=[{"pieceJointeComplementaireId": 999999}]),
        tenant=supplier,
    ).json()
    assert leaked["codeRetour"] == missing["codeRetour"] == 20001
    assert leaked["message"].replace(str(theirs), "N") == missing["message"].replace("999999", "N")
    assert not Invoice.objects.exists()


# --- deposer/pdf ----------------------------------------------------------------------------------


def test_deposer_pdf_answers_the_fields_read_then_soumettre_sends_it(call, s, supplier):
    pdf = files.text_pdf()
    response = call(
        "factures/v1/deposer/pdf",
        {"fichierFacture": _b64(pdf), "nomFichier": "FA2026-0107.pdf", "formatDepot": "PDF_NON_SIGNE"},
        tenant=supplier,
    )
    assert response.status_code == 200, response.content
    read = response.json()
    assert read["libelle"] == "GCU_MSG_01_000"
    assert read["numeroFacture"] == "FA2026-0107" and read["codeDestinataire"] == PARIS_HABITAT_SIRET
    assert read["dateFacture"] == "2026-10-14" and read["codeFournisseur"] == s.supplier.identifier
    assert read["typeFacture"] == "FACTURE" and read["numeroBonCommande"] == "EJ482913"
    draft_invoice = ApiUpload.objects.get(pk=read["pieceJointeId"]).invoice
    assert draft_invoice.status == S.DRAFT and draft_invoice.channel == Channel.API
    body = {
        "modeDepot": "DEPOT_PDF_API",
        "pieceJointePrincipale": {"pieceJointePrincipaleId": read["pieceJointeId"]},
        "destinataire": {"codeDestinataire": PARIS_HABITAT_SIRET, "codeServiceExecutant": "BC"},
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        "fournisseur": {"codeCoordonneesBancairesFournisseur": s.bank_account.pk},
    }
    answer = call("factures/v1/soumettre", body, tenant=supplier).json()
    assert answer["codeRetour"] == 0, answer
    assert answer["identifiantFactureCPP"] == draft_invoice.pk and answer["numeroFacture"] == "FA2026-0107"
    assert Invoice.objects.count() == 1
    again = call("factures/v1/soumettre", body, tenant=supplier)  # already sent: no second send
    assert again.status_code == 400 and again.json()["codeRetour"] == 20001


def test_deposer_pdf_refusals(call, s, supplier, monkeypatch):
    scanned = call("factures/v1/deposer/pdf", {"fichierFacture": _b64(files.scanned_pdf())}, tenant=supplier)
    assert scanned.status_code == 400 and scanned.json()["codeRetour"] == 20002
    assert "PDF-SCANNED" in {e["regle"] for e in scanned.json()["erreurs"]}
    assert call("factures/v1/deposer/pdf", {}, tenant=supplier).status_code == 400
    assert (
        call("factures/v1/deposer/pdf", {"fichierFacture": "pas du base64 !"}, tenant=supplier).status_code
        == 400
    )
    monkeypatch.setattr(factures_router, "PDF_MAX_BYTES", 1024)
    big = call("factures/v1/deposer/pdf", {"fichierFacture": _b64(b"%PDF-" + b"0" * 4096)}, tenant=supplier)
    assert big.status_code == 413 and big.json()["codeRetour"] == 413
    assert not Invoice.objects.exists() and not ApiUpload.objects.exists()


def test_deposer_pdf_is_idempotent(call, s, supplier):
    body = {"fichierFacture": _b64(files.text_pdf()), "nomFichier": "f.pdf"}
    key = {"HTTP_IDEMPOTENCY_KEY": "pdf-1"}
    first = call("factures/v1/deposer/pdf", body, tenant=supplier, headers=key)
    again = call("factures/v1/deposer/pdf", body, tenant=supplier, headers=key)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and Invoice.objects.count() == 1 == ApiUpload.objects.count()
    other_op = call("factures/v1/soumettre", body_of(s), tenant=supplier, headers=key)
    assert other_op.status_code == 409


# --- consulter/fournisseur, consulter/historique ---------------------------------------------------


def _other_tenant_invoice(call, s, supplier, other):
    """An invoice of another tenant (sent, then handed to the other technical account's structure)."""
    answer = _submitted(call, s, supplier, numeroFactureSaisi="AUTRE-1")
    Invoice.objects.filter(pk=answer["identifiantFactureCPP"]).update(supplier=other.structure)
    return Invoice.objects.get(pk=answer["identifiantFactureCPP"])


@pytest.mark.parametrize(
    "path,field", [("consulter/fournisseur", "identifiantFactureCPP"), ("consulter/historique", "idFacture")]
)
def test_consulter_missing_foreign_and_invalid(call, s, supplier, other, path, field):
    foreign = _other_tenant_invoice(call, s, supplier, other)
    missing = call(f"factures/v1/{path}", {field: 987654}, tenant=supplier)
    leaked = call(f"factures/v1/{path}", {field: foreign.pk}, tenant=supplier)
    assert missing.status_code == leaked.status_code == 400
    assert missing.json()["codeRetour"] == leaked.json()["codeRetour"] == 20001
    assert missing.json()["message"].replace("987654", "N") == leaked.json()["message"].replace(
        str(foreign.pk), "N"
    )
    assert call(f"factures/v1/{path}", {field: "abc"}, tenant=supplier).status_code == 400
    assert call(f"factures/v1/{path}", {}, tenant=supplier).json()["erreurs"][0]["champ"] == field


def test_consulter_fournisseur_gives_the_invoice_with_its_s1_names(call, s, supplier):
    sent_id = _submitted(call, s, supplier)["identifiantFactureCPP"]
    answer = call(
        "factures/v1/consulter/fournisseur",
        {"identifiantFactureCPP": str(sent_id), "codeLangue": "fr"},
        tenant=supplier,
    ).json()
    assert answer["codeRetour"] == 0 and answer["libelle"] == "TRA_MSG_00.000"
    facture = answer["facture"]
    assert facture["identifiantFactureCPP"] == sent_id and facture["statutFacture"] == "MISE_A_DISPOSITION"
    assert facture["codeStatutReforme"] == "203" and facture["modeDepot"] == "SAISIE_API"
    assert facture["destinataire"]["codeDestinataire"] == PARIS_HABITAT_SIRET
    assert facture["destinataire"]["codeServiceExecutant"] == "BC"
    assert facture["fournisseur"]["codeFournisseur"] == s.supplier.identifier
    assert facture["cadreDeFacturation"]["codeCadreFacturation"] == "A1_FACTURE_FOURNISSEUR"
    assert (
        facture["references"]["typeFacture"] == "FACTURE"
        and facture["references"]["modePaiement"] == "VIREMENT"
    )
    assert facture["references"]["numeroBonCommande"] == "EJ-2026-0042"
    assert float(facture["montantTotal"]["montantTVA"]) == 12.21
    assert float(facture["montantTotal"]["montantAPayer"]) == 234.21
    ligne = facture["lignesDePoste"]["lignePoste"][0]
    assert ligne["lignePosteTauxTva"] == "TVA3" and float(ligne["lignePosteMontantUnitaireHT"]) == 18.5
    assert facture["recapitulatifDeTva"]["ligneTva"][0]["ligneTvaTauxRefCode"] == "TVA3"
    assert facture["lignesDePoste"]["totalLignesPoste"] == 1


def test_consulter_fournisseur_reads_in_five_statements(call, s, supplier, django_assert_num_queries):
    """Credentials (1: account, token and structure together), the invoice with its parties (1), the
    rights' open spaces (1), lines (1), attachments (1): no column left to load one by one."""
    sent_id = _submitted(call, s, supplier)["identifiantFactureCPP"]
    with django_assert_num_queries(5):
        answer = call(
            "factures/v1/consulter/fournisseur", {"identifiantFactureCPP": sent_id}, tenant=supplier
        )
    facture = answer.json()["facture"]
    assert facture["destinataire"]["libelleServiceExecutant"] == s.services["BC"].label
    assert facture["fournisseur"]["raisonSocialeFournisseur"] == s.supplier.legal_name


def test_soumettre_writes_the_counters_once_just_before_the_commit(call, s, supplier):
    """The counter row of a supplier and author is shared by all its invoices: its lock must last
    only from the last write to the commit, or parallel clients queue behind each other (perf.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openchorus.invoices.counts import counts_recounted, counts_stored

    with CaptureQueriesContext(connection) as queries:
        _submitted(call, s, supplier)
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    counters = [i for i, sql in enumerate(writes) if "invoices_invoicecount" in sql]
    invoice_writes = [
        i for i, sql in enumerate(writes) if any(t in sql for t in ('invoices_invoice"', "audit_auditevent"))
    ]
    assert len(counters) == 1 and counters[0] > max(invoice_writes)
    assert counts_stored() == counts_recounted()


def test_consulter_historique_lists_the_statuses_the_supplier_sees(call, s, supplier):
    sent_id = _submitted(call, s, supplier)["identifiantFactureCPP"]
    answer = call("factures/v1/consulter/historique", {"idFacture": sent_id}, tenant=supplier).json()
    assert answer["codeRetour"] == 0 and answer["statutCourantCode"] == "MISE_A_DISPOSITION"
    rows = answer["historiquesDesStatuts"]["histoStatut"]
    assert [r["histoStatutCode"] for r in rows] == ["DEPOSEE", "MISE_A_DISPOSITION"]
    assert [r["histoStatutCodeReforme"] for r in rows] == ["200", "203"]
    assert all(r["histoStatutDatePassage"] for r in rows)
    assert answer["historiquesDesStatuts"]["totalHistoStatut"] == 2
    paged = call(
        "factures/v1/consulter/historique",
        {
            "idFacture": sent_id,
            "paramRechercheHistoStatuts": {
                "nbResultatsParPageListeHistoStatut": 1,
                "triSensListeHistoStatut": "Descendant",
            },
        },
        tenant=supplier,
    ).json()["historiquesDesStatuts"]
    assert [r["histoStatutCode"] for r in paged["histoStatut"]] == ["MISE_A_DISPOSITION"]
    assert paged["pagesHistoStatut"] == 2


def test_hidden_payment_status_stays_hidden_in_the_history(call, s, supplier):
    s.recipient.payment_status_hidden = True
    s.recipient.save()
    agent = recipient_agent(s)
    invoice_id = _submitted(call, s, supplier)["identifiantFactureCPP"]
    invoice = Invoice.objects.get(pk=invoice_id)
    for target in (S.SERVICE_DONE, S.MANDATED, S.PAYMENT_ORDERED):
        invoice = invoice_process(actor=agent, invoice=invoice, target=target, comment="ok")
    answer = call("factures/v1/consulter/historique", {"idFacture": invoice_id}, tenant=supplier).json()
    assert answer["statutCourantCode"] == "MANDATEE"
    assert "MISE_EN_PAIEMENT" not in {
        r["histoStatutCode"] for r in answer["historiquesDesStatuts"]["histoStatut"]
    }
    found = call(
        "factures/v1/rechercher/fournisseur", {"statutCourant": ["MISE_EN_PAIEMENT"]}, tenant=supplier
    ).json()
    assert found["codeRetour"] == 20000


# --- recycler, completer --------------------------------------------------------------------------


def test_recycler_sends_a_returned_invoice_to_the_right_recipient(call, s, supplier, other):
    agent = recipient_agent(s)
    invoice_id = _submitted(call, s, supplier)["identifiantFactureCPP"]
    invoice_process(
        actor=agent, invoice=Invoice.objects.get(pk=invoice_id), target=S.TO_RECYCLE,
        comment="Mauvais service", motif="DESTINATAIRE_INCORRECT",
    )  # fmt: skip
    to_act_on = call("factures/v1/rechercher/atraiter/fournisseur", {}, tenant=supplier).json()
    assert [f["identifiantFactureCPP"] for f in to_act_on["listeFactures"]] == [invoice_id]
    assert to_act_on["listeFactures"][0]["statut"] == "A_RECYCLER"
    assert call("factures/v1/rechercher/atraiter/fournisseur", {}, tenant=other).json()["codeRetour"] == 20000
    # another tenant cannot recycle it: answered as a missing invoice
    assert (
        call("factures/v1/recycler", {"identifiantFactureCPP": invoice_id}, tenant=other).json()["codeRetour"]
        == 20001
    )
    assert call("factures/v1/recycler", {"identifiantFactureCPP": 0}, tenant=supplier).status_code == 400
    refused = call(
        "factures/v1/recycler",
        {"identifiantFactureCPP": invoice_id, "destinataire": {"codeServiceExecutant": "NOPE"}},
        tenant=supplier,
    ).json()
    assert (
        refused["codeRetour"] == 20002
        and refused["erreurs"][0]["champ"] == "destinataire.codeServiceExecutant"
    )
    answer = call(
        "factures/v1/recycler",
        {"identifiantFactureCPP": invoice_id, "destinataire": {"codeServiceExecutant": "FL"},
         "reference": {"numeroBonCommande": "EJ-9"}},
        tenant=supplier,
    ).json()  # fmt: skip
    assert answer["codeRetour"] == 0 and answer["statutFacture"] == "MISE_A_DISPOSITION"
    invoice = Invoice.objects.get(pk=invoice_id)
    assert invoice.recipient_service == s.services["FL"] and invoice.engagement_number == "EJ-9"
    again = call("factures/v1/recycler", {"identifiantFactureCPP": invoice_id}, tenant=supplier).json()
    assert again["codeRetour"] == 20002  # no longer A_RECYCLER


def test_completer_adds_the_pieces_and_sends_back_a_suspended_invoice(call, s, supplier, other):
    agent = recipient_agent(s)
    invoice_id = _submitted(call, s, supplier)["identifiantFactureCPP"]
    invoice_process(
        actor=agent, invoice=Invoice.objects.get(pk=invoice_id), target=S.SUSPENDED,
        comment="Bon de livraison ?", motif="PJ_MANQUANTE",
    )  # fmt: skip
    to_act_on = call(
        "factures/v1/rechercher/atraiter/fournisseur", {"masquerRejetee": True}, tenant=supplier
    ).json()
    assert to_act_on["listeFactures"][0]["statut"] == "SUSPENDUE"
    without = call(
        "factures/v1/completer",
        {"identifiantFactureCPP": invoice_id, "commentaire": "voilà"},
        tenant=supplier,
    )
    assert without.status_code == 400 and without.json()["codeRetour"] == 20002  # the piece is missing
    assert (
        call("factures/v1/completer", {"identifiantFactureCPP": invoice_id}, tenant=other).json()[
            "codeRetour"
        ]
        == 20001
    )
    assert (
        call("factures/v1/completer", {"identifiantFactureCPP": 999999}, tenant=supplier).json()["codeRetour"]
        == 20001
    )
    assert (
        call("factures/v1/completer", {"identifiantFactureCPP": [1]}, tenant=supplier).json()["codeRetour"]
        == 400
    )
    piece = call(
        "transverses/v1/ajouter/fichier",
        {"pieceJointeFichier": _b64(PDF_BYTES), "pieceJointeNom": "bl.pdf"},
        tenant=supplier,
    ).json()["pieceJointeId"]
    answer = call(
        "factures/v1/completer",
        {"identifiantFactureCPP": invoice_id, "commentaire": "BL joint",
         "pieceJointeComplementaire": [{"pieceJointeComplementaireId": piece, "pieceJointeComplementaireDesignation": "BL"}]},
        tenant=supplier,
    ).json()  # fmt: skip
    assert (
        answer["codeRetour"] == 0 and answer["numeroFacture"] == "API-2026-001" and answer["dateTraitement"]
    )
    assert Invoice.objects.get(pk=invoice_id).status == S.COMPLETED
    assert InvoiceAttachment.objects.filter(invoice_id=invoice_id, description="BL").exists()
    history = call("factures/v1/consulter/historique", {"idFacture": invoice_id}, tenant=supplier).json()
    last = history["historiquesDesStatuts"]["histoStatut"][-1]
    assert (last["histoStatutCode"], last["histoStatutCommentaire"], last["histoStatutCodeReforme"]) == (
        "COMPLETEE",
        "BL joint",
        "209",
    )


# --- rechercher/fournisseur -----------------------------------------------------------------------


def test_rechercher_fournisseur_criteria_paging_and_tenants(call, s, supplier, other):
    first = _submitted(call, s, supplier)["identifiantFactureCPP"]
    second = _submitted(call, s, supplier, numeroFactureSaisi="API-2026-002", dateFacture="2026-11-20")[
        "identifiantFactureCPP"
    ]
    _other_tenant_invoice(call, s, supplier, other)
    answer = call("factures/v1/rechercher/fournisseur", {}, tenant=supplier).json()
    assert answer["codeRetour"] == 0 and answer["parametresRetour"]["total"] == 2
    assert [f["identifiantFactureCPP"] for f in answer["listeFactures"]] == [second, first]
    row = answer["listeFactures"][1]
    assert row["statut"] == "MISE_A_DISPOSITION" and row["codeDestinataire"] == PARIS_HABITAT_SIRET
    assert (
        row["numeroFacture"] == "API-2026-001"
        and float(row["montantTTC"]) == 234.21
        and row["modeDepot"] == "SAISIE_API"
    )
    by_number = call(
        "factures/v1/rechercher/fournisseur", {"numeroFacture": "API-2026-002"}, tenant=supplier
    ).json()
    assert [f["identifiantFactureCPP"] for f in by_number["listeFactures"]] == [second]
    by_date = call(
        "factures/v1/rechercher/fournisseur",
        {"periodeDateFactureDu": "2026-11-10T00:00:00", "statutCourant": ["MISE_A_DISPOSITION"],
         "listeDestinataire": [{"idDestinataire": s.recipient.pk}]},
        tenant=supplier,
    ).json()  # fmt: skip
    assert [f["identifiantFactureCPP"] for f in by_date["listeFactures"]] == [second]
    paged = call(
        "factures/v1/rechercher/fournisseur",
        {"rechercheFactureParFournisseur": {"nbResultatsParPage": 1, "pageResultatDemandee": 2,
                                            "triColonne": "NumeroFacture", "triSens": "Ascendant"}},
        tenant=supplier,
    ).json()  # fmt: skip
    assert paged["parametresRetour"] == {"pageCourante": 2, "pages": 2, "nbResultatsParPage": 1, "total": 2}
    assert [f["numeroFacture"] for f in paged["listeFactures"]] == ["API-2026-002"]
    none = call("factures/v1/rechercher/fournisseur", {"statutCourant": ["REJETEE"]}, tenant=supplier).json()
    assert none["codeRetour"] == 20000 and none["libelle"] == "TRA_MSG_00.015" and none["listeFactures"] == []
    theirs = call("factures/v1/rechercher/fournisseur", {}, tenant=other).json()
    assert first not in {f["identifiantFactureCPP"] for f in theirs["listeFactures"]}
    bad = call("factures/v1/rechercher/fournisseur", {"statutCourant": ["PAYEE"]}, tenant=supplier)
    assert bad.status_code == 400 and bad.json()["erreurs"][0]["champ"] == "statutCourant"
    assert (
        call(
            "factures/v1/rechercher/fournisseur", {"periodeDateDepotDu": "hier"}, tenant=supplier
        ).status_code
        == 400
    )
    assert (
        call("factures/v1/rechercher/fournisseur", {"montantTTCMin": "beaucoup"}, tenant=supplier).status_code
        == 400
    )


def test_drafts_are_found_only_when_asked_for(call, s, supplier):
    call("factures/v1/deposer/pdf", {"fichierFacture": _b64(files.text_pdf())}, tenant=supplier)
    assert call("factures/v1/rechercher/fournisseur", {}, tenant=supplier).json()["codeRetour"] == 20000
    found = call(
        "factures/v1/rechercher/fournisseur", {"statutCourant": "INTERPRETEE_OCR"}, tenant=supplier
    ).json()
    assert found["parametresRetour"]["total"] == 1 and found["listeFactures"][0]["statut"] == "BROUILLON"
