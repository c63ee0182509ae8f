"""`/cpro/factures/v1/…`, the supplier's side (research §2.1, §3.1–3.7; field names of the official
schema S1): soumettre, deposer/pdf, completer, recycler, consulter/fournisseur,
consulter/historique, rechercher/fournisseur and rechercher/atraiter/fournisseur.

Every operation acts as the technical account (`request.auth`) through the portal's services and
selectors: the same checks (INV-5), the same rights (`structures/access.py`), the same lifecycle.
An invoice the account may not see as supplier answers exactly as a missing one. `soumettre` and
`deposer/pdf` honour an `Idempotency-Key` header (see `_idempotent`).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.responses import NinjaJSONEncoder

from openchorus.api import envelope, references
from openchorus.api.routing import CproRouter
from openchorus.api.schemas import Page, PagingIn, order_by, page_of
from openchorus.api.schemas_factures import (
    CompleterFactureIn,
    CompleterFactureOut,
    ConsulterFactureIn,
    ConsulterFactureOut,
    ConsulterHistoriqueIn,
    ConsulterHistoriqueOut,
    DeposerPdfIn,
    DeposerPdfOut,
    RechercherATraiterFournisseurIn,
    RechercherFactureFournisseurIn,
    RechercherFactureFournisseurOut,
    RecyclerFactureIn,
    RecyclerFactureOut,
    SoumettreFactureIn,
    SoumettreFactureOut,
)
from openchorus.connections.services_api import (
    IdempotencyConflict,
    api_upload_get,
    api_upload_record,
    idempotent_run,
)
from openchorus.core.storage import stored_file_read
from openchorus.flows.models import FlowItem
from openchorus.ingestion.pipeline import deposit
from openchorus.invoices import selectors
from openchorus.invoices.checks import Finding
from openchorus.invoices.counts import counts_grouped
from openchorus.invoices.enums import BillingFrame, Channel, SourceSyntax
from openchorus.invoices.models import Invoice
from openchorus.invoices.services import (
    LINE_FIELDS,
    InvoiceRefused,
    invoice_attachment_add,
    invoice_complete,
    invoice_draft_save,
    invoice_recycle,
    invoice_submit,
)
from openchorus.lifecycle.services import supplier_visible_status
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.transitions import reform_code
from openchorus.structures import access
from openchorus.structures.enums import Status
from openchorus.structures.models import BankAccount, Structure

router = CproRouter()

PDF_MAX_BYTES = 10 * 1024 * 1024  # deposer/pdf: over 10 MB the real one answers 413 (research §1.3)
IDEMPOTENCY_HEADER = "Idempotency-Key"
CONFLICT = 409

MODES_DEPOT_IN = ("SAISIE_API", "DEPOT_PDF_API", "DEPOT_PDF_SIGNE_API")
TYPE_FACTURE_IN = {"FACTURE": "380", "AVOIR": "381"}
TYPE_FACTURE_OUT = {"381": "AVOIR", "386": "ACOMPTE"}
# modePaiement → UNCL 4461 (BT-81)
MODE_PAIEMENT_IN = {
    "CHEQUE": "20",
    "VIREMENT": "30",
    "PRELEVEMENT": "49",
    "ESPECE": "10",
    "AUTRE": "ZZZ",
    "REPORT": "97",
}
MODE_PAIEMENT_OUT = {code: name for name, code in MODE_PAIEMENT_IN.items()} | {
    "31": "VIREMENT",
    "58": "VIREMENT",
    "59": "PRELEVEMENT",
}
VAT_CODES = {code: rate for code, _label, rate in references.VAT_RATES}
VAT_CODE_OF_RATE = {rate: code for code, _label, rate in references.VAT_RATES}
# Our record's names → the names of soumettre, for the findings of a refusal.
FIELD_NAMES = {
    "number": "numeroFactureSaisi",
    "issue_date": "dateFacture",
    "recipient_identifier": "destinataire.codeDestinataire",
    "recipient": "destinataire.codeDestinataire",
    "service_code": "destinataire.codeServiceExecutant",
    "engagement_number": "references.numeroBonCommande",
    "contract_reference": "references.numeroMarche",
    "billing_frame": "cadreDeFacturation.codeCadreFacturation",
    "currency": "references.deviseFacture",
    "type_code": "references.typeFacture",
    "preceding_invoice_number": "references.numeroFactureOrigine",
    "payment_means_code": "references.modePaiement",
    "bank_account": "fournisseur.codeCoordonneesBancairesFournisseur",
    "iban": "fournisseur.codeCoordonneesBancairesFournisseur",
    "supplier_service": "fournisseur.idServiceFournisseur",
    "supplier": "fournisseur.idFournisseur",
    "lines": "lignePoste",
    "note": "commentaire",
    "file": "pieceJointeComplementaire",
}
LINE_FIELD_NAMES = {
    "identifier": "lignePosteNumero",
    "item_name": "lignePosteDenomination",
    "item_reference": "lignePosteReference",
    "quantity": "lignePosteQuantite",
    "unit_code": "lignePosteUnite",
    "unit_price": "lignePosteMontantUnitaireHT",
    "discount": "lignePosteMontantRemiseHT",
    "vat_rate": "lignePosteTauxTvaManuel",
    "vat_category": "lignePosteTauxTva",
}


# --- helpers --------------------------------------------------------------------------------------


def _bad_request(errors: list[dict[str, str]]) -> envelope.CproError:
    message = _("Requête mal formulée : %(fields)s.") % {"fields": ", ".join(e["champ"] for e in errors)}
    return envelope.CproError(message, code=envelope.BAD_REQUEST, status=400, extra={"erreurs": errors})


def _required(name: str) -> envelope.CproError:
    return _bad_request([{"champ": name, "message": _("Ce champ est obligatoire.")}])


def _missing_invoice(invoice_id: Any) -> envelope.CproError:
    return envelope.not_found(
        _("Aucune facture %(id)s n'est visible par ce compte technique comme fournisseur.")
        % {"id": invoice_id}
    )


def _invoice_for_supplier(request, invoice_id: int | None, field: str = "identifiantFactureCPP") -> Invoice:
    """The invoice as its supplier sees it, or the same 'not found' for a missing one and another
    tenant's (nothing tells them apart)."""
    if not invoice_id:
        raise _required(field)
    found = selectors.invoice_get_for_user(
        user=request.auth,
        invoice_id=invoice_id,
        related=selectors.PARTIES_RELATED,
        columns=selectors.PARTIES_COLUMNS,
    )
    if found is None or not found[1]["view_as_supplier"]:
        raise _missing_invoice(invoice_id)
    return found[0]


