"""Conformance: the PyPI client `chorus-api` (package `chorusapi`), unchanged, against a live
server. Only its two URLs are set after construction, as an integrator would for another platform
(research §5); it speaks plain HTTP through `requests`, so no TLS trick is needed.

`chorus` is a connected client (token obtained) of a supplier's technical account; `world` holds
what the server knows. The EDI path is driven end to end: deposer/flux of a Factur-X file (the
client's default syntax), consulterCR, consulterCRDetaille, then rechercher/fournisseur by the
flow's number.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass

import pytest
from chorusapi.client import ChorusAPI
from chorusapi.exceptions.exception import ChorusApiException

from openchorus.connections.services import technical_account_create
from openchorus.core.storage import stored_file_put
from openchorus.flows.enums import FlowChannel, FlowStatus, ItemOutcome
from openchorus.flows.models import Flow, FlowItem
from openchorus.invoices.models import Invoice
from tests.invoices.factories import PARIS_HABITAT_SIRET, Setting, sent, setting, structured_file

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class World:
    s: Setting
    credentials: object
    invoice: Invoice
    flow_number: str


@pytest.fixture
def world(live_server) -> World:
    s = setting()
    credentials = technical_account_create(actor=None, structure=s.supplier)
    invoice = sent(s)
    return World(s, credentials, invoice, _flow_of(invoice))


def _flow_of(invoice: Invoice) -> str:
    """A flow that integrated `invoice`, as deposer/flux leaves one (made here directly, so that
    rechercher/fournisseur by numeroFluxDepot is tested apart from the flow pipeline)."""
    data = b"<Invoice/>"
    flow = Flow.objects.create(
        number="CPP0011110000000000000042",
        structure=invoice.supplier,
        channel=FlowChannel.API,
        syntax="IN_DP_E1_UBL_INVOICE",
        filename="facture.xml",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        file=stored_file_put(data=data, content_type="application/xml"),
        status=FlowStatus.INTEGRATED,
        item_count=1,
        integrated_count=1,
    )
    FlowItem.objects.create(
        flow=flow, position=1, number=invoice.number, outcome=ItemOutcome.INTEGRATED, invoice=invoice
    )
    return flow.number


def client_for(live_server, credentials, *, password: str | None = None) -> ChorusAPI:
    api = ChorusAPI(
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        tech_username=credentials.login,
        tech_password=password or credentials.password,
        sandbox=True,
    )
    api.auth_url = f"{live_server.url}/api/oauth/token"
    api.api_url = live_server.url
    return api


@pytest.fixture
def chorus(live_server, world) -> ChorusAPI:
    """The client, connected: auth() has obtained a token from our /api/oauth/token."""
    return client_for(live_server, world.credentials).auth()


def test_auth_gets_a_bearer_token(chorus):
    assert chorus.get_token()
    assert not chorus._token_has_expire()  # expires_in was read: the token is kept an hour


def test_auth_with_a_wrong_secret_raises_the_clients_error(live_server, world):
    api = client_for(live_server, world.credentials)
    api.client_secret = "nope"
    with pytest.raises(ChorusApiException) as raised:
        api.auth()
    assert "invalid_client" in str(raised.value)


def test_wrong_technical_password_is_refused(live_server, world):
    api = client_for(live_server, world.credentials, password="wrong").auth()
    with pytest.raises(ChorusApiException) as raised:
        api.rechercher_structure(world.s.supplier.identifier)
    assert "403" in str(raised.value) and "cpro-account" in str(raised.value)


def test_health_check(chorus):
    answer = chorus.health_check()
    assert (answer.body, answer.status_code_value, answer.status_code) == ("OK", 200, "OK")


def test_rechercher_structure_finds_the_recipient(chorus, world):
    answer = chorus.rechercher_structure(PARIS_HABITAT_SIRET)
    assert answer.code_retour == 0
    assert answer.libelle == "TRA_MSG_00.000"
    [found] = answer.liste_structures
    assert found.id_structure_cpp == world.s.recipient.pk
    assert found.identifiant_structure == PARIS_HABITAT_SIRET
    assert found.type_identifiant_structure == "SIRET"
    assert found.designation_structure
    assert found.statut == "ACTIVE"


def test_rechercher_structure_without_result(chorus):
    answer = chorus.rechercher_structure("00000000000000")
    assert (answer.code_retour, answer.liste_structures) == (20000, [])


def test_rechercher_services_of_the_recipient(chorus, world):
    answer = chorus.rechercher_services(world.s.recipient.pk)
    assert answer.code_retour == 0
    codes = {service.code_service for service in answer.liste_structures}  # (the client's name)
    assert "BC" in codes
    assert all(service.id_service and service.est_actif is not None for service in answer.liste_structures)


def test_consulter_structure_gives_the_mandatory_field_rules(chorus, world):
    answer = chorus.consulter_structure(world.s.recipient.pk)
    assert answer.code_retour == 0
    assert answer.information_generales.id_structure_cpp == world.s.recipient.pk
    assert answer.information_generales.identifiant_structure == PARIS_HABITAT_SIRET
    assert answer.parametres.code_service_doit_etre_renseigne is not None
    assert answer.parametres.numero_ej_doit_etre_renseigne is not None
    assert answer.parametres.get_amoa is not None  # the client reads `aMoa`
    assert answer.adresse_postale_du_siege.code_postal


def test_rechercher_facture_by_flow_number_finds_the_invoice(chorus, world):
    answer = chorus.rechercher_facture(world.flow_number)
    assert answer.code_retour == 0
    [found] = answer.liste_factures
    assert found.identifiant_facture_cpp == world.invoice.pk
    assert found.numero_facture == world.invoice.number
    assert found.statut == "MISE_A_DISPOSITION"
    assert found.code_destinataire == PARIS_HABITAT_SIRET
    assert found.type_facture == "FACTURE"
    assert found.date_depot and found.montant_ttc is not None


def test_rechercher_facture_of_an_unknown_flow_finds_nothing(chorus):
    answer = chorus.rechercher_facture("CPP0019999999999999999999")
    assert (answer.code_retour, answer.liste_factures) == (20000, [])


def test_rechercher_facture_of_another_tenants_flow_finds_nothing(live_server, world):
    other = technical_account_create(actor=None, structure=world.s.recipient)
    answer = client_for(live_server, other).auth().rechercher_facture(world.flow_number)
    assert answer.liste_factures == []


def test_devises(chorus):
    answer = chorus.devises()
    assert answer.code_retour == 0
    assert {"EUR": "Euro"}.items() <= {d.code_devise: d.libelle_devise for d in answer.liste_devises}.items()


def test_annuaire_destinataire_is_a_zip(chorus):
    answer = chorus.annuaire_destinataire()
    assert (answer.code_retour, answer.libelle) == (0, "GCU_MSG_01_000")
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(answer.fichier_resultat)))
    assert PARIS_HABITAT_SIRET in archive.read("annuaire.csv").decode("utf-8-sig")


def test_information_siret_is_not_offered(chorus):
    """consulterInformationSIRET (INSEE data) does not work on the real qualification platform
    either; we do not serve it: the client gets its error, not a crash."""
    with pytest.raises(ChorusApiException) as raised:
        chorus.information_siret(PARIS_HABITAT_SIRET)
    assert "404" in str(raised.value)


def test_deposer_flux_of_a_facturx_then_its_reports_and_its_invoice(chorus, world):
    pdf = structured_file(world.s, "facturx", number="CONF-FX-1")
    deposited = chorus.deposer_flux(base64.b64encode(pdf).decode(), "CONF-FX-1.pdf")
    assert deposited.code_retour == 0 and deposited.libelle == "GCU_MSG_01_000"
    assert deposited.syntaxe_flux == "IN_DP_E2_CII_FACTURX" and deposited.date_depot
    number = deposited.numero_flux_depot
    report = chorus.consulter_cr(number)
    assert (report.code_retour, report.etat_courant_flux) == (0, "IN_INTEGRE")
    assert report.nom_fichier_flux == "CONF-FX-1.pdf" and report.code_interface_flux == "FSO1110A"
    assert base64.b64decode(report.fichier_cr).startswith(b"%PDF-")
    detail = chorus.consulter_cr_detaille(number)
    assert detail.etat_courant_depot_flux == "IN_INTEGRE"
    assert detail.liste_erreur_dp == [] and detail.liste_erreur_technique == []
    [found] = chorus.rechercher_facture(number).liste_factures
    assert found.numero_facture == "CONF-FX-1" and found.statut == "MISE_A_DISPOSITION"


def test_deposer_flux_with_an_error_is_detailed_by_rule_in_consulter_cr_detaille(chorus, world):
    xml = structured_file(world.s, "ubl", number="CONF-UBL-1").replace(
        b"EUR</cbc:DocumentCurrencyCode>", b"XYZ</cbc:DocumentCurrencyCode>"
    )
    deposited = chorus.deposer_flux(
        base64.b64encode(xml).decode(), "CONF-UBL-1.xml", syntaxe_flux="IN_DP_E1_UBL_INVOICE"
    )
    detail = chorus.consulter_cr_detaille(deposited.numero_flux_depot)
    assert detail.etat_courant_depot_flux == "IN_REJETE"
    assert detail.liste_erreur_dp and all(e.numero_dp == "CONF-UBL-1" for e in detail.liste_erreur_dp)
    assert all(e.libelle_erreur_dP.startswith("[") for e in detail.liste_erreur_dp)  # the client's spelling


def test_the_same_flow_twice_raises_the_clients_error(chorus, world):
    pdf = structured_file(world.s, "facturx", number="CONF-FX-2")
    chorus.deposer_flux(base64.b64encode(pdf).decode(), "a.pdf")
    with pytest.raises(ChorusApiException):
        chorus.deposer_flux(base64.b64encode(pdf).decode(), "a.pdf")
