"""`/cpro/factures/v1/…`, the recipient's side (research §3.6, §3.8, §3.9): consult, search and
download the invoices received, and process them (`traiter/recue`).

The technical account is the actor: its invoices are those of "Factures reçues" on its structure
(`access.received_invoices_scope`, `access.invoice_abilities`), exactly as for a portal user, and
processing goes through `lifecycle.services.invoice_process`. An invoice of another structure
answers as a missing one (20001), whatever the reason.
"""

from __future__ import annotations

import base64
import io
import math
import re
import zipfile
from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from openchorus.api import envelope
from openchorus.api.routing import ERROR_RESPONSES, CproRouter
from openchorus.api.schemas import ErreurOut, PagingIn, order_by, page_of
from openchorus.api.schemas_recipient import (
    ConsulterFactureRecipiendaireIn,
    ConsulterFactureRecipiendaireOut,
    RechercherFactureATraiterIn,
    RechercherFactureATraiterOut,
    RechercherFactureRecipiendaireIn,
    RechercherFactureRecipiendaireOut,
    TelechargerGroupeIn,
    TelechargerGroupeOut,
    TraiterFactureRecueIn,
    TraiterFactureRecueOut,
)
from openchorus.audit.models import AuditEvent
from openchorus.audit.services import audit_event_add
from openchorus.core.errors import ApplicationError
from openchorus.core.models import StoredFile
from openchorus.core.storage import EXTENSIONS, stored_file_read
from openchorus.invoices.enums import AttachmentKind, Channel, InvoiceType, SourceSyntax
from openchorus.invoices.models import Invoice
from openchorus.invoices.selectors import invoice_get_for_user
from openchorus.invoices.services import invoice_pdf_write
from openchorus.lifecycle.services import invoice_process, invoice_stream
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.transitions import MOTIFS, Party, targets_from
from openchorus.structures import access

router = CproRouter()

DOWNLOADED = "invoice:downloaded"  # audit action: factureTelechargeeParDestinataire
TO_PROCESS = (InvoiceStatus.AVAILABLE, InvoiceStatus.COMPLETED)
MAX_DOWNLOAD_INVOICES = 500


def download_limit() -> int:
    """The size of a telecharger/groupe answer's files, as the real one's 120 MB folder limit."""
    return int(getattr(settings, "OPENCHORUS_API_DOWNLOAD_MAX_BYTES", 120 * 1024 * 1024))


# --- mappings to the real vocabulary ---------------------------------------------------------------


def _type_facture(invoice: Invoice) -> str:
    if invoice.type_code == InvoiceType.CREDIT_NOTE:
        return "AVOIR"
    if invoice.type_code == InvoiceType.PREPAYMENT:
        return "ACOMPTE"
    return "FACTURE"


def _mode_depot(invoice: Invoice) -> str:
    pdf = invoice.source_syntax == SourceSyntax.PDF
    return {
        Channel.ENTRY: "SAISIE_PORTAIL",
        Channel.PORTAL_DEPOSIT: "DEPOT_PDF_PORTAIL" if pdf else "UPLOAD_PORTAIL",
        Channel.API: "DEPOT_PDF_API" if pdf else ("UPLOAD_API" if invoice.source_syntax else "SAISIE_API"),
        Channel.EDI: "EDI",
    }.get(invoice.channel, "SAISIE_PORTAIL")


_PAYMENT_MEANS = {"10": "ESPECE", "20": "CHEQUE", "30": "VIREMENT", "31": "VIREMENT", "42": "VIREMENT",
                  "58": "VIREMENT", "49": "PRELEVEMENT", "59": "PRELEVEMENT", "97": "REPORT"}  # fmt: skip
TYPE_FACTURE_IN = {
    "FACTURE": [InvoiceType.INVOICE, InvoiceType.CORRECTED, InvoiceType.SELF_BILLED, InvoiceType.PREPAYMENT],
    "AVOIR": [InvoiceType.CREDIT_NOTE],
    "ACOMPTE": [InvoiceType.PREPAYMENT],
}


