"""`/cpro/transverses/v1/…`: health check, reference lists, the structures of the technical account,
bank details, the recipients' search and the directory download (research §2.3)."""

from __future__ import annotations

import base64
import gettext
import io
import zipfile
from decimal import Decimal
from functools import cache

import pycountry
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from pydantic import AliasChoices, Field, field_validator

from openchorus.api import envelope, references
from openchorus.api.routing import CproRouter
from openchorus.api.schemas import (
    CodeLangueIn,
    CproIn,
    CproOut,
    CproSchema,
    PagingIn,
    ParametresRetour,
    page_of,
)
from openchorus.directory.selectors import CANDIDATE_LIMIT, directory_export_lines, directory_search
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.transitions import Party, targets_from
from openchorus.structures import access
from openchorus.structures.enums import Space
from openchorus.structures.models import Structure
from openchorus.structures.selectors_documents import bank_account_list_for_structure
from openchorus.structures.services.bank import country_name

router = CproRouter()


# --- health-check ---------------------------------------------------------------------------------


class HealthCheckOut(CproOut):
    body: str = "OK"
    status_code_value: int = 200
    status_code: str = "OK"


@router.get("health-check", response=HealthCheckOut, auth=None, operation_id="healthCheck")
def health_check(request):
    """L'API répond (sans authentification ; les clients réels envoient leurs jetons, ignorés ici)."""
    return envelope.ok(body="OK", status_code_value=200, status_code="OK")


# --- reference lists ------------------------------------------------------------------------------


class Devise(CproSchema):
    code_devise: str
    libelle_devise: str


class DevisesOut(CproOut):
    liste_devises: list[Devise]


