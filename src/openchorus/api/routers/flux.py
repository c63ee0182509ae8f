"""EDI over the API (research §3.4): `factures/v1/deposer/flux`, `transverses/v1/consulterCR` and
`transverses/v1/consulterCRDetaille`, over the flows app (RAC-3). A flow is answered at once with
its `numeroFluxDepot` and processed in the background; the reports say what became of each invoice,
with the rule id, the location (XPath) and the fix of every error — the first complaint of
integrators about the real platform."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field

from openchorus.api import envelope
from openchorus.api.routers.factures import _decoded, _idempotent
from openchorus.api.routing import CproRouter
from openchorus.api.schemas import CproIn, CproOut, CproSchema
from openchorus.flows.enums import FlowChannel, FlowStatus, FlowSyntax, ItemOutcome
from openchorus.flows.models import Flow
from openchorus.flows.selectors import flow_get_by_number_for_user
from openchorus.flows.services import FlowRefused, flow_receive
from openchorus.structures.models import Structure

factures_router = CproRouter()
transverses_router = CproRouter()

# The interface code of a supplier's invoice flow, as in the real reports' names (research §3.4).
INTERFACE_CODE = "FSO1110A"
PARTNER_CODE = "CPP001"


# --- schemas --------------------------------------------------------------------------------------


class DeposerFluxIn(CproIn):
    id_utilisateur_courant: int | None = None
    fichier_flux: str = Field("", description="Le fichier du flux en base64 (XML, PDF, ZIP ou tar.gz)")
    nom_fichier: str = ""
    syntaxe_flux: str = Field(
        FlowSyntax.E2_FACTURX.value, description="Syntaxe du flux : " + ", ".join(FlowSyntax.values)
    )
    avec_signature: bool | None = None


class DeposerFluxOut(CproOut):
    numero_flux_depot: str
    date_depot: datetime
    syntaxe_flux: str


class ConsulterCRIn(CproIn):
    numero_flux_depot: str = ""
    date_depot: str | None = None
    syntaxe_flux: str | None = None


class ConsulterCROut(CproOut):
    numero_flux_depot: str
    date_depot_flux: datetime
    date_heure_etat_courant_flux: datetime
    etat_courant_flux: str
    nom_fichier_flux: str
    code_interface_flux: str
    code_appli_partenaire: str
    designation_partenaire: str
    fichier_cr: str | None = Field(
        None, alias="fichierCR", description="Le compte-rendu PDF en base64, une fois le flux traité"
    )


class ErreurDP(CproSchema):
    identifiant_fournisseur: str
    identifiant_destinataire: str
    numero_dp: str = Field(alias="numeroDP")
    libelle_erreur_dp: str = Field(alias="libelleErreurDP")
    # Ours, beyond the real answer: which invoice of the flow, and each rule with its place and fix.
    numero_ordre: int = Field(description="Rang de la facture dans le flux (1 pour la première)")
    nom_fichier: str = Field(description="Nom de la facture dans le flux (membre de l'archive)")
    code_regle: str
    severite: str
    localisation: str = Field(description="XPath de l'élément en cause dans la facture")
    bt: str = Field(description="Terme métier EN 16931 concerné (BT-…)")
    libelle_erreur_en: str = Field(alias="libelleErreurEN")
    correction: str


class ErreurTechnique(CproSchema):
    code_erreur: str
    libelle_erreur: str
    nature_erreur: str


class ConsulterCRDetailleOut(CproOut):
    numero_flux_depot: str
    code_interface_depot_flux: str
    date_depot_flux: datetime
    date_heure_etat_courant_flux: datetime
    etat_courant_depot_flux: str
    nom_fichier: str
    liste_erreur_dp: list[ErreurDP] = Field(alias="listeErreurDP")
    liste_erreur_technique: list[ErreurTechnique]
    # Ours: the counts, so that a client knows at once how much was integrated.
    nb_factures: int
    nb_factures_integrees: int
    nb_factures_rejetees: int


# --- deposer/flux ---------------------------------------------------------------------------------


def _deposer(request, body: DeposerFluxIn) -> dict[str, Any]:
    from django.conf import settings

    data = _decoded(body.fichier_flux, "fichierFlux", settings.OPENCHORUS_FLOW_MAX_BYTES)
    structure = Structure.objects.get(pk=request.auth.structure_id)
    try:
        flow = flow_receive(
            actor=request.auth,
            structure=structure,
            data=data,
            filename=body.nom_fichier or "flux",
            syntax=(body.syntaxe_flux or "").strip(),
            channel=FlowChannel.API,
        )
    except FlowRefused as refusal:
        finding = refusal.finding
        raise envelope.CproError(
            finding.message,
            code=413 if refusal.code == "too_big" else envelope.REFUSED_CODE,
            status=413 if refusal.code == "too_big" else 400,
            extra={
                "erreurs": [
                    {
                        "champ": "syntaxeFlux" if refusal.code == "syntax" else "fichierFlux",
                        "message": finding.message,
                        "regle": finding.rule_id,
                        "correction": finding.fix,
                    }
                ]
            },
        ) from None
    return envelope.ok(
        envelope.OK_DEPOSIT,
        numero_flux_depot=flow.number,
        date_depot=flow.created_at,
        syntaxe_flux=flow.syntax,
    )


@factures_router.post("deposer/flux", response=DeposerFluxOut, operation_id="deposerFluxFacture")
def deposer_flux(request, body: DeposerFluxIn):
    """Déposer un flux de factures (une facture, un XML qui en regroupe plusieurs, une archive ZIP ou
    tar.gz). Le flux est contrôlé dans son ensemble (taille, syntaxe, fichier déjà déposé) puis traité
    en arrière-plan : suivez-le avec consulterCR / consulterCRDetaille, ou par webhook. En-tête
    Idempotency-Key accepté."""
    return _idempotent(request, "deposer/flux", DeposerFluxOut, lambda: _deposer(request, body))


# --- consulterCR / consulterCRDetaille ------------------------------------------------------------


def _flow(request, number: str) -> Flow:
    number = (number or "").strip()
    if not number:
        raise envelope.CproError(
            _("Le numéro de flux (numeroFluxDepot) est obligatoire."),
            code=envelope.BAD_REQUEST,
            extra={"erreurs": [{"champ": "numeroFluxDepot", "message": _("Champ obligatoire.")}]},
        )
    flow = flow_get_by_number_for_user(user=request.auth, number=number)
    if flow is None:
        raise envelope.not_found(_("Aucun flux %(number)s pour ce compte technique.") % {"number": number})
    return flow


def _report_name(flow: Flow) -> str:
    return f"{INTERFACE_CODE}_{PARTNER_CODE}_{flow.number}"


@transverses_router.post("consulterCR", response=ConsulterCROut, operation_id="consulterCR")
def consulter_cr(request, body: ConsulterCRIn):
    """L'état d'un flux déposé et, une fois traité, son compte-rendu PDF (fichierCR, base64)."""
    from openchorus.flows.reports import flow_report_pdf_kept

    flow = _flow(request, body.numero_flux_depot)
    report = None
    if flow.is_final:
        report = base64.b64encode(flow_report_pdf_kept(flow, lang=_language(request))).decode()
    return envelope.ok(
        numero_flux_depot=flow.number,
        date_depot_flux=flow.created_at,
        date_heure_etat_courant_flux=flow.status_at,
        etat_courant_flux=flow.status,
        nom_fichier_flux=flow.filename,
        code_interface_flux=INTERFACE_CODE,
        code_appli_partenaire=PARTNER_CODE,
        designation_partenaire=flow.structure.designation,
        fichier_cr=report,
    )


def _language(request) -> str:
    return "en" if (request.headers.get("Accept-Language") or "").lower().startswith("en") else "fr"


def _errors(flow: Flow, english: bool) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """listeErreurDP (each error of each rejected invoice) and listeErreurTechnique (the flow's own
    errors and internal faults)."""
    key, fix = ("message_en", "fix_en") if english else ("message_fr", "fix_fr")
    technical = [
        {"code_erreur": e.get("rule_id", ""), "libelle_erreur": e.get(key, ""), "nature_erreur": "FLUX"}
        for e in flow.errors
    ]
    if flow.status == FlowStatus.INCIDENT:
        technical.append(
            {
                "code_erreur": "FLUX-INCIDENT",
                "libelle_erreur": "An internal fault stopped the processing: deposit the flow again."
                if english
                else "Une erreur interne a interrompu le traitement : déposez le flux à nouveau.",
                "nature_erreur": "TECHNIQUE",
            }
        )
    invoices = []
    rejected = flow.items.filter(outcome=ItemOutcome.REJECTED).order_by("position")
    fields = ("position", "name", "number", "supplier_identifier", "recipient_identifier", "errors")
    for item in rejected.only(*fields).iterator(chunk_size=500):
        for error in item.errors:
            message = error.get(key) or error.get("message_fr", "")
            if error.get("technical"):
                technical.append(
                    {
                        "code_erreur": error.get("rule_id", ""),
                        "libelle_erreur": f"#{item.position} {message}",
                        "nature_erreur": "TECHNIQUE",
                    }
                )
                continue
            if error.get("severity") != "fatal":
                continue
            invoices.append(
                {
                    "identifiant_fournisseur": item.supplier_identifier or flow.structure.identifier,
                    "identifiant_destinataire": item.recipient_identifier,
                    "numero_dp": item.number,
                    "libelle_erreur_dp": f"[{error.get('rule_id', '')}] {message}",
                    "numero_ordre": item.position,
                    "nom_fichier": item.name,
                    "code_regle": error.get("rule_id", ""),
                    "severite": error.get("severity", ""),
                    "localisation": error.get("location", ""),
                    "bt": error.get("bt", ""),
                    "libelle_erreur_en": error.get("message_en", ""),
                    "correction": error.get(fix, ""),
                }
            )
    return invoices, technical


@transverses_router.post(
    "consulterCRDetaille", response=ConsulterCRDetailleOut, operation_id="consulterCRDetaille"
)
def consulter_cr_detaille(request, body: ConsulterCRIn):
    """L'état d'intégration d'un flux et chaque erreur : pour chaque facture rejetée, la règle
    (codeRegle), l'endroit dans la facture (localisation, XPath), le terme métier (bt), le message et
    la correction ; les erreurs du flux lui-même dans listeErreurTechnique. Messages en anglais avec
    l'en-tête Accept-Language: en."""
    flow = _flow(request, body.numero_flux_depot)
    invoices, technical = _errors(flow, english=_language(request) == "en")
    return envelope.ok(
        numero_flux_depot=flow.number,
        code_interface_depot_flux=INTERFACE_CODE,
        date_depot_flux=flow.created_at,
        date_heure_etat_courant_flux=flow.status_at,
        etat_courant_depot_flux=flow.status,
        nom_fichier=_report_name(flow),
        liste_erreur_dp=invoices,
        liste_erreur_technique=technical,
        nb_factures=flow.item_count,
        nb_factures_integrees=flow.integrated_count,
        nb_factures_rejetees=flow.rejected_count,
    )


