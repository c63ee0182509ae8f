"""Factories of the organisation app, with the webinar's "Les Délices de Savoie" as default."""

from __future__ import annotations

from datetime import date

import factory
from stdnum import luhn

from openchorus.core.identifiers import IdentifierType
from openchorus.core.text import search_normalize
from openchorus.structures.enums import Role, StructureKind
from openchorus.structures.models import Membership, Structure, StructureService
from tests.factories import UserFactory


def valid_siret(n: int) -> str:
    """A checksum-valid SIRET for any integer (INSEE's Luhn on both the SIREN and the SIRET)."""
    body = f"{n % 10**8:08d}"
    siren = body + luhn.calc_check_digit(body)
    establishment = f"{siren}0001"
    return establishment + luhn.calc_check_digit(establishment)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    identifier_type = IdentifierType.SIRET
    identifier = factory.Sequence(lambda n: valid_siret(n + 1000))
    kind = StructureKind.PRIVATE
    legal_name = factory.Sequence(lambda n: f"Les Délices de Savoie {n}")
    address_line1 = "12 rue de la Tomme"
    postcode = "73000"
    city = "Chambéry"
    search_text = factory.LazyAttribute(
        lambda o: search_normalize(f"{o.legal_name} {o.identifier} {o.city} {o.postcode}")
    )

    class Params:
        public = factory.Trait(
            kind=StructureKind.PUBLIC, legal_name=factory.Sequence(lambda n: f"Commune de Test {n}")
        )


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StructureService

    structure = factory.SubFactory(StructureFactory)
    code = factory.Sequence(lambda n: f"SERVICE_{n}")
    label = factory.Sequence(lambda n: f"Service {n}")
    start_date = date(2020, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = Role.USER

    class Params:
        primary = factory.Trait(role=Role.PRIMARY_MANAGER)
        secondary = factory.Trait(role=Role.SECONDARY_MANAGER)
