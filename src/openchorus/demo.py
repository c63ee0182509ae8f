"""Demonstration data: the people and content of the webinar (seed 001), loaded idempotently.

The demo people's secret answer ("Dans quelle ville êtes-vous né(e) ?") is "Chambéry".
The demo password comes from OPENCHORUS_DEMO_PASSWORD, or is generated once and kept in the data
directory so that every `openchorus demo` prints the same one.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from openchorus.accounts.enums import SecretQuestion
from openchorus.accounts.models import User
from openchorus.accounts.services import user_create_active
from openchorus.assistant.models import News
from openchorus.lifecycle.statuses import InvoiceStatus

OPERATOR_EMAIL = "support@openchorus.localhost"
DELICES_SIRET = "73150001300016"
DEMO_PEOPLE = [
    # login, first name, last name, SIRET given at sign-up, role shown
    (
        "manuela.martin@delices-de-savoie.fr",
        "Manuela",
        "Martin",
        "73150001300016",
        "fournisseur (Les Délices de Savoie)",
    ),
    (
        "pierre.dubois@delices-de-savoie.fr",
        "Pierre",
        "Dubois",
        "73150001300016",
        "fournisseur (Les Délices de Savoie)",
    ),
    (
        "claire.fontaine@parishabitat.example",
        "Claire",
        "Fontaine",
        "34481082500366",
        "destinataire public (PARIS HABITAT OPH, Factures reçues)",
    ),
]
RECIPIENT_AGENT = DEMO_PEOPLE[2][0]


@dataclass
class DemoReport:
    password: str
    logins: list[tuple[str, str]] = field(default_factory=list)


def demo_password() -> str:
    if password := os.environ.get("OPENCHORUS_DEMO_PASSWORD"):
        return password
    path = settings.DATA_DIR / "demo-password"
    if not path.exists():
        path.write_text(f"Demo-{secrets.token_urlsafe(9)}!")
        path.chmod(0o600)
    return path.read_text().strip()


@transaction.atomic
def demo_load() -> DemoReport:
    password = demo_password()
    report = DemoReport(password=password)
    if not User.objects.filter(email=OPERATOR_EMAIL).exists():
        user_create_active(
            email=OPERATOR_EMAIL,
            password=password,
            first_name="Support",
            last_name="OpenChorus",
            is_staff=True,
        )
    report.logins.append((OPERATOR_EMAIL, "support / opérateur (admin: /admin/)"))
    for email, first_name, last_name, siret, role in DEMO_PEOPLE:
        if not User.objects.filter(email=email).exists():
            user_create_active(
                email=email,
                password=password,
                first_name=first_name,
                last_name=last_name,
                identifier=siret,
                secret_question=SecretQuestion.BIRTH_CITY,
                secret_answer="Chambéry",  # noqa: S106  (demo data, documented)
            )
        report.logins.append((email, role))
    _demo_organisation()
    from openchorus.directory.demo import directory_demo_load

    directory_demo_load()
    _demo_recipient()
    _demo_billing()
    _demo_invoices()
    _demo_flows()
    if not News.objects.exists():
        News.objects.create(
            title_fr="[Information] - Modalités de contact du support",
            body_fr=(
                "Bonjour,\n\nPour obtenir de l'assistance dans l'utilisation du portail, vous avez "
                "plusieurs possibilités : consulter l'aide en ligne, ou écrire au support de la plateforme."
            ),
            title_en="[Information] - How to contact support",
            body_en=(
                "Hello,\n\nTo get help using the portal, you can read the online help or write to the "
                "platform's support desk."
            ),
            published_on=date(2026, 11, 2),
        )
        News.objects.create(
            title_fr="Une nouvelle manière de saisir les remises",
            body_fr=(
                "Pour simplifier vos dépôts de factures au format PDF, calculez le montant HT après "
                "remise et saisissez ce montant dans le champ « Montant HT ». La pièce à valeur "
                "probante reste la facture PDF, sur laquelle figurent les montants détaillés."
            ),
            title_en="A new way to enter discounts",
            body_en=(
                "To make PDF deposits simpler, compute the amount excluding VAT after discount and enter "
                'it in the "Amount excl. VAT" field. The PDF invoice, with the detailed amounts, remains '
                "the legal original."
            ),
            published_on=date(2026, 10, 15),
        )
    return report


def _demo_organisation() -> None:
    """ "Les Délices de Savoie" as the webinar leaves it (seed 001, sections 3 and 5): Pierre is the
    primary manager, Manuela a simple user habilitated on the catering service only."""
    from openchorus.structures.enums import Level, Role, Space, StructureKind
    from openchorus.structures.models import Structure
    from openchorus.structures.services import memberships, rights
    from openchorus.structures.services import structures as structure_services

    if Structure.objects.filter(identifier=DELICES_SIRET).exists():
        return
    manuela = User.objects.get(email=DEMO_PEOPLE[0][0])
    pierre = User.objects.get(email=DEMO_PEOPLE[1][0])
    delices = structure_services.structure_create(
        actor=manuela,
        identifier_type="SIRET",
        identifier=DELICES_SIRET,
        kind=StructureKind.PRIVATE,
        legal_name="Les Délices de Savoie",
        address_line1="12 rue de la Tomme",
        postcode="73000",
        city="Chambéry",
        email="contact@delices-de-savoie.fr",
        vat_number="FR84731500013",
    )
    memberships.membership_attach_by_email(
        actor=manuela, structure=delices, email=pierre.email, role=Role.SECONDARY_MANAGER
    )
    memberships.primary_transfer(actor=manuela, structure=delices, new_primary_email=pierre.email)
    catering = structure_services.service_create(
        actor=pierre,
        structure=delices,
        code="TRAITEUR",
        label="Service traiteur",
        start_date=date(2026, 1, 1),
    )
    structure_services.service_create(
        actor=pierre,
        structure=delices,
        code="RESTAURATION_SCOLAIRE",
        label="Service de restauration des établissements scolaires",
        start_date=date(2026, 1, 1),
    )
    for habilitation in manuela.habilitations.filter(structure=delices, service__isnull=True):
        rights.habilitation_remove(actor=pierre, habilitation=habilitation)
    rights.habilitation_set(
        actor=pierre,
        user=manuela,
        structure=delices,
        service=catering,
        space=Space.SENT_INVOICES,
        level=Level.EDIT,
    )


def _demo_recipient() -> None:
    """Claire Fontaine, primary manager of PARIS HABITAT OPH (from the demo directory), with
    "Factures reçues" opened there; "Raccordements" opened on Les Délices de Savoie."""
    from openchorus.audit.services import audit_event_add
    from openchorus.structures.enums import Role, Space
    from openchorus.structures.models import Membership, Structure, StructureSpace
    from openchorus.structures.services import rights

    agent = User.objects.get(email=RECIPIENT_AGENT)
    paris_habitat = Structure.objects.get(identifier=PARIS_HABITAT)
    if not Membership.objects.filter(structure=paris_habitat, user=agent).exists():
        membership = Membership.objects.create(user=agent, structure=paris_habitat, role=Role.PRIMARY_MANAGER)
        audit_event_add(
            stream=f"structure:{paris_habitat.pk}",
            actor=None,
            action="membership.demo",
            obj=membership,
            after={"user": agent.email, "role": Role.PRIMARY_MANAGER},
        )
    if not StructureSpace.objects.filter(structure=paris_habitat, space=Space.RECEIVED_INVOICES).exists():
        rights.space_open(actor=agent, structure=paris_habitat, space=Space.RECEIVED_INVOICES)
    delices = Structure.objects.get(identifier=DELICES_SIRET)
    if not StructureSpace.objects.filter(structure=delices, space=Space.CONNECTIONS).exists():
        pierre = User.objects.get(email=DEMO_PEOPLE[1][0])
        rights.space_open(actor=pierre, structure=delices, space=Space.CONNECTIONS)


# --- EDI flows of Les Délices de Savoie (issue 9) -----------------------------------------------
DEMO_EDI_LOGIN = "edi-delices-de-savoie"


def _demo_flows() -> None:
    """Three flows sent by the ERP of Les Délices through its technical account: one integrated,
    one partly (an invoice with wrong totals, one with an unknown recipient, one sent twice), one
    rejected as a whole (a CSV export sent by mistake); "Suivi des flux" opened on the structure."""
    from openchorus.connections.models import TechnicalAccount
    from openchorus.connections.services import technical_account_create
    from openchorus.flows import services as flows
    from openchorus.flows.enums import FlowChannel, FlowSyntax
    from openchorus.flows.generate import flow_generate, flow_recipients, flow_supplier
    from openchorus.flows.models import Flow
    from openchorus.structures.access import TechnicalActor
    from openchorus.structures.enums import Space
    from openchorus.structures.models import Structure, StructureSpace
    from openchorus.structures.services import rights

    delices = Structure.objects.get(identifier=DELICES_SIRET)
    if not StructureSpace.objects.filter(structure=delices, space=Space.FLOW_MONITORING).exists():
        pierre = User.objects.get(email=DEMO_PEOPLE[1][0])
        rights.space_open(actor=pierre, structure=delices, space=Space.FLOW_MONITORING)
    if Flow.objects.filter(structure=delices).exists():
        return
    if not TechnicalAccount.objects.filter(login=DEMO_EDI_LOGIN).exists():
        technical_account_create(actor=None, structure=delices, login=DEMO_EDI_LOGIN, label="ERP (flux EDI)")
    account = TechnicalAccount.objects.get(login=DEMO_EDI_LOGIN)
    actor = TechnicalActor(account_id=account.pk, login=account.login, structure_id=delices.pk)
    supplier, recipients = flow_supplier(siret=DELICES_SIRET), flow_recipients()
    lots = [
        flow_generate(invoices=3, syntax=FlowSyntax.E1_UBL, supplier=supplier, recipients=recipients,
                      seed=2026, prefix="EDI"),
        flow_generate(invoices=5, syntax=FlowSyntax.E1_UBL, supplier=supplier, recipients=recipients,
                      seed=2027, prefix="EDI", invalid_share=0.4, duplicates=1),
    ]  # fmt: skip
    files = [(lot.filename, lot.data) for lot in lots]
    files.append(("export_factures_novembre.csv", b"numero;date;montant\nF-1;2026-11-02;120,00\n"))
    for filename, data in files:
        flow = flows.flow_receive(
            actor=actor,
            structure=delices,
            data=data,
            filename=filename,
            syntax=FlowSyntax.E1_UBL,
            channel=FlowChannel.API,
        )
        flows.flow_process(flow.pk)  # at once, rather than by the task worker
        flow.refresh_from_db()
        for chunk in range(flow.chunk_count):
            flows.flow_chunk_process(flow.pk, chunk)


# --- Invoices of Les Délices de Savoie (issue 6) ------------------------------------------------

DEMO_IBAN = "FR7630006000011234567890189"  # the published example of a French IBAN
DEMO_BIC = "AGRIFRPP"
# A one-page PDF standing for the RIB scan the bank account requires (ORG-4).
DEMO_RIB_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PARIS_HABITAT = "34481082500366"
CHAMBERY = "21730065600014"
SAVOIE = "22730001900014"
HOSPITAL = "26730002800011"
STATE = "11000201100044"


@dataclass(frozen=True)
class DemoInvoice:
    """One demo invoice and the status the demo leaves it in.

    `channel`: "entry" (the form, as Manuela or Pierre), or "ubl" / "cii" (a file deposited through
    the ingestion pipeline). Lines: (designation, quantity, unit code, unit price excl. VAT, VAT rate).
    """

    number: str
    status: str
    recipient: str
    service_code: str
    issue_date: date
    lines: tuple[tuple[str, str, str, str, str], ...]
    engagement: str = ""
    channel: str = "entry"
    author: str = "pierre"
    note: str = ""


def _demo_invoice_specs() -> list[DemoInvoice]:
    available, draft = InvoiceStatus.AVAILABLE, InvoiceStatus.DRAFT
    return [
        DemoInvoice(
            "DDS-2026-0141", available, PARIS_HABITAT, "BC", date(2026, 10, 6),
            (("Buffet savoyard pour l'inauguration de la résidence Claude Bernard (80 couverts)", "80", "C62",
              "24.50", "10"),
             ("Plateau de fromages AOP (Beaufort, Reblochon, Tomme de Savoie)", "6", "C62", "38.00", "5.5"),
             ("Jus de pomme artisanal de Savoie, bouteille 1 l", "24", "C62", "4.20", "5.5"),
             ("Service en salle, serveur (heure)", "8", "HUR", "32.00", "20")),
            engagement="1300084512", author="manuela", note="Bon de commande BC-2026-118",
        ),
        DemoInvoice(
            "DDS-2026-0142", available, PARIS_HABITAT, "BC", date(2026, 10, 20),
            (("Coffrets gourmands de fin d'année pour les gardiens d'immeuble", "45", "C62", "29.90", "5.5"),
             ("Livraison et installation, Paris 5e", "1", "C62", "85.00", "20")),
            engagement="1300084530", channel="ubl",
        ),
        DemoInvoice(
            "DDS-2026-0143", available, CHAMBERY, "ECOLES", date(2026, 10, 31),
            (("Repas de restauration scolaire, écoles maternelles (octobre)", "1840", "C62", "3.85", "5.5"),
             ("Repas de restauration scolaire, écoles élémentaires (octobre)", "2615", "C62", "4.10", "5.5"),
             ("Goûters du centre de loisirs des vacances d'automne", "310", "C62", "1.25", "5.5")),
            channel="cii",
        ),
        DemoInvoice(
            "DDS-2026-0144", available, SAVOIE, "COLLEGES", date(2026, 11, 3),
            (("Atelier « Goût et terroir » au collège Louise de Savoie (demi-journée)", "2", "C62", "280.00",
              "20"),
             ("Dégustation de fromages et charcuteries de Savoie, par élève", "56", "C62", "4.50", "5.5")),
        ),
        DemoInvoice(
            "DDS-2026-0145", available, HOSPITAL, "FACTURES_PUBLIQUES", date(2026, 11, 6),
            (("Plateaux-repas du conseil de surveillance", "18", "C62", "21.00", "10"),
             ("Café d'accueil et viennoiseries", "25", "C62", "3.80", "10")),
            engagement="EJ-CHMS-2026-0871", channel="ubl",
        ),
        DemoInvoice(
            "DDS-2026-0146", available, STATE, "PREF0730001", date(2026, 11, 10),
            (("Cocktail de la réception du 11 novembre en préfecture (120 personnes)", "120", "C62", "16.50",
              "10"),
             ("Vin de Savoie AOP, Chignin-Bergeron, bouteille 75 cl", "30", "C62", "14.00", "20"),
             ("Location de vaisselle et nappage", "1", "C62", "190.00", "20")),
            engagement="2103458812", channel="cii",
        ),
        DemoInvoice(
            "DDS-2026-0147", InvoiceStatus.TO_RECYCLE, PARIS_HABITAT, "CT", date(2026, 9, 14),
            (("Cocktail de la journée des gardiens, 60 personnes", "60", "C62", "18.00", "10"),),
            engagement="1300084390",
        ),
        DemoInvoice(
            "DDS-2026-0148", InvoiceStatus.SUSPENDED, PARIS_HABITAT, "BC", date(2026, 9, 22),
            (("Buffet du conseil d'administration", "25", "C62", "27.50", "10"),
             ("Vin de Savoie AOP, Apremont, bouteille 75 cl", "6", "C62", "11.00", "20")),
            engagement="1300084402", author="manuela",
        ),
        DemoInvoice(
            "DDS-2026-0149", InvoiceStatus.REJECTED, PARIS_HABITAT, "BC", date(2026, 9, 2),
            (("Plateaux-repas de la commission d'attribution", "12", "C62", "19.90", "10"),),
            engagement="1300084355",
        ),
        DemoInvoice(
            "DDS-2026-0138", InvoiceStatus.SERVICE_DONE, PARIS_HABITAT, "BC", date(2026, 8, 28),
            (("Goûter de la fête de quartier, résidence Saint-Blaise", "150", "C62", "3.20", "5.5"),),
            engagement="1300084301",
        ),
        DemoInvoice(
            "DDS-2026-0135", InvoiceStatus.MANDATED, PARIS_HABITAT, "BC", date(2026, 7, 30),
            (("Repas de l'assemblée générale des locataires", "90", "C62", "21.00", "10"),),
            engagement="1300084266",
        ),
        DemoInvoice(
            "DDS-2026-0131", InvoiceStatus.PAYMENT_ORDERED, PARIS_HABITAT, "BC", date(2026, 7, 3),
            (("Buffet de l'inauguration du jardin partagé", "70", "C62", "14.50", "10"),
             ("Service en salle, serveur (heure)", "6", "HUR", "32.00", "20")),
            engagement="1300084210",
        ),
        DemoInvoice(
            "DDS-2026-0150", draft, PARIS_HABITAT, "BC", date(2026, 11, 18),
            (("Petit-déjeuner de la réunion des locataires, par personne", "40", "C62", "6.90", "10"),
             ("Corbeille de fruits de saison", "4", "C62", "22.00", "5.5")),
            engagement="1300084577", author="manuela",
        ),
        DemoInvoice(
            "DDS-2026-0151", draft, CHAMBERY, "ST", date(2026, 11, 20),
            (("Repas des agents des services techniques, opération déneigement", "35", "C62", "13.50", "10"),),
        ),
    ]  # fmt: skip


def _demo_billing() -> None:
    """The billing mandate (needed to enter invoices, ORG-6) and a bank account of the supplier."""
    from openchorus.structures.models import BankAccount, Structure
    from openchorus.structures.services.bank import bank_account_create
    from openchorus.structures.services.files import billing_mandate_active, billing_mandate_subscribe

    delices = Structure.objects.get(identifier=DELICES_SIRET)
    pierre = User.objects.get(email=DEMO_PEOPLE[1][0])
    if billing_mandate_active(delices) is None:
        billing_mandate_subscribe(
            actor=pierre, structure=delices, signatory_name="Pierre Dubois", signatory_capacity="Gérant"
        )
    if not BankAccount.objects.filter(structure=delices, iban=DEMO_IBAN).exists():
        bank_account_create(
            actor=pierre,
            structure=delices,
            name="Compte courant Crédit Agricole des Savoie",
            kind="IBAN",
            country="FR",
            iban=DEMO_IBAN,
            bic=DEMO_BIC,
            document_data=DEMO_RIB_PDF,
            document_name="rib-delices-de-savoie.pdf",
        )


def _demo_invoices() -> None:
    """The demo invoices, each made through the services the portal uses and taken to its status.

    Statuses reachable today: Brouillon and Mise à disposition. To show another status, add its
    steps to `_DEMO_PATH` (e.g. Rejetée: send, then the recipient's rejection) and invoices that use it.
    """
    from openchorus.invoices.models import Invoice
    from openchorus.structures.models import BankAccount, Structure

    delices = Structure.objects.get(identifier=DELICES_SIRET)
    specs = _demo_invoice_specs()
    existing = set(
        Invoice.objects.filter(supplier=delices, number__in=[s.number for s in specs]).values_list(
            "number", flat=True
        )
    )
    specs = [spec for spec in specs if spec.number not in existing]
    if not specs:
        return
    people = {
        "manuela": User.objects.get(email=DEMO_PEOPLE[0][0]),
        "pierre": User.objects.get(email=DEMO_PEOPLE[1][0]),
    }
    account = BankAccount.objects.get(structure=delices, iban=DEMO_IBAN)
    catering = delices.services.get(code="TRAITEUR")
    for spec in specs:
        actor = people[spec.author]
        service = catering if spec.author == "manuela" else None
        if spec.channel == "entry":
            invoice = _demo_entry(spec, actor=actor, supplier=delices, service=service, account=account)
        else:
            invoice = _demo_deposit(spec, actor=actor, supplier=delices, service=service, account=account)
        for step in _DEMO_PATH[spec.status]:
            invoice = step(invoice, actor)


def _demo_values(spec: DemoInvoice) -> tuple[dict, list[dict]]:
    values = {
        "recipient_identifier": spec.recipient,
        "service_code": spec.service_code,
        "engagement_number": spec.engagement,
        "billing_frame": "A1_FACTURE_FOURNISSEUR",
        "number": spec.number,
        "issue_date": spec.issue_date,
        "delivery_date": spec.issue_date - timedelta(days=3),
        "due_date": spec.issue_date + timedelta(days=30),
        "type_code": "380",
        "currency": "EUR",
        "payment_terms": "Paiement à 30 jours par virement. Pas d'escompte pour paiement anticipé.",
        "note": spec.note,
    }
    lines = [
        {
            "item_name": name,
            "quantity": Decimal(quantity),
            "unit_code": unit,
            "unit_price": Decimal(price),
            "vat_category": "S",
            "vat_rate": Decimal(rate),
        }
        for name, quantity, unit, price, rate in spec.lines
    ]
    return values, lines


def _demo_entry(spec: DemoInvoice, *, actor, supplier, service, account):
    from openchorus.invoices.services import invoice_draft_save

    values, lines = _demo_values(spec)
    return invoice_draft_save(
        actor=actor,
        supplier=supplier,
        values=values,
        lines=lines,
        supplier_service=service,
        bank_account=account,
    )


def _demo_deposit(spec: DemoInvoice, *, actor, supplier, service, account):
    """A UBL or CII file as the supplier's own software would send it, deposited and sent at once."""
    from openchorus import einvoice
    from openchorus.core.errors import ApplicationError
    from openchorus.ingestion.pipeline import deposit
    from openchorus.invoices.documents import document_from_record

    # The file is written from a draft entered and rolled back at once: same mapping as the platform's.
    with transaction.atomic():
        document = document_from_record(_demo_entry(spec, actor=actor, supplier=supplier, service=service,
                                                    account=account))  # fmt: skip
        transaction.set_rollback(True)
    data = einvoice.write(document, spec.channel)
    outcome = deposit(
        actor=actor, supplier=supplier, data=data, filename=f"{spec.number}.{spec.channel}.xml", submit=True
    )
    if not outcome.sent:
        raise ApplicationError(
            f"demo invoice {spec.number} refused: {[f.as_dict() for f in outcome.findings]}"
        )
    return outcome.invoice


def _demo_send(invoice, actor):
    from openchorus.invoices.services import invoice_submit

    return invoice if not invoice.is_draft else invoice_submit(actor=actor, invoice=invoice)


def _demo_process(target: str, comment: str = "", motif: str = ""):
    """A step made by PARIS HABITAT's agent ("Traiter")."""

    def step(invoice, actor):
        from openchorus.lifecycle.services import invoice_process

        agent = User.objects.get(email=RECIPIENT_AGENT)
        return invoice_process(actor=agent, invoice=invoice, target=target, comment=comment, motif=motif)

    return step


_TO_PAYMENT = tuple(
    _demo_process(status)
    for status in (
        InvoiceStatus.SERVICE_DONE,
        InvoiceStatus.MANDATED,
        InvoiceStatus.AVAILABLE_TO_ACCOUNTANT,
        InvoiceStatus.ACCOUNTED,
        InvoiceStatus.PAYMENT_ORDERED,
    )
)
# The steps taking a new invoice (a draft, or a deposited file already sent) to each demo status.
_DEMO_PATH = {
    InvoiceStatus.DRAFT: (),
    InvoiceStatus.AVAILABLE: (_demo_send,),
    InvoiceStatus.TO_RECYCLE: (
        _demo_send,
        _demo_process(
            InvoiceStatus.TO_RECYCLE,
            "Le service CT ne passe pas de commande de réception : adressez la facture au service BC.",
            "SE_INCORRECT",
        ),
    ),
    InvoiceStatus.SUSPENDED: (
        _demo_send,
        _demo_process(InvoiceStatus.SUSPENDED, "Merci de joindre le bon de livraison signé.", "PJ_MANQUANTE"),
    ),
    InvoiceStatus.REJECTED: (
        _demo_send,
        _demo_process(
            InvoiceStatus.REJECTED,
            "Le prix unitaire ne correspond pas au devis accepté (17,90 €).",
            "MONTANT_ERRONE",
        ),
    ),
    InvoiceStatus.SERVICE_DONE: (_demo_send, *_TO_PAYMENT[:1]),
    InvoiceStatus.MANDATED: (_demo_send, *_TO_PAYMENT[:2]),
    InvoiceStatus.PAYMENT_ORDERED: (_demo_send, *_TO_PAYMENT),
}