def _day(value: str | None, field: str) -> date | None:
    """A date as clients send it: `2026-11-02`, or a date-time `2026-11-02T00:00:00.000+01:00`."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _bad_request(
            [
                {
                    "champ": field,
                    "message": _("Date illisible « %(value)s » : AAAA-MM-JJ attendu.") % {"value": text[:40]},
                }
            ]
        ) from None


def _mode_depot(invoice: Invoice) -> str:
    pdf = invoice.source_syntax == SourceSyntax.PDF
    structured = invoice.is_structured_deposit
    if invoice.channel == Channel.API:
        return "DEPOT_PDF_API" if pdf else "UPLOAD_API" if structured else "SAISIE_API"
    if invoice.channel == Channel.ENTRY:
        return "SAISIE_PORTAIL"
    if invoice.channel == Channel.PORTAL_DEPOSIT:
        return "DEPOT_PDF_PORTAIL" if pdf else "UPLOAD_PORTAIL"
    return "EDI_MIXTE" if invoice.source_syntax == SourceSyntax.FACTURX else "EDI_XML_STRUCT"


def _type_facture(invoice: Invoice) -> str:
    return TYPE_FACTURE_OUT.get(invoice.type_code, "FACTURE")


def _json_answer(schema, answer: dict[str, Any]) -> dict[str, Any]:
    """The answer as the router would render it (aliases, Decimal and dates as ninja writes them)."""
    dumped = schema.model_validate(answer).model_dump(by_alias=True)
    return json.loads(json.dumps(dumped, cls=NinjaJSONEncoder))


def _idempotent(request, operation: str, schema, run):
    """`Idempotency-Key`: the first answer is kept per technical account and key; a replay (same
    operation, same body) gets it again with `Idempotent-Replayed: true` and creates nothing; the
    same key with another body is refused (409). Without the header the operation just runs."""
    key = request.headers.get(IDEMPOTENCY_HEADER, "")
    if not key.strip():
        return run()
    try:
        status, answer, replayed = idempotent_run(
            actor=request.auth,
            key=key,
            operation=operation,
            body=request.body,
            run=lambda: (200, _json_answer(schema, run())),
        )
    except IdempotencyConflict as error:
        raise envelope.CproError(error.message, code=CONFLICT, status=CONFLICT) from None
    response = HttpResponse(
        json.dumps(answer, ensure_ascii=False), status=status, content_type="application/json"
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _api_field(field: str) -> str:
    if field.startswith("lines-"):
        _prefix, index, name = [*field.split("-", 2), "", ""][:3]
        return f"lignePoste[{index}].{LINE_FIELD_NAMES.get(name, name)}"
    return FIELD_NAMES.get(field, field or "facture")


def _finding(finding: Finding) -> dict[str, str]:
    return {
        "champ": _api_field(finding.field),
        "message": finding.message,
        "regle": finding.rule_id,
        "gravite": finding.severity,
        "correction": finding.fix,
    }


def _refused(error: InvoiceRefused) -> envelope.CproError:
    """INV-5: the checks refused the invoice; every finding with its rule id, field and message."""
    return envelope.CproError(
        error.message,
        code=envelope.REFUSED_CODE,
        status=400,
        extra={
            "erreurs": [_finding(f) for f in error.findings if f.fatal],
            "avertissements": [_finding(f) for f in error.findings if not f.fatal],
        },
    )


def _upload(request, upload_id: Any, field: str):
    upload = api_upload_get(actor=request.auth, upload_id=upload_id)
    if upload is None:
        raise envelope.not_found(
            _(
                "Aucune pièce jointe %(id)s n'a été envoyée par un compte technique de votre structure (%(field)s)."
            )
            % {"id": upload_id, "field": field}
        )
    return upload


def _attach(request, invoice: Invoice, upload_id: Any, designation: str | None, field: str) -> None:
    upload = _upload(request, upload_id, field)
    invoice_attachment_add(
        actor=request.auth,
        invoice=invoice,
        data=stored_file_read(upload.stored),
        filename=upload.filename,
        description=(designation or "").strip(),
    )


# --- soumettre ------------------------------------------------------------------------------------


def _supplier(request, body: SoumettreFactureIn) -> Structure:
    supplier_id = body.fournisseur.id_fournisseur or request.auth.structure_id
    if supplier_id not in access.invoice_supplier_structures(request.auth):
        raise envelope.not_found(
            _("Le compte technique ne peut pas déposer pour la structure %(id)s (fournisseur.idFournisseur).")
            % {"id": supplier_id}
        )
    return Structure.objects.get(pk=supplier_id)


def _line(index: int, line, type_tva: str, errors: list[dict[str, str]]) -> dict[str, Any]:
    rate = line.ligne_poste_taux_tva_manuel
    code = (line.ligne_poste_taux_tva or "").strip().upper()
    if rate is None and code:
        rate = VAT_CODES.get(code)
        if rate is None:
            errors.append(
                {
                    "champ": f"lignePoste[{index}].lignePosteTauxTva",
                    "message": _("Code de taux inconnu « %(code)s » : voir transverses/recuperer/tauxtva.")
                    % {"code": code[:20]},
                }
            )
    if type_tva == "EXONERATION":
        category, rate = "E", Decimal(0)
    elif type_tva == "SANS_TVA":
        category, rate = "O", None
    else:
        category = "S" if rate else "Z"
    unit = (line.ligne_poste_unite or "").strip()
    values = {
        "identifier": str(line.ligne_poste_numero or index),
        "item_name": (line.ligne_poste_denomination or "").strip(),
        "item_reference": (line.ligne_poste_reference or "").strip(),
        "quantity": line.ligne_poste_quantite,
        "unit_code": unit.upper() if 0 < len(unit) <= 3 else "C62",
        "unit_price": line.ligne_poste_montant_unitaire_ht,
        "discount": line.ligne_poste_montant_remise_ht or Decimal(0),
        "vat_category": category,
        "vat_rate": rate,
    }
    return {k: v for k, v in values.items() if v is not None}


def _draft_input(request, body: SoumettreFactureIn, supplier: Structure) -> dict[str, Any]:
    """The services' arguments from the body, each value named as the portal's form names it; an
    unreadable or unknown code is a 400 naming the field."""
    errors: list[dict[str, str]] = []
    refs, frame = body.references, body.cadre_de_facturation
    values: dict[str, Any] = {}
    if body.numero_facture_saisi is not None:
        values["number"] = body.numero_facture_saisi
    if body.date_facture:
        values["issue_date"] = _day(body.date_facture, "dateFacture")
    if body.destinataire.code_destinataire is not None:
        values["recipient_identifier"] = body.destinataire.code_destinataire.replace(" ", "")
    if body.destinataire.code_service_executant is not None:
        values["service_code"] = body.destinataire.code_service_executant
    if frame.code_cadre_facturation:
        code = frame.code_cadre_facturation.strip().upper()
        if code not in BillingFrame.values:
            errors.append(
                {
                    "champ": "cadreDeFacturation.codeCadreFacturation",
                    "message": _("Cadre non accepté par soumettre : %(frames)s.")
                    % {"frames": ", ".join(BillingFrame.values)},
                }
            )
        values["billing_frame"] = code
    if refs.devise_facture:
        values["currency"] = refs.devise_facture.strip().upper()
    if refs.type_facture:
        kind = refs.type_facture.strip().upper()
        if kind not in TYPE_FACTURE_IN:
            errors.append({"champ": "references.typeFacture", "message": _("FACTURE ou AVOIR attendu.")})
        values["type_code"] = TYPE_FACTURE_IN.get(kind, "380")
    if refs.mode_paiement:
        mode = refs.mode_paiement.strip().upper()
        if mode not in MODE_PAIEMENT_IN:
            errors.append(
                {
                    "champ": "references.modePaiement",
                    "message": _("Valeurs : %(v)s.") % {"v": ", ".join(MODE_PAIEMENT_IN)},
                }
            )
        values["payment_means_code"] = MODE_PAIEMENT_IN.get(mode, "30")
    for name, value in (
        ("contract_reference", refs.numero_marche),
        ("engagement_number", refs.numero_bon_commande),
        ("preceding_invoice_number", refs.numero_facture_origine),
        ("note", body.commentaire),
    ):
        if value is not None:
            values[name] = value
    type_tva = (refs.type_tva or "").strip().upper()
    lines = [_line(i, line, type_tva, errors) for i, line in enumerate(body.ligne_poste, start=1)]
    supplier_service = None
    if body.fournisseur.id_service_fournisseur:
        supplier_service = supplier.services.filter(pk=body.fournisseur.id_service_fournisseur).first()
        if supplier_service is None:
            errors.append(
                {
                    "champ": "fournisseur.idServiceFournisseur",
                    "message": _("Aucun service de ce numéro dans votre structure."),
                }
            )
    bank_account = None
    if body.fournisseur.code_coordonnees_bancaires_fournisseur:
        bank_account = BankAccount.objects.filter(
            pk=body.fournisseur.code_coordonnees_bancaires_fournisseur,
            structure=supplier,
            status=Status.ACTIVE,
        ).first()
        if bank_account is None:
            errors.append(
                {
                    "champ": "fournisseur.codeCoordonneesBancairesFournisseur",
                    "message": _(
                        "Aucune coordonnée bancaire active de ce numéro : voir transverses/recuperer/coordbanc/valides."
                    ),
                }
            )
    if errors:
        raise _bad_request(errors)
    return {
        "values": values,
        "lines": lines,
        "supplier_service": supplier_service,
        "bank_account": bank_account,
        "exemption_reason": (refs.motif_exoneration_tva or "").strip(),
    }


def _totals_match(body: SoumettreFactureIn, invoice: Invoice) -> None:
    """The totals the client computed must be the platform's (from the lines): otherwise a 400 names
    each differing total rather than silently sending other amounts."""
    given = body.montant_total
    if given is None:
        return
    pairs = (
        ("montantTotal.montantHtTotal", given.montant_ht_total, invoice.total_excl_vat),
        ("montantTotal.montantTVA", given.montant_tva, invoice.vat_total),
        ("montantTotal.montantTtcTotal", given.montant_ttc_total, invoice.total_incl_vat),
        ("montantTotal.montantAPayer", given.montant_a_payer, invoice.amount_due),
    )
    errors = [
        {
            "champ": name,
            "message": _("Montant %(given)s différent du montant calculé à partir des lignes : %(computed)s.")
            % {"given": value, "computed": computed},
        }
        for name, value, computed in pairs
        if value is not None and abs(Decimal(value) - computed) > Decimal("0.01")
    ]
    if errors:
        raise envelope.CproError(
            _("Les montants totaux ne correspondent pas aux lignes de la facture."),
            code=envelope.REFUSED_CODE,
            extra={"erreurs": errors},
        )


def _submitted(invoice: Invoice, libelle: str = envelope.OK_DEPOSIT) -> dict[str, Any]:
    document = invoice.xml_file or invoice.original_file
    return envelope.ok(
        libelle,
        identifiant_facture_cpp=invoice.pk,
        numero_facture=invoice.number,
        statut_facture=supplier_visible_status(invoice),
        date_depot=invoice.submitted_at,
        identifiant_structure=invoice.supplier.identifier,
        empreinte_certificat_depot=document.sha256 if document else "",
    )


def _soumettre(request, body: SoumettreFactureIn) -> dict[str, Any]:
    mode = (body.mode_depot or "SAISIE_API").strip().upper()
    if mode not in MODES_DEPOT_IN:
        raise _bad_request(
            [{"champ": "modeDepot", "message": _("Valeurs : %(v)s.") % {"v": ", ".join(MODES_DEPOT_IN)}}]
        )
    supplier = _supplier(request, body)
    arguments = _draft_input(request, body, supplier)
    principal = body.piece_jointe_principale[0] if body.piece_jointe_principale else None
    try:
        # The counters written once, just before the commit: their row is the same for every
        # invoice of this account, and 20 clients waited on its lock (docs/perf.md).
        with transaction.atomic(), counts_grouped():
            draft = None
            if mode != "SAISIE_API":
                if principal is None or not principal.piece_jointe_principale_id:
                    raise _required("pieceJointePrincipale.pieceJointePrincipaleId")
                upload = _upload(request, principal.piece_jointe_principale_id, "pieceJointePrincipale")
                draft = upload.invoice
                if draft is None or not draft.is_draft or draft.supplier_id != supplier.pk:
                    raise envelope.not_found(
                        _(
                            "La pièce %(id)s n'est pas une facture PDF déposée par deposer/pdf et encore à soumettre."
                        )
                        % {"id": upload.pk}
                    )
                if not arguments["lines"]:
                    arguments["lines"] = [
                        {name: getattr(line, name) for name in LINE_FIELDS} for line in draft.lines.all()
                    ]
            invoice = invoice_draft_save(
                actor=request.auth, supplier=supplier, invoice=draft, channel=Channel.API, **arguments
            )
            _totals_match(body, invoice)
            if mode == "SAISIE_API" and principal is not None and principal.piece_jointe_principale_id:
                _attach(
                    request,
                    invoice,
                    principal.piece_jointe_principale_id,
                    principal.piece_jointe_principale_designation,
                    "pieceJointePrincipale",
                )
            for piece in body.piece_jointe_complementaire:
                if not piece.piece_jointe_complementaire_id:
                    raise _required("pieceJointeComplementaire.pieceJointeComplementaireId")
                _attach(
                    request,
                    invoice,
                    piece.piece_jointe_complementaire_id,
                    piece.piece_jointe_complementaire_designation,
                    "pieceJointeComplementaire",
                )
            invoice = invoice_submit(actor=request.auth, invoice=invoice)
    except InvoiceRefused as error:
        raise _refused(error) from None
    return _submitted(
        Invoice.objects.select_related("supplier", "recipient", "xml_file", "original_file").get(
            pk=invoice.pk
        )
    )


@router.post("soumettre", response=SoumettreFactureOut, operation_id="soumettreFacture")
def soumettre(request, body: SoumettreFactureIn):
    """Saisir et envoyer une facture (modeDepot SAISIE_API), ou envoyer celle d'un PDF déposé par
    deposer/pdf (DEPOT_PDF_API, pieceJointePrincipaleId = son pieceJointeId). Les contrôles du portail
    s'appliquent ; un refus renvoie chaque anomalie (règle, champ, message). En-tête
    Idempotency-Key accepté."""
    return _idempotent(request, "soumettre", SoumettreFactureOut, lambda: _soumettre(request, body))


# --- deposer/pdf ----------------------------------------------------------------------------------


def _decoded(text: str, field: str, limit: int | None = None) -> bytes:
    text = "".join((text or "").split())
    if not text:
        raise _required(field)
    if limit is not None and len(text) * 3 // 4 > limit + 2:
        raise _too_big(limit)
    try:
        data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise _bad_request([{"champ": field, "message": _("Contenu base64 illisible.")}]) from None
    if limit is not None and len(data) > limit:
        raise _too_big(limit)
    return data


def _too_big(limit: int) -> envelope.CproError:
    return envelope.CproError(
        _("Le fichier dépasse la taille maximale de %(mb)s Mo.") % {"mb": limit // (1024 * 1024)},
        code=413,
        status=413,
    )


def _deposer_pdf(request, body: DeposerPdfIn) -> dict[str, Any]:
    data = _decoded(body.fichier_facture, "fichierFacture", PDF_MAX_BYTES)
    filename = (body.nom_fichier or "facture.pdf").strip()[:255]
    supplier = Structure.objects.get(pk=request.auth.structure_id)
    with transaction.atomic():
        outcome = deposit(
            actor=request.auth,
            supplier=supplier,
            data=data,
            filename=filename,
            channel=Channel.API,
            submit=False,
        )
        if outcome.invoice is None:
            fatal = [f for f in outcome.findings if f.fatal] or outcome.findings
            raise envelope.CproError(
                _("Le fichier « %(name)s » est refusé.") % {"name": filename},
                code=envelope.REFUSED_CODE,
                extra={"erreurs": [dict(_finding(f), champ="fichierFacture") for f in fatal]},
            )
        invoice = outcome.invoice
        upload = api_upload_record(
            actor=request.auth, stored=invoice.original_file, filename=filename, invoice=invoice
        )
    return envelope.ok(
        envelope.OK_DEPOSIT,
        numero_facture=invoice.number or None,
        date_facture=invoice.issue_date,
        code_destinataire=invoice.recipient_identifier or None,
        code_service_executant=invoice.service_code or None,
        code_fournisseur=supplier.identifier,
        code_devise_facture=invoice.currency or None,
        type_facture=_type_facture(invoice),
        type_tva=None,
        numero_bon_commande=invoice.engagement_number or None,
        montant_ttc_avant_remise_global_ttc=invoice.total_incl_vat if invoice.lines.exists() else None,
        montant_a_payer=invoice.amount_due if invoice.lines.exists() else None,
        montant_ht_total=invoice.total_excl_vat if invoice.lines.exists() else None,
        montant_tva=invoice.vat_total if invoice.lines.exists() else None,
        piece_jointe_id=upload.pk,
    )


@router.post("deposer/pdf", response=DeposerPdfOut, operation_id="deposerPdfFacture")
def deposer_pdf(request, body: DeposerPdfIn):
    """Déposer une facture PDF (base64, 10 Mo au plus, sinon 413) : elle est lue comme au portail et
    devient un brouillon (le statut INTERPRETEE_OCR de Chorus Pro) ; la réponse donne les champs
    reconnus et le pieceJointeId à passer à soumettre (modeDepot DEPOT_PDF_API). En-tête
    Idempotency-Key accepté."""
    return _idempotent(request, "deposer/pdf", DeposerPdfOut, lambda: _deposer_pdf(request, body))


# --- completer, recycler --------------------------------------------------------------------------


@router.post("completer", response=CompleterFactureOut, operation_id="completerFacture")
def completer(request, body: CompleterFactureIn):
    """Compléter une facture SUSPENDUE : les pièces jointes envoyées par ajouter/fichier
    (pieceJointeComplementaireId) et/ou un commentaire, puis elle repart au destinataire (COMPLETEE)."""
    invoice = _invoice_for_supplier(request, body.identifiant_facture_cpp)
    with transaction.atomic():
        if body.piece_jointe_complementaire and access.invoice_abilities(request.auth, invoice)["attach"]:
            for piece in body.piece_jointe_complementaire:
                if not piece.piece_jointe_complementaire_id:
                    raise _required("pieceJointeComplementaire.pieceJointeComplementaireId")
                _attach(
                    request,
                    invoice,
                    piece.piece_jointe_complementaire_id,
                    piece.piece_jointe_complementaire_designation,
                    "pieceJointeComplementaire",
                )
        invoice = invoice_complete(actor=request.auth, invoice=invoice, comment=body.commentaire or "")
    return envelope.ok(
        envelope.OK,
        identifiant_facture_cpp=invoice.pk,
        numero_facture=invoice.number,
        date_traitement=invoice.status_changed_at,
    )


@router.post("recycler", response=RecyclerFactureOut, operation_id="recyclerFacture")
def recycler(request, body: RecyclerFactureIn):
    """Recycler une facture A_RECYCLER : nouveau destinataire, code service et/ou numéro
    d'engagement (reference.numeroBonCommande) ; les champs absents gardent leur valeur."""
    invoice = _invoice_for_supplier(request, body.identifiant_facture_cpp)
    code = body.destinataire.code_destinataire
    service = body.destinataire.code_service_executant
    engagement = body.reference.numero_bon_commande
    try:
        invoice = invoice_recycle(
            actor=request.auth,
            invoice=invoice,
            recipient_identifier=invoice.recipient_identifier if code is None else code.replace(" ", ""),
            service_code=invoice.service_code if service is None else service,
            engagement_number=invoice.engagement_number if engagement is None else engagement,
        )
    except InvoiceRefused as error:
        raise _refused(error) from None
    return envelope.ok(
        envelope.OK,
        identifiant_facture_cpp=invoice.pk,
        numero_facture=invoice.number,
        statut_facture=supplier_visible_status(invoice),
        date_depot=invoice.submitted_at,
    )


