"""One deposit pipeline for every channel (INV-3, INV-4; the API and EDI use it too):

    preflight → detect → read → validate → duplicates → resolve recipient → persist → route

Each step either passes the file on or refuses it with structured findings (rule id, message in
French and English, fix); a refused file creates nothing. A structured file (UBL, CII, Factur-X)
fills the invoice exactly; a text PDF is read for its fields and becomes a draft to complete; a
scanned PDF is refused with the four golden rules. With `submit=True` (batch, API, EDI) a file that
passes every step is sent at once; otherwise (the portal's single deposit) it becomes a draft the
user checks, completes and sends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from openchorus import einvoice
from openchorus.core.errors import ApplicationError
from openchorus.core.storage import PDF, XML, stored_file_put
from openchorus.directory.selectors import directory_suggest
from openchorus.einvoice import rules, xsd
from openchorus.einvoice.detect import Syntax
from openchorus.einvoice.errors import EInvoiceError, Issue, Severity
from openchorus.invoices.checks import (
    SUPERSEDED_BY_CHORUS,
    Finding,
    duplicate_findings,
    from_issue,
    recipient_findings,
    resolve_recipient,
    rule_sets,
    supplier_findings,
)
from openchorus.invoices.counts import counts_grouped
from openchorus.invoices.documents import RecordValues, record_from_document
from openchorus.invoices.enums import Channel, SourceSyntax
from openchorus.invoices.models import Invoice, InvoiceLine
from openchorus.invoices.services import InvoiceRefused, invoice_submit, require_sender
from openchorus.lifecycle.services import invoice_files, invoice_stream
from openchorus.structures.models import BankAccount, Structure, StructureService

STRUCTURED = {
    Syntax.UBL_INVOICE: SourceSyntax.UBL,
    Syntax.UBL_CREDIT_NOTE: SourceSyntax.UBL,
    Syntax.CII: SourceSyntax.CII,
    Syntax.FACTURX: SourceSyntax.FACTURX,
}
# Column widths of the record: a longer value in a file is refused, never cut.
FIELD_WIDTHS = {"number": 40, "service_code": 100, "engagement_number": 50, "contract_reference": 50,
                "preceding_invoice_number": 40, "recipient_identifier": 80, "currency": 3,
                "type_code": 3, "payment_means_code": 3}  # fmt: skip
LINE_WIDTHS = {"identifier": 50, "item_name": 300, "item_reference": 100, "unit_code": 3,
               "vat_category": 2}  # fmt: skip
# Integer digits the record's decimal columns hold (max_digits − decimal_places).
AMOUNT_DIGITS = 17
LINE_DIGITS = {"quantity": 15, "unit_price": 13, "discount": 17, "net_amount": 17, "vat_rate": 3}
HEADER_AMOUNTS = ("line_total", "allowance_total", "charge_total", "total_excl_vat", "vat_total",
                  "total_incl_vat", "paid_amount", "amount_due")  # fmt: skip
VAT_RATES = (Decimal("20"), Decimal("10"), Decimal("8.5"), Decimal("5.5"), Decimal("2.1"), Decimal("0"))


def max_bytes() -> int:
    return settings.OPENCHORUS_INVOICE_FILE_MAX_BYTES


class Refused(Exception):
    def __init__(self, step: str, findings: list[Finding]):
        super().__init__(step)
        self.step = step
        self.findings = findings


@dataclass
class DepositOutcome:
    """What became of one deposited file."""

    filename: str
    invoice: Invoice | None = None
    refused_at: str = ""  # the step that refused the file, "" when it passed
    findings: list[Finding] = field(default_factory=list)
    # What the file was read to be, when it could be read (a flow's report names refused invoices).
    number: str = ""
    supplier_identifier: str = ""
    recipient_identifier: str = ""

    @property
    def accepted(self) -> bool:
        return self.invoice is not None and not self.refused_at

    @property
    def sent(self) -> bool:
        return self.invoice is not None and not self.invoice.is_draft


def _finding(issue: Issue) -> Finding:
    return from_issue(issue, located=False)


def _from_dict(issue: dict[str, str]) -> Finding:
    return Finding(
        issue["rule_id"],
        issue["severity"],
        "",
        issue["message_fr"],
        issue["message_en"],
        issue.get("fix_fr", ""),
        issue.get("fix_en", ""),
        issue.get("bt", ""),
        issue.get("location", ""),
    )


def _fatal(rule_id: str, fr: str, en: str, fix_fr: str = "", fix_en: str = "") -> Finding:
    return Finding(rule_id, Severity.FATAL, "", fr, en, fix_fr, fix_en)


def size_label(limit: int) -> tuple[str, str]:
    """A size cap as people say it: "20 Mo" / "20 MB", or in Ko below one megabyte."""
    if limit >= 1024 * 1024:
        value = f"{limit / (1024 * 1024):g}"
        return f"{value.replace('.', ',')} Mo", f"{value} MB"
    value = f"{max(limit, 1) / 1024:.0f}"
    return f"{value} Ko", f"{value} KB"


# --- the steps ------------------------------------------------------------------------------------


def preflight(data: bytes, filename: str) -> None:
    limit = max_bytes()
    if len(data) > limit:
        size_fr, size_en = size_label(limit)
        raise Refused(
            "preflight",
            [
                _fatal(
                    "DEPOT-TAILLE",
                    f"Le fichier « {filename} » dépasse la taille maximale de {size_fr}.",
                    f'The file "{filename}" is over the {size_en} limit.',
                    "Réduisez le fichier (images en résolution plus faible) ou déposez les annexes comme pièces jointes.",
                    "Make the file smaller (lower-resolution images) or send the annexes as attachments.",
                )
            ],
        )
    if not data:
        raise Refused(
            "preflight",
            [
                _fatal(
                    "DEPOT-VIDE", f"Le fichier « {filename} » est vide.", f'The file "{filename}" is empty.'
                )
            ],
        )


def detect(data: bytes, filename: str) -> Syntax:
    try:
        syntax = einvoice.detect(data).syntax
    except EInvoiceError as error:
        raise Refused("detect", [_finding(error.issue)]) from error
    if syntax in STRUCTURED or syntax == Syntax.PDF:
        return syntax
    if syntax == Syntax.UNKNOWN and b"%PDF-" in data[:1024]:
        return Syntax.PDF  # a damaged or protected PDF: the PDF reader says precisely what is wrong
    if syntax == Syntax.CPP_PIVOT:
        raise Refused(
            "detect",
            [
                _fatal(
                    "DEPOT-PIVOT",
                    f"Le fichier « {filename} » est au format pivot Chorus Pro (CPPFacturePivot), "
                    "qui n'est pas accepté en dépôt.",
                    f'The file "{filename}" is in the Chorus Pro pivot format (CPPFacturePivot), '
                    "which is not accepted for deposit.",
                    "Déposez la facture au format UBL 2.1, CII D16B ou Factur-X.",
                    "Deposit the invoice as UBL 2.1, CII D16B or Factur-X.",
                )
            ],
        )
    if syntax == Syntax.ZUGFERD_1:
        try:  # read() says precisely why it is not taken
            einvoice.read(data)
        except EInvoiceError as error:
            raise Refused("detect", [_finding(error.issue)]) from error
    if syntax == Syntax.UNKNOWN and data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        try:  # a broken or dangerous XML: the hardened parser's own words
            einvoice.read(data)
        except EInvoiceError as error:
            raise Refused("detect", [_finding(error.issue)]) from error
    raise Refused(
        "detect",
        [
            _fatal(
                "DEPOT-FORMAT",
                f"Le fichier « {filename} » n'est ni un PDF ni une facture XML reconnue.",
                f'The file "{filename}" is neither a PDF nor a recognised XML invoice.',
                "Déposez une facture PDF (texte), Factur-X, UBL 2.1 ou CII D16B.",
                "Deposit a (text) PDF, Factur-X, UBL 2.1 or CII D16B invoice.",
            )
        ],
    )


def expected(syntax: Syntax, syntaxes: frozenset[str], filename: str) -> None:
    """A file of another syntax than its flow declares is refused."""
    found = STRUCTURED.get(syntax, SourceSyntax.PDF)
    if found in syntaxes:
        return
    names = ", ".join(sorted(str(SourceSyntax(s).label) for s in syntaxes))
    raise Refused(
        "detect",
        [
            _fatal(
                "FLUX-SYNTAXE",
                f"Le fichier « {filename} » est au format {SourceSyntax(found).label}, alors que le flux "
                f"est déclaré au format {names}.",
                f'The file "{filename}" is {SourceSyntax(found).label}, while the flow is declared as {names}.',
                "Déclarez la syntaxe du flux qui correspond à ses factures, ou séparez les formats en plusieurs flux.",
                "Declare the flow syntax its invoices are in, or send each format in its own flow.",
            )
        ],
    )


def _supplier_identifier(result: einvoice.ReadResult) -> str:
    seller = result.invoice.seller
    for identifier in (seller.legal_registration, *seller.identifiers):
        value = getattr(identifier, "value", identifier)
        if value:
            return str(value)
    return ""


def read_structured(data: bytes) -> einvoice.ReadResult:
    try:
        return einvoice.read(data)
    except EInvoiceError as error:
        raise Refused("read", [_finding(error.issue)]) from error


def validate(result: einvoice.ReadResult) -> list[Finding]:
    """Reading findings, the XSD, then the rule sets; a fatal one refuses the file."""
    from openchorus.einvoice.rules import _root_of

    issues = [
        *result.issues,
        *xsd.validate(_root_of(result)),
        *rules.validate_read(result, rule_sets=rule_sets()),
    ]
    findings = [_finding(issue) for issue in issues if issue.rule_id not in SUPERSEDED_BY_CHORUS]
    if any(f.fatal for f in findings):
        raise Refused("validate", findings)
    return findings


def _too_big(value: Any, digits: int) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and abs(value) >= Decimal(10) ** digits


def widths(values: RecordValues) -> None:
    """What the record's columns cannot hold is refused, never cut nor left to a database error."""
    too_long = [
        (name, values.header[name], width)
        for name, width in FIELD_WIDTHS.items()
        if len(str(values.header.get(name) or "")) > width
    ]
    for index, line in enumerate(values.lines, start=1):
        too_long += [
            (f"lines[{index}].{name}", line[name], width)
            for name, width in LINE_WIDTHS.items()
            if len(str(line.get(name) or "")) > width
        ]
    findings = [
        _fatal(
            "DEPOT-LONGUEUR",
            f"La valeur « {str(value)[:60]} » du champ {name} dépasse {width} caractères.",
            f'The value "{str(value)[:60]}" of the field {name} is over {width} characters.',
        )
        for name, value, width in too_long
    ]
    too_big = [(name, values.header.get(name)) for name in HEADER_AMOUNTS]
    too_big = [(name, value) for name, value in too_big if _too_big(value, AMOUNT_DIGITS)]
    for index, line in enumerate(values.lines, start=1):
        too_big += [
            (f"lines[{index}].{name}", line.get(name))
            for name, digits in LINE_DIGITS.items()
            if _too_big(line.get(name), digits)
        ]
    findings += [
        _fatal(
            "DEPOT-MONTANT",
            f"Le montant {value} du champ {name} dépasse ce que la plateforme enregistre.",
            f"The amount {value} of the field {name} is beyond what the platform records.",
        )
        for name, value in too_big
    ]
    if findings:
        raise Refused("read", findings)


