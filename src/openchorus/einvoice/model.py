"""The EN 16931-1 semantic model of an invoice, as frozen, slotted dataclasses.

One class per business group (BG-n), one field per business term (BT-n). Every field carries
its identifiers in `dataclasses.field` metadata:

- ``bt``: the business term or group id (``"BT-1"``, ``"BG-25"``); fields of classes reused by
  several groups (addresses, contacts, periods, allowances and charges) also carry ``bt_in``, a
  mapping from the enclosing group id to the term id in that group;
- ``card``: the EN 16931 cardinality (``"1..1"``, ``"0..1"``, ``"0..n"``, ``"1..n"``).

Cardinality shows in the types: ``X | None`` for 0..1, ``tuple[X, ...]`` for 0..n and 1..n.
Readers never invent data, so a term that is mandatory (1..1) but missing from a non-conformant
source is the empty string for texts and codes, and ``None`` for dates and amounts (their types
are Optional for that reason); the business rules (BR-xx) report it. Amounts, quantities,
percentages and rates are `Decimal`, kept with the scale written in the source; dates are
`datetime.date`. A scheme identifier (BT-xx-1) travels with its value in `Identifier`.
"""

# `term()` returns a `dataclasses.Field` (a field specifier), which RUF009 cannot see.
# ruff: noqa: RUF009

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

_T = TypeVar("_T")


def term(bt: str, card: str, default: _T, bt_in: Mapping[str, str] | None = None) -> _T:
    """Declare a dataclass field for a business term or group, with its id and cardinality."""
    metadata: dict[str, Any] = {"bt": bt, "card": card}
    if bt_in is not None:
        metadata["bt_in"] = dict(bt_in)
    return field(default=default, metadata=metadata)


# --- Reusable structures ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Identifier:
    """An identifier with its optional identification scheme (BT-xx and BT-xx-1)."""

    value: str = term("", "1..1", "")
    scheme_id: str | None = term("-1", "0..1", None)  # the BT-xx-1 scheme identifier


@dataclass(frozen=True, slots=True, kw_only=True)
class BinaryObject:
    """BT-125 attached document with BT-125-1 MIME code and BT-125-2 file name."""

    content: bytes = term("BT-125", "1..1", b"")
    mime_code: str = term("BT-125-1", "1..1", "")
    filename: str = term("BT-125-2", "1..1", "")


