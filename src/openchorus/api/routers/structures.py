"""`/cpro/structures/v1/…`: search and consult structures and their services (research §3.10).

Public structures are public information (as the directory); a private structure is visible only to
its own members and technical accounts, and answers as a missing one to everyone else.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AliasChoices, Field

from openchorus.api import envelope
from openchorus.api.routing import CproRouter
from openchorus.api.schemas import (
    CodeLangueIn,
    CproIn,
    CproOut,
    CproSchema,
    PagingIn,
    ParametresRetour,
    order_by,
    page_of,
)
from openchorus.structures import selectors
from openchorus.structures.enums import MoaPresence, Status
from openchorus.structures.models import Structure, StructureService

router = CproRouter()

STATUS_OUT = {Status.ACTIVE: "ACTIVE", Status.INACTIVE: "INACTIVE"}
STATUS_IN = {
    "ACTIVE": Status.ACTIVE,
    "ACTIF": Status.ACTIVE,
    "INACTIVE": Status.INACTIVE,
    "INACTIF": Status.INACTIVE,
}


def _structure_or_404(request, structure_id: int | None) -> Structure:
    if not structure_id:
        raise envelope.CproError(_("idStructureCPP est obligatoire."), code=envelope.BAD_REQUEST, status=400)
    structure = selectors.structure_get_for_actor(actor=request.auth, structure_id=structure_id)
    if structure is None:
        raise envelope.not_found(
            _("Aucune structure %(id)s n'est visible par ce compte technique.") % {"id": structure_id}
        )
    return structure


# --- rechercher -----------------------------------------------------------------------------------


class CritereStructure(CproIn):
    identifiant_structure: str = ""
    type_identifiant_structure: str = ""
    raison_sociale_structure: str = ""
    libelle_structure: str = ""
    nom_structure: str = ""
    prenom_structure: str = ""
    type_structure: str = Field("", description="PUBLIQUE ou PRIVEE")
    statut_structure: str = ""
    adresse_code_postal: str = ""
    adresse_ville: str = ""
    adresse_code_pays: str = ""
    est_moa: bool | None = Field(None, alias="estMOA")
    est_moa_uniquement: bool | None = Field(None, alias="estMOAUniquement")


class RechercherStructureIn(CproIn):
    structure: CritereStructure = Field(default_factory=CritereStructure)
    parametres: PagingIn | None = None
    restreindre_structures_privees: bool | None = None


class StructureTrouvee(CproSchema):
    id_structure_cpp: int = Field(alias="idStructureCPP")
    identifiant_structure: str
    type_identifiant_structure: str
    designation_structure: str
    statut: str


class RechercherStructureOut(CproOut):
    liste_structures: list[StructureTrouvee] = []
    parametres_retour: ParametresRetour


SORT_STRUCTURES = {
    "IdentifiantStructure": "identifier",
    "identifiantStructure": "identifier",
    "DesignationStructure": "legal_name",
    "designationStructure": "legal_name",
    "RaisonSociale": "legal_name",
}


@router.post("rechercher", response=RechercherStructureOut, operation_id="rechercherStructure")
def rechercher(request, body: RechercherStructureIn):
    """Rechercher des structures (par SIRET le plus souvent). Les structures privées d'autres
    comptes ne sont jamais renvoyées, quelle que soit la valeur de restreindreStructuresPrivees."""
    criteria = body.structure
    query = selectors.structures_search_for_actor(
        actor=request.auth,
        identifier=criteria.identifiant_structure,
        identifier_type=criteria.type_identifiant_structure.strip().upper(),
        name=" ".join(
            filter(
                None, [criteria.raison_sociale_structure, criteria.libelle_structure, criteria.nom_structure]
            )
        ),
        postcode=criteria.adresse_code_postal,
        city=criteria.adresse_ville,
        country=criteria.adresse_code_pays,
        kind=criteria.type_structure.strip().upper(),
        status=STATUS_IN.get(criteria.statut_structure.strip().upper(), ""),
    )
    if criteria.est_moa_uniquement:
        query = query.filter(moa_presence=MoaPresence.ONLY_MOA)
    elif criteria.est_moa:
        query = query.filter(moa_presence__in=[MoaPresence.WITH_MOA, MoaPresence.ONLY_MOA])
    page = page_of(body.parametres, query.count())
    rows = page.slice(query.order_by(*order_by(body.parametres, SORT_STRUCTURES, "identifier")))
    found = [
        {
            "id_structure_cpp": s.pk,
            "identifiant_structure": s.identifier,
            "type_identifiant_structure": s.identifier_type,
            "designation_structure": s.designation,
            "statut": STATUS_OUT.get(s.status, s.status),
        }
        for s in rows
    ]
    answer = envelope.ok if page.total else envelope.no_result
    return answer(liste_structures=found, parametres_retour=page.parametres_retour())


# --- consulter ------------------------------------------------------------------------------------


class ConsulterStructureIn(CodeLangueIn):
    id_structure_cpp: int | None = Field(
        None, validation_alias=AliasChoices("idStructureCPP", "idStructure", "id_structure_cpp")
    )


class InformationGenerales(CproSchema):
    id_structure_cpp: int = Field(alias="idStructureCPP")
    identifiant_structure: str
    type_identifiant_structure: str
    raison_sociale_structure: str
    libelle_structure: str
    nom_structure: str = ""
    prenom_structure: str = ""
    email_structure: str
    numero_tva: str = Field(alias="numeroTVA")
    numero_rcs_structure: str
    structure_privee_publique: str
    est_valideur_deleguee: bool = False
    date_expiration_mot_passe_compte_tech: datetime | None = None
    id_structure_origine: int | None = None
    liste_structure_dupliquees: list[int] = []


class AdressePostaleDuSiege(CproSchema):
    adresse: str
    complement_adresse1: str
    complement_adresse2: str
    code_postal: str
    ville: str
    pays: str
    telephone: str
    indicatif_telephone: str = ""
    fax: str = ""
    indicatif_fax: str = ""


class ParametresStructure(CproSchema):
    code_service_doit_etre_renseigne: bool
    numero_ej_doit_etre_renseigne: bool = Field(alias="numeroEJDoitEtreRenseigne")
    gestion_numero_ej_ou_code_service: bool = Field(alias="gestionNumeroEJOuCodeService")
    statut_mise_en_paiement_nest_pas_remonte: bool
    connexion_edi: bool = Field(alias="connexionEDI")
    recevoir_donnees_via_edi: bool = Field(alias="recevoirDonneesViaEDI")
    est_moa_uniquement: bool
    est_valideur_delegue: bool = False
    non_diffusible_insee: bool
    a_moa: bool = Field(alias="aMoa")
    geta_moa: bool = Field(alias="getaMoa", description="Même valeur que aMoa (nom vu chez certains clients)")


class ConsulterStructureOut(CproOut):
    information_generales: InformationGenerales
    adresse_postale_du_siege: AdressePostaleDuSiege
    parametres: ParametresStructure


@router.post("consulter", response=ConsulterStructureOut, operation_id="consulterStructure")
def consulter(request, body: ConsulterStructureIn):
    """Le détail d'une structure et ses règles de saisie : code service et/ou numéro
    d'engagement obligatoires pour la facturer (`parametres`)."""
    structure = _structure_or_404(request, body.id_structure_cpp)
    account = request.technical_account
    own = account.structure_id == structure.pk
    has_moa = structure.moa_presence in (MoaPresence.WITH_MOA, MoaPresence.ONLY_MOA)
    return envelope.ok(
        information_generales={
            "id_structure_cpp": structure.pk,
            "identifiant_structure": structure.identifier,
            "type_identifiant_structure": structure.identifier_type,
            "raison_sociale_structure": structure.legal_name,
            "libelle_structure": structure.label,
            "email_structure": structure.email,
            "numero_tva": structure.vat_number,
            "numero_rcs_structure": structure.rcs_number,
            "structure_privee_publique": structure.kind,
            "date_expiration_mot_passe_compte_tech": account.password_expires_at if own else None,
        },
        adresse_postale_du_siege={
            "adresse": structure.address_line1,
            "complement_adresse1": structure.address_line2,
            "complement_adresse2": structure.address_line3,
            "code_postal": structure.postcode,
            "ville": structure.city,
            "pays": structure.country,
            "telephone": structure.phone,
        },
        parametres={
            "code_service_doit_etre_renseigne": structure.service_code_required,
            "numero_ej_doit_etre_renseigne": structure.engagement_required,
            "gestion_numero_ej_ou_code_service": structure.service_or_engagement_required,
            "statut_mise_en_paiement_nest_pas_remonte": structure.payment_status_hidden,
            "connexion_edi": structure.edi_reception,
            "recevoir_donnees_via_edi": structure.edi_reception,
            "est_moa_uniquement": structure.moa_presence == MoaPresence.ONLY_MOA,
            "non_diffusible_insee": structure.not_disseminated,
            "a_moa": has_moa,
            "geta_moa": has_moa,
        },
    )


