"""`openchorus audit verify` passes on the demo data, invoices included (issue 6 "done when")."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from openchorus.audit.models import AuditEvent
from openchorus.demo import DELICES_SIRET, demo_load
from openchorus.invoices.models import Invoice
from openchorus.lifecycle.statuses import InvoiceStatus

pytestmark = pytest.mark.django_db


def test_audit_verify_passes_on_the_demo_data_loaded_twice(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    demo_load()
    invoices = Invoice.objects.filter(supplier__identifier=DELICES_SIRET)
    events = AuditEvent.objects.exclude(stream="directory")  # each directory import is itself audited
    counts = (invoices.count(), events.count())

    demo_load()  # idempotent: nothing created twice

    assert (invoices.count(), events.count()) == counts
    statuses = set(invoices.values_list("status", flat=True))
    assert {InvoiceStatus.DRAFT, InvoiceStatus.AVAILABLE} <= statuses
    assert set(invoices.values_list("source_syntax", flat=True)) == {"", "UBL", "CII"}
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("audit trail OK (database)")