def _money(value: Decimal | None) -> float:
    return float(value or 0)


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _end_of_day(value: datetime) -> datetime:
    """`…Au` bounds given as a day (midnight) include that whole day."""
    if value.time() == time.min:
        value = datetime.combine(value.date(), time.max)
    return _aware(value)


def _downloaded() -> Exists:
    return Exists(
        AuditEvent.objects.filter(
            action=DOWNLOADED, stream=Concat(Value("invoice:"), Cast(OuterRef("pk"), CharField()))
        )
    )


def _received(actor) -> QuerySet[Invoice]:
    """Every invoice of the actor's "Factures reçues", with what the lists show."""
    return (
        Invoice.objects.filter(access.received_invoices_scope(actor))
        .select_related("supplier", "supplier_service", "recipient", "recipient_service")
        .annotate(downloaded=_downloaded())
    )


def _row(invoice: Invoice) -> dict:
    recipient, service = invoice.recipient, invoice.recipient_service
    return {
        "id_facture": invoice.pk,
        "devise": invoice.currency,
        "type_demande_paiement": "FACTURE",
        "code_fournisseur": invoice.supplier.identifier,
        "type_identifiant_fournisseur": invoice.supplier.identifier_type,
        "designation_fournisseur": invoice.supplier.designation,
        "code_service_fournisseur": invoice.supplier_service.code if invoice.supplier_service_id else "",
        "nom_service_fournisseur": invoice.supplier_service.label if invoice.supplier_service_id else "",
        "id_destinataire": invoice.recipient_id,
        "code_destinataire": recipient.identifier if recipient else invoice.recipient_identifier,
        "designation_destinataire": recipient.designation if recipient else "",
        "id_service_executant": invoice.recipient_service_id,
        "code_service_executant": service.code if service else invoice.service_code,
        "nom_service_executant": service.label if service else "",
        "type_facture": _type_facture(invoice),
        "numero_facture": invoice.number,
        "date_facture": invoice.issue_date,
        "date_depot": invoice.submitted_at,
        "montant_ht": _money(invoice.total_excl_vat),
        "montant_ttc": _money(invoice.total_incl_vat),
        "montant_a_payer": _money(invoice.amount_due),
        "statut": invoice.status,
        "numero_marche": invoice.contract_reference,
        "numero_bon_commande": invoice.engagement_number,
        "facture_telechargee_par_destinataire": bool(getattr(invoice, "downloaded", False)),
        "date_heure_etat_courant": invoice.status_changed_at,
    }


SORT_INVOICES = {
    "NumeroFacture": "number",
    "DateFacture": "issue_date",
    "DateDepot": "submitted_at",
    "MontantHT": "total_excl_vat",
    "MontantTTC": "total_incl_vat",
    "MontantAPayer": "amount_due",
    "Statut": "status",
    "CodeFournisseur": "supplier__identifier",
    "Fournisseur": "supplier__legal_name",
    "DesignationFournisseur": "supplier__legal_name",
    "CodeServiceExecutant": "recipient_service__code",
    "NomServiceExecutant": "recipient_service__label",
    "CodeDestinataire": "recipient__identifier",
    "Destinataire": "recipient__legal_name",
    "DesignationDestinataire": "recipient__legal_name",
    "TypeFacture": "type_code",
    "Devise": "currency",
    "NumeroMarche": "contract_reference",
    "NumeroBonCommande": "engagement_number",
    "FactureTelechargeeParDestinataire": "downloaded",
}
SORT_INVOICES |= {key[0].lower() + key[1:]: value for key, value in SORT_INVOICES.items()}


