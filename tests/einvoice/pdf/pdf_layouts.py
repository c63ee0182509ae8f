"""Generated text-PDF invoices in several layouts, from randomised but known data (ground truth)."""

from __future__ import annotations

import html
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from stdnum import iban as stdnum_iban
from stdnum import luhn

CENT = Decimal("0.01")

PUBLIC_RECIPIENTS = (
    ("11000201100044", "Ministère de l'Économie et des Finances"),
    ("20005794100011", "Paris Est Marne et Bois"),
    ("34481082500366", "Paris Habitat OPH"),
    ("20007104100046", "CC du Chaourcois et du Val d'Armance"),
)
SUPPLIER_NAMES = (
    "Boulangerie Martin SARL",
    "Atelier Dupont SAS",
    "Nettoyage Pro EURL",
    "Informatique Leroy SA",
)
STREETS = ("12 rue de la Paix", "4 avenue Jean Jaurès", "27 boulevard Voltaire", "3 place du Marché")
CITIES = ("75002 Paris", "69003 Lyon", "33000 Bordeaux", "59000 Lille")
ITEMS = (
    "Prestation de nettoyage",
    "Fournitures de bureau",
    "Maintenance informatique",
    "Formation",
    "Conseil",
)


@dataclass(frozen=True)
class Line:
    label: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(CENT)


@dataclass(frozen=True)
class InvoiceData:
    supplier_name: str
    supplier_siret: str
    recipient_name: str
    recipient_siret: str
    invoice_number: str
    issue_date: date
    delivery_date: date
    engagement_number: str
    lines: tuple[Line, ...]
    vat_rate: Decimal
    iban: str

    @property
    def total_excl_vat(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def vat_total(self) -> Decimal:
        return (self.total_excl_vat * self.vat_rate / 100).quantize(CENT, ROUND_HALF_UP)

    @property
    def total_incl_vat(self) -> Decimal:
        return self.total_excl_vat + self.vat_total

    def expected(self) -> dict[str, object]:
        return {
            "recipient_siret": self.recipient_siret,
            "supplier_siret": self.supplier_siret,
            "invoice_number": self.invoice_number,
            "issue_date": self.issue_date,
            "delivery_date": self.delivery_date,
            "engagement_number": self.engagement_number,
            "total_excl_vat": self.total_excl_vat,
            "vat_total": self.vat_total,
            "total_incl_vat": self.total_incl_vat,
            "iban": self.iban,
        }


def random_siret(rng: random.Random) -> str:
    siren = "".join(rng.choice("0123456789") for _ in range(8))
    siren += luhn.calc_check_digit(siren)
    nic = "".join(rng.choice("0123456789") for _ in range(4))
    return siren + nic + luhn.calc_check_digit(siren + nic)


def random_iban(rng: random.Random) -> str:
    bank = rng.randint(10000, 39999)
    branch = rng.randint(10000, 99999)
    account = rng.randint(10**9, 10**11 - 1)
    key = 97 - (89 * bank + 15 * branch + 3 * account) % 97
    bban = f"{bank:05d}{branch:05d}{account:011d}{key:02d}"
    return "FR" + stdnum_iban.calc_check_digits("FR00" + bban) + bban


def random_invoice(rng: random.Random) -> InvoiceData:
    recipient_siret, recipient_name = rng.choice(PUBLIC_RECIPIENTS)
    issue = date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))
    number = rng.choice(
        (
            f"F{issue.year}-{rng.randint(1, 9999):04d}",
            f"FA{rng.randint(100000, 999999)}",
            f"{issue.year}/{rng.randint(1, 999):03d}",
            f"INV-{rng.randint(1000, 99999)}",
        )
    )
    engagement = rng.choice((f"{rng.randint(1000000000, 1999999999)}", f"EJ{rng.randint(100000, 999999)}"))
    lines = tuple(
        Line(rng.choice(ITEMS), rng.randint(1, 12), Decimal(rng.randint(500, 250000)) / 100)
        for _ in range(rng.randint(1, 5))
    )
    return InvoiceData(
        supplier_name=rng.choice(SUPPLIER_NAMES),
        supplier_siret=random_siret(rng),
        recipient_name=recipient_name,
        recipient_siret=recipient_siret,
        invoice_number=number,
        issue_date=issue,
        delivery_date=issue - timedelta(days=rng.randint(1, 20)),
        engagement_number=engagement,
        lines=lines,
        vat_rate=rng.choice((Decimal("20"), Decimal("10"), Decimal("5.5"))),
        iban=random_iban(rng),
    )