# --- PDF reading ----------------------------------------------------------------------------------


def _nearest_rate(excl: Decimal | None, vat: Decimal | None) -> Decimal | None:
    if not excl or vat is None:
        return None
    ratio = vat / excl * 100
    best = min(VAT_RATES, key=lambda rate: abs(rate - ratio))
    return best if abs(best - ratio) < Decimal("0.2") else None


def read_pdf(data: bytes) -> tuple[RecordValues, dict[str, Any], str]:
    """The form values recognised in a text PDF, what was read (for the form's hints) and its text."""
    from openchorus.einvoice.pdf import extract_from_text
    from openchorus.einvoice.pdf.safe import read_pdf as read_text

    try:
        document = read_text(data)
    except EInvoiceError as error:
        raise Refused("read", [_finding(error.issue)]) from error
    extraction = extract_from_text(document)
    if not extraction.accepted:
        raise Refused("read", [_finding(issue) for issue in extraction.findings])
    text = "\n".join(" ".join(word.text for word in page.words) for page in document.pages)
    fields = extraction.fields

    def value(name: str):
        found = getattr(fields, name)
        return None if found is None else found.value

    excl, vat, incl = value("total_excl_vat"), value("vat_total"), value("total_incl_vat")
    if excl is None and incl is not None and vat is not None:
        excl = incl - vat
    header: dict[str, Any] = {
        "number": (value("invoice_number") or "")[: FIELD_WIDTHS["number"]],
        "issue_date": value("issue_date"),
        "delivery_date": value("delivery_date"),
        "recipient_identifier": value("recipient_siret") or "",
        "engagement_number": (value("engagement_number") or "")[: FIELD_WIDTHS["engagement_number"]],
        "iban": value("iban") or "",
    }
    lines = []
    if excl is not None:
        rate = _nearest_rate(excl, vat)
        lines.append(
            {
                "item_name": "Montant de la facture jointe",
                "quantity": Decimal(1),
                "unit_price": excl,
                "vat_category": "S" if rate else "",
                "vat_rate": rate,
            }
        )
    reading = {
        "fields": {
            name: {"value": str(found.value), "confidence": round(found.confidence, 2)}
            for name in (
                "recipient_siret",
                "invoice_number",
                "issue_date",
                "delivery_date",
                "engagement_number",
                "total_excl_vat",
                "vat_total",
                "total_incl_vat",
                "iban",
                "supplier_siret",
            )
            if (found := getattr(fields, name)) is not None
        },
        "warnings": [f.as_dict() for f in extraction.findings],
    }
    return RecordValues(header, lines), reading, text


