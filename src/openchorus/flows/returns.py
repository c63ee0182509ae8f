"""Return flows (RAC-3): the status changes of a structure's invoices, for its connected systems.

The same changes, read by one selector, go to two places:
- the drop folder's out/ of every live technical account, written by a periodic task as
  `statuts_<date>_<first>-<last>.json` and a CDAR-like XML (`.xml`: the reform's lifecycle message
  shape, UN/CEFACT CrossDomainAcknowledgementAndResponse, with the reform status codes; not
  validated against the D22B schema, which is not public);
- the API (`factures/v1/consulter/retours`), read with a cursor.

A supplier sees the changes of the invoices it sent, as it sees them on the portal (no Déposée to
itself twice, no hidden Mise en paiement); a recipient the changes of the invoices it received from
the moment they were made available to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from lxml import etree

from openchorus.lifecycle.models import InvoiceStatusChange
from openchorus.lifecycle.statuses import InvoiceStatus
from openchorus.lifecycle.transitions import REFORM_CODES

MAX_CHANGES = 1000


@dataclass(frozen=True)
class StatusChange:
    id: int
    invoice_id: int
    number: str
    role: str  # FOURNISSEUR | DESTINATAIRE
    from_status: str
    to_status: str
    at: datetime
    motif: str
    comment: str

    def as_api(self) -> dict:
        code, label = REFORM_CODES.get(InvoiceStatus(self.to_status), ("", ""))
        return {
            "idChangement": self.id,
            "idFacture": self.invoice_id,
            "numeroFacture": self.number,
            "role": self.role,
            "ancienStatut": self.from_status,
            "nouveauStatut": self.to_status,
            "codeStatutReforme": code,
            "libelleStatutReforme": label,
            "dateHeureChangement": self.at.isoformat(),
            "motif": self.motif,
            "commentaire": self.comment,
        }


def status_changes(
    *, structure_id: int, after: int = 0, limit: int = MAX_CHANGES
) -> tuple[list[StatusChange], int]:
    """The changes after the cursor `after` (a change id) concerning the structure, oldest first,
    and the cursor to ask from next time."""
    rows = (
        InvoiceStatusChange.objects.filter(pk__gt=after)
        .filter(Q(invoice__supplier_id=structure_id) | Q(recipient_id=structure_id))
        .exclude(to_status=InvoiceStatus.DRAFT)
        .order_by("pk")
        .values(
            "pk", "invoice_id", "invoice__number", "invoice__supplier_id", "recipient_id", "from_status",
            "to_status", "at", "motif", "comment", "invoice__recipient__payment_status_hidden",
        )[: max(1, min(limit, MAX_CHANGES))]
    )  # fmt: skip
    changes = []
    for row in rows:
        as_recipient = row["recipient_id"] == structure_id and row["to_status"] != InvoiceStatus.DEPOSITED
        hidden = (
            row["to_status"] == InvoiceStatus.PAYMENT_ORDERED
            and row["invoice__recipient__payment_status_hidden"]
        )
        as_supplier = row["invoice__supplier_id"] == structure_id and not hidden
        if not (as_recipient or as_supplier):
            continue
        changes.append(
            StatusChange(
                id=row["pk"],
                invoice_id=row["invoice_id"],
                number=row["invoice__number"],
                role="DESTINATAIRE" if as_recipient else "FOURNISSEUR",
                from_status=row["from_status"],
                to_status=row["to_status"],
                at=row["at"],
                motif=row["motif"],
                comment=row["comment"],
            )
        )
    return changes, (rows[len(rows) - 1]["pk"] if rows else after)


CDAR = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"


def cdar_xml(changes: list[StatusChange], *, sender: str, issued: datetime) -> bytes:
    """The changes as a CDAR-like lifecycle message (one AcknowledgementDocument per change)."""
    nsmap = {"rsm": CDAR, "ram": RAM, "udt": UDT}
    root = etree.Element(f"{{{CDAR}}}CrossDomainAcknowledgementAndResponse", nsmap=nsmap)
    context = etree.SubElement(root, f"{{{CDAR}}}ExchangedDocumentContext")
    guideline = etree.SubElement(context, f"{{{RAM}}}GuidelineSpecifiedDocumentContextParameter")
    etree.SubElement(guideline, f"{{{RAM}}}ID").text = "urn.cpro.gouv.fr:1p0:CDV:invoice"
    document = etree.SubElement(root, f"{{{CDAR}}}ExchangedDocument")
    etree.SubElement(document, f"{{{RAM}}}ID").text = f"{sender}-{changes[0].id}-{changes[-1].id}"
    etree.SubElement(document, f"{{{RAM}}}Name").text = "Statuts de traitement des factures"
    stamp = etree.SubElement(document, f"{{{RAM}}}IssueDateTime")
    etree.SubElement(stamp, f"{{{UDT}}}DateTimeString", format="204").text = f"{issued:%Y%m%d%H%M%S}"
    for change in changes:
        code, label = REFORM_CODES.get(InvoiceStatus(change.to_status), ("", ""))
        ack = etree.SubElement(root, f"{{{CDAR}}}AcknowledgementDocument")
        etree.SubElement(ack, f"{{{RAM}}}MultipleReferencesIndicator").text = "false"
        etree.SubElement(ack, f"{{{RAM}}}TypeCode").text = "305"  # status (UNTDID 1001)
        when = etree.SubElement(ack, f"{{{RAM}}}IssueDateTime")
        etree.SubElement(when, f"{{{UDT}}}DateTimeString", format="204").text = f"{change.at:%Y%m%d%H%M%S}"
        reference = etree.SubElement(ack, f"{{{RAM}}}ReferenceReferencedDocument")
        etree.SubElement(reference, f"{{{RAM}}}IssuerAssignedID").text = change.number
        etree.SubElement(reference, f"{{{RAM}}}StatusCode").text = code
        etree.SubElement(reference, f"{{{RAM}}}ProcessConditionCode").text = change.to_status
        etree.SubElement(reference, f"{{{RAM}}}ProcessCondition").text = label
        if change.motif or change.comment:
            status = etree.SubElement(reference, f"{{{RAM}}}SpecifiedDocumentStatus")
            etree.SubElement(status, f"{{{RAM}}}ReasonCode").text = change.motif
            etree.SubElement(status, f"{{{RAM}}}Reason").text = change.comment
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def returns_write() -> int:
    """Write each live technical account's new status changes to its out/ folder (JSON and XML);
    the cursor moves in the same transaction as the files are named. Returns how many files."""
    from openchorus.connections.models import TechnicalAccount
    from openchorus.flows.folders import account_folder, json_write
    from openchorus.flows.models import ReturnCursor

    written = 0
    for account in TechnicalAccount.objects.live().order_by("pk").iterator(chunk_size=500):
        out = account_folder(account.login) / "out"
        if not out.is_dir():
            continue
        with transaction.atomic():
            cursor, _ = ReturnCursor.objects.select_for_update().get_or_create(account=account)
            while True:
                changes, last = status_changes(structure_id=account.structure_id, after=cursor.last_change_id)
                if last == cursor.last_change_id:
                    break
                if changes:
                    now = timezone.now()
                    stem = f"statuts_{now:%Y%m%d%H%M%S}_{changes[0].id}-{changes[-1].id}"
                    json_write(out / f"{stem}.json", {"changements": [c.as_api() for c in changes]})
                    xml = cdar_xml(changes, sender=account.login, issued=now)
                    (out / f".{stem}.xml").write_bytes(xml)
                    (out / f".{stem}.xml").replace(out / f"{stem}.xml")
                    written += 2
                cursor.last_change_id = last
            cursor.save()
    return written
