"""Request and answer schemas of the supplier's Factures operations, with the field names of the
official schema (S1, `api-chorus-pro-factures.swagger.json`), the irregular ones included:
`montantTVA`, `identifiantFactureCPP`, `lignePosteMontantUnitaireHT`, `getpLignesPoste`,
`numeroPieceSuiante`, `reference` (singular) in recycler… Input is lenient: unknown fields are
ignored, numbers may come as strings, `pieceJointePrincipale` as an object or an array."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import AliasChoices, Field, field_validator

from openchorus.api.schemas import CodeLangueIn, CproIn, CproOut, CproSchema, PagingIn, ParametresRetour


def _as_list(value: Any) -> Any:
    """An object where a list is expected (clients disagree, research §3.1) becomes a list of one."""
    if value is None:
        return []
    return [value] if isinstance(value, dict) else value


# --- soumettre ------------------------------------------------------------------------------------


class DestinataireIn(CproIn):
    code_destinataire: str | None = None
    code_service_executant: str | None = None


class FournisseurIn(CproIn):
    id_fournisseur: int | None = None
    id_service_fournisseur: int | None = None
    code_coordonnees_bancaires_fournisseur: int | None = None


class CadreDeFacturationIn(CproIn):
    code_cadre_facturation: str | None = None
    code_structure_valideur: str | None = None
    code_service_valideur: str | None = None


class ReferencesIn(CproIn):
    devise_facture: str | None = None
    type_facture: str | None = None
    type_tva: str | None = None
    motif_exoneration_tva: str | None = None
    numero_marche: str | None = None
    numero_bon_commande: str | None = None
    numero_facture_origine: str | None = None
    mode_paiement: str | None = None


class LignePosteIn(CproIn):
    ligne_poste_numero: int | str | None = None
    ligne_poste_reference: str | None = None
    ligne_poste_denomination: str | None = None
    ligne_poste_quantite: Decimal | None = None
    ligne_poste_unite: str | None = None
    ligne_poste_montant_unitaire_ht: Decimal | None = Field(None, alias="lignePosteMontantUnitaireHT")
    ligne_poste_montant_remise_ht: Decimal | None = Field(None, alias="lignePosteMontantRemiseHT")
    ligne_poste_taux_tva: str | None = Field(None, description="Code de recuperer/tauxtva (TVA1…)")
    ligne_poste_taux_tva_manuel: Decimal | None = None


class LigneTvaIn(CproIn):
    ligne_tva_taux: str | None = None
    ligne_tva_montant_base_ht_par_taux: Decimal | None = None
    ligne_tva_montant_tva_par_taux: Decimal | None = None
    ligne_tva_taux_manuel: Decimal | None = None


class MontantTotalIn(CproIn):
    montant_ht_total: Decimal | None = None
    montant_tva: Decimal | None = Field(None, alias="montantTVA")
    montant_ttc_total: Decimal | None = None
    montant_remise_globale_ttc: Decimal | None = Field(None, alias="montantRemiseGlobaleTTC")
    motif_remise_globale_ttc: str | None = Field(None, alias="motifRemiseGlobaleTTC")
    montant_a_payer: Decimal | None = Field(None, alias="montantAPayer")


class PieceJointePrincipaleIn(CproIn):
    piece_jointe_principale_designation: str | None = None
    piece_jointe_principale_id: int | None = None


class PieceJointeComplementaireIn(CproIn):
    piece_jointe_complementaire_designation: str | None = None
    piece_jointe_complementaire_type: str | None = None
    piece_jointe_complementaire_numero_ligne_facture: int | None = None
    piece_jointe_complementaire_id: int | None = None
    piece_jointe_complementaire_id_liaison: int | None = None


class SoumettreFactureIn(CproIn):
    id_utilisateur_courant: int | None = None
    mode_depot: str | None = Field(None, description="SAISIE_API, DEPOT_PDF_API ou DEPOT_PDF_SIGNE_API")
    numero_facture_saisi: str | None = None
    date_facture: str | None = None
    destinataire: DestinataireIn = Field(default_factory=DestinataireIn)
    fournisseur: FournisseurIn = Field(default_factory=FournisseurIn)
    cadre_de_facturation: CadreDeFacturationIn = Field(default_factory=CadreDeFacturationIn)
    references: ReferencesIn = Field(default_factory=ReferencesIn)
    ligne_poste: list[LignePosteIn] = []
    ligne_tva: list[LigneTvaIn] = []
    montant_total: MontantTotalIn | None = None
    piece_jointe_principale: list[PieceJointePrincipaleIn] = Field(
        [], description="Un objet (schéma officiel) ou un tableau d'objets (certains clients)"
    )
    piece_jointe_complementaire: list[PieceJointeComplementaireIn] = []
    commentaire: str | None = None

    @field_validator(
        "ligne_poste", "ligne_tva", "piece_jointe_principale", "piece_jointe_complementaire", mode="before"
    )
    @classmethod
    def _listed(cls, value: Any) -> Any:
        return _as_list(value)


class SoumettreFactureOut(CproOut):
    identifiant_facture_cpp: int = Field(alias="identifiantFactureCPP")
    numero_facture: str
    statut_facture: str
    date_depot: datetime | None
    identifiant_structure: str
    empreinte_certificat_depot: str = Field("", description="SHA-256 du fichier de la facture déposée")


# --- deposer/pdf ----------------------------------------------------------------------------------


class DeposerPdfIn(CproIn):
    id_utilisateur_courant: int | None = None
    fichier_facture: str = ""
    nom_fichier: str = ""
    format_depot: str | None = Field(None, description="PDF_NON_SIGNE, PDF_SIGNE_PADES ou PDF_SIGNE_XADES")


class DeposerPdfOut(CproOut):
    numero_facture: str | None = None
    date_facture: date | None = None
    code_destinataire: str | None = None
    code_service_executant: str | None = None
    code_fournisseur: str | None = None
    code_devise_facture: str | None = None
    type_facture: str | None = None
    type_tva: str | None = None
    numero_bon_commande: str | None = None
    montant_ttc_avant_remise_global_ttc: Decimal | None = Field(None, alias="montantTtcAvantRemiseGlobalTTC")
    montant_a_payer: Decimal | None = Field(None, alias="montantAPayer")
    montant_ht_total: Decimal | None = None
    montant_tva: Decimal | None = Field(None, alias="montantTVA")
    piece_jointe_id: int = Field(
        description="À passer à soumettre (pieceJointePrincipaleId, modeDepot DEPOT_PDF_API)"
    )


# --- completer, recycler --------------------------------------------------------------------------


class PieceJointeCompleterIn(CproIn):
    piece_jointe_complementaire_designation: str | None = None
    piece_jointe_complementaire_type: str | None = None
    piece_jointe_complementaire_numero_ligne_facture: int | None = None
    piece_jointe_complementaire_id: int | None = None


class CompleterFactureIn(CproIn):
    id_utilisateur_courant: int | None = None
    identifiant_facture_cpp: int | None = Field(
        None, validation_alias=AliasChoices("identifiantFactureCPP", "idFacture", "identifiant_facture_cpp")
    )
    piece_jointe_complementaire: list[PieceJointeCompleterIn] = []
    commentaire: str | None = None

    @field_validator("piece_jointe_complementaire", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        return _as_list(value)


class CompleterFactureOut(CproOut):
    identifiant_facture_cpp: int = Field(alias="identifiantFactureCPP")
    numero_facture: str
    date_traitement: datetime | None


class RecyclerFactureIn(CproIn):
    id_utilisateur_courant: int | None = None
    identifiant_facture_cpp: int | None = Field(
        None, validation_alias=AliasChoices("identifiantFactureCPP", "idFacture", "identifiant_facture_cpp")
    )
    destinataire: DestinataireIn = Field(default_factory=DestinataireIn)
    commentaire: str | None = None
    reference: ReferencesIn = Field(
        default_factory=ReferencesIn, validation_alias=AliasChoices("reference", "references")
    )


class RecyclerFactureOut(CproOut):
    identifiant_facture_cpp: int = Field(alias="identifiantFactureCPP")
    numero_facture: str
    statut_facture: str
    date_depot: datetime | None


# --- consulter/fournisseur ------------------------------------------------------------------------


class ConsulterFactureIn(CodeLangueIn):
    id_utilisateur_courant: int | None = None
    identifiant_facture_cpp: int | None = Field(
        None, validation_alias=AliasChoices("identifiantFactureCPP", "idFacture", "identifiant_facture_cpp")
    )


class DestinataireOut(CproSchema):
    id_destinataire: int | None = None
    code_destinataire: str = ""
    libelle_destinataire: str = ""
    id_service_executant: int | None = None
    code_service_executant: str = ""
    libelle_service_executant: str = ""
    mise_en_paiement_destinataire: bool | None = None
    adresse_destinataire_detail: str = ""
    adresse_destinataire_code_postal: str = ""
    adresse_destinataire_ville: str = ""
    adresse_destinataire_code_pays: str = ""
    designation_destinataire: str = ""


class FournisseurOut(CproSchema):
    id_fournisseur: int
    type_identifiant_fournisseur: str
    code_fournisseur: str
    raison_sociale_fournisseur: str
    id_service_fournisseur: int | None = None
    code_service_fournisseur: str = ""
    libelle_service_fournisseur: str = ""
    adresse_fournisseur_detail: str = ""
    adresse_fournisseur_code_postal: str = ""
    adresse_fournisseur_ville: str = ""
    adresse_fournisseur_code_pays: str = ""
    numero_rcs_fournisseur: str = ""
    coord_bancaires_fournisseur_id: int | None = None
    coord_bancaires_fournisseur_type: str | None = None
    coord_bancaires_fournisseur_compte_bancaire: str = ""
    coord_bancaires_bic_swift: str = ""
    designation_fournisseur: str = ""


class CadreDeFacturationOut(CproSchema):
    code_cadre_facturation: str


class ReferencesOut(CproSchema):
    date_facture: date | None = None
    date_depot: datetime | None = None
    code_devise_facture: str = ""
    type_facture: str = ""
    type_tva: str | None = None
    motif_exoneration_tva: str | None = None
    numero_marche: str = ""
    numero_bon_commande: str = ""
    numero_facture_origine: str = ""
    mode_paiement: str | None = None
    date_creation_facture: datetime | None = None
    date_echeance_paiement: date | None = None


class LigneTvaOut(CproSchema):
    ligne_tva_taux_ref_code: str | None = None
    ligne_tva_taux_ref_valeur: Decimal | None = None
    ligne_tva_taux_manuel: Decimal | None = None
    ligne_tva_montant_base_ht_par_taux: Decimal
    ligne_tva_montant_tva_par_taux: Decimal
    ligne_tva_categorie: str = Field("", description="Catégorie EN 16931 (S, Z, E, AE…), champ en plus")


class RecapitulatifTvaOut(CproSchema):
    ligne_tva: list[LigneTvaOut] = []
    page_courante_lignes_recapitulatives_tva: int = Field(alias="pageCouranteLignesRecapitulativesTVA")
    pages_lignes_recapitulatives_tva: int = Field(alias="pagesLignesRecapitulativesTVA")
    nb_resultats_par_page_lignes_recapitulatives_tva: int = Field(
        alias="nbResultatsParPageLignesRecapitulativesTVA"
    )
    total_lignes_recapitulatives_tva: int = Field(alias="totalLignesRecapitulativesTVA")


class MontantTotalOut(CproSchema):
    montant_ht_total: Decimal
    montant_tva: Decimal = Field(alias="montantTVA")
    montant_ttc_avant_remise_global_ttc: Decimal = Field(alias="montantTtcAvantRemiseGlobalTTC")
    montant_remise_globale_ttc: Decimal = Field(alias="montantRemiseGlobaleTTC")
    motif_remise_globale_ttc: str = Field("", alias="motifRemiseGlobaleTTC")
    montant_ttc_total: Decimal
    montant_a_payer: Decimal = Field(alias="montantAPayer")


class PieceJointePrincipaleOut(CproSchema):
    id_liaison_piece_jointe_principale: int | None = None
    id_piece_jointe_principale: int | None = None


class PieceJointeOut(CproSchema):
    piece_jointe_type_code: str
    piece_jointe_type_libelle: str
    piece_jointe_designation: str
    piece_jointe_numero_ligne_facture: int | None = None
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
    ligne_poste_quantite: Decimal
    ligne_poste_unite_libelle: str = ""
    ligne_poste_montant_unitaire_ht: Decimal = Field(alias="lignePosteMontantUnitaireHT")
    ligne_poste_montant_remise_ht: Decimal = Field(alias="lignePosteMontantRemiseHT")
    ligne_poste_taux_tva: str | None = None
    ligne_poste_taux_tva_manuel: Decimal | None = None
    ligne_poste_montant_ht_apres_remise: Decimal
    ligne_poste_montant_tva: Decimal | None = None
    ligne_poste_montant_ttc_apres_remise: Decimal | None = None


class LignesDePosteOut(CproSchema):
    ligne_poste: list[LignePosteOut] = []
    page_courante_lignes_poste: int
    pages_lignes_poste: int
    nb_resultats_par_page_lignes_poste: int
    total_lignes_poste: int


class FactureEmiseOut(CproSchema):
    identifiant_facture_cpp: int = Field(alias="identifiantFactureCPP")
    numero_facture: str
    statut_facture: str
    code_statut_reforme: str = Field("", description="Code du statut de la réforme 2026 (champ en plus)")
    mode_depot: str
    rejet_traite: bool = False
    destinataire: DestinataireOut
    fournisseur: FournisseurOut
    cadre_de_facturation: CadreDeFacturationOut
    references: ReferencesOut
    recapitulatif_de_tva: RecapitulatifTvaOut
    montant_total: MontantTotalOut
    piece_jointe_principale: PieceJointePrincipaleOut
    liste_des_pieces_jointes: PiecesJointesOut
    lignes_de_poste: LignesDePosteOut
    commentaire: str = ""


class ConsulterFactureOut(CproOut):
    facture: FactureEmiseOut


# --- consulter/historique -------------------------------------------------------------------------


class ParamHistoStatutsIn(CproIn):
    page_resultat_demandee_liste_histo_statut: int | None = None
    nb_resultats_par_page_liste_histo_statut: int | None = None
    tri_sens_liste_histo_statut: str | None = None


class ConsulterHistoriqueIn(CproIn):
    id_utilisateur_courant: int | None = None
    id_facture: int | None = Field(
        None, validation_alias=AliasChoices("idFacture", "identifiantFactureCPP", "id_facture")
    )
    id_espace: int | None = None
    nb_resultats_maximum: int | None = None
    param_recherche_histo_statuts: ParamHistoStatutsIn | None = None


class HistoStatutOut(CproSchema):
    histo_statut_id: int
    histo_statut_code: str
    histo_statut_code_reforme: str = Field(description="Code du statut de la réforme 2026 (champ en plus)")
    histo_statut_date_passage: datetime
    histo_statut_commentaire: str = ""
    histo_statut_motif: str = Field("", description="Motif du changement (champ en plus)")


class HistoriquesStatutsOut(CproSchema):
    histo_statut: list[HistoStatutOut] = []
    page_courante_histo_statut: int
    pages_histo_statut: int
    nb_resultats_par_page_histo_statut: int
    total_histo_statut: int


class HistoriquesEvenementsOut(CproSchema):
    evenement: list[dict] = []
    page_courante_evenement: int = 1
    pages_evenement: int = 0
    nb_resultats_par_page_evenement: int = 0
    total_evenement: int = 0


class HistoriquesActionsOut(CproSchema):
    histo_action: list[dict] = []
    page_courante_histo_action: int = 1
    pages_histo_action: int = 0
    nb_resultats_par_page_histo_action: int = 0
    total_histo_action: int = 0


class ConsulterHistoriqueOut(CproOut):
    id_facture: int
    numero_facture: str
    mode_depot: str
    statut_courant_code: str
    statut_courant_code_reforme: str = Field(
        "", description="Code du statut de la réforme 2026 (champ en plus)"
    )
    historiques_des_statuts: HistoriquesStatutsOut
    historiques_des_evenements_complementaires: HistoriquesEvenementsOut = Field(
        default_factory=HistoriquesEvenementsOut
    )
    historiques_des_actions_utilisateurs: HistoriquesActionsOut = Field(default_factory=HistoriquesActionsOut)


# --- rechercher/fournisseur, rechercher/atraiter/fournisseur ---------------------------------------


class CritereDestinataireIn(CproIn):
    id_destinataire: int | None = None
    liste_id_service_executant: list[int] = []


class RechercheFournisseurPagingIn(PagingIn):
    nb_resultats_maximum: int | None = None


class RechercherFactureFournisseurIn(CproIn):
    id_utilisateur_courant: int | None = None
    liste_destinataire: list[CritereDestinataireIn] = []
    numero_facture: str | None = None
    periode_date_depot_du: str | None = None
    periode_date_depot_au: str | None = None
    type_facture: str | None = None
    id_fournisseur: int | None = None
    id_service_fournisseur: int | None = None
    cadre_facturation: str | None = None
    statut_courant: list[str] = []
    periode_date_facture_du: str | None = None
    periode_date_facture_au: str | None = None
    montant_ht_min: Decimal | None = Field(None, alias="montantHTMin")
    montant_ht_max: Decimal | None = Field(None, alias="montantHTMax")
    montant_ttc_min: Decimal | None = Field(None, alias="montantTTCMin")
    montant_ttc_max: Decimal | None = Field(None, alias="montantTTCMax")
    montant_apayer_min: Decimal | None = None
    montant_apayer_max: Decimal | None = None
    numero_marche: str | None = None
    numero_bon_commande: str | None = None
    numero_facture_origine: str | None = None
    mode_depot: str | None = None
    numero_flux_depot: str | None = None
    periode_date_heure_etat_courant_du: str | None = None
    periode_date_heure_etat_courant_au: str | None = None
    rejet_traite: bool | None = None
    recherche_facture_par_fournisseur: RechercheFournisseurPagingIn | None = None

    @field_validator("liste_destinataire", "statut_courant", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else _as_list(value)


class FactureTrouveeOut(CproSchema):
    identifiant_facture_cpp: int = Field(alias="identifiantFactureCPP")
    type_demande_paiement: str = "FACTURE"
    code_fournisseur: str
    type_identifiant_fournisseur: str
    designation_fournisseur: str
    code_service_fournisseur: str = ""
    nom_service_fournisseur: str = ""
    id_destinataire: int | None = None
    code_destinataire: str = ""
    designation_destinataire: str = ""
    id_service_executant: int | None = None
    code_service_executant: str = ""
    nom_service_executant: str = ""
    type_facture: str
    numero_facture: str
    date_facture: date | None = None
    date_depot: datetime | None = None
    montant_ht: Decimal = Field(alias="montantHT")
    montant_ttc: Decimal = Field(alias="montantTTC")
    montant_a_payer: Decimal = Field(alias="montantAPayer")
    devise: str
    statut: str
    code_statut_reforme: str = Field("", description="Code du statut de la réforme 2026 (champ en plus)")
    numero_marche: str = ""
    numero_bon_commande: str = ""
    numero_facture_origine: str = ""
    mode_depot: str = ""
    numero_flux_depot: str | None = Field(None, description="Le flux EDI qui a apporté la facture")
    date_heure_etat_courant: datetime | None = None
    rejet_traite: bool = False


class RechercherFactureFournisseurOut(CproOut):
    parametres_retour: ParametresRetour
    liste_factures: list[FactureTrouveeOut] = []


class RechercheATraiterPagingIn(PagingIn):
    nb_resultats_maximum: int | None = None


class RechercherATraiterFournisseurIn(CproIn):
    id_utilisateur_courant: int | None = None
    id_structure: int | None = None
    masquer_rejetee: bool | None = None
    recherche_facture_a_traiter_par_fournisseur: RechercheATraiterPagingIn | None = None
