"""Issue 7 in a real browser, two users side by side: a PARIS HABITAT agent ("Factures reçues") and
Manuela of "Les Délices de Savoie" ("Factures émises"). The agent returns an invoice "A recycler"
(SE incorrect); Manuela moves it to service FL and re-sends it; the agent suspends it; Manuela adds
the missing document and sends it back, "Complétée"; the agent takes it through Service fait …
Mise en paiement while Manuela watches each step. An invoice to a structure that does not report
"Mise en paiement" stays "Comptabilisée" for Manuela. A rejected invoice is replaced by a new
draft under a new number, its data copied."""

from __future__ import annotations

import re

import pytest

from openchorus.invoices.models import Invoice
from openchorus.invoices.services import invoice_draft_save, invoice_submit
from openchorus.lifecycle.models import InvoiceStatusChange
from openchorus.lifecycle.statuses import InvoiceStatus as S
from openchorus.structures.enums import Level, Space
from openchorus.structures.models import Habilitation, StructureSpace
from tests.factories import PASSWORD, UserFactory
from tests.invoices.factories import PARIS_HABITAT_SIRET, header, lines, recipient_agent, setting
from tests.structures.factories import MembershipFactory, ServiceFactory, StructureFactory
from tests.structures.factories_documents import PDF_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECYCLED = "F2026-0201"  # A recycler → FL → Suspendue → Complétée → … → Mise en paiement
REJECTED = "F2026-0202"  # Rejetée, then replaced by REPLACEMENT
REPLACEMENT = "F2026-0202-B"
HIDDEN = "F2026-0203"  # to a structure that does not report "Mise en paiement"
PROCESSING = [
    (S.SERVICE_DONE, "Service fait"),
    (S.MANDATED, "Mandatée"),
    (S.AVAILABLE_TO_ACCOUNTANT, "Mise à disposition du comptable"),
    (S.ACCOUNTED, "Comptabilisée"),
    (S.PAYMENT_ORDERED, "Mise en paiement"),
]


def login(page, address, password):
    page.goto(page.base_url + "/")
    form = page.locator("#login-form")
    form.locator("#id_login-email").fill(address)
    form.locator("#id_login-password").fill(password)
    form.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Fil d'événements").wait_for()


def space(page, name: str):
    """A space of the header's navigation: "Factures reçues" or "Factures émises", its synthèse."""
    page.locator("#navigation").get_by_role("link", name=name).click()
    page.get_by_role("heading", name=name, level=1).wait_for()


def text(locator) -> str:
    """The element's text as written (badges are upper-cased by CSS only)."""
    return re.sub(r"\s+", " ", locator.text_content()).strip()


def status(page) -> tuple[str, str]:
    """The status the invoice page shows (its code and its label)."""
    badge = page.locator("#invoice-status [data-status]")
    return badge.get_attribute("data-status"), text(badge)


def flash(page, message: str):
    page.locator(".fr-alert", has_text=message).first.wait_for()


def process(page, target: S, *, motif: str = "", comment: str = ""):
    """ "Traiter la facture": a new status, its motif and comment, "Enregistrer"."""
    form = page.locator("#process-form")
    form.locator("#id_target").select_option(target.value)
    if motif:
        form.locator("#id_motif").select_option(motif)
    if comment:
        form.locator("#id_comment").fill(comment)
    form.get_by_role("button", name="Enregistrer").click()
    flash(page, f"est au statut « {target.label} »")


def open_invoice(page, section: str, number: str):
    """An invoice of a synthèse's section (one status), opened from its number."""
    page.locator(f"#synthesis-{section}").get_by_role("link", name=number, exact=True).click()
    page.locator("h1", has_text=number).wait_for()


def history(invoice: Invoice) -> list[tuple[str, str, str]]:
    return list(
        InvoiceStatusChange.objects.filter(invoice=invoice)
        .order_by("at", "id")
        .values_list("from_status", "to_status", "motif")
    )


def send(actor, s, **values) -> Invoice:
    draft = invoice_draft_save(
        actor=actor, supplier=s.supplier, values=header(**values), lines=lines(2), bank_account=s.bank_account
    )
    return invoice_submit(actor=actor, invoice=draft)


