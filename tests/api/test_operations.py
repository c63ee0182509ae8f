"""Each operation: no credentials, wrong technical account, another tenant's structure (nothing
leaks), invalid body, missing object, happy path."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest

from tests.structures.factories import MembershipFactory, ServiceFactory, StructureFactory
from tests.structures.factories_documents import iban_account

pytestmark = pytest.mark.django_db

OPERATIONS = [
    "structures/v1/rechercher",
    "structures/v1/consulter",
    "structures/v1/rechercher/services",
    "structures/v1/consulter/service",
    "structures/v1/lister/rattachementsutilisateur",
    "transverses/v1/recuperer/devises",
    "transverses/v1/recuperer/pays",
    "transverses/v1/recuperer/tauxtva",
    "transverses/v1/recuperer/motifs/exonerationtva",
    "transverses/v1/recuperer/modedepot",
    "transverses/v1/recuperer/modereglements",
    "transverses/v1/recuperer/cadrefacturation",
    "transverses/v1/recuperer/typedp",
    "transverses/v1/recuperer/typeidentifiant/structure",
    "transverses/v1/recuperer/typespj",
    "transverses/v1/recuperer/formatflux",
    "transverses/v1/recuperer/coordbanc/valides",
    "transverses/v1/recuperer/structures/actives/fournisseur",
    "transverses/v1/recuperer/structures/actives/destinataire",
    "transverses/v1/rechercher/destinataire",
    "transverses/v1/telecharger/annuaire/destinataire",
    "utilisateurs/v1/monCompte/recuperer/rattachements",
]


@pytest.mark.parametrize("path", OPERATIONS)
def test_operation_without_credentials_is_401(call, path):
    response = call(path)
    assert response.status_code == 401
    assert response.json()["credential"] == "token"


@pytest.mark.parametrize("path", OPERATIONS)
def test_operation_with_wrong_technical_account_is_403(call, tenant, path):
    header = base64.b64encode(b"TECH_unknown@cpro.openchorus:password").decode()
    response = call(
        path, headers={"HTTP_AUTHORIZATION": f"Bearer {tenant.token}", "HTTP_CPRO_ACCOUNT": header}
    )
    assert response.status_code == 403
    assert response.json()["credential"] == "cpro-account"


@pytest.mark.parametrize("path", OPERATIONS)
def test_operation_with_invalid_body_is_400_with_envelope(call, tenant, path):
    response = call(path, '{"codeLangue": ', tenant=tenant)
    assert response.status_code == 400
    assert {"codeRetour", "libelle", "message"} <= set(response.json())


def test_health_check_answers_without_credentials(client):
    response = client.get("/cpro/transverses/v1/health-check")
    assert response.status_code == 200
    assert response.json() == {
        "codeRetour": 0,
        "libelle": "TRA_MSG_00.000",
        "body": "OK",
        "statusCodeValue": 200,
        "statusCode": "OK",
    }


# --- structures -----------------------------------------------------------------------------------


def test_rechercher_finds_own_and_public_structures(call, tenant, public):
    own = call(
        "structures/v1/rechercher",
        {"structure": {"identifiantStructure": tenant.structure.identifier}},
        tenant=tenant,
    )
    assert own.status_code == 200
    found = own.json()["listeStructures"]
    assert found == [
        {
            "idStructureCPP": tenant.structure.pk,
            "identifiantStructure": tenant.structure.identifier,
            "typeIdentifiantStructure": "SIRET",
            "designationStructure": tenant.structure.legal_name,
            "statut": "ACTIVE",
        }
    ]
    assert own.json()["parametresRetour"] == {
        "pageCourante": 1,
        "pages": 1,
        "nbResultatsParPage": 50,
        "total": 1,
    }
    by_name = call(
        "structures/v1/rechercher",
        {"structure": {"raisonSocialeStructure": "commune chambery"}},
        tenant=tenant,
    )
    assert [s["idStructureCPP"] for s in by_name.json()["listeStructures"]] == [public.pk]


def test_rechercher_never_returns_another_tenants_private_structure(call, tenant, other):
    response = call(
        "structures/v1/rechercher",
        {
            "structure": {"identifiantStructure": other.structure.identifier},
            "restreindreStructuresPrivees": False,
        },
        tenant=tenant,
    )
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 20000
    assert response.json()["libelle"] == "TRA_MSG_00.015"
    assert response.json()["listeStructures"] == []
    assert "Secrète" not in response.content.decode()


def test_rechercher_pages_and_sorts(call, tenant):
    for n in range(5):
        StructureFactory(public=True, legal_name=f"Mairie Paginee {n}")
    body = {
        "structure": {"raisonSocialeStructure": "paginee"},
        "parametres": {
            "nbResultatsParPage": 2,
            "pageResultatDemandee": 3,
            "triColonne": "DesignationStructure",
            "triSens": "Descendant",
        },
    }
    response = call("structures/v1/rechercher", body, tenant=tenant).json()
    assert response["parametresRetour"] == {
        "pageCourante": 3,
        "pages": 3,
        "nbResultatsParPage": 2,
        "total": 5,
    }
    assert [s["designationStructure"] for s in response["listeStructures"]] == ["Mairie Paginee 0"]


def test_consulter_gives_mandatory_field_rules(call, tenant, public):
    response = call(
        "structures/v1/consulter", {"idStructureCPP": public.pk, "codeLangue": "fr"}, tenant=tenant
    )
    assert response.status_code == 200
    body = response.json()
    assert body["codeRetour"] == 0
    assert body["informationGenerales"]["idStructureCPP"] == public.pk
    assert body["informationGenerales"]["structurePriveePublique"] == "PUBLIQUE"
    assert body["informationGenerales"]["dateExpirationMotPasseCompteTech"] is None
    parametres = body["parametres"]
    assert parametres["codeServiceDoitEtreRenseigne"] is True
    assert parametres["numeroEJDoitEtreRenseigne"] is False
    assert parametres["aMoa"] == parametres["getaMoa"]
    assert body["adressePostaleDuSiege"]["codePostal"] == "73000"


def test_consulter_own_structure_gives_password_expiry(call, tenant):
    response = call("structures/v1/consulter", {"idStructure": tenant.structure.pk}, tenant=tenant)
    assert response.json()["informationGenerales"]["dateExpirationMotPasseCompteTech"]


def test_consulter_other_tenant_looks_missing(call, tenant, other):
    leak = call("structures/v1/consulter", {"idStructureCPP": other.structure.pk}, tenant=tenant)
    missing = call("structures/v1/consulter", {"idStructureCPP": 999999}, tenant=tenant)
    assert leak.status_code == missing.status_code == 400
    assert leak.json()["codeRetour"] == missing.json()["codeRetour"] == 20001
    assert "Secrète" not in leak.content.decode()


def test_consulter_without_id_is_400(call, tenant):
    response = call("structures/v1/consulter", {}, tenant=tenant)
    assert response.status_code == 400
    assert "idStructureCPP" in response.json()["message"]


def test_rechercher_services_lists_services(call, tenant, public):
    body = {"idStructure": public.pk, "parametresRechercherServicesStructure": {"nbResultatsParPage": 10}}
    response = call("structures/v1/rechercher/services", body, tenant=tenant).json()
    assert [s["codeService"] for s in response["listeServices"]] == ["FACTURES_PUBLIQUES", "SERV_COMPTA"]
    assert response["listeServices"][0]["estActif"] is True
    assert response["listeServices"][0]["statutService"] == "ACTIVE"
    assert response["parametresRetour"]["total"] == 2


def test_rechercher_services_of_other_tenant_looks_missing(call, tenant, other):
    ServiceFactory(structure=other.structure, code="SECRET")
    response = call("structures/v1/rechercher/services", {"idStructure": other.structure.pk}, tenant=tenant)
    assert response.json()["codeRetour"] == 20001
    assert "SECRET" not in response.content.decode()


def test_consulter_service(call, tenant, public):
    service = public.services.get(code="SERV_COMPTA")
    response = call(
        "structures/v1/consulter/service", {"idStructure": public.pk, "idService": service.pk}, tenant=tenant
    )
    body = response.json()
    assert body["informationsGenerales"] == {
        "codeService": "SERV_COMPTA",
        "nomService": "Comptabilité",
        "descriptionService": "",
    }
    assert body["parametres"]["numeroEngagement"] is True


def test_consulter_service_missing_and_other_tenant(call, tenant, other, public):
    secret = ServiceFactory(structure=other.structure)
    assert (
        call(
            "structures/v1/consulter/service", {"idStructure": public.pk, "idService": 999999}, tenant=tenant
        ).json()["codeRetour"]
        == 20001
    )
    assert (
        call(
            "structures/v1/consulter/service",
            {"idStructure": public.pk, "idService": secret.pk},
            tenant=tenant,
        ).json()["codeRetour"]
        == 20001
    )
    assert (
        call(
            "structures/v1/consulter/service",
            {"idStructure": other.structure.pk, "idService": secret.pk},
            tenant=tenant,
        ).json()["codeRetour"]
        == 20001
    )
    assert (
        call("structures/v1/consulter/service", {"idStructure": public.pk}, tenant=tenant).status_code == 400
    )


def test_lister_rattachements_of_own_structure(call, tenant, other):
    member = MembershipFactory(structure=tenant.structure, primary=True)
    MembershipFactory(structure=other.structure)
    response = call(
        "structures/v1/lister/rattachementsutilisateur",
        {"adresseEmailConnexionUtilisateur": member.user.email},
        tenant=tenant,
    ).json()
    assert response["idStructure"] == tenant.structure.pk
    assert [r["idRattachement"] for r in response["listeServices"]] == [member.pk]


def test_lister_rattachements_of_other_tenant_leaks_nothing(call, tenant, other):
    member = MembershipFactory(structure=other.structure)
    response = call(
        "structures/v1/lister/rattachementsutilisateur", {"idStructure": other.structure.pk}, tenant=tenant
    )
    assert response.json()["codeRetour"] == 20001
    assert member.user.email not in response.content.decode()


# --- transverses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "key", "sample"),
    [
        ("recuperer/devises", "listeDevises", {"codeDevise": "EUR", "libelleDevise": "Euro"}),
        ("recuperer/pays", "listePays", {"codePays": "FR", "libellePays": "France"}),
        (
            "recuperer/tauxtva",
            "listeTauxTva",
            {"codeTauxTva": "TVA1", "libelleTauxTva": "Taux normal 20 %", "valeurTauxTva": "20.00"},
        ),
        ("recuperer/modedepot", "listeModeDepot", {"modeDepot": "SAISIE_API"}),
        ("recuperer/modereglements", "listeModePaiement", {"modePaiement": "VIREMENT"}),
        (
            "recuperer/cadrefacturation",
            "listeCadreFacturation",
            {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        ),
        ("recuperer/typedp", "listeTypeDemandePaiement", {"typeDemandePaiement": "FACTURE"}),
        (
            "recuperer/typeidentifiant/structure",
            "listeTypeIdentifiant",
            {"typeIdentifiantStructure": "SIRET"},
        ),
        ("recuperer/formatflux", "listeFormatFlux", {"formatFlux": "IN_DP_E2_CII_FACTURX"}),
        (
            "recuperer/motifs/exonerationtva",
            "listeMotifsExonerationTva",
            {
                "codeMotifExonerationTva": "VATEX-EU-IC",
                "libelleMotifExonerationTva": "Livraison intracommunautaire",
            },
        ),
    ],
)
def test_reference_lists(call, tenant, path, key, sample):
    response = call(f"transverses/v1/{path}", {"codeLangue": "FR"}, tenant=tenant)
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 0
    assert sample in response.json()[key]


def test_reference_list_in_english(call, tenant):
    response = call("transverses/v1/recuperer/pays", {"codeLangue": "en"}, tenant=tenant)
    assert {"codePays": "DE", "libellePays": "Germany"} in response.json()["listePays"]


def test_cadrefacturation_by_type_and_unknown_type(call, tenant):
    response = call(
        "transverses/v1/recuperer/cadrefacturation", {"typeDemandePaiement": "MEMOIRE_JUSTICE"}, tenant=tenant
    )
    assert response.json()["listeCadreFacturation"] == [{"codeCadreFacturation": "A3_MEMOIRE_JUSTICE"}]
    refused = call("transverses/v1/recuperer/cadrefacturation", {"typeDemandePaiement": "X"}, tenant=tenant)
    assert refused.status_code == 400


def test_typespj(call, tenant):
    items = call("transverses/v1/recuperer/typespj", {}, tenant=tenant).json()["listeTypePieceJointe"]
    assert {"idTypePieceJointe", "codeTypePieceJointe", "libelleTypePieceJointe", "typeObjet"} == set(
        items[0]
    )


def test_structures_actives(call, tenant, other):
    supplier = call("transverses/v1/recuperer/structures/actives/fournisseur", tenant=tenant).json()
    assert supplier["listeStructures"] == [
        {
            "designationStructure": tenant.structure.legal_name,
            "idStructureCPP": tenant.structure.pk,
            "identifiant": tenant.structure.identifier,
        }
    ]
    recipient = call("transverses/v1/recuperer/structures/actives/destinataire", tenant=tenant).json()
    assert recipient["codeRetour"] == 20000  # a private structure has no "Factures reçues"
    assert recipient["listeStructures"] == []


def test_coordbanc_valides(call, tenant, other):
    own = iban_account(
        tenant.structure,
        MembershipFactory(structure=tenant.structure, primary=True).user,
        name="Compte principal",
    )
    iban_account(
        other.structure, MembershipFactory(structure=other.structure, primary=True).user, name="Compte secret"
    )
    response = call(
        "transverses/v1/recuperer/coordbanc/valides", {"idStructure": tenant.structure.pk}, tenant=tenant
    )
    assert response.json()["listeCoordonneeBancaire"] == [
        {"idCoordonneeBancaire": own.pk, "nomCoordonneeBancaire": "Compte principal"}
    ]
    leak = call(
        "transverses/v1/recuperer/coordbanc/valides", {"idStructure": other.structure.pk}, tenant=tenant
    )
    assert leak.json()["codeRetour"] == 20001
    assert "secret" not in leak.content.decode()
    assert call("transverses/v1/recuperer/coordbanc/valides", {}, tenant=tenant).status_code == 400


def test_rechercher_destinataire(call, tenant, public, other):
    from openchorus.directory.services import directory_index_refresh

    directory_index_refresh()
    response = call(
        "transverses/v1/rechercher/destinataire", {"nomVilleCodePostal": "Chambéry"}, tenant=tenant
    ).json()
    assert [d["idStructureCPP"] for d in response["listeDestinataires"]] == [public.pk]
    assert response["listeDestinataires"][0]["siret"] == public.identifier
    nothing = call(
        "transverses/v1/rechercher/destinataire", {"identifiant": other.structure.identifier}, tenant=tenant
    ).json()
    assert nothing["codeRetour"] == 20000
    assert call("transverses/v1/rechercher/destinataire", {}, tenant=tenant).status_code == 400


def test_telecharger_annuaire_is_a_zip_of_public_structures(call, tenant, public, other):
    response = call("transverses/v1/telecharger/annuaire/destinataire", tenant=tenant).json()
    assert response["libelle"] == "GCU_MSG_01_000"
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(response["fichierResultat"])))
    text = archive.read("annuaire.csv").decode("utf-8-sig")
    assert public.identifier in text
    assert other.structure.identifier not in text


# --- utilisateurs ---------------------------------------------------------------------------------


def test_mon_compte_rattachements(call, tenant, other):
    response = call(
        "utilisateurs/v1/monCompte/recuperer/rattachements", {"parametresRecherche": {}}, tenant=tenant
    ).json()
    assert [r["idStructure"] for r in response["listeStructureRattachement"]] == [tenant.structure.pk]
    assert response["parametresRetour"]["total"] == 1
