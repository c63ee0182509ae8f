"""The keywords that announce invoice fields, with their weights (seed 002, golden rule 2).

Patterns are written for normalised text (lower case, no accents). A keyword's weight says how
specific it is: "SIRET client" names the recipient's SIRET outright (1.0), "date" alone could be
any date (0.6). "ignore" keywords are never values; they shadow the generic keywords they contain
("n° TVA intracommunautaire" is not a VAT amount, "date d'échéance" is not the issue date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Keyword:
    field: str
    pattern: re.Pattern[str]
    weight: float
    same_segment_only: bool


_NO = r"(?:n\s?°|no\.?|n[or]\.?|num(?:ero)?\.?|#)"


def _keywords(name: str, weight: float, *patterns: str, same_segment_only: bool = False) -> list[Keyword]:
    return [
        Keyword(name, re.compile(rf"(?<![a-z0-9]){p}(?![a-z0-9])"), weight, same_segment_only)
        for p in patterns
    ]


KEYWORDS: tuple[Keyword, ...] = tuple(
    [
        *_keywords(
            "ignore",
            1.0,
            r"(?:n\s?°|no|numero|num\.?|code|identifiant)\s*(?:de\s+)?tva(?:\s+intra[a-z.-]*)?",
            r"tva\s+intra[a-z.-]*",
            r"tva\s+non\s+applicable",
            r"(?:taux|%)\s*(?:de\s+)?tva",
            r"tva\s*%",
            r"vat\s+(?:number|no\.?|id|reg[a-z.]*|rate|%)",
            r"(?:ust-?id(?:nr)?\.?|ust\.?-?idnr\.?|steuernummer|steuer-?nr\.?)",
            r"date\s+(?:d'|de\s+l')?echeance",
            r"echeance",
            r"due\s+date",
            r"date\s+limite\s+de\s+paiement",
            r"date\s+(?:de\s+)?(?:la\s+)?commande",
            r"order\s+date",
            r"siren",
            r"prix\s+unitaire\s+ht",
            r"p\.?u\.?\s+ht",
            r"montant\s+ht\s+(?:de\s+la\s+)?ligne",
            r"capital\s+(?:social\s+)?de",
            # The invoice a credit note or a correction refers to (BT-25) is not its number.
            rf"(?:{_NO}\s*(?:de\s+(?:la\s+)?)?|date\s+(?:de\s+(?:la\s+)?)?)?facture\s+"
            r"(?:associee|liee|d'origine|initiale|rectifiee|precedente)",
            r"(?:preceding|original|related)\s+invoice(?:\s+(?:number|no\.?|date))?",
        ),
        *_keywords(
            "recipient_siret",
            1.0,
            r"siret\s+(?:du\s+)?client",
            r"siret\s+(?:du\s+)?dest(?:inataire|\.)?",
            r"siret\s+(?:de\s+l')?acheteur",
            r"siret\s+(?:du\s+)?(?:service\s+)?(?:payeur|facture)",
            r"(?:client|customer|buyer|recipient)(?:'s)?\s+siret",
        ),
        *_keywords(
            "supplier_siret",
            1.0,
            r"siret\s+(?:du\s+)?(?:fournisseur|emetteur|vendeur|prestataire|titulaire)",
            r"notre\s+siret",
            r"(?:supplier|seller|vendor)(?:'s)?\s+siret",
        ),
        *_keywords("siret", 0.7, rf"(?:{_NO}\s*)?siret(?:\s*{_NO})?"),
        *_keywords(
            "invoice_number",
            1.0,
            rf"{_NO}\s*(?:de\s+)?(?:la\s+)?facture",
            rf"facture\s*{_NO}",
            r"numero\s+(?:de\s+)?facture",
            r"ref(?:erence)?\.?\s+(?:de\s+)?(?:la\s+)?facture",
            rf"invoice\s*(?:number|{_NO})",
            rf"avoir\s*{_NO}",
            r"(?:rechnungs-?nummer|rechnungs-?nr\.?)",
            rf"(?:handelsrechnung|rechnungskorrektur|rechnung|gutschrift)(?:\s*\([^)]{{0,40}}\))*\s*{_NO}",
        ),
        *_keywords("invoice_number", 0.55, r"facture", r"invoice", r"avoir", r"rechnung"),
        *_keywords(
            "issue_date",
            1.0,
            r"date\s+(?:de\s+(?:la\s+)?)?factur(?:e|ation)",
            r"date\s+d'emission",
            r"emise?\s+le",
            r"(?:invoice|issue)\s+date",
            r"date\s+of\s+issue",
            r"issued\s+(?:at|on)",
            r"rechnungsdatum",
        ),
        *_keywords("issue_date", 0.6, r"date", r"datum"),
        *_keywords("issue_date", 0.45, r"le", r"du", r"vom", r"dated", same_segment_only=True),
        *_keywords(
            "delivery_date",
            1.0,
            r"date\s+de\s+(?:la\s+)?(?:livraison|prestation|realisation)",
            r"date\s+d'execution",
            r"livre(?:e|s|es)?\s+le",
            r"(?:delivery|supply)\s+date",
            r"date\s+of\s+(?:delivery|supply)",
            r"(?:liefer|leistungs)datum",
        ),
        *_keywords("delivery_date", 0.7, r"livraison", r"delivery", r"lieferung"),
        *_keywords(
            "engagement_number",
            1.0,
            rf"{_NO}\s*(?:d')?engagement(?:\s+juridique)?",
            r"numero\s+d'engagement(?:\s+juridique)?",
            r"engagement\s+juridique",
            rf"{_NO}\s*(?:d'|de\s+l')?ej",
            rf"ej\s*{_NO}?",
            rf"{_NO}\s*(?:de\s+|du\s+)?(?:bon\s+de\s+)?commande",
            rf"(?:bon\s+de\s+)?commande\s*{_NO}",
            r"bon\s+de\s+commande",
            r"purchase\s+order(?:\s+(?:number|no\.?|n°))?",
            rf"po\s*{_NO}",
            r"order\s+(?:number|reference|ref\.?|no\.?)",
            r"bestell(?:nummer|nr\.?|ung\s*nr\.?)",
            r"reference\s+(?:de\s+(?:la\s+)?)?commande",
        ),
        *_keywords(
            "engagement_number",
            0.75,
            r"engagement",
            r"commande",
            r"po",
            r"(?:votre|your)\s+(?:commande|order|reference|ref\.?)",
            r"vos\s+ref(?:erences?|\.)?",
            r"bestellung",
        ),
        *_keywords(
            "total_excl_vat",
            1.0,
            r"(?:sous-)?total\s+(?:net\s+)?(?:ht|h\.t\.?|hors\s+tax(?:e|es)?)",
            r"montant\s+(?:total|net)\s+(?:ht|h\.t\.?|hors\s+tax(?:e|es)?)",
            r"montant\s+hors\s+tax(?:e|es)?",
            r"net\s+(?:ht|hors\s+tax(?:e|es)?)",
            r"total\s+(?:\(?excl\.?|excluding)\s+(?:vat|tax)\)?",
            r"total\s+net\s+amount",
            r"net\s+total",
            r"(?:summe|gesamt(?:betrag)?)\s+netto",
            r"nettosumme",
            r"rechnungssumme\s+ohne\s+(?:ust|mwst)\.?",
            r"total\s+before\s+tax",
            r"subtotal",
        ),
        *_keywords("total_excl_vat", 0.6, r"total\s+net", r"montant\s+ht", r"base\s+ht", r"netto(?:betrag)?"),
        *_keywords(
            "vat_total",
            1.0,
            r"(?:total|montant)\s+(?:de\s+(?:la\s+)?)?t\.?v\.?a\.?",
            r"(?:total|montant)\s+(?:de\s+(?:la\s+)?)?tva",
            r"(?:total\s+)?vat(?:\s+amount|\s+total)?",
            r"(?:summe|total)\s+(?:umsatzsteuer|mwst\.?|ust\.?)",
            r"(?:umsatzsteuer|mwst\.?|ust\.?)-?(?:betrag|summe)",
            r"tax\s+amount",
            r"total\s+(?:des\s+)?taxes",
            r"steuerbetrag",
        ),
        *_keywords("vat_total", 0.6, r"tva", r"t\.v\.a\.", r"umsatzsteuer", r"mwst\.?", r"ust\.?", r"taxes"),
        *_keywords(
            "total_incl_vat",
            1.0,
            r"(?:total|montant)\s+(?:net\s+)?(?:ttc|t\.t\.c\.?|toutes\s+taxes\s+comprises)",
            r"net\s+a\s+payer",
            r"(?:total|montant|reste)\s+a\s+payer",
            r"total\s+(?:\(?incl\.?|including)\s+(?:vat|tax(?:es)?)\)?",
            r"(?:amount|total|balance)\s+due",
            r"grand\s+total",
            r"(?:brutto(?:betrag|summe)?|gesamtbetrag\s+brutto|gesamtsumme|zahlbetrag|rechnungsbetrag)",
            r"(?:due|amount)\s+payable",
            r"total\s+payable",
            r"faellig(?:er)?\s+betrag",
        ),
        *_keywords(
            "total_incl_vat",
            0.55,
            r"ttc",
            r"montant\s+total",
            r"total\s+eur",
            r"total",
            r"gesamtbetrag",
            r"payable",
        ),
        *_keywords("iban", 1.0, r"iban"),
    ]
)

RECIPIENT_HEADINGS = re.compile(
    r"^(?:client|destinataire|facture\s+a|factur(?:e|er)\s+a|adresse\s+de\s+facturation|acheteur|"
    r"bill(?:ed)?\s+to|customer|buyer|recipient|ministere|service\s+destinataire|"
    r"entite\s+publique|rechnungsempfanger|kunde)(?![a-z])"
)
SUPPLIER_HEADINGS = re.compile(
    r"^(?:fournisseur|emetteur|vendeur|prestataire|titulaire|supplier|seller|vendor|from|"
    r"rechnungssteller|lieferant|verkaufer)(?![a-z])"
)
RECIPIENT_LABEL = re.compile(
    r"(?:client|destinataire|dest\.|acheteur|customer|buyer|ministere|recipient)(?![a-z])"
)
SUPPLIER_LABEL = re.compile(r"(?:fournisseur|emetteur|vendeur|prestataire|supplier|seller|vendor)(?![a-z])")
