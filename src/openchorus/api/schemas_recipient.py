"""Schemas of the recipient-side Factures operations (research §3.6, §3.8, §3.9), with the official
names of `api-chorus-pro-factures.swagger.json`: `ConsulterFactureParRecipiendaireParam` →
`WsRetourFacturesRecues`, `RechercherFactureRecipiendaireParam` →
`WsRetourRechercheFactureRecipiendaireRest`, `RechercherFactureATraiterParRecipiendaireParam` →
`WsRetourRechercheFactureRecipiendaire`, `TelechargerGroupeFactureParam` →
`WsRetourTelechargerGroupeFacture`, `TraiterUneFactureRecueParam` → `WsRetourTraiterFacture`.

Snake_case in Python, camelCase on the wire (`to_camel`); the irregular names (`identifiantFactureCPP`,
`montantHT`, `montantTVA`, `…TTC`, `numeroDPMandat`) carry an explicit alias.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AliasChoices, Field, field_validator

from openchorus.api.schemas import CodeLangueIn, CproIn, CproOut, CproSchema, PagingIn, ParametresRetour

_INVOICE_ID = AliasChoices("identifiantFactureCPP", "idFacture", "identifiantFactureCpp", "id_facture")


def _id_or_none(value: Any) -> Any:
    return None if value in ("", 0, "0") else value


# --- consulter/recipiendaire ----------------------------------------------------------------------


class ParamRechercheLignesPoste(CproIn):
    page_resultat_demandee_lignes_poste: int | None = None
    nb_resultats_par_page_lignes_poste: int | None = None


class ParamRechercheLigneRecapTva(CproIn):
    page_resultat_demandee_liste_recapitulatif_tva: int | None = Field(
        None, alias="pageResultatDemandeeListeRecapitulatifTVA"
    )
    nb_resultats_par_page_liste_liste_recapitulatif_tva: int | None = Field(
        None, alias="nbResultatsParPageListeListeRecapitulatifTVA"
    )


class ParamRechercheListePiecesJointes(CproIn):
    page_resultat_demandee_liste_piece_jointe: int | None = None
    nb_resultats_par_page_liste_piece_jointe: int | None = None


class ConsulterFactureRecipiendaireIn(CodeLangueIn):
    id_utilisateur_courant: int | None = None
    identifiant_facture_cpp: int | None = Field(None, validation_alias=_INVOICE_ID)
    recherche_ligne_poste: ParamRechercheLignesPoste | None = None
    recherchelignetva_recap: ParamRechercheLigneRecapTva | None = Field(None, alias="rechercheligneTvaRecap")
    recherche_pj: ParamRechercheListePiecesJointes | None = None

    @field_validator("identifiant_facture_cpp", mode="before")
    @classmethod
    def _blank_id(cls, value: Any) -> Any:
        return _id_or_none(value)


class DestinataireOut(CproSchema):
    destinataire_etat: str = "OUI"
    id_destinataire: int | None = None
    code_destinataire: str = ""
    libelle_destinataire: str = ""
    id_service_executant: int | None = None
    code_service_executant: str = ""
    libelle_service_executant: str = ""
    adresse_destinataire_detail: str = ""
    adresse_destinataire_complement1: str = ""
    adresse_destinataire_complement2: str = ""
    adresse_destinataire_code_postal: str = ""
    adresse_destinataire_ville: str = ""
    adresse_destinataire_code_pays: str = ""


class FournisseurOut(CproSchema):
    id_fournisseur: int
    type_identifiant_fournisseur: str
    code_fournisseur: str
    designation_fournisseur: str
    id_service_fournisseur: int | None = None
    code_service_fournisseur: str = ""
    libelle_service_fournisseur: str = ""
    adresse_fournisseur_detail: str = ""
    adresse_fournisseur_complement1: str = ""
    adresse_fournisseur_complement2: str = ""
    adresse_fournisseur_code_postal: str = ""
    adresse_fournisseur_ville: str = ""
    adresse_fournisseur_code_pays: str = ""
    numero_rcs_fournisseur: str = ""
    coord_bancaires_fournisseur_id: int | None = None
    coord_bancaires_fournisseur_type: str | None = None
    coord_bancaires_fournisseur_compte_bancaire: str = ""
    coord_bancaires_bic_swift: str = ""


class CadreDeFacturationOut(CproSchema):
    code_cadre_facturation: str


class ReferencesOut(CproSchema):
    date_facture: date | None = None
    date_depot: datetime | None = None
    date_creation_facture: datetime | None = None
    code_devise_facture: str = "EUR"
    type_facture: str = "FACTURE"
    numero_marche: str = ""
    numero_bon_commande: str = ""
    numero_facture_origine: str = ""
    mode_paiement: str = "VIREMENT"
    date_echeance_paiement: date | None = None
    taille_totale_pieces_jointes: float = 0


class LigneTvaOut(CproSchema):
    ligne_tva_taux_ref_code: str = ""
    ligne_tva_taux_ref_libelle: str = ""
    ligne_tva_taux_ref_valeur: float | None = None
    ligne_tva_montant_base_ht_par_taux: float = 0
    ligne_tva_montant_tva_par_taux: float = 0


class LignesTvaOut(CproSchema):
    ligne_tva: list[LigneTvaOut] = []
    page_courante_lignes_recapitulatives_tva: int = Field(alias="pageCouranteLignesRecapitulativesTVA")
    pages_lignes_recapitulatives_tva: int = Field(alias="pagesLignesRecapitulativesTVA")
    nb_resultats_par_page_lignes_recapitulatives_tva: int = Field(
        alias="nbResultatsParPageLignesRecapitulativesTVA"
    )
    total_lignes_recapitulatives_tva: int = Field(alias="totalLignesRecapitulativesTVA")


class MontantTotalOut(CproSchema):
    montant_ht_total: float
    montant_tva: float = Field(alias="montantTVA")
    montant_ttc_avant_remise_global_ttc: float = Field(alias="montantTtcAvantRemiseGlobalTTC")
    montant_remise_globale_ttc: float = Field(alias="montantRemiseGlobaleTTC")
    montant_ttc_total: float
    montant_a_payer: float


class PieceJointePrincipaleOut(CproSchema):
    id_liaison_piece_jointe_principale: int | None = None
    id_piece_jointe_principale: int | None = None


class PieceJointeOut(CproSchema):
    piece_jointe_type_code: str
    piece_jointe_type_libelle: str
    piece_jointe_designation: str
    piece_jointe_id_liaison: int
    piece_jointe_id: int
    piece_jointe_extension: str


class PiecesJointesOut(CproSchema):
    piece_jointe: list[PieceJointeOut] = []
    page_courante_liste_pieces_jointe: int
    pages_liste_pieces_jointe: int
    nb_resultats_par_page_liste_pieces_jointe: int
    total_liste_pieces_jointe: int


class LignePosteOut(CproSchema):
    ligne_poste_numero: int
    ligne_poste_reference: str = ""
    ligne_poste_denomination: str
    ligne_poste_quantite: float
    ligne_poste_unite_libelle: str = ""
    ligne_poste_montant_unitaire_ht: float = Field(alias="lignePosteMontantUnitaireHT")
    ligne_poste_montant_remise_ht: float = Field(alias="lignePosteMontantRemiseHT")
    ligne_poste_taux_tva: str = ""
    ligne_poste_taux_tva_manuel: float | None = None
    ligne_poste_montant_ht_apres_remise: float


class LignesPostesOut(CproSchema):
    ligne_poste: list[LignePosteOut] = []
    page_courante_lignes_poste: int
    pages_lignes_poste: int
    nb_resultats_par_page_lignes_poste: int
    total_lignes_poste: int


class FactureCppOut(CproSchema):
    identifiant_facture_cpp: int = Field(alias="identifiantFactureCPP")
    numero_facture: str
    statut_facture: str
    mode_depot: str
    destinataire: DestinataireOut
    fournisseur: FournisseurOut
    cadre_de_facturation: CadreDeFacturationOut
    references: ReferencesOut
    recapitulatif_de_tva: LignesTvaOut
    montant_total: MontantTotalOut
    piece_jointe_principale: PieceJointePrincipaleOut
    liste_des_pieces_jointes: PiecesJointesOut
    lignes_de_poste: LignesPostesOut
    commentaire: str = ""


class ConsulterFactureRecipiendaireOut(CproOut):
    facture: FactureCppOut


# --- rechercher/recipiendaire ---------------------------------------------------------------------


class CritereFournisseur(CproIn):
    id_fournisseur: int | None = None
    liste_id_service: list[int] = []


class ParamRechercheRecipiendaire(PagingIn):
    nb_resultats_maximum: int | None = None


class RechercherFactureRecipiendaireIn(CproIn):
    id_utilisateur_courant: int | None = None
    type_demande_paiement: str = ""
    id_destinataire: int | None = None
    id_service_executant: int | None = None
    numero_facture: str = ""
    periode_date_depot_du: datetime | None = None
    periode_date_depot_au: datetime | None = None
    liste_type_facture: list[str] = []
    liste_fournisseurs: list[CritereFournisseur] = []
    cadre_facturation: str = ""
    statut_courant: list[str] = []
    periode_date_facture_du: datetime | None = None
    periode_date_facture_au: datetime | None = None
    montant_ht_min: float | None = Field(None, alias="montantHTMin")
    montant_ht_max: float | None = Field(None, alias="montantHTMax")
    montant_ttc_min: float | None = Field(None, alias="montantTTCMin")
    montant_ttc_max: float | None = Field(None, alias="montantTTCMax")
    montant_apayer_min: float | None = None
    montant_apayer_max: float | None = None
    numero_marche: str = ""
    numero_bon_commande: str = ""
    facture_telechargee_par_destinataire: bool | None = None
    param_recherche: ParamRechercheRecipiendaire | None = None
    recuperer_taille: bool | None = None
    periode_date_heure_etat_courant_du: datetime | None = None
    periode_date_heure_etat_courant_au: datetime | None = None

    @field_validator("statut_courant", "liste_type_facture", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value in (None, ""):
            return []
        return [value] if isinstance(value, str) else value

    @field_validator(
        "id_destinataire",
        "id_service_executant",
        "periode_date_depot_du",
        "periode_date_depot_au",
        "periode_date_facture_du",
        "periode_date_facture_au",
        "periode_date_heure_etat_courant_du",
        "periode_date_heure_etat_courant_au",
        "montant_ht_min",
        "montant_ht_max",
        "montant_ttc_min",
        "montant_ttc_max",
        "montant_apayer_min",
        "montant_apayer_max",
        mode="before",
    )
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value == "" else value


class FactureRechercheRecipiendaire(CproSchema):
    id_facture: int
    devise: str
    type_demande_paiement: str = "FACTURE"
    code_fournisseur: str
    type_identifiant_fournisseur: str
    designation_fournisseur: str
    code_service_fournisseur: str = ""
    nom_service_fournisseur: str = ""
    id_destinataire: int | None
    code_destinataire: str
    designation_destinataire: str
    id_service_executant: int | None
    code_service_executant: str
    nom_service_executant: str
    type_facture: str
    numero_facture: str
    date_facture: date | None
    date_depot: datetime | None
    montant_ht: float = Field(alias="montantHT")
    montant_ttc: float = Field(alias="montantTTC")
    montant_a_payer: float
    statut: str
    numero_marche: str
    numero_bon_commande: str
    taille: int | None = None
    facture_telechargee_par_destinataire: bool
    date_heure_etat_courant: datetime | None
    commentaire_etat_courant: str = ""


class RechercherFactureRecipiendaireOut(CproOut):
    """The four paging fields at the top level, as the real one answers (S5 reads them there)."""

    liste_factures: list[FactureRechercheRecipiendaire] = []
    page_courante: int
    pages: int
    nb_resultats_par_page: int
    total: int


# --- rechercher/atraiter/recipiendaire ------------------------------------------------------------


class ParametreRechercheATraiter(PagingIn):
    getnb_resultats_maximum: int | None = Field(None, alias="getnbResultatsMaximum")


class RechercherFactureATraiterIn(CproIn):
    id_utilisateur_courant: int | None = None
    id_structure: int | None = None
    recuperer_taille: bool | None = None
    parametre_recherche_facture_a_traiter_par_recipiendaire: ParametreRechercheATraiter | None = Field(
        None,
        validation_alias=AliasChoices(
            "parametreRechercheFactureATraiterParRecipiendaire", "paramRecherche", "parametres"
        ),
    )

    @field_validator("id_structure", mode="before")
    @classmethod
    def _blank_id(cls, value: Any) -> Any:
        return _id_or_none(value)


class RechercherFactureATraiterOut(CproOut):
    liste_factures: list[FactureRechercheRecipiendaire] = []
    parametres_retour: ParametresRetour


# --- telecharger/groupe ---------------------------------------------------------------------------


class IdFactureIn(CproIn):
    id_facture: int | None = Field(None, validation_alias=_INVOICE_ID)


class TelechargerGroupeIn(CproIn):
    id_utilisateur_courant: int | None = None
    id_espace: int | None = None
    format: str = Field("PDF", description="PDF, XML (PIVOT accepté) ou ZIP")
    avec_pieces_jointes_complementaires: str | bool | None = Field(None, description="OUI ou NON")
    liste_facture: list[IdFactureIn] = Field(
        default_factory=list, validation_alias=AliasChoices("listeFacture", "listeFactures", "liste_facture")
    )

    @field_validator("liste_facture", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value in (None, ""):
            return []
        return [value] if isinstance(value, dict | int | str) else value

    @property
    def with_attachments(self) -> bool:
        value = self.avec_pieces_jointes_complementaires
        if isinstance(value, bool):
            return value
        return str(value or "").strip().upper() in {"OUI", "TRUE", "O", "1"}


class TelechargerGroupeOut(CproOut):
    fichier_resultat: str = Field(description="Le fichier en base64 : PDF, XML, ou ZIP de plusieurs fichiers")


# --- traiter/recue --------------------------------------------------------------------------------


class TraiterFactureRecueIn(CproIn):
    id_utilisateur_courant: int | None = None
    id_facture: int | None = Field(None, validation_alias=_INVOICE_ID)
    nouveau_statut: str = Field("", description="Le code du statut : SERVICE_FAIT, MANDATEE, SUSPENDUE…")
    motif: str = Field("", description="Code de motif (voir la documentation) ou texte libre")
    commentaire: str = Field("", description="Commentaire transmis au fournisseur (extension OpenChorus)")
    numero_dp_mandat: str = Field("", alias="numeroDPMandat")

    @field_validator("id_facture", mode="before")
    @classmethod
    def _blank_id(cls, value: Any) -> Any:
        return _id_or_none(value)


class TraiterFactureRecueOut(CproOut):
    id_facture: int
    numero_facture: str
    date_traitement: datetime | None
    nouveau_statut: str
