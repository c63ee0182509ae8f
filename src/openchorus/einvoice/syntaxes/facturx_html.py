"""The human-readable face of a Factur-X: a French invoice as HTML, printed by WeasyPrint.

It shows every mention the French rules ask of an invoice (CGI art. 242 nonies A, décret
2019-748): number and date, seller and buyer identities with SIREN/SIRET and VAT numbers, legal
form, purchase order number, delivery address and date, each line with quantity, unit price net of
VAT and VAT rate, allowances and charges, VAT per rate, totals, due date, payment terms and the
notes carrying penalties and the fixed recovery indemnity, and VAT exemption reasons.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import escape

from ..model import Identifier, Invoice, PostalAddress

VAT_CATEGORY_LABELS = {
    "S": "Taux normal",
    "Z": "Taux zéro",
    "E": "Exonéré",
    "AE": "Autoliquidation",
    "K": "Livraison intracommunautaire",
    "G": "Exportation hors UE",
    "O": "Hors champ de la TVA",
    "L": "IGIC (Canaries)",
    "M": "IPSI (Ceuta et Melilla)",
    "B": "Transfert (Italie)",
}
PAYMENT_MEANS_LABELS = {
    "1": "Non défini",
    "10": "Espèces",
    "20": "Chèque",
    "30": "Virement",
    "31": "Virement",
    "42": "Virement sur compte bancaire",
    "48": "Carte bancaire",
    "49": "Prélèvement",
    "57": "Ordre permanent",
    "58": "Virement SEPA",
    "59": "Prélèvement SEPA",
    "97": "Compensation",
}
UNIT_LABELS = {
    "C62": "unité",
    "H87": "pièce",
    "EA": "unité",
    "XPP": "pièce",
    "HUR": "heure",
    "DAY": "jour",
    "MON": "mois",
    "ANN": "an",
    "KGM": "kg",
    "GRM": "g",
    "TNE": "t",
    "MTR": "m",
    "MTK": "m²",
    "MTQ": "m³",
    "LTR": "l",
    "KWH": "kWh",
    "LS": "forfait",
    "SET": "lot",
}
_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-center { content: "Page " counter(page) " / " counter(pages); font-size: 8pt; color: #555; } }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 9pt; color: #161616; }
h1 { font-size: 18pt; margin: 0 0 2mm 0; color: #000091; }
.meta td { padding: 0 4mm 0 0; }
.parties { width: 100%; margin: 6mm 0; border-collapse: separate; border-spacing: 4mm 0; }
.parties td { width: 50%; vertical-align: top; border: 1px solid #ccc; padding: 3mm; }
.parties h2 { font-size: 10pt; margin: 0 0 1mm 0; text-transform: uppercase; color: #555; }
table.lines { width: 100%; border-collapse: collapse; margin-top: 4mm; }
table.lines th { background: #eeeef8; text-align: left; padding: 1.5mm; font-size: 8pt; }
table.lines td { border-bottom: 1px solid #ddd; padding: 1.5mm; vertical-align: top; }
.num { text-align: right; white-space: nowrap; }
.small { font-size: 7.5pt; color: #444; }
.totals { width: 45%; margin-left: 55%; border-collapse: collapse; margin-top: 4mm; }
.totals td { padding: 1mm 1.5mm; }
.totals tr.due td { font-weight: bold; font-size: 11pt; border-top: 2px solid #000091; }
.section { margin-top: 5mm; }
.section h3 { font-size: 9.5pt; margin: 0 0 1mm 0; color: #000091; }
"""


def money(value: Decimal | None, currency: str = "") -> str:
    """A French-formatted amount (1 234,56 €), keeping decimals beyond the second."""
    if value is None:
        return ""
    exponent = value.as_tuple().exponent
    shown = value if isinstance(exponent, int) and exponent < -2 else value.quantize(Decimal("0.01"))
    sign = "-" if shown < 0 else ""
    integer, _, fraction = format(abs(shown), "f").partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = sign + "\u202f".join(groups) + ("," + fraction if fraction else "")
    symbol = {"EUR": "€"}.get(currency, currency)
    return f"{text}\u00a0{symbol}" if symbol else text


def number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize() if value == value.to_integral() else value, "f")
    return text.replace(".", ",")


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def _e(value: object) -> str:
    return escape(str(value)) if value is not None else ""


