"""Debian's Chromium: the public simulator (form, table, bar chart) and a CPAM's contract page."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from funding import services
from tests.browser import ARTIFACTS, chromium_page, log_in
from tests.world import make_aci_project, signed_contract

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(live_server):
    # live_server flushes tables between tests: the grids of the data migration go too.
    call_command("load_funding_grids", stdout=StringIO())
    with chromium_page() as page:
        yield page


def test_public_simulator(live_server, page):
    page.goto(f"{live_server.url}/financement/simulateur/")
    page.select_option("#id_size", "4")
    page.fill("#id_members", "150")
    page.fill("#id_signature_date", "2022-10-03")
    for box in ("id_optional_0", "id_optional_1", "id_snp_dispositif", "id_crisis"):
        page.click(f"label[for={box}]")  # DSFR draws the checkbox on its label
    page.click("button[type=submit]")
    total = "".join(page.inner_text("#simulation-total").split())  # "629 000,00"
    # 580 000 + 10 % majoration on the 490 000 of missions (150 members, taille 4)
    assert total.replace(",", ".") == "629000.00"
    assert page.locator(".funding-bars .fr-grid-row").count() == 8  # 7 missions + majoration
    assert page.get_by_text("à confirmer").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "funding-simulator.png"), full_page=True)


def test_cpam_contract_page(live_server, page):
    project, leader, ars = make_aci_project()
    contract, cpam = signed_contract(project, ars, members=30, signed_on=dt.date(2023, 2, 6))
    services.start_mission(contract, cpam, "acces_soins", dt.date(2023, 8, 1))
    log_in(page.context, live_server.url, cpam)
    page.goto(f"{live_server.url}/financement/contrats/{contract.pk}/")
    assert page.locator("#contract-signed").is_visible()
    assert page.locator("#schedule tbody tr").count() > 10
    page.screenshot(path=str(ARTIFACTS / "funding-contract.png"), full_page=True)
