"""The compte-rendu of a flow (RAC-3): its outcome and each invoice's, as JSON and as PDF.

The same data backs the portal's downloads and the API (consulterCR, consulterCRDetaille). The
caller checks the actor may see the flow (`structures.access.flow_visible`). Items are read in
batches, so a 10,000-invoice flow is never held as model instances at once: the JSON can be
streamed (`flow_report_json_chunks`), and the PDF lists the rejected invoices in full and the
integrated ones compactly, one short line each.
"""

from __future__ import annotations

import gc
import json
import logging
import warnings
from collections.abc import Iterator
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation

from openchorus.flows.enums import FlowChannel, FlowStatus, FlowSyntax, ItemOutcome
from openchorus.flows.models import Flow, FlowItem

BATCH = 2000
COMPACT_BLOCK = 120  # integrated invoices per paragraph of the PDF
ERROR_KEYS = (
    "rule_id",
    "severity",
    "field",
    "bt",
    "location",
    "message_fr",
    "message_en",
    "fix_fr",
    "fix_en",
)
_ITEM_FIELDS = (
    "position", "name", "number", "supplier_identifier", "recipient_identifier", "outcome", "errors",
    "invoice_id", "invoice__supplier_status",
)  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _error(raw: dict) -> dict:
    """One finding with every key present (empty when unknown), in a stable order."""
    return {key: str(raw.get(key) or "") for key in ERROR_KEYS}


def flow_report_header(flow: Flow) -> dict:
    """The flow-level part of the compte-rendu (everything but the invoices), JSON-ready."""
    return {
        "numeroFluxDepot": flow.number,
        "nomFichier": flow.filename,
        "syntaxeFlux": flow.syntax,
        "canal": flow.channel,
        "tailleFichier": flow.size,
        "empreinteSha256": flow.sha256,
        "structure": {"identifiant": flow.structure.identifier, "raisonSociale": flow.structure.legal_name},
        "dateDepotFlux": _iso(flow.created_at),
        "dateHeureEtatCourantFlux": _iso(flow.status_at),
        "dateFinTraitement": _iso(flow.processed_at),
        "etatCourantFlux": flow.status,
        "nombreFactures": flow.item_count,
        "nombreFacturesIntegrees": flow.integrated_count,
        "nombreFacturesRejetees": flow.rejected_count,
        "erreursFlux": [_error(e) for e in flow.errors or []],
    }


def _item(row: dict) -> dict:
    return {
        "position": row["position"],
        "nom": row["name"],
        "numeroFacture": row["number"],
        "identifiantFournisseur": row["supplier_identifier"],
        "identifiantDestinataire": row["recipient_identifier"],
        "resultat": row["outcome"],
        "idFacture": row["invoice_id"],
        "statutFacture": row["invoice__supplier_status"] if row["invoice_id"] else None,
        "erreurs": [_error(e) for e in row["errors"] or []],
    }


def flow_report_items(flow: Flow, *, outcome: str = "") -> Iterator[dict]:
    """Each invoice of the flow as the compte-rendu gives it, in flow order, read in batches.

    The invoice's status is the one its supplier sees (LIF-6): the report goes to the sender.
    """
    items = FlowItem.objects.filter(flow=flow)
    if outcome:
        items = items.filter(outcome=outcome)
    rows = items.order_by("position").values(*_ITEM_FIELDS)
    for row in rows.iterator(chunk_size=BATCH):
        yield _item(row)


def flow_report_data(flow: Flow) -> dict:
    """The whole compte-rendu as one JSON-ready dict (for the API; large flows: the chunks)."""
    return {**flow_report_header(flow), "factures": list(flow_report_items(flow))}


def flow_report_json_chunks(flow: Flow) -> Iterator[str]:
    """The compte-rendu's JSON text, piece by piece: the same document as `flow_report_data`,
    for a streaming response that never holds a large flow's report in memory."""
    header = json.dumps(flow_report_header(flow), ensure_ascii=False)
    yield header[:-1] + ', "factures": ['
    first = True
    for item in flow_report_items(flow):
        yield ("" if first else ",") + "\n" + json.dumps(item, ensure_ascii=False)
        first = False
    yield "\n]}\n"