# --- services -------------------------------------------------------------------------------------


class RechercherServicesIn(CproIn):
    id_structure: int | None = Field(
        None, validation_alias=AliasChoices("idStructure", "idStructureCPP", "id_structure")
    )
    parametres_rechercher_services_structure: PagingIn | None = None


class ServiceTrouve(CproSchema):
    id_service: int
    code_service: str
    libelle_service: str
    est_actif: bool
    date_dbt_service: date | None
    date_fin_service: date | None
    statut_service: str


class RechercherServicesOut(CproOut):
    liste_services: list[ServiceTrouve] = []
    parametres_retour: ParametresRetour


SORT_SERVICES = {
    "CodeService": "code",
    "codeService": "code",
    "LibelleService": "label",
    "libelleService": "label",
}


def _service_row(service: StructureService, today: date) -> dict:
    return {
        "id_service": service.pk,
        "code_service": service.code,
        "libelle_service": service.label,
        "est_actif": service.is_active_on(today),
        "date_dbt_service": service.start_date,
        "date_fin_service": service.end_date,
        "statut_service": STATUS_OUT.get(service.status, service.status),
    }


@router.post(
    "rechercher/services", response=RechercherServicesOut, operation_id="rechercherServicesStructure"
)
def rechercher_services(request, body: RechercherServicesIn):
    """Les services d'une structure (paginés)."""
    structure = _structure_or_404(request, body.id_structure)
    paging = body.parametres_rechercher_services_structure
    services = selectors.services_for_actor(actor=request.auth, structure=structure)
    page = page_of(paging, services.count())
    today = timezone.localdate()
    rows = [
        _service_row(s, today)
        for s in page.slice(services.order_by(*order_by(paging, SORT_SERVICES, "code")))
    ]
    answer = envelope.ok if page.total else envelope.no_result
    return answer(liste_services=rows, parametres_retour=page.parametres_retour())


