"""Detection of scanned or image-only PDFs, which Chorus Pro cannot read (INV-3, seed 002).

A page counts as an image page when one image covers most of it. The document is *scanned*
when its text layer is missing or too thin to hold an invoice (`PDF-SCANNED`, fatal), and also
when every page is an image page even if it carries text, because that text is then an OCR layer
whose figures cannot be trusted (`PDF-IMAGE-PAGES`, warning). Both findings explain the four
golden rules of PDF deposit.
"""

from __future__ import annotations

from openchorus.einvoice.errors import EInvoiceError, Issue, Severity
from openchorus.einvoice.pdf.text import TextDocument

# An invoice has at least a number, a date, parties and amounts: far more than this many
# visible characters. A page footer or a stamp alone stays below it.
MIN_TEXT_CHARS = 40
# Share of a page covered by one image from which the page is taken as a scan.
FULL_PAGE_IMAGE = 0.6

GOLDEN_RULES_FR = (
    "Les 4 règles d'or du dépôt d'une facture PDF : "
    "1. déposez une facture au format PDF texte (pas de scan, ni d'image) ; "
    "2. annoncez les données par des mots clefs, par exemple « SIRET client », « SIRET dest », "
    "« Ministère » pour le SIRET du destinataire et « engagement », « EJ », « commande » pour le "
    "numéro d'engagement ; "
    "3. laissez un espace entre chaque champ de la facture ; "
    "4. évitez couleurs et effets, privilégiez le noir sur fond blanc."
)
GOLDEN_RULES_EN = (
    "The 4 golden rules for depositing a PDF invoice: "
    "1. deposit the invoice as a text PDF (no scan, no image); "
    "2. announce the data with keywords, e.g. “SIRET client”, “SIRET dest”, “Ministère” for the "
    "recipient's SIRET and “engagement”, “EJ”, “commande” for the engagement number; "
    "3. leave a space between the fields of the invoice; "
    "4. avoid colours and effects, prefer black on white."
)
_FIX_FR = (
    "Depuis votre logiciel de facturation, « Enregistrer sous… » au format PDF plutôt que "
    "d'imprimer puis numériser la facture."
)
_FIX_EN = "From your invoicing software, use “Save as…” PDF instead of printing and scanning the invoice."


def scan_finding(document: TextDocument) -> Issue | None:
    """The finding about a scanned or image-only document, or None for a text PDF."""
    if document.char_count < MIN_TEXT_CHARS:
        return Issue(
            rule_id="PDF-SCANNED",
            severity=Severity.FATAL,
            message_fr=(
                "Ce PDF est une image ou un document numérisé : il ne contient pas (ou presque pas) "
                "de texte lisible, la plateforme ne peut donc pas lire la facture. " + GOLDEN_RULES_FR
            ),
            message_en=(
                "This PDF is an image or a scanned document: it holds no (or almost no) readable "
                "text, so the platform cannot read the invoice. " + GOLDEN_RULES_EN
            ),
            fix_fr=_FIX_FR,
            fix_en=_FIX_EN,
        )
    if all(page.image_coverage >= FULL_PAGE_IMAGE for page in document.pages):
        return Issue(
            rule_id="PDF-IMAGE-PAGES",
            severity=Severity.WARNING,
            message_fr=(
                "Chaque page de ce PDF est une image pleine page : il s'agit sans doute d'une "
                "facture numérisée avec reconnaissance de caractères, dont les données lues peuvent "
                "être fausses. Vérifiez chaque champ. " + GOLDEN_RULES_FR
            ),
            message_en=(
                "Every page of this PDF is a full-page image: it is probably a scanned invoice with "
                "character recognition, and the data read from it may be wrong. Check every field. "
                + GOLDEN_RULES_EN
            ),
            fix_fr=_FIX_FR,
            fix_en=_FIX_EN,
        )
    return None


def refuse_if_scanned(document: TextDocument) -> None:
    """Raise the `PDF-SCANNED` refusal when the document has no usable text layer."""
    finding = scan_finding(document)
    if finding is not None and finding.severity is Severity.FATAL:
        raise EInvoiceError(finding)