def suggestions(text: str, limit: int = 3) -> list[dict[str, Any]]:
    """BYD-2: the public structures (and services) the invoice's text most likely names."""
    return [
        {
            "identifier": s.structure.identifier,
            "designation": s.structure.designation,
            "score": round(s.score, 1),
            "reasons": s.reasons,
            "services": [{"code": svc.service.code, "label": svc.service.label} for svc in s.services[:3]],
        }
        for s in directory_suggest(text=text, limit=limit)
    ]


# --- persisting -----------------------------------------------------------------------------------


def iban_clean(iban: str) -> str:
    return re.sub(r"\s", "", iban or "").upper()


def bank_accounts_of(supplier: Structure, ibans: set[str]) -> dict[str, BankAccount]:
    """The supplier's active account each of these (clean) IBANs names, in one query."""
    found: dict[str, BankAccount] = {}
    for account in BankAccount.objects.filter(structure=supplier, iban__in=ibans, status="ACTIF"):
        found.setdefault(account.iban, account)
    return found


def _bank_account_for(supplier: Structure, iban: str) -> BankAccount | None:
    iban = iban_clean(iban)
    if not iban:
        return None
    return bank_accounts_of(supplier, {iban}).get(iban)


def invoice_build(
    *,
    actor,
    supplier: Structure,
    supplier_service: StructureService | None = None,
    channel: str,
    values: RecordValues,
    source_syntax: str,
    data: bytes,
    filename: str,
    xml: bytes | None,
    reading: dict[str, Any],
    recipient: Structure | None = None,
    recipient_service: StructureService | None = None,
    store=None,
    bank_account=None,
) -> tuple[Invoice, list[InvoiceLine]]:
    """The draft a deposited file makes and its lines, not saved. `store(data, content_type)` keeps
    a file (default `stored_file_put`) and `bank_account(supplier, iban)` finds the supplier's
    account (default one query): an EDI batch passes what it read for all its files at once."""
    from openchorus.invoices.services import _apply_totals, _clean_lines, author

    store = store or (lambda content, content_type: stored_file_put(data=content, content_type=content_type))
    bank_account = bank_account or _bank_account_for
    header = dict(values.header)
    iban = header.pop("iban", "")
    bic = header.pop("bic", "")
    original = store(data, PDF if data[:1024].find(b"%PDF-") >= 0 else XML)
    invoice = Invoice(
        supplier=supplier,
        supplier_service=supplier_service,
        created_by=author(actor),
        channel=channel,
        source_syntax=source_syntax,
        original_file=original,
        original_filename=filename[:255],
        reading=reading,
        **header,
    )
    if xml is not None:
        invoice.xml_file = original if xml is data else store(xml, XML)
    if source_syntax in (SourceSyntax.FACTURX, SourceSyntax.PDF):
        invoice.pdf_file = original
    account = bank_account(supplier, iban)
    invoice.bank_account = account
    invoice.iban = account.iban if account else re.sub(r"\s", "", iban)[:34]
    invoice.bic = account.bic if account else bic
    invoice.recipient, invoice.recipient_service = recipient, recipient_service
    invoice.year = invoice.issue_date.year if invoice.issue_date else None
    lines = _clean_lines(values.lines)
    if source_syntax == SourceSyntax.PDF:
        _apply_totals(invoice, lines)
    return invoice, lines