# --- consulter/fournisseur ------------------------------------------------------------------------


def _vat_code(rate: Decimal | None) -> str | None:
    return VAT_CODE_OF_RATE.get(Decimal(rate).quantize(Decimal("0.01"))) if rate is not None else None


def _facture(invoice: Invoice) -> dict[str, Any]:
    recipient, service = invoice.recipient, invoice.recipient_service
    supplier, supplier_service = invoice.supplier, invoice.supplier_service
    lines = selectors.invoice_lines(invoice_id=invoice.pk)
    attachments = selectors.invoice_attachments(invoice_id=invoice.pk)
    breakdown = invoice.vat_breakdown or []
    status = supplier_visible_status(invoice)
    paid = invoice.paid_amount or Decimal(0)
    return {
        "identifiant_facture_cpp": invoice.pk,
        "numero_facture": invoice.number,
        "statut_facture": status,
        "code_statut_reforme": reform_code(status),
        "mode_depot": _mode_depot(invoice),
        "destinataire": {
            "id_destinataire": recipient.pk if recipient else None,
            "code_destinataire": recipient.identifier if recipient else invoice.recipient_identifier,
            "libelle_destinataire": recipient.designation if recipient else "",
            "id_service_executant": service.pk if service else None,
            "code_service_executant": service.code if service else invoice.service_code,
            "libelle_service_executant": service.label if service else "",
            "mise_en_paiement_destinataire": (not recipient.payment_status_hidden) if recipient else None,
            "adresse_destinataire_detail": recipient.address_line1 if recipient else "",
            "adresse_destinataire_code_postal": recipient.postcode if recipient else "",
            "adresse_destinataire_ville": recipient.city if recipient else "",
            "adresse_destinataire_code_pays": recipient.country if recipient else "",
            "designation_destinataire": recipient.designation if recipient else "",
        },
        "fournisseur": {
            "id_fournisseur": supplier.pk,
            "type_identifiant_fournisseur": supplier.identifier_type,
            "code_fournisseur": supplier.identifier,
            "raison_sociale_fournisseur": supplier.legal_name,
            "id_service_fournisseur": supplier_service.pk if supplier_service else None,
            "code_service_fournisseur": supplier_service.code if supplier_service else "",
            "libelle_service_fournisseur": supplier_service.label if supplier_service else "",
            "adresse_fournisseur_detail": supplier.address_line1,
            "adresse_fournisseur_code_postal": supplier.postcode,
            "adresse_fournisseur_ville": supplier.city,
            "adresse_fournisseur_code_pays": supplier.country,
            "numero_rcs_fournisseur": supplier.rcs_number,
            "coord_bancaires_fournisseur_id": invoice.bank_account_id,
            "coord_bancaires_fournisseur_type": "IBAN" if invoice.iban else None,
            "coord_bancaires_fournisseur_compte_bancaire": invoice.iban,
            "coord_bancaires_bic_swift": invoice.bic,
            "designation_fournisseur": supplier.designation,
        },
        "cadre_de_facturation": {"code_cadre_facturation": invoice.billing_frame},
        "references": {
            "date_facture": invoice.issue_date,
            "date_depot": invoice.submitted_at,
            "code_devise_facture": invoice.currency,
            "type_facture": _type_facture(invoice),
            "numero_marche": invoice.contract_reference,
            "numero_bon_commande": invoice.engagement_number,
            "numero_facture_origine": invoice.preceding_invoice_number,
            "mode_paiement": MODE_PAIEMENT_OUT.get(invoice.payment_means_code),
            "date_creation_facture": invoice.created_at,
            "date_echeance_paiement": invoice.due_date,
        },
        "recapitulatif_de_tva": {
            "ligne_tva": [
                {
                    "ligne_tva_taux_ref_code": _vat_code(row.get("rate")),
                    "ligne_tva_taux_ref_valeur": row.get("rate"),
                    "ligne_tva_taux_manuel": row.get("rate"),
                    "ligne_tva_montant_base_ht_par_taux": row.get("taxable") or 0,
                    "ligne_tva_montant_tva_par_taux": row.get("tax") or 0,
                    "ligne_tva_categorie": row.get("category", ""),
                }
                for row in breakdown
            ],
            "page_courante_lignes_recapitulatives_tva": 1,
            "pages_lignes_recapitulatives_tva": 1 if breakdown else 0,
            "nb_resultats_par_page_lignes_recapitulatives_tva": len(breakdown),
            "total_lignes_recapitulatives_tva": len(breakdown),
        },
        "montant_total": {
            "montant_ht_total": invoice.total_excl_vat,
            "montant_tva": invoice.vat_total,
            "montant_ttc_avant_remise_global_ttc": invoice.total_incl_vat,
            "montant_remise_globale_ttc": Decimal(0),
            "montant_ttc_total": invoice.total_incl_vat,
            "montant_a_payer": invoice.amount_due
            if invoice.amount_due is not None
            else invoice.total_incl_vat - paid,
        },
        "piece_jointe_principale": {
            "id_liaison_piece_jointe_principale": None,
            "id_piece_jointe_principale": invoice.original_file_id,
        },
        "liste_des_pieces_jointes": {
            "piece_jointe": [
                {
                    "piece_jointe_type_code": "ANNEXE",
                    "piece_jointe_type_libelle": _("Pièce jointe complémentaire"),
                    "piece_jointe_designation": a.description or a.filename,
                    "piece_jointe_id_liaison": a.pk,
                    "piece_jointe_id": a.stored_id,
                    "piece_jointe_extension": (
                        a.filename.rsplit(".", 1)[-1] if "." in a.filename else ""
                    ).upper(),
                }
                for a in attachments
            ],
            "page_courante_liste_pieces_jointe": 1,
            "pages_liste_pieces_jointe": 1 if attachments else 0,
            "nb_resultats_par_page_liste_pieces_jointe": len(attachments),
            "total_liste_pieces_jointe": len(attachments),
        },
        "lignes_de_poste": {
            "ligne_poste": [
                {
                    "ligne_poste_numero": line.position,
                    "ligne_poste_reference": line.item_reference,
                    "ligne_poste_denomination": line.item_name,
                    "ligne_poste_quantite": line.quantity,
                    "ligne_poste_unite_libelle": line.unit_code,
                    "ligne_poste_montant_unitaire_ht": line.unit_price,
                    "ligne_poste_montant_remise_ht": line.discount,
                    "ligne_poste_taux_tva": _vat_code(line.vat_rate),
                    "ligne_poste_taux_tva_manuel": line.vat_rate,
                    "ligne_poste_montant_ht_apres_remise": line.net_amount,
                }
                for line in lines
            ],
            "page_courante_lignes_poste": 1,
            "pages_lignes_poste": 1 if lines else 0,
            "nb_resultats_par_page_lignes_poste": len(lines),
            "total_lignes_poste": len(lines),
        },
        "commentaire": invoice.note,
    }


