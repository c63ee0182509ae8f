"""Factories of public structures and services, indexed for the directory search."""

from __future__ import annotations

from datetime import date

import factory
from stdnum import luhn

from openchorus.directory.services import directory_index_refresh
from openchorus.structures.enums import Status, StructureKind
from openchorus.structures.models import Structure, StructureService
from openchorus.structures.services.structures import _search_text


def valid_siret(number: int, prefix: str = "21") -> str:
    body = f"{prefix}{number:06d}"
    siren = body + luhn.calc_check_digit(body)
    head = f"{siren}0001"
    return head + luhn.calc_check_digit(head)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        skip_postgeneration_save = True

    identifier_type = "SIRET"
    identifier = factory.Sequence(lambda n: valid_siret(500_000 + n))
    kind = StructureKind.PUBLIC
    legal_name = factory.Sequence(lambda n: f"COMMUNE DE TESTVILLE {n}")
    label = ""
    address_line1 = "PLACE DE LA MAIRIE"
    postcode = "73000"
    city = "CHAMBERY"
    status = Status.ACTIVE

    class Params:
        private = factory.Trait(
            kind=StructureKind.PRIVATE, legal_name=factory.Sequence(lambda n: f"SARL DUPONT {n}")
        )
        inactive = factory.Trait(status=Status.INACTIVE)

    @factory.post_generation
    def indexed(self, create, extracted, **kwargs):
        """Fill the search text as the organisation services do, and index the structure."""
        self.search_text = _search_text(self)
        if create:
            self.save(update_fields=["search_text"])
            directory_index_refresh(structure_ids=[self.pk])


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StructureService

    structure = factory.SubFactory(StructureFactory)
    code = factory.Sequence(lambda n: f"SVC{n}")
    label = factory.Sequence(lambda n: f"Service {n}")
    start_date = date(2017, 1, 1)
    status = Status.ACTIVE