def _rows_page(paging: PagingIn | None, queryset: QuerySet[Invoice], maximum: int | None = None):
    total = queryset.count()
    if maximum:
        total = min(total, maximum)
    page = page_of(paging, total)
    rows = list(page.slice(queryset.order_by(*order_by(paging, SORT_INVOICES, "submitted_at"))))
    if maximum:
        rows = rows[: max(total - page.offset, 0)]
    return page, [_row(invoice) for invoice in rows]


def _unknown_statuses(values: list[str]) -> list[str]:
    return [v for v in values if v.strip().upper() not in InvoiceStatus.values]


# --- rechercher/recipiendaire --------------------------------------------------------------------


def _search_filter(body: RechercherFactureRecipiendaireIn) -> Q:
    q = Q()
    if body.id_destinataire:
        q &= Q(recipient_id=body.id_destinataire)
    if body.id_service_executant:
        q &= Q(recipient_service_id=body.id_service_executant)
    if body.numero_facture.strip():
        q &= Q(number=body.numero_facture.strip())
    suppliers = Q()
    for critere in body.liste_fournisseurs:
        if not critere.id_fournisseur:
            continue
        one = Q(supplier_id=critere.id_fournisseur)
        if critere.liste_id_service:
            one &= Q(supplier_service_id__in=critere.liste_id_service)
        suppliers |= one
    if suppliers:
        q &= suppliers
    if body.liste_type_facture:
        codes = [c for t in body.liste_type_facture for c in TYPE_FACTURE_IN.get(t.strip().upper(), [])]
        q &= Q(type_code__in=codes)
    if body.cadre_facturation.strip():
        q &= Q(billing_frame=body.cadre_facturation.strip().upper())
    if body.statut_courant:
        q &= Q(status__in=[s.strip().upper() for s in body.statut_courant])
    bounds = (
        ("submitted_at", body.periode_date_depot_du, body.periode_date_depot_au),
        (
            "status_changed_at",
            body.periode_date_heure_etat_courant_du,
            body.periode_date_heure_etat_courant_au,
        ),
    )
    for column, start, end in bounds:
        if start:
            q &= Q(**{f"{column}__gte": _aware(start)})
        if end:
            q &= Q(**{f"{column}__lte": _end_of_day(end)})
    if body.periode_date_facture_du:
        q &= Q(issue_date__gte=body.periode_date_facture_du.date())
    if body.periode_date_facture_au:
        q &= Q(issue_date__lte=body.periode_date_facture_au.date())
    amounts = (
        ("total_excl_vat", body.montant_ht_min, body.montant_ht_max),
        ("total_incl_vat", body.montant_ttc_min, body.montant_ttc_max),
        ("amount_due", body.montant_apayer_min, body.montant_apayer_max),
    )
    for column, low, high in amounts:
        if low is not None:
            q &= Q(**{f"{column}__gte": Decimal(str(low))})
        if high is not None:
            q &= Q(**{f"{column}__lte": Decimal(str(high))})
    if body.numero_marche.strip():
        q &= Q(contract_reference=body.numero_marche.strip())
    if body.numero_bon_commande.strip():
        q &= Q(engagement_number=body.numero_bon_commande.strip())
    return q


@router.post(
    "rechercher/recipiendaire",
    response=RechercherFactureRecipiendaireOut,
    operation_id="rechercherFactureRecipiendaire",
)
def rechercher_recipiendaire(request, body: RechercherFactureRecipiendaireIn):
    """Les factures reçues par la structure du compte technique, filtrées par les critères du
    service réel (statutCourant, fournisseurs, périodes, montants, factureTelechargeeParDestinataire…).
    Pagination dans paramRecherche ; pageCourante, pages, nbResultatsParPage et total à la racine."""
    unknown = _unknown_statuses(body.statut_courant)
    if unknown:
        raise envelope.CproError(
            _("Statut inconnu dans statutCourant : %(codes)s.") % {"codes": ", ".join(unknown)},
            code=envelope.BAD_REQUEST,
            extra={"erreurs": [{"champ": "statutCourant", "message": ", ".join(unknown)}]},
        )
    paging = body.param_recherche
    if body.type_demande_paiement.strip().upper() not in ("", "FACTURE"):
        page, rows = page_of(paging, 0), []
    else:
        queryset = _received(request.auth).filter(_search_filter(body))
        if body.facture_telechargee_par_destinataire is not None:
            queryset = queryset.filter(downloaded=body.facture_telechargee_par_destinataire)
        page, rows = _rows_page(paging, queryset, paging.nb_resultats_maximum if paging else None)
    answer = envelope.ok if page.total else envelope.no_result
    return answer(liste_factures=rows, **page.top_level())