@router.post(
    "consulter/fournisseur", response=ConsulterFactureOut, operation_id="consulterFactureParFournisseur"
)
def consulter_fournisseur(request, body: ConsulterFactureIn):
    """Une facture émise par la structure du compte : en-tête, destinataire, montants, récapitulatif
    de TVA, lignes et pièces jointes ; le statut est celui que voit le fournisseur."""
    invoice = _invoice_for_supplier(request, body.identifiant_facture_cpp)
    return envelope.ok(envelope.OK, facture=_facture(invoice))


# --- consulter/historique -------------------------------------------------------------------------


@router.post(
    "consulter/historique", response=ConsulterHistoriqueOut, operation_id="consulterHistoriqueFacture"
)
def consulter_historique(request, body: ConsulterHistoriqueIn):
    """L'historique des statuts d'une facture émise (statutCourantCode et histoStatut[]), tels que
    le fournisseur les voit, avec le code de statut de la réforme 2026 (histoStatutCodeReforme)."""
    invoice = _invoice_for_supplier(request, body.id_facture, field="idFacture")
    status = supplier_visible_status(invoice)
    changes = invoice.status_changes.order_by("at", "id")
    if status != invoice.status:  # a "Mise en paiement" hidden from the supplier (LIF-6)
        changes = changes.exclude(to_status=InvoiceStatus.PAYMENT_ORDERED)
    paging = body.param_recherche_histo_statuts
    if paging is not None and (paging.tri_sens_liste_histo_statut or "").strip().lower().startswith("desc"):
        changes = changes.reverse()
    page = page_of(
        PagingIn(
            nb_resultats_par_page=(paging.nb_resultats_par_page_liste_histo_statut if paging else None)
            or body.nb_resultats_maximum,
            page_resultat_demandee=paging.page_resultat_demandee_liste_histo_statut if paging else None,
        ),
        changes.count(),
    )
    rows = [
        {
            "histo_statut_id": change.pk,
            "histo_statut_code": change.to_status,
            "histo_statut_code_reforme": reform_code(change.to_status),
            "histo_statut_date_passage": change.at,
            "histo_statut_commentaire": change.comment,
            "histo_statut_motif": change.motif,
        }
        for change in page.slice(changes)
    ]
    return envelope.ok(
        envelope.OK,
        id_facture=invoice.pk,
        numero_facture=invoice.number,
        mode_depot=_mode_depot(invoice),
        statut_courant_code=status,
        statut_courant_code_reforme=reform_code(status),
        historiques_des_statuts={
            "histo_statut": rows,
            "page_courante_histo_statut": page.number,
            "pages_histo_statut": page.pages,
            "nb_resultats_par_page_histo_statut": page.size,
            "total_histo_statut": page.total,
        },
    )