def _ident(label: str, value: Identifier | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Identifier):
        scheme = {"0002": "SIREN", "0009": "SIRET"}.get(value.scheme_id or "", value.scheme_id or "")
        shown = f"{value.value} ({scheme})" if scheme else value.value
    else:
        shown = value
    return f"<div>{_e(label)} : {_e(shown)}</div>"


def _address(address: PostalAddress | None) -> str:
    if address is None:
        return ""
    lines = [address.line1, address.line2, address.line3]
    city = " ".join(part for part in (address.post_code, address.city) if part)
    lines += [city, address.country_subdivision, address.country_code]
    return "".join(f"<div>{_e(line)}</div>" for line in lines if line)


def invoice_html(invoice: Invoice) -> str:
    """The complete HTML document of an invoice (French)."""
    inv = invoice
    cur = inv.currency_code
    kind = "Avoir" if inv.is_credit_note else "Facture"
    seller, buyer = inv.seller, inv.buyer
    parts: list[str] = [
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">',
        f"<title>{_e(kind)} {_e(inv.number)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(kind)} n° {_e(inv.number)}</h1>",
        '<table class="meta"><tr>',
        f"<td>Date d'émission : <b>{_e(day(inv.issue_date))}</b></td>",
        f"<td>Échéance : <b>{_e(day(inv.due_date))}</b></td>" if inv.due_date else "",
        f"<td>Devise : {_e(cur)}</td>",
        f"<td class='small'>Type de document : {_e(inv.type_code)}</td></tr></table>",
        '<table class="parties"><tr><td><h2>Vendeur</h2>',
        f"<div><b>{_e(seller.name)}</b></div>",
        f"<div>{_e(seller.trading_name)}</div>" if seller.trading_name else "",
        _address(seller.address),
        _ident("Immatriculation", seller.legal_registration),
        "".join(_ident("Identifiant", ident) for ident in seller.identifiers),
        _ident("N° TVA intracommunautaire", seller.vat_identifier),
        _ident("N° fiscal", seller.tax_registration_identifier),
        f"<div class='small'>{_e(seller.additional_legal_information)}</div>"
        if seller.additional_legal_information
        else "",
        _contact(seller.contact),
        "</td><td><h2>Acheteur</h2>",
        f"<div><b>{_e(buyer.name)}</b></div>",
        f"<div>{_e(buyer.trading_name)}</div>" if buyer.trading_name else "",
        _address(buyer.address),
        _ident("Immatriculation", buyer.legal_registration),
        _ident("Identifiant", buyer.identifier),
        _ident("N° TVA intracommunautaire", buyer.vat_identifier),
        _ident("Référence acheteur (service)", inv.buyer_reference),
        _contact(buyer.contact),
        "</td></tr></table>",
        _references(inv),
        _lines(inv),
        _document_allowances(inv),
        _totals(inv),
        _vat_table(inv),
        _payment(inv),
        _notes(inv),
        "</body></html>",
    ]
    return "".join(parts)


def _contact(contact: object) -> str:
    from ..model import Contact

    if not isinstance(contact, Contact):
        return ""
    items = [contact.point, contact.telephone, contact.email]
    shown = " · ".join(item for item in items if item)
    return f"<div class='small'>Contact : {_e(shown)}</div>" if shown else ""


def _references(inv: Invoice) -> str:
    rows = [
        ("Bon de commande", inv.purchase_order_reference),
        ("Commande vendeur", inv.sales_order_reference),
        ("Contrat / marché", inv.contract_reference),
        ("Engagement / projet", inv.project_reference),
        ("Lot ou appel d'offres", inv.tender_or_lot_reference),
        ("Bon de livraison", inv.despatch_advice_reference),
        ("Bon de réception", inv.receiving_advice_reference),
        ("Référence comptable acheteur", inv.buyer_accounting_reference),
        ("Cadre de facturation", inv.business_process_type),
    ]
    rows += [
        (
            f"Facture antérieure ({day(ref.issue_date)})" if ref.issue_date else "Facture antérieure",
            ref.reference,
        )
        for ref in inv.preceding_invoices
    ]
    if inv.invoicing_period is not None:
        period = f"du {day(inv.invoicing_period.start_date)} au {day(inv.invoicing_period.end_date)}"
        rows.append(("Période de facturation", period))
    if inv.tax_point_date is not None:
        rows.append(("Date d'exigibilité de la TVA", day(inv.tax_point_date)))
    delivery = inv.delivery
    if delivery is not None:
        rows.append(("Date de livraison", day(delivery.actual_delivery_date)))
        rows.append(("Livré à", delivery.party_name))
    shown = "".join(f"<tr><td>{_e(label)}</td><td>{_e(value)}</td></tr>" for label, value in rows if value)
    address = _address(delivery.address) if delivery is not None else ""
    if address:
        shown += f"<tr><td>Adresse de livraison</td><td>{address}</td></tr>"
    return f"<div class='section'><h3>Références</h3><table>{shown}</table></div>" if shown else ""