@dataclass(frozen=True, slots=True, kw_only=True)
class PostalAddress:
    """BG-5 seller, BG-8 buyer, BG-12 tax representative and BG-15 deliver-to postal address."""

    line1: str | None = term(
        "BT-35", "0..1", None, {"BG-5": "BT-35", "BG-8": "BT-50", "BG-12": "BT-64", "BG-15": "BT-75"}
    )
    line2: str | None = term(
        "BT-36", "0..1", None, {"BG-5": "BT-36", "BG-8": "BT-51", "BG-12": "BT-65", "BG-15": "BT-76"}
    )
    line3: str | None = term(
        "BT-162", "0..1", None, {"BG-5": "BT-162", "BG-8": "BT-163", "BG-12": "BT-164", "BG-15": "BT-165"}
    )
    city: str | None = term(
        "BT-37", "0..1", None, {"BG-5": "BT-37", "BG-8": "BT-52", "BG-12": "BT-66", "BG-15": "BT-77"}
    )
    post_code: str | None = term(
        "BT-38", "0..1", None, {"BG-5": "BT-38", "BG-8": "BT-53", "BG-12": "BT-67", "BG-15": "BT-78"}
    )
    country_subdivision: str | None = term(
        "BT-39", "0..1", None, {"BG-5": "BT-39", "BG-8": "BT-54", "BG-12": "BT-68", "BG-15": "BT-79"}
    )
    country_code: str = term(
        "BT-40", "1..1", "", {"BG-5": "BT-40", "BG-8": "BT-55", "BG-12": "BT-69", "BG-15": "BT-80"}
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """BG-6 seller contact and BG-9 buyer contact."""

    point: str | None = term("BT-41", "0..1", None, {"BG-6": "BT-41", "BG-9": "BT-56"})
    telephone: str | None = term("BT-42", "0..1", None, {"BG-6": "BT-42", "BG-9": "BT-57"})
    email: str | None = term("BT-43", "0..1", None, {"BG-6": "BT-43", "BG-9": "BT-58"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Period:
    """BG-14 invoicing period and BG-26 invoice line period."""

    start_date: date | None = term("BT-73", "0..1", None, {"BG-14": "BT-73", "BG-26": "BT-134"})
    end_date: date | None = term("BT-74", "0..1", None, {"BG-14": "BT-74", "BG-26": "BT-135"})


# --- Header groups --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """BG-1 invoice note."""

    subject_code: str | None = term("BT-21", "0..1", None)
    text: str = term("BT-22", "1..1", "")


@dataclass(frozen=True, slots=True, kw_only=True)
class PrecedingInvoiceReference:
    """BG-3 preceding invoice reference."""

    reference: str = term("BT-25", "1..1", "")
    issue_date: date | None = term("BT-26", "0..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Seller:
    """BG-4 seller."""

    name: str = term("BT-27", "1..1", "")
    trading_name: str | None = term("BT-28", "0..1", None)
    identifiers: tuple[Identifier, ...] = term("BT-29", "0..n", ())  # with BT-29-1
    legal_registration: Identifier | None = term("BT-30", "0..1", None)  # with BT-30-1
    vat_identifier: str | None = term("BT-31", "0..1", None)
    tax_registration_identifier: str | None = term("BT-32", "0..1", None)
    additional_legal_information: str | None = term("BT-33", "0..1", None)
    electronic_address: Identifier | None = term("BT-34", "0..1", None)  # with BT-34-1
    address: PostalAddress = term("BG-5", "1..1", PostalAddress())
    contact: Contact | None = term("BG-6", "0..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Buyer:
    """BG-7 buyer."""

    name: str = term("BT-44", "1..1", "")
    trading_name: str | None = term("BT-45", "0..1", None)
    identifier: Identifier | None = term("BT-46", "0..1", None)  # with BT-46-1
    legal_registration: Identifier | None = term("BT-47", "0..1", None)  # with BT-47-1
    vat_identifier: str | None = term("BT-48", "0..1", None)
    electronic_address: Identifier | None = term("BT-49", "0..1", None)  # with BT-49-1
    address: PostalAddress = term("BG-8", "1..1", PostalAddress())
    contact: Contact | None = term("BG-9", "0..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Payee:
    """BG-10 payee."""

    name: str = term("BT-59", "1..1", "")
    identifier: Identifier | None = term("BT-60", "0..1", None)  # with BT-60-1
    legal_registration: Identifier | None = term("BT-61", "0..1", None)  # with BT-61-1


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxRepresentative:
    """BG-11 seller tax representative party."""

    name: str = term("BT-62", "1..1", "")
    vat_identifier: str = term("BT-63", "1..1", "")
    address: PostalAddress = term("BG-12", "1..1", PostalAddress())


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """BG-13 delivery information."""

    party_name: str | None = term("BT-70", "0..1", None)
    location_identifier: Identifier | None = term("BT-71", "0..1", None)  # with BT-71-1
    actual_delivery_date: date | None = term("BT-72", "0..1", None)
    address: PostalAddress | None = term("BG-15", "0..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditTransfer:
    """BG-17 credit transfer."""

    account_identifier: str = term("BT-84", "1..1", "")
    account_name: str | None = term("BT-85", "0..1", None)
    service_provider_identifier: str | None = term("BT-86", "0..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentCard:
    """BG-18 payment card information."""

    primary_account_number: str = term("BT-87", "1..1", "")
    holder_name: str | None = term("BT-88", "0..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectDebit:
    """BG-19 direct debit."""

    mandate_reference: str | None = term("BT-89", "0..1", None)
    creditor_identifier: str | None = term("BT-90", "0..1", None)
    debited_account_identifier: str | None = term("BT-91", "0..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentInstructions:
    """BG-16 payment instructions."""

    means_code: str = term("BT-81", "1..1", "")
    means_text: str | None = term("BT-82", "0..1", None)
    remittance_information: str | None = term("BT-83", "0..1", None)
    credit_transfers: tuple[CreditTransfer, ...] = term("BG-17", "0..n", ())
    card: PaymentCard | None = term("BG-18", "0..1", None)
    direct_debit: DirectDebit | None = term("BG-19", "0..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentAllowanceCharge:
    """BG-20 document level allowance or BG-21 document level charge (same shape)."""

    amount: Decimal | None = term("BT-92", "1..1", None, {"BG-20": "BT-92", "BG-21": "BT-99"})
    base_amount: Decimal | None = term("BT-93", "0..1", None, {"BG-20": "BT-93", "BG-21": "BT-100"})
    percentage: Decimal | None = term("BT-94", "0..1", None, {"BG-20": "BT-94", "BG-21": "BT-101"})
    vat_category_code: str = term("BT-95", "1..1", "", {"BG-20": "BT-95", "BG-21": "BT-102"})
    vat_rate: Decimal | None = term("BT-96", "0..1", None, {"BG-20": "BT-96", "BG-21": "BT-103"})
    reason: str | None = term("BT-97", "0..1", None, {"BG-20": "BT-97", "BG-21": "BT-104"})
    reason_code: str | None = term("BT-98", "0..1", None, {"BG-20": "BT-98", "BG-21": "BT-105"})


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentTotals:
    """BG-22 document totals."""

    line_net_total: Decimal | None = term("BT-106", "1..1", None)
    allowance_total: Decimal | None = term("BT-107", "0..1", None)
    charge_total: Decimal | None = term("BT-108", "0..1", None)
    total_without_vat: Decimal | None = term("BT-109", "1..1", None)
    vat_total: Decimal | None = term("BT-110", "0..1", None)  # in BT-5 currency
    vat_total_accounting_currency: Decimal | None = term("BT-111", "0..1", None)  # in BT-6 currency
    total_with_vat: Decimal | None = term("BT-112", "1..1", None)
    paid_amount: Decimal | None = term("BT-113", "0..1", None)
    rounding_amount: Decimal | None = term("BT-114", "0..1", None)
    amount_due: Decimal | None = term("BT-115", "1..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class VatBreakdown:
    """BG-23 VAT breakdown."""

    taxable_amount: Decimal | None = term("BT-116", "1..1", None)
    tax_amount: Decimal | None = term("BT-117", "1..1", None)
    category_code: str = term("BT-118", "1..1", "")
    rate: Decimal | None = term("BT-119", "0..1", None)
    exemption_reason: str | None = term("BT-120", "0..1", None)
    exemption_reason_code: str | None = term("BT-121", "0..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class SupportingDocument:
    """BG-24 additional supporting document."""

    reference: str = term("BT-122", "1..1", "")
    description: str | None = term("BT-123", "0..1", None)
    external_uri: str | None = term("BT-124", "0..1", None)
    attachment: BinaryObject | None = term("BT-125", "0..1", None)


# --- Line groups ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class LineAllowanceCharge:
    """BG-27 invoice line allowance or BG-28 invoice line charge (same shape)."""

    amount: Decimal | None = term("BT-136", "1..1", None, {"BG-27": "BT-136", "BG-28": "BT-141"})
    base_amount: Decimal | None = term("BT-137", "0..1", None, {"BG-27": "BT-137", "BG-28": "BT-142"})
    percentage: Decimal | None = term("BT-138", "0..1", None, {"BG-27": "BT-138", "BG-28": "BT-143"})
    reason: str | None = term("BT-139", "0..1", None, {"BG-27": "BT-139", "BG-28": "BT-144"})
    reason_code: str | None = term("BT-140", "0..1", None, {"BG-27": "BT-140", "BG-28": "BT-145"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Price:
    """BG-29 price details."""

    net_price: Decimal | None = term("BT-146", "1..1", None)
    discount: Decimal | None = term("BT-147", "0..1", None)
    gross_price: Decimal | None = term("BT-148", "0..1", None)
    base_quantity: Decimal | None = term("BT-149", "0..1", None)
    base_quantity_unit_code: str | None = term("BT-150", "0..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class LineVat:
    """BG-30 line VAT information."""

    category_code: str = term("BT-151", "1..1", "")
    rate: Decimal | None = term("BT-152", "0..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemClassification:
    """BT-158 item classification identifier with BT-158-1 scheme and BT-158-2 scheme version."""

    value: str = term("BT-158", "1..1", "")
    scheme_id: str = term("BT-158-1", "1..1", "")
    scheme_version: str | None = term("BT-158-2", "0..1", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemAttribute:
    """BG-32 item attribute."""

    name: str = term("BT-160", "1..1", "")
    value: str = term("BT-161", "1..1", "")


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """BG-31 item information."""

    name: str = term("BT-153", "1..1", "")
    description: str | None = term("BT-154", "0..1", None)
    seller_identifier: str | None = term("BT-155", "0..1", None)
    buyer_identifier: str | None = term("BT-156", "0..1", None)
    standard_identifier: Identifier | None = term("BT-157", "0..1", None)  # with BT-157-1
    classifications: tuple[ItemClassification, ...] = term("BT-158", "0..n", ())
    origin_country_code: str | None = term("BT-159", "0..1", None)
    attributes: tuple[ItemAttribute, ...] = term("BG-32", "0..n", ())


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceLine:
    """BG-25 invoice line."""

    identifier: str = term("BT-126", "1..1", "")
    note: str | None = term("BT-127", "0..1", None)
    object_identifier: Identifier | None = term("BT-128", "0..1", None)  # with BT-128-1
    quantity: Decimal | None = term("BT-129", "1..1", None)
    unit_code: str = term("BT-130", "1..1", "")
    net_amount: Decimal | None = term("BT-131", "1..1", None)
    order_line_reference: str | None = term("BT-132", "0..1", None)
    buyer_accounting_reference: str | None = term("BT-133", "0..1", None)
    period: Period | None = term("BG-26", "0..1", None)
    allowances: tuple[LineAllowanceCharge, ...] = term("BG-27", "0..n", ())
    charges: tuple[LineAllowanceCharge, ...] = term("BG-28", "0..n", ())
    price: Price = term("BG-29", "1..1", Price())
    vat: LineVat = term("BG-30", "1..1", LineVat())
    item: Item = term("BG-31", "1..1", Item())


# --- Profiles -------------------------------------------------------------------------------------


class Profile(enum.StrEnum):
    """The specification a document declares in BT-24, grouped by what a reader can expect."""

    MINIMUM = "MINIMUM"
    BASIC_WL = "BASIC WL"
    BASIC = "BASIC"
    EN16931 = "EN 16931"
    EXTENDED = "EXTENDED"
    EXTENDED_CTC_FR = "EXTENDED-CTC-FR"
    XRECHNUNG = "XRECHNUNG"
    PEPPOL = "PEPPOL BIS Billing 3.0"
    OTHER = "OTHER"


# Exact BT-24 values of the Factur-X and French profiles (akretion/factur-x `get_level`, FNFE).
CUSTOMIZATION_IDS: dict[Profile, str] = {
    Profile.MINIMUM: "urn:factur-x.eu:1p0:minimum",
    Profile.BASIC_WL: "urn:factur-x.eu:1p0:basicwl",
    Profile.BASIC: "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
    Profile.EN16931: "urn:cen.eu:en16931:2017",
    Profile.EXTENDED: "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
    Profile.EXTENDED_CTC_FR: "urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr",
}


def profile_from_customization_id(customization_id: str) -> Profile:
    """The profile that a BT-24 value declares (ZUGFeRD 2.0 URNs included)."""
    cid = customization_id.strip()
    for profile, urn in CUSTOMIZATION_IDS.items():
        if cid == urn:
            return profile
    low = cid.lower()
    if "extended-ctc-fr" in low:
        return Profile.EXTENDED_CTC_FR
    if "xrechnung" in low:
        return Profile.XRECHNUNG
    if "peppol" in low:
        return Profile.PEPPOL
    if low.endswith((":minimum", "#minimum")):
        return Profile.MINIMUM
    if low.endswith((":basicwl", "#basicwl")):
        return Profile.BASIC_WL
    if low.endswith(("extended", "#conformant#urn:zugferd.de:2p0:extended")):
        return Profile.EXTENDED
    if low.endswith((":basic", "#basic")):
        return Profile.BASIC
    if low.endswith((":en16931", "#en16931", ":comfort", "#comfort")):  # Factur-X 1.0 drafts, ZUGFeRD 2.0
        return Profile.EN16931
    if low.startswith("urn:cen.eu:en16931:2017"):
        return Profile.EN16931 if low == "urn:cen.eu:en16931:2017" or "comfort" in low else Profile.OTHER
    return Profile.OTHER


# UNCL1001 document type codes that are credit notes (written as UBL CreditNote); the same as
# `codes.CREDIT_NOTE_TYPE_CODES` (CEN BR-CL-01).
CREDIT_NOTE_TYPE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "502", "503", "532"}
)


# --- The invoice ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Invoice:
    """BG-0: an invoice or a credit note, as EN 16931 defines it."""

    number: str = term("BT-1", "1..1", "")
    issue_date: date | None = term("BT-2", "1..1", None)
    type_code: str = term("BT-3", "1..1", "380")
    currency_code: str = term("BT-5", "1..1", "")
    tax_currency_code: str | None = term("BT-6", "0..1", None)
    tax_point_date: date | None = term("BT-7", "0..1", None)
    tax_point_date_code: str | None = term("BT-8", "0..1", None)
    due_date: date | None = term("BT-9", "0..1", None)
    buyer_reference: str | None = term("BT-10", "0..1", None)
    project_reference: str | None = term("BT-11", "0..1", None)
    contract_reference: str | None = term("BT-12", "0..1", None)
    purchase_order_reference: str | None = term("BT-13", "0..1", None)
    sales_order_reference: str | None = term("BT-14", "0..1", None)
    receiving_advice_reference: str | None = term("BT-15", "0..1", None)
    despatch_advice_reference: str | None = term("BT-16", "0..1", None)
    tender_or_lot_reference: str | None = term("BT-17", "0..1", None)
    invoiced_object_identifier: Identifier | None = term("BT-18", "0..1", None)  # with BT-18-1
    buyer_accounting_reference: str | None = term("BT-19", "0..1", None)
    payment_terms: str | None = term("BT-20", "0..1", None)
    notes: tuple[Note, ...] = term("BG-1", "0..n", ())
    business_process_type: str | None = term("BT-23", "0..1", None)  # BG-2
    customization_id: str = term("BT-24", "1..1", "")  # BG-2
    preceding_invoices: tuple[PrecedingInvoiceReference, ...] = term("BG-3", "0..n", ())
    seller: Seller = term("BG-4", "1..1", Seller())
    buyer: Buyer = term("BG-7", "1..1", Buyer())
    payee: Payee | None = term("BG-10", "0..1", None)
    tax_representative: TaxRepresentative | None = term("BG-11", "0..1", None)
    delivery: Delivery | None = term("BG-13", "0..1", None)
    invoicing_period: Period | None = term("BG-14", "0..1", None)
    payment_instructions: PaymentInstructions | None = term("BG-16", "0..1", None)
    allowances: tuple[DocumentAllowanceCharge, ...] = term("BG-20", "0..n", ())
    charges: tuple[DocumentAllowanceCharge, ...] = term("BG-21", "0..n", ())
    totals: DocumentTotals = term("BG-22", "1..1", DocumentTotals())
    vat_breakdown: tuple[VatBreakdown, ...] = term("BG-23", "1..n", ())
    supporting_documents: tuple[SupportingDocument, ...] = term("BG-24", "0..n", ())
    lines: tuple[InvoiceLine, ...] = term("BG-25", "1..n", ())

    @property
    def profile(self) -> Profile:
        """The profile declared by BT-24."""
        return profile_from_customization_id(self.customization_id)

    @property
    def is_credit_note(self) -> bool:
        """True when BT-3 is a credit note type code (UNCL1001)."""
        return self.type_code in CREDIT_NOTE_TYPE_CODES


# --- Construction -------------------------------------------------------------------------------


def _faster_init(cls: type[Any]) -> None:
    """Give a frozen, slotted, keyword-only model dataclass an ``__init__`` that sets each slot
    through its descriptor. Same parameters and defaults as the generated one, which goes through
    ``object.__setattr__`` once per field: a reader builds about a hundred of these objects for a
    20-line invoice, and this makes their construction about a third cheaper."""
    fields = dataclasses.fields(cls)
    if any(not f.init or not f.kw_only or f.default is dataclasses.MISSING for f in fields):
        return
    namespace: dict[str, Any] = {}
    for f in fields:
        namespace[f"_default_{f.name}"] = f.default
        namespace[f"_set_{f.name}"] = cls.__dict__[f.name].__set__  # the slot's member descriptor
    parameters = ", ".join(f"{f.name}=_default_{f.name}" for f in fields)
    body = "".join(f"    _set_{f.name}(self, {f.name})\n" for f in fields)
    # Generated from the field names, as `dataclasses` generates the __init__ it replaces.
    exec(f"def __init__(self, *, {parameters}):\n{body}", namespace)  # noqa: S102
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    setattr(cls, "__init__", init)  # noqa: B010 (mypy refuses assigning a method)


_MODEL_CLASSES: tuple[type[Any], ...] = tuple(
    cls
    for cls in list(globals().values())
    if isinstance(cls, type)
    and dataclasses.is_dataclass(cls)
    and cls.__module__ == __name__
    and cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    and "__slots__" in cls.__dict__
)
for _cls in _MODEL_CLASSES:
    _faster_init(_cls)


# --- Introspection --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TermValue:
    """One business term found in a model instance, for generic checks and reports."""

    path: str  # model path, e.g. "lines[0].item.name"
    bt: str  # business term id in its context, e.g. "BT-153"
    value: object


def term_id(cls: type[Any], field_name: str, group: str | None = None) -> str:
    """The BT/BG id of a field of a model class, in the context of `group` if it is reused."""
    for f in dataclasses.fields(cls):
        if f.name == field_name:
            bt_in: dict[str, str] = f.metadata.get("bt_in", {})
            if group is not None and group in bt_in:
                return bt_in[group]
            return str(f.metadata.get("bt", ""))
    raise KeyError(field_name)


def iter_terms(obj: object, path: str = "", group: str | None = None) -> Iterator[TermValue]:
    """Every business term present (not None, not empty) in a model instance, depth first."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value is None or value == "" or value == b"" or value == ():
            continue
        bt_in: dict[str, str] = f.metadata.get("bt_in", {})
        bt = bt_in.get(group or "", f.metadata.get("bt", ""))
        sub_path = f"{path}.{f.name}" if path else f.name
        items = (
            [(f"{sub_path}[{i}]", v) for i, v in enumerate(value)]
            if isinstance(value, tuple)
            else [(sub_path, value)]
        )
        for item_path, item in items:
            if isinstance(item, Identifier):
                yield TermValue(item_path, bt, item.value)
                if item.scheme_id:
                    yield TermValue(f"{item_path}.scheme_id", f"{bt}-1", item.scheme_id)
            elif dataclasses.is_dataclass(item):
                yield from iter_terms(item, item_path, bt if bt.startswith("BG-") else group)
            else:
                yield TermValue(item_path, bt, item)
