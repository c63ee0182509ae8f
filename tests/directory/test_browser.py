"""Issue 4 "done when", in a real browser: find PARIS HABITAT, open it, see its five services with
the right flags; download the CSV and re-import it unchanged (round trip)."""

from __future__ import annotations

import pytest

from openchorus.directory.demo import directory_demo_load
from openchorus.directory.services import directory_import
from tests.e2e.conftest import browser, portal  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_browser_search_paris_habitat_open_it_and_see_five_services(portal):  # noqa: F811
    directory_demo_load()
    page = portal
    page.goto(page.base_url + "/annuaire/")
    page.get_by_label("Rechercher").fill("paris habitat")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/annuaire/?q=paris+habitat")
    assert page.locator("#directory-count").inner_text().strip() == "1 structure trouvée"
    page.get_by_role("link", name="34481082500366").click()
    assert page.locator("#structure-name").inner_text() == "PARIS HABITAT OPH"
    rows = page.locator("#structure-services tbody tr")
    assert rows.count() == 5
    engagement = {
        rows.nth(i).get_attribute("data-code"): rows.nth(i).locator("td").nth(3).inner_text().strip()
        for i in range(5)
    }
    assert engagement == {"BC": "oui", "CT": "oui", "FACTURES_PUBLIQUES": "non", "FL": "oui", "SIT": "oui"}
    parameters = page.locator("#structure-parameters").inner_text()
    assert "Service obligatoire\toui" in parameters
    assert "Engagement obligatoire\toui" in parameters
    assert "Service ou engagement obligatoire\tnon" in parameters


def test_browser_download_directory_csv_and_reimport_it_unchanged(portal, tmp_path):  # noqa: F811
    loaded = directory_demo_load()
    page = portal
    page.goto(page.base_url + "/annuaire/")
    with page.expect_download() as download_info:
        page.locator("#directory-export-all").click()
    path = tmp_path / "annuaire.csv"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfIdentifiant;")
    report = directory_import(source=path, full=True)
    assert (report.created, report.updated, report.deactivated) == (0, 0, 0)
    assert (report.services_created, report.services_updated, report.services_deactivated) == (0, 0, 0)
    assert report.unchanged == loaded.created
