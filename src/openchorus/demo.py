"""Demonstration data: the people and content of the webinar (seed 001), loaded idempotently.

The demo people's secret answer ("Dans quelle ville êtes-vous né(e) ?") is "Chambéry".
The demo password comes from OPENCHORUS_DEMO_PASSWORD, or is generated once and kept in the data
directory so that every `openchorus demo` prints the same one.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction

from openchorus.accounts.enums import SecretQuestion
from openchorus.accounts.models import User
from openchorus.accounts.services import user_create_active
from openchorus.assistant.models import News

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
]


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
