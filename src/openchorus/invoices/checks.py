"""Checks before sending (INV-5, BYD-1): the recipient rules, the duplicate number, then the e-invoice
library's EN 16931, French and Chorus Pro rules, each finding tied to the form field concerned.

Every finding says what is wrong and how to fix it, in French and in English; the portal shows it
beside the field, the API and EDI reports carry the same record. `invoice_findings` only reads: the
"Vérifier" action runs it without sending, `invoice_submit` refuses when a finding is fatal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import translation

from openchorus import einvoice
from openchorus.einvoice import rules
from openchorus.einvoice.errors import Issue, Severity
from openchorus.invoices.documents import document_from_record
from openchorus.invoices.models import Invoice, InvoiceLine
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.structures import access
from openchorus.structures.enums import Status
from openchorus.structures.models import Structure, StructureService

MAX_SERVICES_LISTED = 10


@dataclass(frozen=True)
class Finding:
    """One finding about an invoice, located on a form field (`field`, "" for the whole invoice)."""

    rule_id: str
    severity: str
    field: str
    message_fr: str
    message_en: str
    fix_fr: str = ""
    fix_en: str = ""
    bt: str = ""
    location: str = ""  # the XPath in the file, when the finding comes from a file

    @property
    def fatal(self) -> bool:
        return self.severity == Severity.FATAL

    @property
    def message(self) -> str:
        return self.message_en if translation.get_language() == "en" else self.message_fr

    @property
    def fix(self) -> str:
        return self.fix_en if translation.get_language() == "en" else self.fix_fr

    def as_dict(self) -> dict[str, str]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "field": self.field,
            "bt": self.bt,
            "message_fr": self.message_fr,
            "message_en": self.message_en,
            "fix_fr": self.fix_fr,
            "fix_en": self.fix_en,
            "location": self.location,
        }


def _fatal(
    rule_id: str, field: str, fr: str, en: str, fix_fr: str = "", fix_en: str = "", bt: str = ""
) -> Finding:
    return Finding(rule_id, Severity.FATAL, field, fr, en, fix_fr, fix_en, bt)


# --- model paths of the library → form fields ---------------------------------------------------

_LINE_FIELDS = {
    "quantity": "quantity",
    "unit_code": "unit_code",
    "net_amount": "unit_price",
    "price": "unit_price",
    "item": "item_name",
    "vat": "vat_rate",
    "identifier": "item_name",
    "allowances": "discount",
}
_HEADER_FIELDS = (
    ("number", "number"),
    ("issue_date", "issue_date"),
    ("type_code", "type_code"),
    ("currency_code", "currency"),
    ("due_date", "due_date"),
    ("payment_terms", "payment_terms"),
    ("buyer_reference", "service_code"),
    ("purchase_order_reference", "engagement_number"),
    ("contract_reference", "contract_reference"),
    ("preceding_invoices", "preceding_invoice_number"),
    ("business_process_type", "billing_frame"),
    ("buyer", "recipient_identifier"),
    ("payment_instructions", "bank_account"),
    ("delivery", "delivery_date"),
    ("notes", "note"),
)
_LINE_PATH = re.compile(r"lines\[(\d+)\]\.?([a-z_]*)")


def field_for(location: str) -> str:
    """The form field of a library finding's model path ("lines[2].quantity" → "lines-2-quantity")."""
    match = _LINE_PATH.match(location)
    if match:
        index, attribute = match.groups()
        return f"lines-{index}-{_LINE_FIELDS.get(attribute, 'item_name')}"
    for prefix, name in _HEADER_FIELDS:
        if location == prefix or location.startswith((prefix + ".", prefix + "[")):
            return name
    return ""


def from_issue(issue: Issue, *, located: bool = True) -> Finding:
    return Finding(
        issue.rule_id,
        str(issue.severity),
        field_for(issue.location) if located else "",
        issue.message_fr,
        issue.message_en,
        issue.fix_fr,
        issue.fix_en,
        issue.bt,
        issue.location or "",
    )


# --- the recipient (INV-5) ----------------------------------------------------------------------


def _services_list(structure: Structure, day: date) -> tuple[str, int]:
    active = [
        s.code
        for s in structure.services.filter(status=Status.ACTIVE).order_by("code")[: MAX_SERVICES_LISTED * 5]
        if s.is_active_on(day)
    ]
    total = len(active)
    listed = ", ".join(active[:MAX_SERVICES_LISTED]) + (" …" if total > MAX_SERVICES_LISTED else "")
    return listed, total


