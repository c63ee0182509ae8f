"""BYD-2: suggesting the recipient structure and service from an invoice's text."""

from __future__ import annotations

import pytest

from openchorus.directory.selectors import directory_suggest
from openchorus.directory.services import directory_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(demo):
    """The demo structures among a few thousand synthetic ones, as in a real directory."""
    directory_generate(structures=400, services=2400, seed=5)


def first(text: str):
    suggestions = directory_suggest(text=text)
    assert suggestions, text
    return suggestions[0]


@pytest.mark.parametrize(
    ("text", "identifier", "service"),
    [
        (
            "FACTURE N° 2026-114\nDestinataire : PARIS HABITAT OPH\n21 bis rue Claude Bernard 75005 Paris\n"
            "Bon de commande n° BC-4512 — Code service : BC",
            "34481082500366",
            "BC",
        ),
        ("Client : SIRET 344 810 825 00366, situation de travaux n°3, service SIT", "34481082500366", "SIT"),
        (
            "Communauté de communes du Chaourcois et du Val d'Armance\n8 bd des Grands Fossés\n10130 Ervy-le-Châtel",
            "20007104100046",
            "FACTURES_PUBLIQUES",
        ),
        (
            "Paris-Est-Marne et Bois, service des factures publiques, 94500",
            "20005794100011",
            "FACTURES_PUBLIQUES",
        ),
        (
            "Ministère des Armées — Centre de services partagés. SIRET 110 002 011 00044. Engagement 1300123456",
            "11000201100044",
            "ARM0000001",
        ),
        ("Hospices Civils de Lyon — Direction des achats", "HOSPICES CIVILS DE LYON", "ACHATS"),
    ],
)
def test_suggest_ranks_the_right_structure_and_service_first(directory, text, identifier, service):
    best = first(text)
    assert identifier in {best.structure.identifier, best.structure.legal_name}
    assert best.services[0].service.code == service


def test_suggest_siren_alone_finds_the_structure(directory):
    assert (
        first("Facture adressée à l'établissement SIREN 344810825").structure.identifier == "34481082500366"
    )


def test_suggest_postcode_breaks_ties_between_homonyms(directory):
    best = first("Commune de Chambéry, place de l'Hôtel de Ville, 73000 CHAMBERY")
    assert best.structure.legal_name == "COMMUNE DE CHAMBERY"
    assert any(reason.startswith("code postal") for reason in best.reasons)


def test_suggest_nothing_recognisable_gives_nothing(directory):
    assert directory_suggest(text="Merci de votre confiance.") == []
    assert directory_suggest(text="") == []


def test_suggest_ignores_invalid_sirets_and_private_structures(directory):
    from tests.directory.factories import StructureFactory

    StructureFactory(private=True, identifier="73282932000074", legal_name="SARL ZYGOMATIQUE")
    assert directory_suggest(text="SARL ZYGOMATIQUE 73282932000074") == []
    assert directory_suggest(text="SIRET 34481082500367") == []
