"""DIR-2: import/refresh of the directory from its CSV format."""

from __future__ import annotations

import io

import pytest

from openchorus.audit.models import AuditEvent
from openchorus.core.errors import ApplicationError
from openchorus.directory import formats
from openchorus.directory.selectors import directory_search
from openchorus.directory.services import directory_import
from openchorus.structures.enums import Status, StructureKind
from openchorus.structures.models import Structure, StructureService
from tests.directory.csvfiles import csv_bytes, row
from tests.directory.factories import StructureFactory

pytestmark = pytest.mark.django_db

HABITAT = {
    "Identifiant": "34481082500366",
    "Raison sociale": "PARIS HABITAT OPH",
    "Libellé": "PARIS HABITAT PARIS 5",
    "Code postal": "75005",
    "Ville": "PARIS",
    "Service obligatoire": "oui",
    "Engagement obligatoire": "oui",
}


def habitat_rows() -> list[dict[str, str]]:
    return [
        row(**HABITAT, **{"Code service": "FACTURES_PUBLIQUES", "Libellé du service": "Service des factures publiques"}),
        row(**HABITAT, **{"Code service": "BC", "Libellé du service": "Bons de commande",
                          "Engagement obligatoire (service)": "oui", "Date de début": "01/01/2017"}),
        row(),  # PARIS-EST-MARNE ET BOIS without service
    ]  # fmt: skip


def snapshot() -> list[tuple]:
    structures = list(Structure.objects.order_by("pk").values_list())
    services = list(StructureService.objects.order_by("pk").values_list())
    return structures + services


def refused(source) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        directory_import(source=source)
    return caught.value


def test_import_creates_structures_services_and_makes_them_searchable():
    report = directory_import(source=csv_bytes(habitat_rows()))
    assert (report.lines, report.created, report.services_created) == (3, 2, 2)
    habitat = Structure.objects.get(identifier="34481082500366")
    assert habitat.kind == StructureKind.PUBLIC
    assert habitat.service_code_required and habitat.engagement_required
    assert not habitat.payment_status_hidden
    assert habitat.search_text == "paris habitat oph paris habitat paris 5 34481082500366 paris 75005"
    bc = habitat.services.get(code="BC")
    assert bc.engagement_required and bc.start_date.isoformat() == "2017-01-01"
    assert [s.legal_name for s in directory_search(text="habitat").hits] == ["PARIS HABITAT OPH"]
    assert not Structure.objects.get(identifier="20005794100011").services.exists()


def test_import_same_file_twice_changes_nothing_and_counts_say_so():
    directory_import(source=csv_bytes(habitat_rows()))
    before = snapshot()
    report = directory_import(source=csv_bytes(habitat_rows()))
    assert (report.created, report.updated, report.unchanged, report.deactivated) == (0, 0, 2, 0)
    assert (report.services_created, report.services_updated) == (0, 0)
    assert snapshot() == before


def test_import_changed_line_updates_structure_and_reindexes_it():
    directory_import(source=csv_bytes(habitat_rows()))
    rows = habitat_rows()
    for values in rows[:2]:
        values["Raison sociale"] = "PARIS HABITAT OFFICE PUBLIC"
    rows[1]["Statut du service"] = "INACTIF"
    report = directory_import(source=csv_bytes(rows))
    assert (report.updated, report.unchanged, report.services_updated) == (1, 1, 1)
    assert directory_search(text="office public habitat").hits[0].identifier == "34481082500366"
    assert directory_search(text="habitat oph").total == 0
    assert StructureService.objects.get(code="BC").status == Status.INACTIVE


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"Identifiant": "34481082500367"}, "clé de contrôle est fausse"),
        (
            {"Service obligatoire": "peut-être"},
            "valeur « peut-être » inconnue dans la colonne « Service obligatoire »",
        ),
        ({"Statut": "FERME"}, "statut « FERME » inconnu"),
        ({"Code service": "BC", "Libellé du service": "Doublon"}, "le code service BC apparaît deux fois"),
        (
            {"Date de début": "31/02/2020", "Code service": "X1", "Libellé du service": "X"},
            "date « 31/02/2020 » illisible",
        ),
        ({"Code service": "", "Libellé du service": "Sans code"}, "un service est décrit sans code service"),
        ({"Raison sociale": ""}, "la raison sociale est obligatoire"),
    ],
)
def test_import_bad_line_changes_nothing_and_names_line_and_reason(bad, reason):
    directory_import(source=csv_bytes(habitat_rows()))
    before = snapshot()
    rows = habitat_rows()
    rows.append(row(**{**HABITAT, **bad}))  # line 5 (header is line 1)
    rows.append(row(**{"Identifiant": "21730065200019", "Raison sociale": "COMMUNE DE CHAMBERY"}))
    error = refused(csv_bytes(rows))
    assert "rien n'a été modifié" in str(error.message)
    assert error.extra["errors"][0]["line"] == 5
    assert reason in error.extra["errors"][0]["message"]
    assert f"Ligne 5 : {error.extra['errors'][0]['message']}" in str(error.message)
    assert snapshot() == before
    assert not Structure.objects.filter(identifier="21730065200019").exists()