class ConsulterServiceIn(CodeLangueIn):
    id_structure: int | None = Field(
        None, validation_alias=AliasChoices("idStructure", "idStructureCPP", "id_structure")
    )
    id_service: int | None = None


class InformationsGeneralesService(CproSchema):
    code_service: str
    nom_service: str
    description_service: str


class ParametresService(CproSchema):
    date_creation: datetime
    date_debut_validite: date
    date_fin_validite: date | None
    date_modification: datetime
    mise_en_paiement: bool
    numero_engagement: bool = Field(description="Le numéro d'engagement est obligatoire pour ce service")


class AdressePostaleService(CproSchema):
    adresse: str
    complement_adresse1: str
    complement_adresse2: str
    code_postal: str
    ville: str
    pays: str


class ConsulterServiceOut(CproOut):
    informations_generales: InformationsGeneralesService
    parametres: ParametresService
    adresse_postale: AdressePostaleService


@router.post("consulter/service", response=ConsulterServiceOut, operation_id="consulterServiceStructure")
def consulter_service(request, body: ConsulterServiceIn):
    """Un service : son code, son nom, et si le numéro d'engagement y est obligatoire."""
    structure = _structure_or_404(request, body.id_structure)
    if not body.id_service:
        raise envelope.CproError(_("idService est obligatoire."), code=envelope.BAD_REQUEST, status=400)
    service = selectors.service_get_for_actor(
        actor=request.auth, structure=structure, service_id=body.id_service
    )
    if service is None:
        raise envelope.not_found(
            _("Aucun service %(id)s dans la structure %(structure)s.")
            % {"id": body.id_service, "structure": structure.pk}
        )
    return envelope.ok(
        informations_generales={
            "code_service": service.code,
            "nom_service": service.label,
            "description_service": service.description,
        },
        parametres={
            "date_creation": service.created_at,
            "date_debut_validite": service.start_date,
            "date_fin_validite": service.end_date,
            "date_modification": service.updated_at,
            "mise_en_paiement": not structure.payment_status_hidden,
            "numero_engagement": service.engagement_required,
        },
        adresse_postale={
            "adresse": structure.address_line1,
            "complement_adresse1": structure.address_line2,
            "complement_adresse2": structure.address_line3,
            "code_postal": structure.postcode,
            "ville": structure.city,
            "pays": structure.country,
        },
    )