def _lines(inv: Invoice) -> str:
    if not inv.lines:
        return ""
    cur = inv.currency_code
    head = (
        "<table class='lines'><thead><tr><th>N°</th><th>Désignation</th><th class='num'>Quantité</th>"
        "<th>Unité</th><th class='num'>Prix unitaire HT</th><th class='num'>TVA</th>"
        "<th class='num'>Montant HT</th></tr></thead><tbody>"
    )
    rows = []
    for line in inv.lines:
        details = [line.item.description, line.note]
        if line.item.seller_identifier:
            details.append(f"Réf. {line.item.seller_identifier}")
        if line.period is not None:
            details.append(f"Période du {day(line.period.start_date)} au {day(line.period.end_date)}")
        for label, items in (("Remise", line.allowances), ("Frais", line.charges)):
            for ac in items:
                details.append(f"{label} : {money(ac.amount, cur)} {ac.reason or ''}".strip())
        if line.price.gross_price is not None:
            details.append(f"Prix brut : {money(line.price.gross_price, cur)}")
        base = ""
        if line.price.base_quantity is not None:
            base = f" / {number(line.price.base_quantity)}"
        rate = f"{number(line.vat.rate)} %" if line.vat.rate is not None else line.vat.category_code
        rows.append(
            f"<tr><td>{_e(line.identifier)}</td><td><b>{_e(line.item.name)}</b>"
            + "".join(f"<div class='small'>{_e(d)}</div>" for d in details if d)
            + f"</td><td class='num'>{_e(number(line.quantity))}</td>"
            f"<td>{_e(UNIT_LABELS.get(line.unit_code, line.unit_code))}</td>"
            f"<td class='num'>{_e(money(line.price.net_price, cur))}{_e(base)}</td>"
            f"<td class='num'>{_e(rate)}</td><td class='num'>{_e(money(line.net_amount, cur))}</td></tr>"
        )
    return head + "".join(rows) + "</tbody></table>"


def _document_allowances(inv: Invoice) -> str:
    cur = inv.currency_code
    rows = []
    for label, items in (("Remise", inv.allowances), ("Frais", inv.charges)):
        for ac in items:
            rate = f"{number(ac.vat_rate)} %" if ac.vat_rate is not None else ac.vat_category_code
            rows.append(
                f"<tr><td>{_e(label)} : {_e(ac.reason or ac.reason_code or '')}</td>"
                f"<td class='num'>{_e(money(ac.amount, cur))}</td><td class='num'>TVA {_e(rate)}</td></tr>"
            )
    if not rows:
        return ""
    return (
        "<div class='section'><h3>Remises et frais sur le document</h3><table>"
        + "".join(rows)
        + "</table></div>"
    )


def _totals(inv: Invoice) -> str:
    t = inv.totals
    cur = inv.currency_code
    rows = [
        ("Total des lignes HT", t.line_net_total),
        ("Total des remises", t.allowance_total),
        ("Total des frais", t.charge_total),
        ("Total HT", t.total_without_vat),
        ("Total TVA", t.vat_total),
        ("Total TTC", t.total_with_vat),
        ("Déjà payé", t.paid_amount),
        ("Arrondi", t.rounding_amount),
    ]
    html = "".join(
        f"<tr><td>{_e(label)}</td><td class='num'>{_e(money(value, cur))}</td></tr>"
        for label, value in rows
        if value is not None
    )
    if t.vat_total_accounting_currency is not None:
        accounting = money(t.vat_total_accounting_currency, inv.tax_currency_code or "")
        html += (
            f"<tr><td>Total TVA en {_e(inv.tax_currency_code)}</td><td class='num'>{_e(accounting)}</td></tr>"
        )
    html += f"<tr class='due'><td>Net à payer</td><td class='num'>{_e(money(t.amount_due, cur))}</td></tr>"
    return f"<table class='totals'>{html}</table>"


