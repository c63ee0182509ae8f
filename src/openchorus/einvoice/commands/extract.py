"""`openchorus extract FILE [--json]`: the invoice fields recognised in a text PDF (INV-3).

Prints each field with its value and confidence (null when not found) and whether the PDF is a
scan. Exit status: 0 when the file was read, 2 when it cannot be read (the reason, in French and
English, on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from .. import read
from ..detect import Syntax, detect
from ..errors import EInvoiceError
from ..model import Identifier
from ..pdf import DEFAULT_LIMITS, Extraction, extract_fields

# The fields printed, in this order (the delivery date is recognised too but not part of the
# command's contract).
PRINTED_FIELDS = (
    "recipient_siret",
    "supplier_siret",
    "invoice_number",
    "issue_date",
    "engagement_number",
    "total_excl_vat",
    "vat_total",
    "total_incl_vat",
    "iban",
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openchorus extract",
        description="Lit les données d'une facture PDF texte / Read the data of a text PDF invoice.",
    )
    parser.add_argument("file", type=Path, help="facture PDF / PDF invoice")
    parser.add_argument("--json", action="store_true", help="sortie JSON / JSON output")
    return parser


def _fail(message_fr: str, message_en: str) -> int:
    sys.stderr.write(f"openchorus extract: {message_fr}\n  {message_en}\n")
    return 2


def as_dict(extraction: Extraction) -> dict[str, object]:
    """The command's JSON document: fields (value, confidence and where, or null), scanned, findings."""
    out: dict[str, object] = {}
    for name in PRINTED_FIELDS:
        found = getattr(extraction.fields, name)
        if found is None:
            out[name] = None
            continue
        value = found.value
        if isinstance(value, date):
            text = value.isoformat()
        elif isinstance(value, Decimal):
            text = f"{value:.2f}"
        else:
            text = str(value)
        out[name] = {"value": text, "confidence": round(found.confidence, 2), "where": found.where.as_dict()}
    out["scanned"] = extraction.scanned
    out["findings"] = [finding.as_dict() for finding in extraction.findings]
    return out


def _siret(identifier: Identifier | None) -> str | None:
    value = identifier.value.replace(" ", "") if identifier else ""
    return value if len(value) == 14 and value.isdigit() else None


def facturx_document(data: bytes) -> dict[str, object] | None:
    """For a Factur-X PDF, the embedded XML's values (certain, so confidence 1); else None.

    The structured data is the invoice: reading its text layer would only guess what it states.
    """
    if detect(data).syntax != Syntax.FACTURX:
        return None
    invoice = read(data).invoice
    transfers = invoice.payment_instructions.credit_transfers if invoice.payment_instructions else ()
    values: dict[str, object] = {
        "recipient_siret": _siret(invoice.buyer.legal_registration),
        "supplier_siret": _siret(invoice.seller.legal_registration),
        "invoice_number": invoice.number or None,
        "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "engagement_number": invoice.purchase_order_reference,
        "total_excl_vat": invoice.totals.total_without_vat,
        "vat_total": invoice.totals.vat_total,
        "total_incl_vat": invoice.totals.total_with_vat,
        "iban": transfers[0].account_identifier if transfers else None,
    }
    out: dict[str, object] = {}
    for name in PRINTED_FIELDS:
        value = values.get(name)
        text = f"{value:.2f}" if isinstance(value, Decimal) else value
        out[name] = (
            None if text in (None, "") else {"value": text, "confidence": 1.0, "where": {"source": "xml"}}
        )
    out["scanned"] = False
    out["findings"] = []
    return out


def _table(document: dict[str, object]) -> str:
    width = max(len(name) for name in PRINTED_FIELDS)
    rows = [f"{'champ / field'.ljust(width)}  {'valeur / value':<34} confiance / confidence"]
    for name in PRINTED_FIELDS:
        item = document[name]
        if isinstance(item, dict):
            rows.append(f"{name.ljust(width)}  {item['value']:<34} {item['confidence']:.2f}")
        else:
            rows.append(f"{name.ljust(width)}  {'—':<34} —")
    rows.append(f"{'scanned'.ljust(width)}  {'oui / yes' if document['scanned'] else 'non / no'}")
    findings = document["findings"]
    if isinstance(findings, list):
        for finding in findings:
            rows.append("")
            rows.append(f"[{finding['rule_id']}] {finding['message_fr']}")
            rows.append(f"  {finding['message_en']}")
    return "\n".join(rows)


def run(argv: list[str]) -> int:
    """Run the command; returns the process exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or bad arguments (2): report, do not exit the caller
        return int(exc.code or 0)
    source: Path = args.file
    try:
        size = source.stat().st_size
        if size > DEFAULT_LIMITS.max_bytes:
            return _fail(
                f"{source} fait {size} octets, au-delà de la limite de {DEFAULT_LIMITS.max_bytes} octets.",
                f"{source} is {size} bytes, over the limit of {DEFAULT_LIMITS.max_bytes} bytes.",
            )
        data = source.read_bytes()
    except OSError as exc:
        return _fail(
            f"impossible de lire {source} ({exc.strerror or exc}).",
            f"cannot read {source} ({exc.strerror or exc}).",
        )
    try:
        document = facturx_document(data)
        if document is None:
            document = as_dict(extract_fields(data))
    except EInvoiceError as error:
        return _fail(f"{source} : {error.issue.message_fr}", f"{source}: {error.issue.message_en}")
    if args.json:
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_table(document) + "\n")
    return 0