# --- formatting -----------------------------------------------------------------------------

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def eur(amount: Decimal, *, symbol: bool = True) -> str:
    """French money format: narrow no-break space as thousands separator, decimal comma."""
    whole, _, cents = f"{amount:.2f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = "\u202f".join(groups) + "," + cents
    return text + "\u00a0€" if symbol else text


def eur_en(amount: Decimal) -> str:
    return f"€{amount:,.2f}"


def date_fr(day: date, style: int) -> str:
    if style == 0:
        return day.strftime("%d/%m/%Y")
    if style == 1:
        return f"{day.day}{'er' if day.day == 1 else ''} {MONTHS_FR[day.month - 1]} {day.year}"
    if style == 2:
        return day.strftime("%d.%m.%Y")
    return day.strftime("%d-%m-%Y")


def date_en(day: date) -> str:
    return f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}"


def spaced_siret(siret: str) -> str:
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def spaced_iban(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def e(text: object) -> str:
    return html.escape(str(text))


BASE_CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9.5pt; color: #000; }
table { border-collapse: collapse; }
td, th { padding: 3pt 6pt; text-align: left; vertical-align: top; }
.num { text-align: right; }
"""


def _lines_table(invoice: InvoiceData, header: tuple[str, ...], *, english: bool = False) -> str:
    money = eur_en if english else eur
    rows = "".join(
        f"<tr><td>{e(line.label)}</td><td class=num>{line.quantity}</td>"
        f"<td class=num>{e(money(line.unit_price))}</td><td class=num>{e(money(line.amount))}</td></tr>"
        for line in invoice.lines
    )
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    return f"<table style='width:100%; margin: 14pt 0'><tr>{head}</tr>{rows}</table>"


def classic(invoice: InvoiceData, rng: random.Random) -> str:
    style = rng.randint(0, 3)
    siret_label = rng.choice(("SIRET client", "SIRET dest.", "SIRET destinataire"))
    engagement_label = rng.choice(("N° d'engagement", "Engagement juridique", "N° EJ"))
    return f"""<html><head><style>{BASE_CSS}
.top {{ display: flex; justify-content: space-between; }}
footer {{ position: fixed; bottom: 0; font-size: 7.5pt; width: 100%; }}
</style></head><body>
<div class=top><div><b>{e(invoice.supplier_name)}</b><br>{e(rng.choice(STREETS))}<br>
{e(rng.choice(CITIES))}</div>
<div><h2>FACTURE N° {e(invoice.invoice_number)}</h2>
<p>Date de facture : {e(date_fr(invoice.issue_date, style))}</p>
<p>Date de livraison : {e(date_fr(invoice.delivery_date, style))}</p></div></div>
<div style="margin-left: 300pt; margin-top: 20pt"><b>Client</b><br>{e(invoice.recipient_name)}<br>
{e(rng.choice(STREETS))}<br>{e(rng.choice(CITIES))}<br>{e(siret_label)} : {e(invoice.recipient_siret)}</div>
<p>{e(engagement_label)} : {e(invoice.engagement_number)}</p>
{_lines_table(invoice, ("Désignation", "Qté", "Prix unitaire HT", "Montant HT"))}
<table style="margin-left: 300pt">
<tr><td>Total HT</td><td class=num>{e(eur(invoice.total_excl_vat))}</td></tr>
<tr><td>TVA {e(invoice.vat_rate)} %</td><td class=num>{e(eur(invoice.vat_total))}</td></tr>
<tr><td><b>Total TTC</b></td><td class=num><b>{e(eur(invoice.total_incl_vat))}</b></td></tr>
</table>
<footer>{e(invoice.supplier_name)} — SAS au capital de 10 000 € —
SIRET {e(spaced_siret(invoice.supplier_siret))}
— RCS Paris<br>Règlement par virement — IBAN {e(spaced_iban(invoice.iban))} — BIC BNPAFRPP</footer>
</body></html>"""


def two_columns(invoice: InvoiceData, rng: random.Random) -> str:
    style = rng.choice((0, 1))
    left, right = rng.choice((("Fournisseur", "Destinataire"), ("Émetteur", "Facturé à")))
    order_label = rng.choice(("Bon de commande", "N° de commande", "Commande n°"))
    return f"""<html><head><style>{BASE_CSS}
.parties {{ display: flex; gap: 40pt; margin: 16pt 0; }}
.party {{ width: 45%; border: 0.5pt solid #000; padding: 8pt; }}
.meta td:first-child {{ width: 140pt; }}
</style></head><body>
<h1>Facture</h1>
<table class=meta>
<tr><td>Numéro de facture</td><td>{e(invoice.invoice_number)}</td></tr>
<tr><td>Date d'émission</td><td>{e(date_fr(invoice.issue_date, style))}</td></tr>
<tr><td>Date d'exécution</td><td>{e(date_fr(invoice.delivery_date, style))}</td></tr>
<tr><td>{e(order_label)}</td><td>{e(invoice.engagement_number)}</td></tr>
</table>
<div class=parties>
<div class=party><b>{e(left)}</b><br>{e(invoice.supplier_name)}<br>{e(rng.choice(STREETS))}<br>
{e(rng.choice(CITIES))}<br>SIRET {e(spaced_siret(invoice.supplier_siret))}</div>
<div class=party><b>{e(right)}</b><br>{e(invoice.recipient_name)}<br>{e(rng.choice(STREETS))}<br>
{e(rng.choice(CITIES))}<br>SIRET {e(spaced_siret(invoice.recipient_siret))}</div>
</div>
{_lines_table(invoice, ("Libellé", "Quantité", "PU HT", "Total ligne HT"))}
<table style="margin-left: 280pt; border: 0.5pt solid #000">
<tr><td>Montant total HT</td><td class=num>{e(eur(invoice.total_excl_vat))}</td></tr>
<tr><td>Montant TVA</td><td class=num>{e(eur(invoice.vat_total))}</td></tr>
<tr><td>Net à payer</td><td class=num>{e(eur(invoice.total_incl_vat))}</td></tr>
</table>
<p style="margin-top: 30pt">Coordonnées bancaires<br>IBAN : {e(spaced_iban(invoice.iban))}</p>
</body></html>"""


def table_heavy(invoice: InvoiceData, rng: random.Random) -> str:
    style = rng.choice((0, 2, 3))
    head_ej = rng.choice(("EJ", "N° engagement", "Engagement"))
    return f"""<html><head><style>{BASE_CSS}
table.grid {{ width: 100%; margin: 8pt 0; }}
table.grid td, table.grid th {{ border: 0.5pt solid #000; }}
</style></head><body>
<table class=grid><tr><th>Fournisseur</th><th>SIRET fournisseur</th></tr>
<tr><td>{e(invoice.supplier_name)}</td><td>{e(invoice.supplier_siret)}</td></tr></table>
<table class=grid><tr><th>N° facture</th><th>Date facture</th><th>Date livraison</th><th>{e(head_ej)}</th>
<th>SIRET dest.</th></tr>
<tr><td>{e(invoice.invoice_number)}</td><td>{e(date_fr(invoice.issue_date, style))}</td>
<td>{e(date_fr(invoice.delivery_date, style))}</td><td>{e(invoice.engagement_number)}</td>
<td>{e(invoice.recipient_siret)}</td></tr></table>
<table class=grid><tr><th>Destinataire</th></tr><tr><td>{e(invoice.recipient_name)}</td></tr></table>
{_lines_table(invoice, ("Article", "Qté", "PU HT", "Montant HT"))}
<table class=grid><tr><th>Total HT</th><th>Total TVA</th><th>Total TTC</th></tr>
<tr><td class=num>{e(eur(invoice.total_excl_vat, symbol=False))}</td>
<td class=num>{e(eur(invoice.vat_total, symbol=False))}</td>
<td class=num>{e(eur(invoice.total_incl_vat, symbol=False))}</td></tr></table>
<table class=grid><tr><th>IBAN</th><th>BIC</th></tr><tr><td>{e(spaced_iban(invoice.iban))}</td>
<td>CCBPFRPP</td></tr></table>
</body></html>"""


def minimalist(invoice: InvoiceData, rng: random.Random) -> str:
    style = rng.choice((0, 1))
    return f"""<html><head><style>{BASE_CSS} p {{ margin: 4pt 0; }}</style></head><body>
<p>{e(invoice.supplier_name)}, SIRET {e(invoice.supplier_siret)}</p>
<p>{e(rng.choice(CITIES).split(" ", 1)[1])}, le {e(date_fr(invoice.issue_date, style))}</p>
<p style="margin-top: 20pt">{e(invoice.recipient_name)}</p>
<p>SIRET client {e(invoice.recipient_siret)}</p>
<p style="margin-top: 20pt">Facture {e(invoice.invoice_number)}</p>
<p>Livré le {e(date_fr(invoice.delivery_date, style))}</p>
<p>Commande n° {e(invoice.engagement_number)}</p>
{_lines_table(invoice, ("Objet", "Qté", "Prix", "Montant"))}
<p>Total HT {e(eur(invoice.total_excl_vat))}</p>
<p>TVA {e(eur(invoice.vat_total))}</p>
<p>Total TTC {e(eur(invoice.total_incl_vat))}</p>
<p style="margin-top: 20pt">Paiement par virement sur le compte IBAN {e(spaced_iban(invoice.iban))}</p>
</body></html>"""


def bilingual(invoice: InvoiceData, rng: random.Random) -> str:
    english_dates = rng.random() < 0.5
    issue = date_en(invoice.issue_date) if english_dates else date_fr(invoice.issue_date, 0)
    delivery = date_en(invoice.delivery_date) if english_dates else date_fr(invoice.delivery_date, 0)
    money = eur_en if rng.random() < 0.5 else eur
    return f"""<html><head><style>{BASE_CSS}
.kv td:first-child {{ color: #000; width: 200pt; }}
</style></head><body>
<h1>INVOICE / FACTURE</h1>
<table class=kv>
<tr><td>Invoice number / N° de facture</td><td>{e(invoice.invoice_number)}</td></tr>
<tr><td>Issue date / Date d'émission</td><td>{e(issue)}</td></tr>
<tr><td>Delivery date / Date de livraison</td><td>{e(delivery)}</td></tr>
<tr><td>Purchase order / Bon de commande</td><td>{e(invoice.engagement_number)}</td></tr>
</table>
<table style="width:100%; margin-top: 16pt"><tr>
<td><b>Seller / Vendeur</b><br>{e(invoice.supplier_name)}<br>Supplier SIRET: {e(invoice.supplier_siret)}</td>
<td><b>Buyer / Acheteur</b><br>{e(invoice.recipient_name)}<br>
Customer SIRET: {e(invoice.recipient_siret)}</td>
</tr></table>
{_lines_table(invoice, ("Description", "Qty", "Unit price", "Amount"), english=money is eur_en)}
<table style="margin-left: 260pt">
<tr><td>Total excl. VAT / Total HT</td><td class=num>{e(money(invoice.total_excl_vat))}</td></tr>
<tr><td>VAT / TVA ({e(invoice.vat_rate)}%)</td><td class=num>{e(money(invoice.vat_total))}</td></tr>
<tr><td>Total incl. VAT / Total TTC</td><td class=num>{e(money(invoice.total_incl_vat))}</td></tr>
</table>
<p style="margin-top: 24pt">Bank details / Coordonnées bancaires — IBAN: {e(spaced_iban(invoice.iban))}</p>
</body></html>"""


def stacked_labels(invoice: InvoiceData, rng: random.Random) -> str:
    """Labels in small capitals above their values, in boxes laid out on a grid."""
    style = rng.randint(0, 3)

    def box(label: str, value: str) -> str:
        return (
            f"<td style='border:0.5pt solid #000; width: 160pt'><small>{e(label)}</small><br>"
            f"<span style='font-size: 11pt'>{e(value)}</span></td>"
        )

    return f"""<html><head><style>{BASE_CSS} table.boxes {{ border-spacing: 8pt; border-collapse: separate; }}
</style></head><body>
<h2>{e(invoice.supplier_name)}</h2>
<table class=boxes>
<tr>{box("N° DE FACTURE", invoice.invoice_number)}
{box("DATE DE FACTURATION", date_fr(invoice.issue_date, style))}
{box("DATE DE PRESTATION", date_fr(invoice.delivery_date, style))}</tr>
<tr>{box("SIRET DESTINATAIRE", spaced_siret(invoice.recipient_siret))}
{box("SIRET ÉMETTEUR", spaced_siret(invoice.supplier_siret))}
{box("N° D'ENGAGEMENT", invoice.engagement_number)}</tr>
</table>
<p>{e(invoice.recipient_name)}</p>
{_lines_table(invoice, ("Désignation", "Qté", "PU HT", "Montant HT"))}
<table class=boxes><tr>{box("TOTAL HT", eur(invoice.total_excl_vat))}{box("TVA", eur(invoice.vat_total))}
{box("NET À PAYER", eur(invoice.total_incl_vat))}</tr></table>
<p>IBAN {e(spaced_iban(invoice.iban))}</p>
</body></html>"""


def scattered(invoice: InvoiceData, rng: random.Random) -> str:
    """Label/value pairs in shuffled order, each label beside or above its value, wordings drawn
    from the many ways invoices announce their fields."""
    style = rng.randint(0, 3)
    pairs = [
        (
            rng.choice(
                ("N° de facture", "Facture n°", "Numéro de facture", "Invoice number", "Réf. facture")
            ),
            invoice.invoice_number,
        ),
        (
            rng.choice(("Date de facture", "Date d'émission", "Date de facturation", "Invoice date")),
            date_fr(invoice.issue_date, style),
        ),
        (
            rng.choice(("Date de livraison", "Date d'exécution", "Livré le", "Delivery date")),
            date_fr(invoice.delivery_date, style),
        ),
        (
            rng.choice(
                ("Engagement juridique", "N° EJ", "N° de commande", "Bon de commande", "Purchase order")
            ),
            invoice.engagement_number,
        ),
        (
            rng.choice(("SIRET client", "SIRET dest", "SIRET destinataire", "Customer SIRET")),
            spaced_siret(invoice.recipient_siret) if rng.random() < 0.5 else invoice.recipient_siret,
        ),
        (rng.choice(("SIRET fournisseur", "SIRET émetteur", "Notre SIRET")), invoice.supplier_siret),
        (rng.choice(("Total HT", "Montant total HT", "Total hors taxes")), eur(invoice.total_excl_vat)),
        (rng.choice(("Total TVA", "Montant TVA", "TVA")), eur(invoice.vat_total)),
        (rng.choice(("Total TTC", "Net à payer", "Montant TTC")), eur(invoice.total_incl_vat)),
        ("IBAN", spaced_iban(invoice.iban)),
    ]
    rng.shuffle(pairs)
    cells = []
    for label, value in pairs:
        if rng.random() < 0.5:
            cells.append(f"<div class=cell>{e(label)} : {e(value)}</div>")
        else:
            cells.append(f"<div class=cell><small>{e(label)}</small><br>{e(value)}</div>")
    return f"""<html><head><style>{BASE_CSS}
.grid {{ display: flex; flex-wrap: wrap; gap: 14pt 40pt; margin-top: 20pt; }}
.cell {{ width: 220pt; }}
</style></head><body>
<h2>{e(invoice.supplier_name)}</h2><p>{e(invoice.recipient_name)}</p>
<div class=grid>{"".join(cells)}</div>
{_lines_table(invoice, ("Désignation", "Qté", "PU HT", "Montant HT"))}
</body></html>"""


LAYOUTS: dict[str, Callable[[InvoiceData, random.Random], str]] = {
    "classic": classic,
    "two_columns": two_columns,
    "table_heavy": table_heavy,
    "minimalist": minimalist,
    "bilingual": bilingual,
    "stacked_labels": stacked_labels,
    "scattered": scattered,
}


def render_pdf(markup: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=markup).write_pdf()  # type: ignore[no-any-return]


def generate(count: int, seed: int = 2026) -> list[tuple[str, InvoiceData, bytes]]:
    """`count` invoices cycling through the layouts: (layout name, ground truth, PDF bytes)."""
    rng = random.Random(seed)
    names = sorted(LAYOUTS)
    out = []
    for index in range(count):
        name = names[index % len(names)]
        invoice = random_invoice(rng)
        out.append((name, invoice, render_pdf(LAYOUTS[name](invoice, rng))))
    return out
