"""The demo directory: seed examples (SPEC DIR-2), valid SIRETs, idempotent loading."""

from __future__ import annotations

import pytest
from stdnum.fr import siret

from openchorus.directory.demo import directory_demo_load
from openchorus.structures.models import Structure

pytestmark = pytest.mark.django_db


def test_demo_has_the_seed_examples_with_their_flags(demo):
    est = Structure.objects.get(identifier="20005794100011")
    assert est.legal_name == "PARIS-EST-MARNE ET BOIS"
    assert not (est.service_code_required or est.engagement_required or est.service_or_engagement_required)
    assert list(est.services.values_list("code", "label")) == [
        ("FACTURES_PUBLIQUES", "Service des factures publiques")
    ]
    habitat = Structure.objects.get(identifier="34481082500366")
    assert habitat.service_code_required and habitat.engagement_required
    assert dict(habitat.services.values_list("code", "engagement_required")) == {
        "FACTURES_PUBLIQUES": False, "FL": True, "BC": True, "CT": True, "SIT": True,
    }  # fmt: skip
    chaource = Structure.objects.get(identifier="20007104100046")
    assert (chaource.legal_name, chaource.address_line1, chaource.postcode, chaource.city) == (
        "CC DU CHAOURCOIS ET DU VAL D'ARMANCE", "8 BD DES GRANDS FOSSES", "10130", "ERVY-LE-CHATEL",
    )  # fmt: skip
    state = Structure.objects.get(identifier="11000201100044")
    assert state.legal_name == "ETAT" and state.service_code_required and state.engagement_required
    assert state.services.filter(code__startswith="ARM").exists()
    assert state.services.count() > 10


def test_demo_sirets_are_valid_and_kinds_varied(demo):
    structures = Structure.objects.all()
    assert structures.count() >= 40
    assert all(siret.is_valid(s.identifier) for s in structures)
    names = " ".join(structures.values_list("legal_name", flat=True))
    for kind in ("COMMUNE", "DEPARTEMENT", "REGION", "HOSPITALIER", "LYCEE", "UNIVERSITE", "COLLEGE"):
        assert kind in names


def test_demo_load_twice_changes_nothing(demo):
    again = directory_demo_load()
    assert (again.created, again.updated, again.services_created, again.services_updated) == (0, 0, 0, 0)
    assert again.unchanged == demo.created