def deposited_event(invoice: Invoice, *, actor, channel: str, filename: str) -> dict[str, Any]:
    """The audit event of a deposited file (`audit_event_add`'s arguments but the stream), taken
    while the invoice is the new draft."""
    return {
        "actor": actor,
        "action": "invoice:deposited",
        "after": {
            "number": invoice.number,
            "status": invoice.status,
            "channel": channel,
            "filename": filename,
            "files": invoice_files(invoice, attachments=False),
        },
    }


def persist(*, actor, channel: str, filename: str, **build) -> Invoice:
    """The invoice of a deposited file saved as a draft, with its lines, counter and audit event
    (`invoice_build`'s arguments)."""
    from openchorus.audit.services import audit_event_add
    from openchorus.invoices.counts import count_key, counts_move

    invoice, lines = invoice_build(actor=actor, channel=channel, filename=filename, **build)
    invoice.save()
    counts_move(None, count_key(invoice))
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    audit_event_add(
        stream=invoice_stream(invoice),
        obj=invoice,
        new_stream=True,
        **deposited_event(invoice, actor=actor, channel=channel, filename=filename),
    )
    return invoice


# --- the pipeline ---------------------------------------------------------------------------------


def sender_service(actor, supplier: Structure, chosen: StructureService | None) -> StructureService | None:
    """Check the actor sends for `supplier` ("Factures émises" in modification, read once) and
    return the service the deposit is made from: the one chosen, else, when the user's rights stop
    at some services, the first of them."""
    from openchorus.structures.access import space_grant
    from openchorus.structures.enums import Space

    grant = space_grant(actor, supplier, Space.SENT_INVOICES)
    if grant is None or not grant.can_edit:
        require_sender(actor, supplier)  # raises, with the one message for this refusal
    if chosen is not None or grant is None or grant.services is None:
        return chosen
    return supplier.services.filter(pk__in=grant.services).order_by("code").first()