# --- PDF ------------------------------------------------------------------------------------------


def _no_fetch(url: str, *args, **kwargs):
    """The report is self-contained: nothing is fetched while rendering it (no network, no disk)."""
    raise ValueError(f"external resource refused: {url}")


def _localised(error: dict, lang: str) -> dict:
    english = lang == "en"
    return {
        **error,
        "message": (error["message_en"] if english else error["message_fr"]) or error["message_fr"],
        "fix": (error["fix_en"] if english else error["fix_fr"]) or error["fix_fr"],
    }


def flow_report_context(flow: Flow, *, lang: str = "fr") -> dict:
    """What the PDF template shows: the header, the rejected invoices with their localised
    errors, the integrated ones as (position, number) pairs."""
    rejected = []
    for item in flow_report_items(flow, outcome=ItemOutcome.REJECTED):
        item["erreurs"] = [_localised(e, lang) for e in item["erreurs"]]
        rejected.append(item)
    integrated = list(
        FlowItem.objects.filter(flow=flow, outcome=ItemOutcome.INTEGRATED)
        .order_by("position")
        .values_list("position", "number")
        .iterator(chunk_size=BATCH)
    )
    pending = flow.item_count - flow.integrated_count - flow.rejected_count if flow.is_final else None
    return {
        "flow": flow,
        "report": flow_report_header(flow),
        "status_label": FlowStatus(flow.status).label if flow.status in FlowStatus.values else flow.status,
        "syntax_label": FlowSyntax(flow.syntax).label if flow.syntax in FlowSyntax.values else flow.syntax,
        "channel_label": FlowChannel(flow.channel).label
        if flow.channel in FlowChannel.values
        else flow.channel,
        "flow_errors": [_localised(_error(e), lang) for e in flow.errors or []],
        "rejected": rejected,
        "integrated_count": len(integrated),
        # Short paragraphs: WeasyPrint lays a long one out in time growing faster than its length.
        "integrated_blocks": [
            integrated[i : i + COMPACT_BLOCK] for i in range(0, len(integrated), COMPACT_BLOCK)
        ],
        "pending": pending,
        "generated_at": timezone.localtime(),
    }


def flow_report_pdf(flow: Flow, lang: str = "fr") -> bytes:
    """The compte-rendu as a PDF, in French or English, rendered by WeasyPrint."""
    from weasyprint import HTML

    lang = "en" if lang == "en" else "fr"
    with translation.override(lang):
        html = render_to_string("flows/report.html", {**flow_report_context(flow, lang=lang), "lang": lang})
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
        gc.collect()
    return pdf


def flow_report_pdf_kept(flow: Flow, lang: str = "fr") -> bytes:
    """The compte-rendu PDF, rendered once per language when the flow is concluded (it no longer
    changes then) and read back afterwards: a 10,000-invoice report costs seconds of CPU, and
    integrators poll consulterCR."""
    from openchorus.core.models import StoredFile
    from openchorus.core.storage import PDF, stored_file_put, stored_file_read

    lang = "en" if lang == "en" else "fr"
    if not flow.is_final:
        return flow_report_pdf(flow, lang)
    kept = (flow.report_files or {}).get(lang)
    stored = StoredFile.objects.filter(sha256=kept).first() if kept else None
    if stored is not None:
        return stored_file_read(stored)
    pdf = flow_report_pdf(flow, lang)
    stored = stored_file_put(data=pdf, content_type=PDF)
    files = {
        **(Flow.objects.filter(pk=flow.pk).values_list("report_files", flat=True).first() or {}),
        lang: stored.sha256,
    }
    Flow.objects.filter(pk=flow.pk).update(report_files=files)
    flow.report_files = files
    return pdf