# --- rechercher/atraiter/recipiendaire -----------------------------------------------------------


@router.post(
    "rechercher/atraiter/recipiendaire",
    response=RechercherFactureATraiterOut,
    operation_id="rechercherFactureATraiterParRecipiendaire",
)
def rechercher_atraiter_recipiendaire(request, body: RechercherFactureATraiterIn):
    """Les factures à traiter (Mise à disposition, Complétée) de la structure du compte technique
    (ou de idStructure, qui doit être la sienne). Pagination dans
    parametreRechercheFactureATraiterParRecipiendaire, réponse avec parametresRetour."""
    queryset = _received(request.auth).filter(status__in=TO_PROCESS)
    if body.id_structure:
        if body.id_structure != request.auth.structure_id:
            raise envelope.not_found(
                _("Aucune structure %(id)s n'est visible par ce compte technique.")
                % {"id": body.id_structure}
            )
        queryset = queryset.filter(recipient_id=body.id_structure)
    paging = body.parametre_recherche_facture_a_traiter_par_recipiendaire
    page, rows = _rows_page(paging, queryset, paging.getnb_resultats_maximum if paging else None)
    answer = envelope.ok if page.total else envelope.no_result
    return answer(liste_factures=rows, parametres_retour=page.parametres_retour())


# --- consulter/recipiendaire ---------------------------------------------------------------------


def _received_invoice(request, invoice_id: int | None, field: str = "identifiantFactureCPP") -> Invoice:
    """An invoice the actor sees as its recipient, or 20001 (missing and another tenant's alike)."""
    if not invoice_id:
        raise envelope.CproError(
            _("%(field)s est obligatoire.") % {"field": field},
            code=envelope.BAD_REQUEST,
            extra={"erreurs": [{"champ": field, "message": _("obligatoire")}]},
        )
    found = invoice_get_for_user(user=request.auth, invoice_id=invoice_id)
    if found is None or not found[1]["view_as_recipient"]:
        raise envelope.not_found(
            _("Aucune facture %(id)s n'a été reçue par la structure de ce compte technique.")
            % {"id": invoice_id}
        )
    return found[0]


def _sub_page(items: list, number: int | None, size: int | None) -> tuple[list, dict[str, int]]:
    total = len(items)
    size = min(max(size or max(total, 1), 1), 500)
    number = max(number or 1, 1)
    pages = math.ceil(total / size) if total else 0
    return items[(number - 1) * size : number * size], {
        "page": number,
        "pages": pages,
        "size": size,
        "total": total,
    }


