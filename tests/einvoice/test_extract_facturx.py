"""`openchorus extract` on a Factur-X PDF reports the embedded XML's values, not a guess."""

from __future__ import annotations

import json

from openchorus.einvoice import read
from openchorus.einvoice.commands import extract


def test_extract_facturx_reports_embedded_xml_values(corpus, capsys):
    path = corpus("zugferd-corpus/XML-Rechnung/FX/EN16931_Einfach.pdf")
    invoice = read(path.read_bytes()).invoice
    assert extract.run([str(path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["invoice_number"] == {
        "value": invoice.number,
        "confidence": 1.0,
        "where": {"source": "xml"},
    }
    assert document["issue_date"]["value"] == invoice.issue_date.isoformat()
    assert document["total_incl_vat"]["value"] == f"{invoice.totals.total_with_vat:.2f}"
    assert document["scanned"] is False