def _recipient_named(findings: list[Finding]) -> bool:
    """BYD-2: a suggestion helps when the recipient is missing or wrong, not for a service code."""
    return any(f.fatal and f.field == "recipient_identifier" for f in findings)


@dataclass
class Examined:
    """A file read and judged, before anything is written (the CPU part of the pipeline)."""

    outcome: DepositOutcome
    values: RecordValues | None = None
    syntax: Syntax | None = None
    xml: bytes | None = None
    reading: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    @property
    def structured(self) -> bool:
        return self.syntax in STRUCTURED


def examine(*, data: bytes, filename: str, syntaxes: frozenset[str] | None = None) -> Examined:
    """preflight → detect → read → validate: writes nothing and needs no transaction, so that a
    worker does this CPU work while others write. `syntaxes` (an EDI flow's) are the source
    syntaxes accepted: another one is refused at detection."""
    examined = Examined(DepositOutcome(filename=filename))
    outcome = examined.outcome
    try:
        preflight(data, filename)
        syntax = examined.syntax = detect(data, filename)
        if syntaxes is not None:
            expected(syntax, syntaxes, filename)
        if syntax in STRUCTURED:
            result = read_structured(data)
            values = record_from_document(result.invoice)
            outcome.number = str(values.header.get("number") or "")
            outcome.recipient_identifier = str(values.header.get("recipient_identifier") or "")
            outcome.supplier_identifier = _supplier_identifier(result)
            widths(values)
            outcome.findings = validate(result)
            examined.xml = data if syntax != Syntax.FACTURX else result.xml
        else:
            values, examined.reading, examined.text = read_pdf(data)
            widths(values)
            outcome.findings = [_from_dict(warning) for warning in examined.reading.get("warnings", [])]
        examined.values = values
    except Refused as refusal:
        outcome.refused_at, outcome.findings = refusal.step, refusal.findings
    return examined