def _vat_rate(value) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@router.post(
    "consulter/recipiendaire",
    response=ConsulterFactureRecipiendaireOut,
    operation_id="consulterFactureParRecipiendaire",
)
def consulter_recipiendaire(request, body: ConsulterFactureRecipiendaireIn):
    """Le détail d'une facture reçue : parties, références, montants, TVA, lignes et pièces jointes
    (listes paginées par rechercheLignePoste, rechercheligneTvaRecap, recherchePj)."""
    invoice = _received_invoice(request, body.identifiant_facture_cpp)
    supplier, recipient, service = invoice.supplier, invoice.recipient, invoice.recipient_service
    lines_param, vat_param, pj_param = (
        body.recherche_ligne_poste,
        body.recherchelignetva_recap,
        body.recherche_pj,
    )
    lines, lines_page = _sub_page(
        list(invoice.lines.all()),
        lines_param.page_resultat_demandee_lignes_poste if lines_param else None,
        lines_param.nb_resultats_par_page_lignes_poste if lines_param else None,
    )
    vat, vat_page = _sub_page(
        list(invoice.vat_breakdown or []),
        vat_param.page_resultat_demandee_liste_recapitulatif_tva if vat_param else None,
        vat_param.nb_resultats_par_page_liste_liste_recapitulatif_tva if vat_param else None,
    )
    attachments = list(invoice.attachments.select_related("stored"))
    shown, pj_page = _sub_page(
        attachments,
        pj_param.page_resultat_demandee_liste_piece_jointe if pj_param else None,
        pj_param.nb_resultats_par_page_liste_piece_jointe if pj_param else None,
    )
    main = invoice.pdf_file or invoice.original_file
    facture = {
        "identifiant_facture_cpp": invoice.pk,
        "numero_facture": invoice.number,
        "statut_facture": invoice.status,
        "mode_depot": _mode_depot(invoice),
        "destinataire": {
            "id_destinataire": invoice.recipient_id,
            "code_destinataire": recipient.identifier,
            "libelle_destinataire": recipient.designation,
            "id_service_executant": invoice.recipient_service_id,
            "code_service_executant": service.code if service else invoice.service_code,
            "libelle_service_executant": service.label if service else "",
            "adresse_destinataire_detail": recipient.address_line1,
            "adresse_destinataire_complement1": recipient.address_line2,
            "adresse_destinataire_complement2": recipient.address_line3,
            "adresse_destinataire_code_postal": recipient.postcode,
            "adresse_destinataire_ville": recipient.city,
            "adresse_destinataire_code_pays": recipient.country,
        },
        "fournisseur": {
            "id_fournisseur": supplier.pk,
            "type_identifiant_fournisseur": supplier.identifier_type,
            "code_fournisseur": supplier.identifier,
            "designation_fournisseur": supplier.designation,
            "id_service_fournisseur": invoice.supplier_service_id,
            "code_service_fournisseur": invoice.supplier_service.code if invoice.supplier_service_id else "",
            "libelle_service_fournisseur": invoice.supplier_service.label
            if invoice.supplier_service_id
            else "",
            "adresse_fournisseur_detail": supplier.address_line1,
            "adresse_fournisseur_complement1": supplier.address_line2,
            "adresse_fournisseur_complement2": supplier.address_line3,
            "adresse_fournisseur_code_postal": supplier.postcode,
            "adresse_fournisseur_ville": supplier.city,
            "adresse_fournisseur_code_pays": supplier.country,
            "numero_rcs_fournisseur": supplier.rcs_number,
            "coord_bancaires_fournisseur_id": invoice.bank_account_id,
            "coord_bancaires_fournisseur_type": "IBAN" if invoice.iban else None,
            "coord_bancaires_fournisseur_compte_bancaire": invoice.iban,
            "coord_bancaires_bic_swift": invoice.bic,
        },
        "cadre_de_facturation": {"code_cadre_facturation": invoice.billing_frame},
        "references": {
            "date_facture": invoice.issue_date,
            "date_depot": invoice.submitted_at,
            "date_creation_facture": invoice.created_at,
            "code_devise_facture": invoice.currency,
            "type_facture": _type_facture(invoice),
            "numero_marche": invoice.contract_reference,
            "numero_bon_commande": invoice.engagement_number,
            "numero_facture_origine": invoice.preceding_invoice_number,
            "mode_paiement": _PAYMENT_MEANS.get(invoice.payment_means_code, "AUTRE"),
            "date_echeance_paiement": invoice.due_date,
            "taille_totale_pieces_jointes": float(sum(a.stored.size for a in attachments)),
        },
        "recapitulatif_de_tva": {
            "ligne_tva": [
                {
                    "ligne_tva_taux_ref_code": str(row.get("category", "")),
                    "ligne_tva_taux_ref_libelle": f"{row.get('rate', '')} %" if row.get("rate") else "",
                    "ligne_tva_taux_ref_valeur": _vat_rate(row.get("rate")),
                    "ligne_tva_montant_base_ht_par_taux": _vat_rate(row.get("taxable")) or 0,
                    "ligne_tva_montant_tva_par_taux": _vat_rate(row.get("tax")) or 0,
                }
                for row in vat
            ],
            "page_courante_lignes_recapitulatives_tva": vat_page["page"],
            "pages_lignes_recapitulatives_tva": vat_page["pages"],
            "nb_resultats_par_page_lignes_recapitulatives_tva": vat_page["size"],
            "total_lignes_recapitulatives_tva": vat_page["total"],
        },
        "montant_total": {
            "montant_ht_total": _money(invoice.total_excl_vat),
            "montant_tva": _money(invoice.vat_total),
            "montant_ttc_avant_remise_global_ttc": _money(invoice.total_incl_vat),
            "montant_remise_globale_ttc": 0.0,
            "montant_ttc_total": _money(invoice.total_incl_vat),
            "montant_a_payer": _money(invoice.amount_due),
        },
        "piece_jointe_principale": {
            "id_liaison_piece_jointe_principale": main.pk if main else None,
            "id_piece_jointe_principale": main.pk if main else None,
        },
        "liste_des_pieces_jointes": {
            "piece_jointe": [
                {
                    "piece_jointe_type_code": a.kind,
                    "piece_jointe_type_libelle": str(AttachmentKind(a.kind).label)
                    if a.kind in AttachmentKind.values
                    else a.kind,
                    "piece_jointe_designation": a.description or a.filename,
                    "piece_jointe_id_liaison": a.pk,
                    "piece_jointe_id": a.stored_id,
                    "piece_jointe_extension": a.filename.rsplit(".", 1)[-1].upper()
                    if "." in a.filename
                    else "",
                }
                for a in shown
            ],
            "page_courante_liste_pieces_jointe": pj_page["page"],
            "pages_liste_pieces_jointe": pj_page["pages"],
            "nb_resultats_par_page_liste_pieces_jointe": pj_page["size"],
            "total_liste_pieces_jointe": pj_page["total"],
        },
        "lignes_de_poste": {
            "ligne_poste": [
                {
                    "ligne_poste_numero": line.position,
                    "ligne_poste_reference": line.item_reference,
                    "ligne_poste_denomination": line.item_name,
                    "ligne_poste_quantite": float(line.quantity),
                    "ligne_poste_unite_libelle": line.unit_code,
                    "ligne_poste_montant_unitaire_ht": float(line.unit_price),
                    "ligne_poste_montant_remise_ht": _money(line.discount),
                    "ligne_poste_taux_tva": line.vat_category,
                    "ligne_poste_taux_tva_manuel": _vat_rate(line.vat_rate),
                    "ligne_poste_montant_ht_apres_remise": _money(line.net_amount),
                }
                for line in lines
            ],
            "page_courante_lignes_poste": lines_page["page"],
            "pages_lignes_poste": lines_page["pages"],
            "nb_resultats_par_page_lignes_poste": lines_page["size"],
            "total_lignes_poste": lines_page["total"],
        },
        "commentaire": invoice.note,
    }
    return envelope.ok(facture=facture)