def resolve_recipient(identifier: str, service_code: str) -> tuple[Structure | None, StructureService | None]:
    """The directory's structure and service an identifier and a service code name, if any."""
    identifier = re.sub(r"\s", "", identifier or "")
    if not identifier:
        return None, None
    structure = Structure.objects.filter(identifier=identifier).order_by("-kind").first()
    if structure is None or not service_code.strip():
        return structure, None
    return structure, structure.services.filter(code=service_code.strip()).first()


def recipient_findings(invoice: Invoice, today: date | None = None) -> list[Finding]:
    today = today or invoice.issue_date or date.today()
    identifier = invoice.recipient_identifier.strip()
    if not identifier:
        return [
            _fatal(
                "INV-5-DESTINATAIRE",
                "recipient_identifier",
                "Le destinataire de la facture n'est pas renseigné.",
                "The invoice's recipient is missing.",
                "Indiquez le SIRET de la structure publique destinataire (annuaire des structures publiques).",
                "Give the SIRET of the recipient public structure (public structures directory).",
                "BT-47",
            )
        ]
    structure = invoice.recipient
    if structure is None:
        return [
            _fatal(
                "INV-5-DESTINATAIRE-INCONNU",
                "recipient_identifier",
                f"Aucune structure n'a l'identifiant {identifier} dans l'annuaire.",
                f"No structure has the identifier {identifier} in the directory.",
                "Vérifiez le SIRET communiqué par votre client public, ou cherchez-le dans l'annuaire des structures publiques.",
                "Check the SIRET your public client gave you, or look it up in the public structures directory.",
                "BT-47",
            )
        ]
    name = structure.designation
    if not structure.is_public:
        return [
            _fatal(
                "INV-5-DESTINATAIRE-PRIVE",
                "recipient_identifier",
                f"La structure {identifier} ({name}) n'est pas une structure publique : elle ne reçoit pas de factures sur la plateforme.",
                f"The structure {identifier} ({name}) is not a public structure: it does not receive invoices on the platform.",
                "Indiquez le SIRET de la structure publique que vous facturez.",
                "Give the SIRET of the public structure you are invoicing.",
                "BT-47",
            )
        ]
    if not access.structure_can_exchange(structure):
        return [
            _fatal(
                "INV-5-DESTINATAIRE-INACTIF",
                "recipient_identifier",
                f"La structure {identifier} ({name}) est inactive : elle ne reçoit plus de factures.",
                f"The structure {identifier} ({name}) is inactive: it no longer receives invoices.",
                "Demandez à votre client public la structure qui la remplace.",
                "Ask your public client which structure replaces it.",
                "BT-47",
            )
        ]
    findings: list[Finding] = []
    code = invoice.service_code.strip()
    service = invoice.recipient_service
    if code and (service is None or not service.is_active_on(today) or service.status != Status.ACTIVE):
        listed, total = _services_list(structure, today)
        state_fr = "n'existe pas" if service is None else "n'est pas actif"
        state_en = "does not exist" if service is None else "is not active"
        findings.append(
            _fatal(
                "INV-5-SERVICE-INCONNU" if service is None else "INV-5-SERVICE-INACTIF",
                "service_code",
                f"Le service « {code} » {state_fr} pour la structure {name}.",
                f'The service "{code}" {state_en} for the structure {name}.',
                f"Ses services actifs ({total}) : {listed}."
                if total
                else "Cette structure n'a aucun service actif : laissez le code service vide.",
                f"Its active services ({total}): {listed}."
                if total
                else "This structure has no active service: leave the service code empty.",
                "BT-10",
            )
        )
    if not code and structure.service_code_required:
        listed, total = _services_list(structure, today)
        findings.append(
            _fatal(
                "INV-5-SERVICE-OBLIGATOIRE",
                "service_code",
                f"La structure {name} exige un code service.",
                f"The structure {name} requires a service code.",
                f"Ses services actifs ({total}) : {listed}.",
                f"Its active services ({total}): {listed}.",
                "BT-10",
            )
        )
    engagement = invoice.engagement_number.strip()
    if not engagement:
        if structure.engagement_required:
            findings.append(_engagement_missing(f"La structure {name}", f"The structure {name}"))
        elif service is not None and service.engagement_required:
            findings.append(_engagement_missing(f"Le service {service.code}", f"The service {service.code}"))
        elif structure.service_or_engagement_required and not code:
            findings.append(
                _fatal(
                    "INV-5-SERVICE-OU-ENGAGEMENT",
                    "engagement_number",
                    f"La structure {name} exige un code service ou un numéro d'engagement.",
                    f"The structure {name} requires a service code or an engagement number.",
                    "Indiquez le numéro d'engagement (bon de commande) ou le code du service destinataire.",
                    "Give the engagement number (purchase order) or the recipient service code.",
                    "BT-13",
                )
            )
    return findings