# --- rechercher/fournisseur, rechercher/atraiter/fournisseur ---------------------------------------

SORT_INVOICES = {
    "NumeroFacture": "number",
    "numeroFacture": "number",
    "DateFacture": "issue_date",
    "dateFacture": "issue_date",
    "DateDepot": "submitted_at",
    "dateDepot": "submitted_at",
    "MontantTTC": "total_incl_vat",
    "MontantHT": "total_excl_vat",
    "Statut": "shown_status",
    "DateHeureEtatCourant": "status_changed_at",
}


def _supplier_invoices(request) -> QuerySet[Invoice]:
    """The invoices the account sees as supplier, each with the status the supplier sees."""
    scope = Invoice.objects.filter(access.sent_invoices_scope(request.auth))
    return selectors.with_supplier_status(scope).select_related(
        "supplier", "supplier_service", "recipient", "recipient_service"
    )


def _moment(value: str | None, field: str, end: bool = False) -> datetime | None:
    day = _day(value, field)
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day + timedelta(days=1) if end else day, time.min))


def _row(invoice: Invoice) -> dict[str, Any]:
    recipient, service, supplier_service = (
        invoice.recipient,
        invoice.recipient_service,
        invoice.supplier_service,
    )
    status = invoice.shown_status
    return {
        "identifiant_facture_cpp": invoice.pk,
        "code_fournisseur": invoice.supplier.identifier,
        "type_identifiant_fournisseur": invoice.supplier.identifier_type,
        "designation_fournisseur": invoice.supplier.designation,
        "code_service_fournisseur": supplier_service.code if supplier_service else "",
        "nom_service_fournisseur": supplier_service.label if supplier_service else "",
        "id_destinataire": recipient.pk if recipient else None,
        "code_destinataire": recipient.identifier if recipient else invoice.recipient_identifier,
        "designation_destinataire": recipient.designation if recipient else "",
        "id_service_executant": service.pk if service else None,
        "code_service_executant": service.code if service else invoice.service_code,
        "nom_service_executant": service.label if service else "",
        "type_facture": _type_facture(invoice),
        "numero_facture": invoice.number,
        "date_facture": invoice.issue_date,
        "date_depot": invoice.submitted_at,
        "montant_ht": invoice.total_excl_vat,
        "montant_ttc": invoice.total_incl_vat,
        "montant_a_payer": invoice.amount_due,
        "devise": invoice.currency,
        "statut": status,
        "code_statut_reforme": reform_code(status) if status in InvoiceStatus.values else "",
        "numero_marche": invoice.contract_reference,
        "numero_bon_commande": invoice.engagement_number,
        "numero_facture_origine": invoice.preceding_invoice_number,
        "mode_depot": _mode_depot(invoice),
        "date_heure_etat_courant": invoice.status_changed_at,
    }