def test_import_missing_column_is_refused_on_line_one():
    header = [title for title in formats.HEADER if title != "Engagement obligatoire"]
    error = refused(csv_bytes(habitat_rows(), header=header))
    assert error.extra["errors"] == [
        {"line": 1, "message": "colonne(s) manquante(s) : Engagement obligatoire."}
    ]
    assert not Structure.objects.exists()


def test_import_reports_several_bad_lines_at_once():
    rows = [row(**{"Identifiant": "123"}), row(**{"Réception EDI": "x"})]
    error = refused(csv_bytes(rows))
    assert [e["line"] for e in error.extra["errors"]] == [2, 3]


def test_import_conflicting_descriptions_of_one_structure_are_refused():
    rows = habitat_rows()
    rows[1]["Ville"] = "LYON"
    error = refused(csv_bytes(rows))
    assert error.extra["errors"][0]["line"] == 3
    assert "décrite autrement qu'à la ligne 2" in error.extra["errors"][0]["message"]


def test_import_never_turns_a_private_structure_public():
    StructureFactory(private=True, identifier="34481082500366")
    error = refused(csv_bytes(habitat_rows()))
    assert "existe déjà comme structure privée" in error.extra["errors"][0]["message"]
    assert Structure.objects.count() == 1


def test_import_not_utf8_is_refused():
    data = csv_bytes([row(**{"Raison sociale": "CHAMBÉRY"})]).getvalue().decode("utf-8-sig").encode("cp1252")
    with pytest.raises(ApplicationError, match="UTF-8"):
        directory_import(source=io.BytesIO(data))


def test_import_full_refresh_deactivates_absent_structures_and_services_never_deletes():
    directory_import(source=csv_bytes(habitat_rows()))
    other = StructureFactory(legal_name="COMMUNE DISPARUE")
    private = StructureFactory(private=True)
    rows = habitat_rows()[:1]  # PARIS HABITAT with FACTURES_PUBLIQUES only
    report = directory_import(source=csv_bytes(rows), full=True)
    assert (report.unchanged, report.deactivated, report.services_deactivated) == (1, 2, 1)
    assert Structure.objects.get(identifier="20005794100011").status == Status.INACTIVE
    other.refresh_from_db()
    private.refresh_from_db()
    assert other.status == Status.INACTIVE
    assert private.status == Status.ACTIVE
    assert StructureService.objects.get(code="BC").status == Status.INACTIVE
    assert Structure.objects.count() == 4 and StructureService.objects.count() == 2
    assert directory_search(text="paris est marne").hits[0].status == Status.INACTIVE
    again = directory_import(source=csv_bytes(rows), full=True)
    assert (again.deactivated, again.services_deactivated, again.unchanged) == (0, 0, 1)


def test_import_without_full_leaves_absent_structures_alone():
    directory_import(source=csv_bytes(habitat_rows()))
    report = directory_import(source=csv_bytes(habitat_rows()[:1]))
    assert report.deactivated == 0
    assert not Structure.objects.filter(status=Status.INACTIVE).exists()


def test_import_leaves_an_audit_event_with_the_file_hash():
    report = directory_import(source=csv_bytes(habitat_rows()), full=True)
    event = AuditEvent.objects.get(stream="directory")
    assert event.action == "directory.import_full"
    assert event.object_id == report.sha256 and len(report.sha256) == 64
    assert event.after["created"] == 2