@cache
def _currency_names(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso4217", pycountry.LOCALES_DIR, languages=[language], fallback=True)


@router.post("recuperer/devises", response=DevisesOut, operation_id="recupererDevises")
def devises(request, body: CodeLangueIn):
    names = _currency_names(body.language)
    rows = [
        {"code_devise": code, "libelle_devise": names.gettext(name)} for code, name in references.currencies()
    ]
    return envelope.ok(liste_devises=rows)


class Pays(CproSchema):
    code_pays: str
    libelle_pays: str


class PaysOut(CproOut):
    liste_pays: list[Pays]


@router.post("recuperer/pays", response=PaysOut, operation_id="recupererPays")
def pays(request, body: CodeLangueIn):
    with override(body.language):
        rows = [
            {"code_pays": country.alpha_2, "libelle_pays": country_name(country.alpha_2)}
            for country in sorted(pycountry.countries, key=lambda c: c.alpha_2)
        ]
    return envelope.ok(liste_pays=rows)


class TauxTva(CproSchema):
    code_taux_tva: str
    libelle_taux_tva: str
    valeur_taux_tva: Decimal


class TauxTvaOut(CproOut):
    liste_taux_tva: list[TauxTva]


@router.post("recuperer/tauxtva", response=TauxTvaOut, operation_id="recupererTauxTva")
def taux_tva(request, body: CodeLangueIn):
    with override(body.language):
        rows = [
            {"code_taux_tva": code, "libelle_taux_tva": str(label), "valeur_taux_tva": rate}
            for code, label, rate in references.VAT_RATES
        ]
    return envelope.ok(liste_taux_tva=rows)


class MotifExonerationTva(CproSchema):
    code_motif_exoneration_tva: str
    libelle_motif_exoneration_tva: str


class MotifsExonerationTvaOut(CproOut):
    liste_motifs_exoneration_tva: list[MotifExonerationTva]


@router.post(
    "recuperer/motifs/exonerationtva",
    response=MotifsExonerationTvaOut,
    operation_id="recupererMotifsExonerationTva",
)
def motifs_exoneration_tva(request, body: CodeLangueIn):
    with override(body.language):
        rows = [
            {"code_motif_exoneration_tva": code, "libelle_motif_exoneration_tva": label}
            for code, label in references.vat_exemptions()
        ]
    return envelope.ok(liste_motifs_exoneration_tva=rows)


class ModeDepot(CproSchema):
    mode_depot: str


class ModesDepotOut(CproOut):
    liste_mode_depot: list[ModeDepot]


@router.post("recuperer/modedepot", response=ModesDepotOut, operation_id="recupererModesDepot")
def modes_depot(request, body: CodeLangueIn):
    return envelope.ok(liste_mode_depot=[{"mode_depot": mode} for mode in references.MODES_DEPOT])


class ModePaiement(CproSchema):
    mode_paiement: str


class ModesReglementOut(CproOut):
    liste_mode_paiement: list[ModePaiement]


@router.post("recuperer/modereglements", response=ModesReglementOut, operation_id="recupererModesReglement")
def modes_reglement(request, body: CodeLangueIn):
    return envelope.ok(liste_mode_paiement=[{"mode_paiement": mode} for mode in references.MODES_PAIEMENT])


class CadreFacturationIn(CodeLangueIn):
    type_demande_paiement: str = ""


class CadreFacturation(CproSchema):
    code_cadre_facturation: str


class CadresFacturationOut(CproOut):
    liste_cadre_facturation: list[CadreFacturation]


@router.post(
    "recuperer/cadrefacturation", response=CadresFacturationOut, operation_id="recupererCadresFacturation"
)
def cadres_facturation(request, body: CadreFacturationIn):
    kind = body.type_demande_paiement.strip().upper()
    if kind and kind not in references.FRAMES_BY_TYPE:
        raise envelope.CproError(
            _("typeDemandePaiement inconnu : %(value)s (attendu : %(values)s).")
            % {"value": kind, "values": ", ".join(references.TYPES_DEMANDE_PAIEMENT)},
            code=envelope.BAD_REQUEST,
        )
    kinds = [kind] if kind else references.TYPES_DEMANDE_PAIEMENT
    frames = [frame for k in kinds for frame in references.FRAMES_BY_TYPE[k]]
    return envelope.ok(liste_cadre_facturation=[{"code_cadre_facturation": frame} for frame in frames])


class TypeDemandePaiement(CproSchema):
    type_demande_paiement: str


class TypesDemandePaiementOut(CproOut):
    liste_type_demande_paiement: list[TypeDemandePaiement]


@router.post(
    "recuperer/typedp", response=TypesDemandePaiementOut, operation_id="recupererTypesDemandePaiement"
)
def types_dp(request, body: CodeLangueIn):
    rows = [{"type_demande_paiement": kind} for kind in references.TYPES_DEMANDE_PAIEMENT]
    return envelope.ok(liste_type_demande_paiement=rows)


class TypeIdentifiant(CproSchema):
    type_identifiant_structure: str


class TypesIdentifiantOut(CproOut):
    liste_type_identifiant: list[TypeIdentifiant]


@router.post(
    "recuperer/typeidentifiant/structure",
    response=TypesIdentifiantOut,
    operation_id="recupererTypesIdentifiantStructure",
)
def types_identifiant(request, body: CodeLangueIn):
    rows = [{"type_identifiant_structure": kind} for kind in references.IDENTIFIER_TYPES]
    return envelope.ok(liste_type_identifiant=rows)


class TypePieceJointe(CproSchema):
    id_type_piece_jointe: int
    code_type_piece_jointe: str
    libelle_type_piece_jointe: str
    type_objet: str


class TypesPieceJointeOut(CproOut):
    liste_type_piece_jointe: list[TypePieceJointe]


@router.post("recuperer/typespj", response=TypesPieceJointeOut, operation_id="recupererTypesPieceJointe")
def types_pj(request, body: CodeLangueIn):
    with override(body.language):
        rows = [
            {"id_type_piece_jointe": pk, "code_type_piece_jointe": code, "libelle_type_piece_jointe": str(label),
             "type_objet": "FACTURE"}
            for pk, code, label in references.TYPES_PJ
        ]  # fmt: skip
    return envelope.ok(liste_type_piece_jointe=rows)


class FormatFlux(CproSchema):
    format_flux: str


class FormatsFluxOut(CproOut):
    liste_format_flux: list[FormatFlux]


@router.post("recuperer/formatflux", response=FormatsFluxOut, operation_id="recupererFormatFlux")
def formats_flux(request, body: CodeLangueIn):
    return envelope.ok(liste_format_flux=[{"format_flux": syntax} for syntax in references.FORMATS_FLUX])


# --- recuperer/etats/traitement: what a recipient may do from a status -----------------------------


class EtatsTraitementIn(CproIn):
    statut_courant: str = Field(
        "",
        validation_alias=AliasChoices(
            "statutCourant", "statut", "statutFacture", "etatCourant", "statut_courant"
        ),
        description="Statut courant de la facture (MISE_A_DISPOSITION…), en majuscules ou non",
    )

    @field_validator("statut_courant", mode="before")
    @classmethod
    def _code(cls, value):
        # Some clients send the status as the one item of a list, or as `{code}` of another answer.
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if isinstance(value, dict):
            value = value.get("code") or value.get("statutCourant") or ""
        return value


class StatutPossible(CproSchema):
    statut_possible_pour_traitement: str


class EtatsTraitementOut(CproOut):
    liste_statuts_possibles_pour_traitement: list[StatutPossible] = []


@router.post(
    "recuperer/etats/traitement",
    response=EtatsTraitementOut,
    operation_id="recupererEtatsPossiblesPourTraitement",
)
def etats_traitement(request, body: EtatsTraitementIn):
    """Les statuts qu'un destinataire peut donner (traiter/recue) à une facture dans le statut
    `statutCourant`, lus dans la table des transitions du cycle de vie. Aucun (statut final, ou
    statut où la main est au fournisseur) : codeRetour 20000."""
    code = body.statut_courant.strip().upper()
    code = InvoiceStatus.DRAFT.value if code == "INTERPRETEE_OCR" else code
    if code not in InvoiceStatus.values:
        known = ", ".join(InvoiceStatus.values)
        message = (
            _("statutCourant « %(code)s » inconnu : %(known)s.")
            % {"code": body.statut_courant, "known": known}
            if code
            else _("statutCourant est obligatoire.")
        )
        raise envelope.CproError(
            message,
            code=envelope.BAD_REQUEST,
            extra={"erreurs": [{"champ": "statutCourant", "message": known}]},
        )
    rows = [
        {"statut_possible_pour_traitement": target.value} for target in targets_from(code, Party.RECIPIENT)
    ]
    return (envelope.ok if rows else envelope.no_result)(liste_statuts_possibles_pour_traitement=rows)


# --- the technical account's structures and bank details ------------------------------------------


class StructureActive(CproSchema):
    designation_structure: str
    id_structure_cpp: int = Field(alias="idStructureCPP")
    identifiant: str


class StructuresActivesOut(CproOut):
    liste_structures: list[StructureActive]


def _active_structures(request, space: str) -> dict:
    ids = [sid for sid, rights in access.rights_for(request.auth).items() if space in rights.spaces]
    structures = Structure.objects.filter(pk__in=ids, status="ACTIF").order_by("identifier")
    rows = [
        {"designation_structure": s.designation, "id_structure_cpp": s.pk, "identifiant": s.identifier}
        for s in structures
    ]
    return (envelope.ok if rows else envelope.no_result)(liste_structures=rows)


@router.post(
    "recuperer/structures/actives/fournisseur",
    response=StructuresActivesOut,
    operation_id="recupererStructuresActivesPourFournisseur",
)
def structures_actives_fournisseur(request, body: CproIn):
    """Les structures actives où le compte tient l'espace « Factures émises » : d'où `idFournisseur`."""
    return _active_structures(request, Space.SENT_INVOICES)


@router.post(
    "recuperer/structures/actives/destinataire",
    response=StructuresActivesOut,
    operation_id="recupererStructuresActivesPourDestinataire",
)
def structures_actives_destinataire(request, body: CproIn):
    """Les structures actives où le compte tient l'espace « Factures reçues »."""
    return _active_structures(request, Space.RECEIVED_INVOICES)


class CoordBancValidesIn(CproIn):
    id_structure: int | None = Field(
        None, validation_alias=AliasChoices("idStructure", "idStructureCPP", "id_structure")
    )


class CoordonneeBancaire(CproSchema):
    id_coordonnee_bancaire: int
    nom_coordonnee_bancaire: str


class CoordBancValidesOut(CproOut):
    liste_coordonnee_bancaire: list[CoordonneeBancaire]


@router.post(
    "recuperer/coordbanc/valides",
    response=CoordBancValidesOut,
    operation_id="recupererCoordonneesBancairesValides",
)
def coordonnees_bancaires(request, body: CoordBancValidesIn):
    """Les coordonnées bancaires actives d'une structure du compte (`codeCoordonneesBancairesFournisseur`
    de soumettre)."""
    if not body.id_structure:
        raise envelope.CproError(_("idStructure est obligatoire."), code=envelope.BAD_REQUEST)
    structure = Structure.objects.filter(pk=body.id_structure).first()
    if structure is None or not access.can(request.auth, "view", structure):
        raise envelope.not_found(
            _("Aucune structure %(id)s n'est visible par ce compte technique.") % {"id": body.id_structure}
        )
    accounts = bank_account_list_for_structure(user=request.auth, structure=structure)
    rows = [{"id_coordonnee_bancaire": a.pk, "nom_coordonnee_bancaire": a.name} for a in accounts]
    return (envelope.ok if rows else envelope.no_result)(liste_coordonnee_bancaire=rows)


# --- recipients: search and directory -------------------------------------------------------------


class RechercherDestinataireIn(CproIn):
    identifiant: str = ""
    nom_ville_code_postal: str = ""
    type_structure: str = ""
    parametres_recherche: PagingIn | None = None


class Destinataire(CproSchema):
    id_structure_cpp: int = Field(alias="idStructureCPP")
    siret: str
    nom_destinataire: str
    adresse_code_postal: str
    adresse_ville: str


class RechercherDestinataireOut(CproOut):
    liste_destinataires: list[Destinataire] = []
    parametres_retour: ParametresRetour


@router.post(
    "rechercher/destinataire", response=RechercherDestinataireOut, operation_id="rechercherDestinataires"
)
def rechercher_destinataire(request, body: RechercherDestinataireIn):
    """Rechercher une structure publique destinataire (l'annuaire : identifiant, nom, ville, code
    postal ; au plus 200 résultats classés, à préciser au-delà)."""
    text = " ".join(filter(None, [body.identifiant.strip(), body.nom_ville_code_postal.strip()]))
    if not text:
        raise envelope.CproError(
            _("Renseignez identifiant ou nomVilleCodePostal."),
            code=envelope.BAD_REQUEST,
            extra={"erreurs": [{"champ": "identifiant", "message": _("Critère de recherche absent.")}]},
        )
    paging = body.parametres_recherche
    first = page_of(paging, 0)
    result = directory_search(text=text, limit=first.size, offset=first.offset)
    page = page_of(paging, min(result.total, CANDIDATE_LIMIT))
    rows = [
        {
            "id_structure_cpp": s.pk,
            "siret": s.identifier,
            "nom_destinataire": s.designation,
            "adresse_code_postal": s.postcode,
            "adresse_ville": s.city,
        }
        for s in result.hits
    ]
    return (envelope.ok if page.total else envelope.no_result)(
        liste_destinataires=rows, parametres_retour=page.parametres_retour()
    )


class AnnuaireOut(CproOut):
    fichier_resultat: str = Field(
        description="ZIP en base64 contenant annuaire.csv (format de docs/directory.md)"
    )


@router.post(
    "telecharger/annuaire/destinataire", response=AnnuaireOut, operation_id="telechargerAnnuaireDestinataire"
)
def telecharger_annuaire(request, body: CproIn):
    """L'annuaire des structures publiques : un ZIP en base64 (`fichierResultat`) contenant le CSV
    de l'annuaire du portail."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        stamp = timezone.localtime().timetuple()[:6]
        info = zipfile.ZipInfo("annuaire.csv", date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            for piece in directory_export_lines():
                member.write(piece.encode("utf-8"))
    return envelope.ok(
        envelope.OK_DEPOSIT, fichier_resultat=base64.b64encode(buffer.getvalue()).decode("ascii")
    )


# --- ajouter/fichier (issue #8, Factures: files sent ahead of an invoice) -------------------------


class AjouterFichierIn(CproIn):
    id_utilisateur_courant: int | None = None
    piece_jointe_fichier: str = Field("", description="Le fichier, en base64")
    piece_jointe_nom: str = ""
    piece_jointe_type_mime: str | None = Field(None, description="Indicatif : le type est lu dans le fichier")
    piece_jointe_extension: str | None = None


class AjouterFichierOut(CproOut):
    piece_jointe_id: int = Field(description="À citer dans soumettre ou completer (…Id)")


@router.post("ajouter/fichier", response=AjouterFichierOut, operation_id="ajouterFichierDansSysteme")
def ajouter_fichier(request, body: AjouterFichierIn):
    """Envoyer une pièce jointe (base64 ; 4 Mo au plus, types des pièces jointes du portail) pour
    une facture à venir : le pieceJointeId rendu se cite dans soumettre (pieceJointePrincipale,
    pieceJointeComplementaire) ou completer. Elle n'est utilisable que par la structure du compte."""
    import binascii

    from openchorus.connections.services_api import api_upload_add

    text = "".join((body.piece_jointe_fichier or "").split())
    if not text:
        raise envelope.CproError(
            _("pieceJointeFichier est obligatoire."),
            code=envelope.BAD_REQUEST,
            extra={"erreurs": [{"champ": "pieceJointeFichier", "message": _("Ce champ est obligatoire.")}]},
        )
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise envelope.CproError(
            _("pieceJointeFichier n'est pas du base64 lisible."),
            code=envelope.BAD_REQUEST,
            extra={"erreurs": [{"champ": "pieceJointeFichier", "message": _("Contenu base64 illisible.")}]},
        ) from None
    name = (body.piece_jointe_nom or "").strip() or "piece-jointe"
    extension = (body.piece_jointe_extension or "").strip().lstrip(".").lower()
    if extension and not name.lower().endswith(f".{extension}"):
        name = f"{name}.{extension}"
    upload = api_upload_add(actor=request.auth, data=data, filename=name)
    return envelope.ok(envelope.OK_DEPOSIT, piece_jointe_id=upload.pk)