# --- lister/rattachementsutilisateur --------------------------------------------------------------


class ListerRattachementsIn(CproIn):
    adresse_email_connexion_utilisateur: str = ""
    id_structure: int | None = None
    id_utilisateur: int | None = None
    identifiant_structure: str = ""
    type_identifiant_structure: str = ""
    parametres_lister_rattachements_structure_utilisateur: PagingIn | None = None


class RattachementServiceUtilisateur(CproSchema):
    code_service: str
    commentaire: str = ""
    date_debut: datetime
    date_fin: datetime | None
    id_rattachement: int
    id_service: int | None
    nom_service: str
    statut_rattachement: str


class ListerRattachementsOut(CproOut):
    designation_structure: str
    id_structure: int
    identifiant_structure: str
    liste_services: list[RattachementServiceUtilisateur] = []
    parametres_retour: ParametresRetour
    premier_service: bool = False


@router.post(
    "lister/rattachementsutilisateur",
    response=ListerRattachementsOut,
    operation_id="listerRattachementsStructureUtilisateur",
)
def lister_rattachements(request, body: ListerRattachementsIn):
    """Les rattachements des utilisateurs (ou d'un utilisateur, par son adresse) à la structure du
    compte technique et à ses services."""
    structure = None
    if body.id_structure:
        structure = selectors.structure_get_for_actor(actor=request.auth, structure_id=body.id_structure)
    elif body.identifiant_structure:
        structure = (
            selectors.structures_search_for_actor(actor=request.auth, identifier=body.identifiant_structure)
            .filter(identifier=body.identifiant_structure.replace(" ", ""))
            .first()
        )
    else:
        structure = request.technical_account.structure
    if structure is None:
        raise envelope.not_found(_("Aucune structure correspondante n'est visible par ce compte technique."))
    memberships = selectors.memberships_for_actor(
        actor=request.auth, structure=structure, email=body.adresse_email_connexion_utilisateur
    )
    if body.id_utilisateur:
        memberships = memberships.filter(user_id=body.id_utilisateur)
    paging = body.parametres_lister_rattachements_structure_utilisateur
    page = page_of(paging, memberships.count())
    rows = [
        {
            "code_service": m.service.code if m.service else "",
            "date_debut": m.created_at,
            "date_fin": m.ended_at,
            "id_rattachement": m.pk,
            "id_service": m.service_id,
            "nom_service": m.service.label if m.service else "",
            "statut_rattachement": "ACTIF" if m.is_active else "INACTIF",
        }
        for m in page.slice(memberships)
    ]
    answer = envelope.ok if page.total else envelope.no_result
    return answer(
        designation_structure=structure.designation,
        id_structure=structure.pk,
        identifiant_structure=structure.identifier,
        liste_services=rows,
        parametres_retour=page.parametres_retour(),
        premier_service=False,
    )