def test_processing_story_recycle_suspend_complete_process_hidden_payment_reject_replace(browser, portal):
    s = setting()
    manuela = UserFactory(
        email="manuela.martin@delices-de-savoie.fr", first_name="Manuela", last_name="Martin"
    )
    MembershipFactory(structure=s.supplier, user=manuela)
    Habilitation.objects.create(
        user=manuela, structure=s.supplier, space=Space.SENT_INVOICES, level=Level.EDIT
    )
    agent = recipient_agent(s)  # "Factures reçues" in modification on the whole of PARIS HABITAT
    agent.email, agent.first_name, agent.last_name = "karim.benali@parishabitat.fr", "Karim", "Benali"
    agent.save(update_fields=["email", "first_name", "last_name"])
    # A second public structure the agent also processes for, which does not report "Mise en paiement".
    commune = StructureFactory(public=True, legal_name="Commune de Chambéry", payment_status_hidden=True)
    ServiceFactory(structure=commune, code="TECH", label="Services techniques")
    StructureSpace.objects.create(structure=commune, space=Space.RECEIVED_INVOICES)
    MembershipFactory(structure=commune, user=agent)
    Habilitation.objects.create(
        user=agent, structure=commune, space=Space.RECEIVED_INVOICES, level=Level.EDIT
    )

    recycled = send(manuela, s, number=RECYCLED)
    rejected = send(manuela, s, number=REJECTED)
    hidden = send(manuela, s, number=HIDDEN, recipient_identifier=commune.identifier, service_code="TECH")
    assert {i.status for i in (recycled, rejected, hidden)} == {S.AVAILABLE}

    ph = portal  # the PARIS HABITAT agent
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    mm = context.new_page()  # Manuela, in her own browser context
    mm.set_default_timeout(15_000)
    mm.base_url = ph.base_url
    try:
        login(ph, agent.email, PASSWORD)
        login(mm, manuela.email, PASSWORD)

        # (1) The agent finds the invoice in Factures reçues and returns it "A recycler", SE incorrect.
        space(ph, "Factures reçues")
        assert {RECYCLED, REJECTED, HIDDEN} <= set(
            text(link) for link in ph.locator("#synthesis-mise_a_disposition tbody td:first-child a").all()
        )
        open_invoice(ph, "mise_a_disposition", RECYCLED)
        assert status(ph) == (S.AVAILABLE, "Mise à disposition")
        process(
            ph,
            S.TO_RECYCLE,
            motif="SE_INCORRECT",
            comment="Le service BC ne traite pas la restauration : FL.",
        )
        assert status(ph) == (S.TO_RECYCLE, "A recycler")
        recycled.refresh_from_db()
        assert recycled.status == S.TO_RECYCLE
        change = recycled.status_changes.last()
        assert (change.to_status, change.motif, change.actor) == (S.TO_RECYCLE, "SE_INCORRECT", agent)
        assert change.comment == "Le service BC ne traite pas la restauration : FL."

        # (2) Manuela sees it "A recycler" in her synthèse, reads why, moves it to FL and re-sends it.
        space(mm, "Factures émises")
        row = mm.locator("#synthesis-a_recycler tr", has_text=RECYCLED)
        assert text(row.locator("[data-status]")) == "A recycler"
        open_invoice(mm, "a_recycler", RECYCLED)
        assert status(mm) == (S.TO_RECYCLE, "A recycler")
        reason = text(mm.locator("#recycle-actions .oc-return-reason"))
        assert "SE incorrect" in reason and "Le service BC ne traite pas la restauration : FL." in reason
        form = mm.locator("#recycle-form")
        assert form.locator("#id_recipient_identifier").input_value() == PARIS_HABITAT_SIRET
        assert form.locator("#id_service_code").input_value() == "BC"
        form.locator("#id_service_code").fill("FL")
        form.get_by_role("button", name="Renvoyer").click()
        flash(mm, f"La facture {RECYCLED} est renvoyée à")
        assert status(mm) == (S.AVAILABLE, "Mise à disposition")
        assert "FL — Service FL" in text(mm.locator("#invoice-recipient"))
        recycled.refresh_from_db()
        assert (recycled.status, recycled.number) == (S.AVAILABLE, RECYCLED)
        assert (recycled.recipient, recycled.recipient_service) == (s.recipient, s.services["FL"])
        assert [h[1] for h in history(recycled)][-3:] == [S.TO_RECYCLE, S.DEPOSITED, S.AVAILABLE]

        # (3) The agent (whole structure, so FL too) suspends it: a document is missing.
        ph.reload()
        assert status(ph) == (S.AVAILABLE, "Mise à disposition")
        assert "FL — Service FL" in text(ph.locator("#invoice-recipient"))
        process(ph, S.SUSPENDED, motif="PJ_MANQUANTE", comment="Joignez le bon de livraison signé.")
        recycled.refresh_from_db()
        assert recycled.status == S.SUSPENDED
        assert history(recycled)[-1] == (S.AVAILABLE, S.SUSPENDED, "PJ_MANQUANTE")

        # (4) Manuela adds the delivery note and sends the invoice back: "Complétée".
        mm.reload()
        assert status(mm) == (S.SUSPENDED, "Suspendue")
        assert "Joignez le bon de livraison signé." in text(
            mm.locator("#suspended-actions .oc-return-reason")
        )
        upload = mm.locator("#suspended-attachment-form")
        upload.locator("input[name='file']").set_input_files(
            {"name": "bon-de-livraison.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        )
        upload.locator("input[name='description'], textarea[name='description']").fill(
            "Bon de livraison signé"
        )
        upload.get_by_role("button", name="Ajouter la pièce jointe").click()
        flash(mm, "La pièce jointe « bon-de-livraison.pdf » est ajoutée.")
        assert "bon-de-livraison.pdf" in text(mm.locator("#invoice-attachments"))
        added = mm.locator("#suspended-attachments")
        assert "bon-de-livraison.pdf" in text(added) and added.locator("[data-added]").count() == 1
        complete = mm.locator("#complete-form")
        complete.locator("#complete-comment").fill("Voici le bon de livraison.")
        complete.get_by_role("button", name="Renvoyer la facture complétée").click()
        flash(mm, f"La facture {RECYCLED} complétée est renvoyée à son destinataire.")
        assert status(mm) == (S.COMPLETED, "Complétée")
        recycled.refresh_from_db()
        assert recycled.status == S.COMPLETED
        assert recycled.attachments.filter(filename="bon-de-livraison.pdf").exists()
        assert history(recycled)[-1][:2] == (S.SUSPENDED, S.COMPLETED)

        # (5) The agent finds it among the completed invoices and processes it step by step; Manuela
        # reloads her page after each step and sees it.
        space(ph, "Factures reçues")
        open_invoice(ph, "completee", RECYCLED)
        assert status(ph) == (S.COMPLETED, "Complétée")
        for target, label in PROCESSING:
            process(ph, target)
            assert status(ph) == (target, label)
            assert ph.locator("#process-advice").count() == 0  # no return offered any more
            mm.reload()
            assert status(mm) == (target, label)
            assert text(mm.locator("#invoice-history tbody tr").last.locator("strong").first) == label
        recycled.refresh_from_db()
        assert recycled.status == S.PAYMENT_ORDERED
        assert [h[1] for h in history(recycled)] == [
            S.DEPOSITED, S.AVAILABLE, S.TO_RECYCLE, S.DEPOSITED, S.AVAILABLE, S.SUSPENDED, S.COMPLETED,
            *(target for target, _ in PROCESSING),
        ]  # fmt: skip
        assert mm.locator("#process-form, #recycle-form, #complete-form, #copy-form").count() == 0

        # (6) The commune does not report "Mise en paiement": Manuela sees "Comptabilisée".
        ph.goto(f"{ph.base_url}/factures/{hidden.pk}/")
        process(ph, S.ACCOUNTED)
        process(ph, S.PAYMENT_ORDERED)
        assert status(ph) == (S.PAYMENT_ORDERED, "Mise en paiement")
        mm.goto(f"{mm.base_url}/factures/{hidden.pk}/")
        assert status(mm) == (S.ACCOUNTED, "Comptabilisée")
        assert "Mise en paiement" not in text(mm.locator("main"))
        hidden.refresh_from_db()
        assert hidden.status == S.PAYMENT_ORDERED
        assert history(hidden)[-1][:2] == (S.ACCOUNTED, S.PAYMENT_ORDERED)
        mm.goto(f"{mm.base_url}/factures-emises/recherche/?number={HIDDEN}")
        assert (
            text(mm.locator(f"#search-results tr[data-invoice='{hidden.pk}'] [data-status]"))
            == "Comptabilisée"
        )

        # (7) Another invoice is rejected; Manuela creates its replacement under a new number.
        space(ph, "Factures reçues")
        open_invoice(ph, "mise_a_disposition", REJECTED)
        process(ph, S.REJECTED, motif="MONTANT_ERRONE", comment="Le prix du plateau est de 17,50 €.")
        rejected.refresh_from_db()
        assert rejected.status == S.REJECTED
        assert history(rejected)[-1] == (S.AVAILABLE, S.REJECTED, "MONTANT_ERRONE")

        space(mm, "Factures émises")
        open_invoice(mm, "rejetee", REJECTED)
        assert status(mm) == (S.REJECTED, "Rejetée")
        assert "Montant erroné" in text(mm.locator("#rejected-actions .oc-return-reason"))
        copy = mm.locator("#copy-form")
        copy.locator("#id_number").fill(REPLACEMENT)
        copy.get_by_role("button", name="Créer une nouvelle facture à partir de celle-ci").click()
        flash(mm, f"Le brouillon {REPLACEMENT} reprend les données de la facture rejetée")
        replacement = Invoice.objects.get(supplier=s.supplier, number=REPLACEMENT)
        assert mm.url.endswith(f"/factures-emises/{replacement.pk}/modifier/")
        assert mm.locator("#id_number").input_value() == REPLACEMENT
        assert mm.locator("#id_recipient_identifier").input_value() == PARIS_HABITAT_SIRET
        assert mm.locator("#id_service_code").input_value() == "BC"
        assert mm.locator("#id_engagement_number").input_value() == "EJ-2026-0042"
        assert mm.locator("#id_lines-0-item_name").input_value() == "Plateau de fromages de Savoie 1"
        assert mm.locator("#id_lines-1-item_name").input_value() == "Service traiteur (2 heures) 2"
        assert (replacement.status, replacement.total_incl_vat) == (S.DRAFT, rejected.total_incl_vat)
        assert replacement.lines.count() == rejected.lines.count() == 2
        rejected.refresh_from_db()
        assert rejected.status == S.REJECTED
    finally:
        context.close()
