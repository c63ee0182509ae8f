"""Files for the deposit tests: text and scanned PDFs, hostile and broken XML, other formats."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from tests.einvoice.pdf.pdf_builders import image_only_pdf, png
from tests.einvoice.pdf.pdf_layouts import InvoiceData, Line, classic, render_pdf
from tests.invoices.factories import PARIS_HABITAT_SIRET

SUPPLIER_SIRET = "30326504500019"
IBAN = "FR7630006000011234567890189"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&lol9;</ID></Invoice>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>
"""

BROKEN_XML = b"""<?xml version="1.0"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>F1</ID><IssueDate>
"""

ZUGFERD_1 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0">
<rsm:HeaderExchangedDocument/></rsm:CrossIndustryDocument>
"""

CPP_PIVOT = b"""<?xml version="1.0" encoding="UTF-8"?>
<CPPFacturePivot><CPPFactures><CPPFacturePivotUnitaire/></CPPFactures></CPPFacturePivot>
"""


def scanned_pdf() -> bytes:
    return image_only_pdf()


def png_file() -> bytes:
    return png(40, 30)


def text_invoice(*, recipient_siret: str = PARIS_HABITAT_SIRET, number: str = "FA2026-0107") -> InvoiceData:
    return InvoiceData(
        supplier_name="Les Délices de Savoie",
        supplier_siret=SUPPLIER_SIRET,
        recipient_name="Paris Habitat OPH",
        recipient_siret=recipient_siret,
        invoice_number=number,
        issue_date=date(2026, 10, 14),
        delivery_date=date(2026, 10, 10),
        engagement_number="EJ482913",
        lines=(
            Line("Plateau de fromages", 10, Decimal("25.00")),
            Line("Service traiteur", 2, Decimal("50.00")),
        ),
        vat_rate=Decimal("20"),
        iban=IBAN,
    )


def text_pdf(invoice: InvoiceData | None = None) -> bytes:
    """A text PDF invoice in the "classic" layout, with keywords the reader recognises."""
    return render_pdf(classic(invoice or text_invoice(), random.Random(7)))
