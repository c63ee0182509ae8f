"""DIR-1 / DIR-3: the directory search."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openchorus.directory import selectors
from openchorus.directory.selectors import directory_search, query_terms, structure_as_dict
from openchorus.structures.enums import Status
from tests.directory.factories import ServiceFactory, StructureFactory, valid_siret

pytestmark = pytest.mark.django_db


def names(result) -> list[str]:
    return [s.legal_name for s in result.hits]


def test_search_identifier_prefix_finds_structure(demo):
    for text in ("34481082500366", "344810825", "344810", "344 810 825"):
        assert names(directory_search(text=text)) == ["PARIS HABITAT OPH"], text


def test_search_designation_words_any_order_accents_and_case_ignored(demo):
    for text in ("paris habitat", "HABITAT Paris", "habitat pàris", "PaRiS HaBi", "oph habitat"):
        assert names(directory_search(text=text))[0] == "PARIS HABITAT OPH", text


def test_search_accented_query_finds_unaccented_name_and_back():
    StructureFactory(legal_name="COMMUNE DE CHAMBERY")
    StructureFactory(legal_name="Lycée Général Émile Zola", city="RENNES", postcode="35000")
    assert names(directory_search(text="Chambéry")) == ["COMMUNE DE CHAMBERY"]
    assert names(directory_search(text="lycee emile zola")) == ["Lycée Général Émile Zola"]
    assert names(directory_search(text="ÉMILE")) == ["Lycée Général Émile Zola"]


def test_search_by_postcode_and_by_city(demo):
    by_postcode = names(directory_search(text="10130"))
    assert "CC DU CHAOURCOIS ET DU VAL D'ARMANCE" in by_postcode
    assert all("PARIS" not in name for name in by_postcode)
    assert "CC DU CHAOURCOIS ET DU VAL D'ARMANCE" in names(directory_search(text="Ervy-le-Châtel"))
    assert names(directory_search(text="chaourcois 10130")) == ["CC DU CHAOURCOIS ET DU VAL D'ARMANCE"]


def test_search_every_word_must_match(demo):
    assert directory_search(text="paris habitat ervy").total == 0


def test_search_hits_carry_services_codes_status_and_flags(demo):
    hit = structure_as_dict(directory_search(text="paris habitat").hits[0])
    assert hit["identifier"] == "34481082500366"
    assert hit["status"] == "ACTIF"
    assert hit["service_required"] is True
    assert hit["engagement_required"] is True
    assert hit["service_or_engagement_required"] is False
    assert hit["payment_status_reported"] is True
    services = {s["code"]: s for s in hit["services"]}
    assert set(services) == {"FACTURES_PUBLIQUES", "FL", "BC", "CT", "SIT"}
    assert services["BC"] == {
        "code": "BC",
        "label": "Bons de commande",
        "status": "ACTIF",
        "engagement_required": True,
    }
    assert services["FACTURES_PUBLIQUES"]["engagement_required"] is False


def test_search_inactive_structure_and_service_shown_as_such():
    structure = StructureFactory(legal_name="SIVOM DU VAL DORE", inactive=True)
    ServiceFactory(structure=structure, code="OLD", status=Status.INACTIVE)
    hit = structure_as_dict(directory_search(text="sivom dore").hits[0])
    assert hit["status"] == "INACTIF"
    assert hit["services"][0]["status"] == "INACTIF"


def test_search_private_structures_never_listed():
    StructureFactory(private=True, legal_name="MAIRIE CONSEIL SARL")
    StructureFactory(legal_name="MAIRIE DE VALLOIRE")
    assert names(directory_search(text="mairie")) == ["MAIRIE DE VALLOIRE"]


def test_search_ranks_exact_name_and_active_first():
    StructureFactory(legal_name="CCAS DE PARIS")
    StructureFactory(legal_name="PARIS", inactive=True)
    StructureFactory(legal_name="PARISIS AGGLOMERATION")
    StructureFactory(legal_name="PARIS")
    result = directory_search(text="paris")
    assert [(s.legal_name, s.status) for s in result.hits][:2] == [("PARIS", "ACTIF"), ("PARIS", "INACTIF")]
    assert result.total == 4


def test_search_empty_or_stopword_query_finds_nothing(demo):
    assert directory_search(text="").total == 0
    assert directory_search(text="  de la  ").total == 0
    assert query_terms("de la") == []


def test_search_pages_do_not_overlap():
    for n in range(25):
        StructureFactory(legal_name=f"COLLEGE JULES FERRY {n:02d}")
    first = directory_search(text="jules ferry", limit=20, offset=0)
    second = directory_search(text="jules ferry", limit=20, offset=20)
    assert first.total == second.total == 25
    assert len(first.hits) == 20 and len(second.hits) == 5
    assert not {s.pk for s in first.hits} & {s.pk for s in second.hits}


def test_search_too_many_matches_is_truncated_and_says_so(monkeypatch):
    monkeypatch.setattr(selectors, "CANDIDATE_LIMIT", 5)
    for n in range(8):
        StructureFactory(legal_name=f"ECOLE {n}")
    result = directory_search(text="ecole")
    assert result.truncated is True
    assert result.total == 5


def test_query_terms_drop_prefixes_of_other_terms():
    assert query_terms("par paris Habitat") == ["habitat", "paris"]


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàçô", min_size=3, max_size=10)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name_words=st.lists(WORD, min_size=1, max_size=4, unique=True), data=st.data())
def test_search_finds_a_name_by_any_of_its_words_in_any_order(name_words, data):
    structure = StructureFactory(legal_name=" ".join(name_words).upper())
    try:
        chosen = data.draw(st.lists(st.sampled_from(name_words), min_size=1, unique=True))
        text = " ".join(data.draw(st.permutations(chosen)))
        text = data.draw(st.sampled_from([text, text.upper(), text.title()]))
        terms = query_terms(text)
        if terms:
            assert structure.pk in {s.pk for s in directory_search(text=text, limit=1000).hits}
    finally:
        structure.delete()


def test_prefix_upper_bound_stays_in_the_alphabet():
    assert selectors._upper_bound("paris") == "parit"
    assert selectors._upper_bound("a9") == "b"
    assert selectors._upper_bound("az") == "b"
    assert selectors._upper_bound("1999") == "2"
    assert selectors._upper_bound("zz9") is None


def test_search_prefixes_ending_in_9_or_z_and_words_past_them():
    StructureFactory(legal_name="COMMUNE DE BUZ", identifier=valid_siret(999_999))
    StructureFactory(legal_name="COMMUNE DE BUZANCAIS")
    StructureFactory(legal_name="COMMUNE DE CA")
    assert names(directory_search(text="buz")) == ["COMMUNE DE BUZ", "COMMUNE DE BUZANCAIS"]
    assert names(directory_search(text="2199999")) == ["COMMUNE DE BUZ"]
    assert names(directory_search(text="z")) == []


def test_search_prefix_of_only_9_and_z_has_no_upper_bound_and_still_matches_exactly():
    StructureFactory(legal_name="ZZZ RECORDS")
    StructureFactory(legal_name="ZZA")
    StructureFactory(legal_name="ZYGOMA")
    assert names(directory_search(text="zz")) == ["ZZA", "ZZZ RECORDS"]
    assert names(directory_search(text="zz records")) == ["ZZZ RECORDS"]


def test_search_hits_are_built_like_only_hit_fields_with_real_flags(demo):
    hit = directory_search(text="paris habitat").hits[0]
    assert hit.get_deferred_fields() == {
        f.attname for f in hit._meta.concrete_fields if f.attname not in {"id", *selectors.HIT_FIELDS}
    }
    assert hit.service_code_required is True
    assert hit.edi_reception in (True, False)


def test_directory_search_finds_a_public_structure_created_in_the_portal_at_once(db):
    """The organisation services keep the directory's word index in step (DIR-3)."""
    from openchorus.directory.selectors import directory_search
    from openchorus.structures.services import structures as structure_services
    from tests.factories import UserFactory

    structure_services.structure_create(
        actor=UserFactory(), identifier_type="SIRET", identifier="21730065600014", kind="PUBLIQUE",
        legal_name="Commune de Chambéry", address_line1="Place de l'Hôtel de Ville", postcode="73000", city="Chambéry",
    )  # fmt: skip
    assert "21730065600014" in [hit.identifier for hit in directory_search(text="commune chambery").hits]
