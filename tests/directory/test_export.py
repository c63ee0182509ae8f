"""DIR-1: the CSV export (format in docs/directory.md) and its round trip through the import."""

from __future__ import annotations

import csv
import io

import pytest

from openchorus.directory import formats
from openchorus.directory.selectors import directory_export_lines, directory_search
from openchorus.directory.services import directory_import
from openchorus.structures.models import Structure, StructureService
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db


def exported(**kwargs) -> str:
    return "".join(directory_export_lines(**kwargs))


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_export_header_bom_separator_and_crlf(demo):
    text = exported()
    assert text.startswith("\ufeffIdentifiant;Type d'identifiant;Raison sociale;Libellé;")
    first_line = text.split("\r\n", 1)[0]
    assert first_line.removeprefix("\ufeff").split(";") == formats.HEADER
    assert text.endswith("\r\n")
    text.encode("utf-8")


def test_export_one_line_per_service_with_the_structure_repeated(demo):
    lines = [line for line in parsed(exported()) if line["Identifiant"] == "34481082500366"]
    assert [line["Code service"] for line in lines] == ["FACTURES_PUBLIQUES", "FL", "BC", "CT", "SIT"]
    assert {line["Raison sociale"] for line in lines} == {"PARIS HABITAT OPH"}
    assert {(line["Service obligatoire"], line["Engagement obligatoire"]) for line in lines} == {
        ("oui", "oui")
    }
    by_code = {line["Code service"]: line for line in lines}
    assert by_code["BC"]["Engagement obligatoire (service)"] == "oui"
    assert by_code["FACTURES_PUBLIQUES"]["Engagement obligatoire (service)"] == "non"
    assert by_code["BC"]["Date de début"] == "01/01/2017"
    assert by_code["BC"]["Statut du service"] == "ACTIF"


def test_export_structure_without_service_has_one_line_with_empty_service_columns(demo):
    lines = [
        line for line in parsed(exported()) if line["Raison sociale"] == "CAISSE DES ECOLES D'ERVY-LE-CHATEL"
    ]
    assert len(lines) == 1
    assert all(lines[0][title] == "" for title, _key in formats.SERVICE_COLUMNS)


def test_export_ordered_by_identifier_and_without_private_structures(demo):
    StructureFactory(private=True, identifier="73150001300016")
    identifiers = [line["Identifiant"] for line in parsed(exported())]
    assert identifiers == sorted(identifiers)
    assert "73150001300016" not in identifiers
    assert len(set(identifiers)) == Structure.objects.filter(kind="PUBLIQUE").count()


def test_export_of_a_search_holds_its_matches_only(demo):
    ids = directory_search(text="ervy", limit=0).ids
    names = {line["Raison sociale"] for line in parsed(exported(structure_ids=ids))}
    assert "CC DU CHAOURCOIS ET DU VAL D'ARMANCE" in names
    assert "PARIS HABITAT OPH" not in names


def test_export_then_full_import_round_trip_changes_nothing(demo):
    before = (
        list(Structure.objects.order_by("pk").values_list()),
        list(StructureService.objects.order_by("pk").values_list()),
    )
    report = directory_import(source=io.BytesIO(exported().encode("utf-8")), full=True)
    assert (report.created, report.updated, report.deactivated) == (0, 0, 0)
    assert (report.services_created, report.services_updated, report.services_deactivated) == (0, 0, 0)
    assert report.unchanged == demo.created
    after = (
        list(Structure.objects.order_by("pk").values_list()),
        list(StructureService.objects.order_by("pk").values_list()),
    )
    assert after == before


def test_export_escapes_separators_and_quotes(db):
    StructureFactory(legal_name='SYNDICAT "LES EAUX"; NORD')
    text = exported()
    assert '"SYNDICAT ""LES EAUX""; NORD"' in text
    assert parsed(text)[0]["Raison sociale"] == 'SYNDICAT "LES EAUX"; NORD'