def routed(
    examined: Examined,
    *,
    supplier: Structure,
    submit: bool,
    recipients: dict | None = None,
    duplicates=duplicate_findings,
) -> tuple[Invoice, list[Finding]]:
    """duplicates → resolve recipient → the routing checks, for a file `examine` passed: the probe
    invoice (supplier, number, date, recipient resolved) and the routing findings; raises Refused.
    `duplicates(probe)` may answer from what a batch read at once (default: one query)."""
    values, reading = examined.values, examined.reading
    probe = Invoice(
        supplier=supplier,
        number=values.header.get("number") or "",
        issue_date=values.header.get("issue_date"),
    )
    found = duplicates(probe)
    if found:
        raise Refused("duplicates", found)
    probe.recipient_identifier = values.header.get("recipient_identifier") or ""
    probe.service_code = values.header.get("service_code") or ""
    probe.engagement_number = values.header.get("engagement_number") or ""
    key = (probe.recipient_identifier, probe.service_code)
    if recipients is not None and key in recipients:
        probe.recipient, probe.recipient_service = recipients[key]
    else:
        probe.recipient, probe.recipient_service = resolve_recipient(*key)
        if recipients is not None:
            recipients[key] = (probe.recipient, probe.recipient_service)
    routing = [*supplier_findings(probe), *recipient_findings(probe)]
    if submit and examined.structured and any(f.fatal for f in routing):
        raise Refused("recipient", routing)
    if _recipient_named(routing) and examined.text:
        reading["suggestions"] = suggestions(examined.text)
    return probe, routing