# --- return flows (ours) --------------------------------------------------------------------------


class ConsulterRetoursIn(CproIn):
    curseur: int = Field(
        0, ge=0, description="idChangement du dernier changement déjà lu (0 : depuis le début)"
    )
    nb_resultats: int = Field(500, ge=1, le=1000)


class ChangementStatut(CproSchema):
    id_changement: int
    id_facture: int
    numero_facture: str
    role: str = Field(description="FOURNISSEUR ou DESTINATAIRE")
    ancien_statut: str
    nouveau_statut: str
    code_statut_reforme: str
    libelle_statut_reforme: str
    date_heure_changement: datetime
    motif: str
    commentaire: str


class ConsulterRetoursOut(CproOut):
    liste_changements: list[ChangementStatut]
    curseur_suivant: int = Field(description="À passer en curseur à l'appel suivant")


@factures_router.post("consulter/retours", response=ConsulterRetoursOut, operation_id="consulterRetours")
def consulter_retours(request, body: ConsulterRetoursIn):
    """(OpenChorus) Le flux retour de la structure du compte technique : chaque changement de statut de
    ses factures, émises ou reçues, dans l'ordre, à partir d'un curseur — les mêmes changements que
    les fichiers statuts_*.json du répertoire out/ du dépôt EDI. Les webhooks les poussent aussi."""
    from openchorus.flows.returns import status_changes

    changes, cursor = status_changes(
        structure_id=request.auth.structure_id, after=body.curseur, limit=body.nb_resultats
    )
    return envelope.ok(liste_changements=[c.as_api() for c in changes], curseur_suivant=cursor)