# --- telecharger/groupe --------------------------------------------------------------------------

FORMATS = {"PDF": "PDF", "XML": "XML", "PIVOT": "XML", "ZIP": "ZIP"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("._") or "fichier"


def _files(invoice: Invoice, fmt: str, with_attachments: bool) -> list[tuple[str, StoredFile]]:
    """The stored files of one invoice for a format: (name in the answer, file)."""
    stem = _safe(f"{invoice.number or 'facture'}_{invoice.pk}")
    if fmt in ("PDF", "ZIP") and invoice.pdf_pending:
        invoice = invoice_pdf_write(invoice=invoice)  # asked before its task rendered it
    pdf = invoice.pdf_file or (
        invoice.original_file
        if invoice.original_file and invoice.original_file.content_type == "application/pdf"
        else None
    )
    files: list[tuple[str, StoredFile]] = []
    if fmt in ("PDF", "ZIP") and pdf:
        files.append((f"{stem}.pdf", pdf))
    if fmt in ("XML", "ZIP") and invoice.xml_file:
        files.append((f"{stem}.xml", invoice.xml_file))
    if fmt == "ZIP" and invoice.original_file and invoice.original_file not in (pdf, invoice.xml_file):
        extension = EXTENSIONS.get(invoice.original_file.content_type, "bin")
        files.append((f"{stem}_original.{extension}", invoice.original_file))
    if with_attachments or fmt == "ZIP":
        for attachment in invoice.attachments.select_related("stored"):
            files.append((f"{stem}_pj/{_safe(attachment.filename)}", attachment.stored))
    return files


@router.post(
    "telecharger/groupe",
    response={200: TelechargerGroupeOut, **ERROR_RESPONSES, 413: ErreurOut},
    operation_id="telechargerGroupeFacture",
)
def telecharger_groupe(request, body: TelechargerGroupeIn):
    """Une ou plusieurs factures visibles par le compte technique (reçues ou émises), en base64 :
    format PDF ou XML (PIVOT) pour une facture seule sans pièces jointes complémentaires, sinon un
    ZIP de leurs fichiers ; format ZIP : tous les fichiers (PDF, XML, original, pièces jointes).
    Au-delà de la taille d'un dossier de facturation (120 Mo) : HTTP 413."""
    fmt = FORMATS.get(body.format.strip().upper())
    if fmt is None:
        raise envelope.CproError(
            _("Format inconnu « %(format)s » : PDF, XML ou ZIP.") % {"format": body.format},
            code=envelope.BAD_REQUEST,
            extra={"erreurs": [{"champ": "format", "message": _("PDF, XML ou ZIP")}]},
        )
    ids = list(dict.fromkeys(item.id_facture for item in body.liste_facture if item.id_facture))
    if not ids:
        raise envelope.CproError(
            _("listeFacture doit contenir au moins un idFacture."),
            code=envelope.BAD_REQUEST,
            extra={"erreurs": [{"champ": "listeFacture", "message": _("obligatoire")}]},
        )
    if len(ids) > MAX_DOWNLOAD_INVOICES:
        raise envelope.CproError(
            _("Au plus %(n)s factures par téléchargement.") % {"n": MAX_DOWNLOAD_INVOICES},
            code=envelope.BAD_REQUEST,
        )
    invoices, missing = [], []
    for invoice_id in ids:
        found = invoice_get_for_user(user=request.auth, invoice_id=invoice_id)
        if found is None or not found[1]["download"]:
            missing.append(str(invoice_id))
        else:
            invoices.append(found)
    if missing:
        raise envelope.not_found(
            _("Factures introuvables pour ce compte technique : %(ids)s.") % {"ids": ", ".join(missing)}
        )
    files = {invoice.pk: _files(invoice, fmt, body.with_attachments) for invoice, _abilities in invoices}
    without = [invoice.number or str(invoice.pk) for invoice, _abilities in invoices if not files[invoice.pk]]
    if without:
        raise envelope.CproError(
            _("Aucun fichier %(format)s pour les factures : %(numbers)s.")
            % {"format": fmt, "numbers": ", ".join(without)}
        )
    size = sum(stored.size for entries in files.values() for _name, stored in entries)
    limit = download_limit()
    if size > limit:
        message = _(
            "Les fichiers demandés pèsent %(size)s Mo, au-delà de la limite de %(limit)s Mo par "
            "téléchargement : demandez moins de factures à la fois, ou sans pièces jointes."
        ) % {"size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.1f}"}
        raise envelope.CproError(message, code=413, status=413)
    entries = [entry for invoice, _abilities in invoices for entry in files[invoice.pk]]
    if fmt != "ZIP" and len(entries) == 1:
        data = stored_file_read(entries[0][1])
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, stored in entries:
                archive.writestr(name, stored_file_read(stored))
        data = buffer.getvalue()
    for invoice, abilities in invoices:
        if abilities["view_as_recipient"]:
            audit_event_add(
                stream=invoice_stream(invoice),
                actor=request.auth,
                action=DOWNLOADED,
                obj=invoice,
                after={"format": fmt},
            )
    return envelope.ok(fichier_resultat=base64.b64encode(data).decode("ascii"))


# --- traiter/recue -------------------------------------------------------------------------------

_FIELDS = {"comment": "commentaire", "motif": "motif", "service": "idServiceExecutant"}


def _motif_and_comment(target: InvoiceStatus, body: TraiterFactureRecueIn) -> tuple[str, str]:
    """The real `motif` is free text; ours is a code (transitions.MOTIFS). A known code is taken
    as is (its label becomes the comment when none is given); any other text is motif AUTRE with
    the text as comment, which the supplier reads."""
    motifs = dict(MOTIFS.get(target, ()))
    motif, comment = body.motif.strip(), body.commentaire.strip()
    if not motifs:
        return "", comment or motif
    if motif.upper() in motifs:
        return motif.upper(), comment or str(motifs[motif.upper()])
    if motif:
        return "AUTRE", "\n".join(filter(None, [motif, comment]))
    return "", comment


@router.post("traiter/recue", response=TraiterFactureRecueOut, operation_id="traiterUneFactureRecue")
def traiter_recue(request, body: TraiterFactureRecueIn):
    """Donner un nouveau statut à une facture reçue (nouveauStatut : SERVICE_FAIT, MANDATEE,
    MISE_A_DISPOSITION_COMPTABLE, COMPTABILISEE, MISE_EN_PAIEMENT, ou pour la rendre au fournisseur
    SUSPENDUE, REJETEE, A_RECYCLER avec un motif). Un changement impossible depuis le statut
    courant est refusé (20002) avec la raison."""
    code = body.nouveau_statut.strip().upper()
    if code not in InvoiceStatus.values:
        allowed = sorted({s for source in TO_PROCESS for s in targets_from(source, Party.RECIPIENT)})
        raise envelope.CproError(
            _("nouveauStatut « %(code)s » inconnu : %(allowed)s.")
            % {"code": body.nouveau_statut, "allowed": ", ".join(allowed)},
            code=envelope.BAD_REQUEST,
            extra={"erreurs": [{"champ": "nouveauStatut", "message": ", ".join(allowed)}]},
        )
    invoice = _received_invoice(request, body.id_facture, field="idFacture")
    target = InvoiceStatus(code)
    motif, comment = _motif_and_comment(target, body)
    if body.numero_dp_mandat.strip():
        comment = "\n".join(
            filter(None, [comment, _("Mandat n° %(n)s") % {"n": body.numero_dp_mandat.strip()}])
        )
    try:
        invoice = invoice_process(
            actor=request.auth, invoice=invoice, target=target, comment=comment, motif=motif
        )
    except ApplicationError as error:
        if error.extra.get("code") == "forbidden":
            raise
        message = str(error.message)
        extra = (
            {"erreurs": [{"champ": _FIELDS.get(error.field, error.field), "message": message}]}
            if error.field
            else {}
        )
        raise envelope.CproError(message, code=envelope.REFUSED_CODE, extra=extra) from None
    return envelope.ok(
        id_facture=invoice.pk,
        numero_facture=invoice.number,
        date_traitement=invoice.status_changed_at,
        nouveau_statut=invoice.status,
    )