def _page_answer(queryset: QuerySet[Invoice], paging: PagingIn | None, maximum: int | None) -> dict[str, Any]:
    total = queryset.count()
    if maximum:
        total = min(total, maximum)
    page: Page = page_of(paging, total)
    if paging is not None and (paging.tri_colonne or "").strip() in SORT_INVOICES:
        ordered = queryset.order_by(*order_by(paging, SORT_INVOICES, "submitted_at"))
    else:  # the newest deposits first
        ordered = queryset.order_by("-submitted_at", "-pk")
    invoices = list(page.slice(ordered)) if page.offset < total else []
    invoices = invoices[: max(total - page.offset, 0)]
    edi = [invoice.pk for invoice in invoices if invoice.channel == Channel.EDI]
    flows = (
        dict(FlowItem.objects.filter(invoice_id__in=edi).values_list("invoice_id", "flow__number"))
        if edi
        else {}
    )
    rows = [_row(invoice) | {"numero_flux_depot": flows.get(invoice.pk)} for invoice in invoices]
    answer = envelope.ok if page.total else envelope.no_result
    return answer(parametres_retour=page.parametres_retour(), liste_factures=rows)


def _statuses(values: list[str]) -> list[str]:
    statuses = [v.strip().upper() for v in values if v and v.strip()]
    unknown = [s for s in statuses if s not in InvoiceStatus.values and s != "INTERPRETEE_OCR"]
    if unknown:
        raise _bad_request(
            [
                {
                    "champ": "statutCourant",
                    "message": _("Statut inconnu : %(s)s.") % {"s": ", ".join(unknown)[:200]},
                }
            ]
        )
    return [InvoiceStatus.DRAFT if s == "INTERPRETEE_OCR" else s for s in statuses]


