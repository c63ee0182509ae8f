"""The synthetic directory generator (benchmarks)."""

from __future__ import annotations

import pytest
from stdnum.fr import siret

from openchorus.directory.models import DirectoryToken
from openchorus.directory.selectors import directory_search
from openchorus.directory.services import directory_generate
from openchorus.structures.models import Structure, StructureService

pytestmark = pytest.mark.django_db


def test_generate_makes_requested_counts_with_valid_sirets():
    report = directory_generate(structures=300, services=2000, seed=3)
    assert (report.structures, report.services) == (300, 2000)
    assert Structure.objects.filter(kind="PUBLIQUE").count() == 300
    assert StructureService.objects.count() == 2000
    identifiers = list(Structure.objects.values_list("identifier", flat=True))
    assert all(siret.is_valid(identifier) for identifier in identifiers)
    assert len(set(identifiers)) == 300
    assert DirectoryToken.objects.values("structure").distinct().count() == 300


def test_generate_is_searchable_and_deterministic_per_seed():
    directory_generate(structures=50, services=100, seed=9)
    first = Structure.objects.order_by("pk").first()
    word = first.legal_name.split()[-1]
    assert first.pk in {s.pk for s in directory_search(text=word, limit=100).hits}
    assert first.pk in {s.pk for s in directory_search(text=first.identifier[:9]).hits}
    again = directory_generate(structures=50, services=100, seed=9)
    assert again.structures == 0  # same seed, same SIRETs: already there
    assert Structure.objects.count() == 50


def test_generate_service_codes_unique_within_each_structure():
    directory_generate(structures=40, services=600, seed=1)
    pairs = list(StructureService.objects.values_list("structure_id", "code"))
    assert len(pairs) == len(set(pairs))