def _engagement_missing(who_fr: str, who_en: str) -> Finding:
    return _fatal(
        "INV-5-ENGAGEMENT-OBLIGATOIRE",
        "engagement_number",
        f"{who_fr} exige un numéro d'engagement.",
        f"{who_en} requires an engagement number.",
        "Indiquez le numéro d'engagement juridique (EJ) figurant sur le bon de commande de votre client.",
        "Give the engagement number (EJ) shown on your client's purchase order.",
        "BT-13",
    )


# --- the supplier and the number -----------------------------------------------------------------


def supplier_findings(invoice: Invoice) -> list[Finding]:
    if access.structure_can_exchange(invoice.supplier):
        return []
    return [
        _fatal(
            "INV-5-FOURNISSEUR-INACTIF",
            "",
            f"Votre structure {invoice.supplier.designation} est inactive : elle ne peut plus émettre de factures.",
            f"Your structure {invoice.supplier.designation} is inactive: it can no longer send invoices.",
            "Un gestionnaire de la structure peut la réactiver dans « Activités du gestionnaire ».",
            'A manager of the structure can reactivate it in "Manager activities".',
        )
    ]


def _sent_by(supplier_id: int):
    """The invoices a number is taken by (INV-5): the supplier's, drafts aside."""
    return Invoice.objects.filter(supplier_id=supplier_id).exclude(status=InvoiceStatus.DRAFT)


def duplicate_findings(invoice: Invoice) -> list[Finding]:
    if not invoice.number or invoice.issue_date is None:
        return []
    others = _sent_by(invoice.supplier_id).filter(year=invoice.issue_date.year, number=invoice.number)
    if invoice.pk:
        others = others.exclude(pk=invoice.pk)
    if not others.exists():
        return []
    return [duplicate_finding(invoice.number, invoice.issue_date.year)]


def numbers_taken(supplier_id: int, keys: Iterable[tuple[int, str]]) -> set[tuple[int, str]]:
    """Of these (year, number), those the supplier already sent (the rule of `duplicate_findings`,
    for a batch of invoices in one query)."""
    keys = set(keys)
    if not keys:
        return set()
    # Years and numbers as two lists (the unique index's columns): a hundred (year AND number)
    # alternatives cost more to build than the few extra rows this may read.
    taken = _sent_by(supplier_id).filter(
        year__in={year for year, _ in keys}, number__in={number for _, number in keys}
    )
    return set(taken.values_list("year", "number")) & keys


def duplicate_finding(number: str, year: int) -> Finding:
    return _fatal(
        "INV-5-DOUBLON",
        "number",
        f"Votre structure a déjà émis une facture n° {number} en {year}.",
        f"Your structure already sent an invoice number {number} in {year}.",
        "Chaque facture porte un numéro unique : donnez un autre numéro, ou retrouvez la facture déjà envoyée dans « Factures émises ».",
        'Each invoice has a unique number: give another number, or find the invoice already sent in "Sent invoices".',
        "BT-1",
    )


# --- everything ---------------------------------------------------------------------------------


def rule_sets() -> tuple[str, ...]:
    """EN 16931 and Chorus Pro rules decide; BR-FR decides too once `OPENCHORUS_BR_FR_FATAL` is set."""
    french = "fr" if settings.OPENCHORUS_BR_FR_FATAL else "fr-warning"
    return ("en16931", french, "chorus")


# Chorus Pro's billing frames (A1…A25, judged by the "chorus" rule set) replace the reform's
# business process codes (B1, S1…) that BR-FR-08 expects: on this platform that rule does not apply.
SUPERSEDED_BY_CHORUS = frozenset({"BR-FR-08"})


def document_findings(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> list[Finding]:
    """The library's rules on the invoice: on its deposited file when it has one, else on the record."""
    return [f for f in _document_findings(invoice, lines) if f.rule_id not in SUPERSEDED_BY_CHORUS]


def _document_findings(invoice: Invoice, lines: list[InvoiceLine] | None) -> list[Finding]:
    if invoice.is_structured_deposit and invoice.xml_file_id:
        from openchorus.core.storage import stored_file_read

        result = einvoice.read(stored_file_read(invoice.xml_file))
        issues = [*result.issues, *rules.validate_read(result, rule_sets=rule_sets())]
        # Locations are XPaths in the file; the form shows them as findings on the whole invoice.
        return [from_issue(issue, located=False) for issue in issues]
    document = document_from_record(invoice, lines)
    return [from_issue(issue) for issue in rules.validate(document, rule_sets=rule_sets())]


def invoice_findings(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> list[Finding]:
    """Everything that would refuse or warn about sending this invoice now (INV-5, BYD-1)."""
    return [
        *supplier_findings(invoice),
        *recipient_findings(invoice),
        *duplicate_findings(invoice),
        *document_findings(invoice, lines),
    ]