def record(
    examined: Examined,
    *,
    actor,
    supplier: Structure,
    data: bytes,
    channel: str,
    submit: bool,
    supplier_service: StructureService | None,
    recipients: dict | None = None,
) -> DepositOutcome:
    """duplicates → resolve recipient → persist → route, in one transaction; nothing is created
    when a step refuses. `recipients` may cache the recipient resolution across the files of a
    batch (identifier, service code → structure, service)."""
    outcome, values = examined.outcome, examined.values
    if outcome.refused_at or values is None:
        return refused_outcome(outcome)
    try:
        # The counters' deltas of the new draft and its sending are written once (invoices.counts).
        with transaction.atomic(), counts_grouped():
            probe, routing = routed(examined, supplier=supplier, submit=submit, recipients=recipients)
            invoice = persist(
                actor=actor,
                supplier=supplier,
                supplier_service=supplier_service,
                channel=channel,
                values=values,
                source_syntax=STRUCTURED.get(examined.syntax, SourceSyntax.PDF),
                data=data,
                filename=outcome.filename,
                xml=examined.xml,
                reading=examined.reading,
                recipient=probe.recipient,
                recipient_service=probe.recipient_service,
            )
            outcome.findings += routing
            if submit and examined.structured:
                invoice = invoice_submit(actor=actor, invoice=invoice, checked=True)
        outcome.invoice = invoice
    except (Refused, ApplicationError) as error:
        refusal_note(outcome, error)
    except IntegrityError:  # the same number sent at the same moment by another deposit
        outcome.refused_at = "duplicates"
        outcome.findings = duplicate_findings(
            Invoice(
                supplier=supplier,
                number=values.header.get("number") or "",
                issue_date=values.header.get("issue_date"),
            )
        ) or [_fatal("INV-5-DOUBLON", "Numéro de facture déjà utilisé.", "Invoice number already used.")]
    return refused_outcome(outcome)


def refusal_note(outcome: DepositOutcome, error: Refused | ApplicationError) -> None:
    """Write on `outcome` the step that refused the file and why."""
    if isinstance(error, Refused):
        outcome.refused_at, outcome.findings = error.step, error.findings
    elif isinstance(error, InvoiceRefused):
        outcome.refused_at, outcome.findings = "route", error.findings
    else:  # e.g. more lines than a record holds
        message = str(error.message)
        outcome.refused_at, outcome.findings = "persist", [_fatal("DEPOT-REFUS", message, message)]


def refused_outcome(outcome: DepositOutcome) -> DepositOutcome:
    if outcome.invoice is None:
        outcome.findings = outcome.findings or [
            _fatal("DEPOT-REFUS", "Le fichier est refusé.", "The file is refused.")
        ]
    return outcome


def deposit(
    *,
    actor,
    supplier: Structure,
    data: bytes,
    filename: str,
    channel: str = Channel.PORTAL_DEPOSIT,
    submit: bool = False,
    supplier_service: StructureService | None = None,
    syntaxes: frozenset[str] | None = None,
) -> DepositOutcome:
    """Run one file through the pipeline; nothing is created when a step refuses it."""
    try:
        supplier_service = sender_service(actor, supplier, supplier_service)
    except ApplicationError as error:
        outcome = DepositOutcome(filename=filename, refused_at="rights")
        outcome.findings = [_fatal("DEPOT-DROITS", str(error.message), str(error.message))]
        return outcome
    examined = examine(data=data, filename=filename, syntaxes=syntaxes)
    return record(
        examined,
        actor=actor,
        supplier=supplier,
        data=data,
        channel=channel,
        submit=submit,
        supplier_service=supplier_service,
    )


def deposit_batch(
    *,
    actor,
    supplier: Structure,
    files: list[tuple[str, bytes]],
    channel: str = Channel.PORTAL_DEPOSIT,
    supplier_service: StructureService | None = None,
) -> list[DepositOutcome]:
    """INV-4: several files, each with its own outcome. Structured files that pass every check are
    sent; text PDFs become drafts to complete; a refused file changes nothing for the others."""
    return [
        deposit(
            actor=actor,
            supplier=supplier,
            data=data,
            filename=name,
            channel=channel,
            submit=True,
            supplier_service=supplier_service,
        )
        for name, data in files
    ]