def _vat_table(inv: Invoice) -> str:
    if not inv.vat_breakdown:
        return ""
    cur = inv.currency_code
    rows = []
    for vat in inv.vat_breakdown:
        label = VAT_CATEGORY_LABELS.get(vat.category_code, vat.category_code)
        reason = " ".join(part for part in (vat.exemption_reason_code, vat.exemption_reason) if part)
        rows.append(
            f"<tr><td>{_e(label)} ({_e(vat.category_code)})</td>"
            f"<td class='num'>{_e(number(vat.rate))} %</td>"
            f"<td class='num'>{_e(money(vat.taxable_amount, cur))}</td>"
            f"<td class='num'>{_e(money(vat.tax_amount, cur))}</td><td class='small'>{_e(reason)}</td></tr>"
        )
    return (
        "<div class='section'><h3>Récapitulatif de la TVA</h3><table class='lines'><thead><tr>"
        "<th>Catégorie</th><th class='num'>Taux</th><th class='num'>Base HT</th>"
        "<th class='num'>Montant TVA</th>"
        "<th>Motif d'exonération</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
    )


def _payment(inv: Invoice) -> str:
    pay = inv.payment_instructions
    parts = []
    if inv.payment_terms:
        parts.append(f"<div>Conditions de paiement : {_e(inv.payment_terms)}</div>")
    if pay is not None:
        means = PAYMENT_MEANS_LABELS.get(pay.means_code, pay.means_code)
        parts.append(f"<div>Moyen de paiement : {_e(pay.means_text or means)} ({_e(pay.means_code)})</div>")
        if pay.remittance_information:
            parts.append(f"<div>Référence de paiement : {_e(pay.remittance_information)}</div>")
        for transfer in pay.credit_transfers:
            bic = (
                f" · BIC {transfer.service_provider_identifier}"
                if transfer.service_provider_identifier
                else ""
            )
            name = f" ({transfer.account_name})" if transfer.account_name else ""
            parts.append(f"<div>IBAN / compte : {_e(transfer.account_identifier)}{_e(bic)}{_e(name)}</div>")
        if pay.card is not None:
            parts.append(
                f"<div>Carte : {_e(pay.card.primary_account_number)} {_e(pay.card.holder_name or '')}</div>"
            )
        if pay.direct_debit is not None:
            debit = pay.direct_debit
            shown = " · ".join(
                f"{label} {value}"
                for label, value in (
                    ("mandat", debit.mandate_reference),
                    ("ICS", debit.creditor_identifier),
                    ("compte débité", debit.debited_account_identifier),
                )
                if value
            )
            parts.append(f"<div>Prélèvement : {_e(shown)}</div>")
    if inv.payee is not None:
        parts.append(f"<div>Bénéficiaire du paiement : {_e(inv.payee.name)}</div>")
    if inv.tax_representative is not None:
        rep = inv.tax_representative
        parts.append(f"<div>Représentant fiscal : {_e(rep.name)} (TVA {_e(rep.vat_identifier)})</div>")
    if not parts:
        return ""
    return "<div class='section'><h3>Paiement</h3>" + "".join(parts) + "</div>"


def _notes(inv: Invoice) -> str:
    parts = [
        f"<div>{'<b>' + _e(note.subject_code) + '</b> ' if note.subject_code else ''}{_e(note.text)}</div>"
        for note in inv.notes
    ]
    for doc in inv.supporting_documents:
        shown = " · ".join(part for part in (doc.reference, doc.description, doc.external_uri) if part)
        attached = f" (pièce jointe : {doc.attachment.filename})" if doc.attachment is not None else ""
        parts.append(f"<div class='small'>Justificatif : {_e(shown)}{_e(attached)}</div>")
    if not parts:
        return ""
    return "<div class='section'><h3>Mentions et notes</h3>" + "".join(parts) + "</div>"
