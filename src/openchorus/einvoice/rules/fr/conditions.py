"""BR-FR-CO: the conditions between terms (references, dates, frames, currency)."""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Invoice
from ..engine import Hit, RuleRegistry
from ._common import (
    ADVANCE_TYPES,
    CORRECTIVE_TYPES,
    CREDIT_TYPES,
    _at,
    _frame,
    _value,
)

_registry = RuleRegistry()
rule = _registry.rule


@rule(
    "BR-FR-CO-04",
    "BT-25",
    "A corrective invoice (BT-3 = 384, 471, 472, 473) shall reference exactly one preceding invoice (BT-25) "
    "with its issue date (BT-26).",
    "Si le type de facture (BT-3) est une facture rectificative (384, 471, 472, 473), une et une seule "
    "référence à une facture antérieure (BT-25) avec sa date (BT-26) doit être présente.",
)
def _frco04(inv: Invoice) -> Iterator[Hit]:
    if inv.type_code in CORRECTIVE_TYPES:
        # The artefact counts the references (BG-3), dated or not.
        count = len(inv.preceding_invoices)
        if count != 1:
            yield Hit("preceding_invoices", f"({count} trouvée(s))", f"({count} found)")


@rule(
    "BR-FR-CO-05",
    "BT-25",
    "A credit note (BT-3 = 261, 381, 396, 502, 503) shall reference at least one preceding invoice (BT-25) "
    "with its issue date (BT-26).",
    "Si le type de facture (BT-3) est un avoir (261, 381, 396, 502, 503), au moins une référence à une "
    "facture antérieure (BT-25) avec sa date (BT-26) doit être présente.",
)
def _frco05(inv: Invoice) -> Iterator[Hit]:
    valid = any(p.reference and p.issue_date is not None for p in inv.preceding_invoices)
    if inv.type_code in CREDIT_TYPES and not valid:
        yield Hit("preceding_invoices")


@rule(
    "BR-FR-CO-07",
    "BT-9",
    "The payment due date (BT-9), when present, shall be on or after the issue date (BT-2), except for advance "
    "invoices (386, 500, 503) and billing frames B2, S2, M2.",
    "La date d'échéance (BT-9), si présente, doit être postérieure ou égale à la date de facture (BT-2), sauf "
    "pour une facture d'acompte (386, 500, 503) ou un cadre de facturation B2, S2 ou M2.",
)
def _frco07(inv: Invoice) -> Iterator[Hit]:
    if inv.due_date is None or inv.issue_date is None:
        return
    if inv.type_code in ADVANCE_TYPES or _frame(inv) in {"B2", "S2", "M2"}:
        return
    if inv.due_date < inv.issue_date:
        yield _at("due_date", _value(inv.due_date.isoformat()))


@rule(
    "BR-FR-CO-08",
    "BT-23",
    "With a billing frame B4, S4 or M4 (final invoice after advance payment), the type code (BT-3) shall not be "
    "an advance invoice or credit note (386, 500, 503).",
    "Si le cadre de facturation (BT-23) est B4, S4 ou M4 (facture définitive après acompte), le type de "
    "facture (BT-3) ne peut pas être une facture ou un avoir d'acompte (386, 500, 503).",
)
def _frco08(inv: Invoice) -> Iterator[Hit]:
    if _frame(inv) in {"B4", "S4", "M4"} and inv.type_code in ADVANCE_TYPES:
        yield _at("type_code", _value(inv.type_code))


@rule(
    "BR-FR-CO-09",
    "BT-23",
    "With a billing frame B2, S2 or M2 (invoice already paid), the paid amount (BT-113) shall equal the total "
    "with VAT (BT-112), the amount due (BT-115) shall be 0 and the due date (BT-9) shall give the payment date.",
    "Si le cadre de facturation (BT-23) est B2, S2 ou M2 (facture déjà payée), le montant déjà payé (BT-113) "
    "doit être égal au montant TTC (BT-112), le net à payer (BT-115) doit être nul et la date d'échéance "
    "(BT-9) doit donner la date de paiement.",
)
def _frco09(inv: Invoice) -> Iterator[Hit]:
    if _frame(inv) not in {"B2", "S2", "M2"}:
        return
    t = inv.totals
    if t.paid_amount is None or t.paid_amount != t.total_with_vat:
        yield Hit("totals.paid_amount")
    if t.amount_due is None or t.amount_due != 0:
        yield Hit("totals.amount_due")
    if inv.due_date is None:
        yield Hit("due_date")


@rule(
    "BR-FR-CO-12",
    "BT-6",
    "When the invoice currency (BT-5) is not EUR, the VAT accounting currency (BT-6) shall be EUR and the VAT "
    "total in accounting currency (BT-111) shall be given.",
    "Si la devise de facture (BT-5) est différente de EUR, la devise de comptabilité (BT-6) doit être EUR et "
    "le montant de TVA en devise de comptabilité (BT-111) doit être renseigné.",
)
def _frco12(inv: Invoice) -> Iterator[Hit]:
    if not inv.currency_code or inv.currency_code == "EUR":
        return
    if inv.tax_currency_code != "EUR" or inv.totals.vat_total_accounting_currency is None:
        yield Hit("tax_currency_code")