@router.post(
    "rechercher/fournisseur",
    response=RechercherFactureFournisseurOut,
    operation_id="rechercherFactureParFournisseur",
)
def rechercher_fournisseur(request, body: RechercherFactureFournisseurIn):
    """Rechercher les factures émises par la structure du compte (numéro, dates de dépôt, de facture
    et de statut, statuts, destinataires, montants, cadre, références ; paginé). Les brouillons ne
    sont renvoyés que si statutCourant les demande (BROUILLON)."""
    query = _supplier_invoices(request)
    q = Q()
    statuses = _statuses(body.statut_courant)
    if statuses:
        q &= Q(shown_status__in=statuses)
    else:
        q &= ~Q(status=InvoiceStatus.DRAFT)
    if body.numero_facture:
        q &= Q(number=body.numero_facture.strip())
    if body.type_facture:
        kind = body.type_facture.strip().upper()
        q &= (
            Q(type_code="381")
            if kind == "AVOIR"
            else Q(type_code="386")
            if kind == "ACOMPTE"
            else ~Q(type_code__in=["381", "386"])
        )
    if body.id_fournisseur:
        q &= Q(supplier_id=body.id_fournisseur)
    if body.id_service_fournisseur:
        q &= Q(supplier_service_id=body.id_service_fournisseur)
    if body.cadre_facturation:
        q &= Q(billing_frame=body.cadre_facturation.strip().upper())
    recipients = Q()
    for criterion in body.liste_destinataire:
        one = Q(recipient_id=criterion.id_destinataire) if criterion.id_destinataire else Q()
        if criterion.liste_id_service_executant:
            one &= Q(recipient_service_id__in=criterion.liste_id_service_executant)
        recipients |= one
    q &= recipients
    for field, name, end in (
        ("submitted_at__gte", "periode_date_depot_du", False),
        ("submitted_at__lt", "periode_date_depot_au", True),
        ("status_changed_at__gte", "periode_date_heure_etat_courant_du", False),
        ("status_changed_at__lt", "periode_date_heure_etat_courant_au", True),
    ):
        moment = _moment(getattr(body, name), name, end)
        if moment is not None:
            q &= Q(**{field: moment})
    for field, name in (
        ("issue_date__gte", "periode_date_facture_du"),
        ("issue_date__lte", "periode_date_facture_au"),
    ):
        day = _day(getattr(body, name), name)
        if day is not None:
            q &= Q(**{field: day})
    for field, value in (
        ("total_excl_vat__gte", body.montant_ht_min),
        ("total_excl_vat__lte", body.montant_ht_max),
        ("total_incl_vat__gte", body.montant_ttc_min),
        ("total_incl_vat__lte", body.montant_ttc_max),
        ("amount_due__gte", body.montant_apayer_min),
        ("amount_due__lte", body.montant_apayer_max),
    ):
        if value is not None:
            q &= Q(**{field: value})
    for field, value in (
        ("contract_reference", body.numero_marche),
        ("engagement_number", body.numero_bon_commande),
        ("preceding_invoice_number", body.numero_facture_origine),
    ):
        if value:
            q &= Q(**{field: value.strip()})
    if body.mode_depot:
        mode = body.mode_depot.strip().upper()
        channels = {"SAISIE_API": Channel.API, "DEPOT_PDF_API": Channel.API, "UPLOAD_API": Channel.API,
                    "SAISIE_PORTAIL": Channel.ENTRY, "SAISIE_WEB": Channel.ENTRY,
                    "DEPOT_PDF_PORTAIL": Channel.PORTAL_DEPOSIT, "UPLOAD_PORTAIL": Channel.PORTAL_DEPOSIT,
                    "PORTAIL_PDF": Channel.PORTAL_DEPOSIT}  # fmt: skip
        q &= Q(channel=channels.get(mode, Channel.EDI))
    if body.numero_flux_depot:
        # The invoices a flow integrated (S3 maps numeroFacture → identifiantFactureCPP this way);
        # `query` already keeps only the structure's own invoices.
        flow_items = FlowItem.objects.filter(
            flow__number=body.numero_flux_depot.strip(), invoice__isnull=False
        )
        q &= Q(pk__in=flow_items.values("invoice_id"))
    paging = body.recherche_facture_par_fournisseur
    return _page_answer(query.filter(q), paging, paging.nb_resultats_maximum if paging else None)


ACTION_STATUSES = (InvoiceStatus.TO_RECYCLE, InvoiceStatus.SUSPENDED, InvoiceStatus.REJECTED)


@router.post(
    "rechercher/atraiter/fournisseur",
    response=RechercherFactureFournisseurOut,
    operation_id="rechercherFactureATraiterParFournisseur",
)
def rechercher_atraiter_fournisseur(request, body: RechercherATraiterFournisseurIn):
    """Les factures émises qui attendent une action du fournisseur : A_RECYCLER (recycler),
    SUSPENDUE (completer) et REJETEE (à réémettre ; masquerRejetee: true les retire)."""
    statuses = [s for s in ACTION_STATUSES if not (body.masquer_rejetee and s == InvoiceStatus.REJECTED)]
    query = _supplier_invoices(request).filter(shown_status__in=statuses)
    if body.id_structure:
        query = query.filter(supplier_id=body.id_structure)
    paging = body.recherche_facture_a_traiter_par_fournisseur
    return _page_answer(query, paging, paging.nb_resultats_maximum if paging else None)
