"""`/cpro/utilisateurs/v1/…`: the technical account's own attachments (research §2.4)."""

from __future__ import annotations

from openchorus.api import envelope
from openchorus.api.routing import CproRouter
from openchorus.api.schemas import CproIn, CproOut, CproSchema, PagingIn, ParametresRetour, page_of
from openchorus.structures import access
from openchorus.structures.models import Structure

router = CproRouter()


class RecupererRattachementsIn(CproIn):
    parametres_recherche: PagingIn | None = None


class RattachementService(CproSchema):
    code_service: str
    est_actif: bool
    id_service: int
    libelle_service: str


class RattachementStructure(CproSchema):
    designation_structure: str
    id_rattachement_structure: int
    id_structure: int
    identifiant_structure: str
    liste_services_rattache: list[RattachementService] = []
    role_utilisateur: str
    statut_rattachement_structure: str
    statut_utilisateur: str
    type_identifiant_structure: str


class RecupererRattachementsOut(CproOut):
    liste_structure_rattachement: list[RattachementStructure] = []
    parametres_retour: ParametresRetour


@router.post(
    "monCompte/recuperer/rattachements",
    response=RecupererRattachementsOut,
    operation_id="recupererRattachementsMonCompteUtilisateur",
)
def recuperer_rattachements(request, body: RecupererRattachementsIn):
    """Les structures où le compte a un rattachement actif : pour un compte technique, la sienne."""
    ids = sorted(access.rights_for(request.auth))
    structures = Structure.objects.filter(pk__in=ids).order_by("identifier")
    page = page_of(body.parametres_recherche, structures.count())
    account = request.technical_account
    rows = [
        {
            "designation_structure": s.designation,
            "id_rattachement_structure": account.pk,
            "id_structure": s.pk,
            "identifiant_structure": s.identifier,
            "role_utilisateur": "UTILISATEUR_TECHNIQUE",
            "statut_rattachement_structure": "ACTIF",
            "statut_utilisateur": "ACTIF",
            "type_identifiant_structure": s.identifier_type,
        }
        for s in page.slice(structures)
    ]
    return (envelope.ok if rows else envelope.no_result)(
        liste_structure_rattachement=rows, parametres_retour=page.parametres_retour()
    )
