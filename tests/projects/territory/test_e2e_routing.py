"""In the browser: the département principal follows the communes as they are chosen, and a
commune of another région is refused with the rule shown "à confirmer"."""

import pytest

from projects import services as workflow
from territories.loader import load_reference_data
from territories.models import Departement
from tests.browser import chromium_context, log_in
from tests.factories import UserFactory
from tests.projects.territory.test_e2e_territory import add_first_result


@pytest.fixture
def browser_page(live_server):
    with chromium_context(width=1400, height=1100) as context:
        yield context


@pytest.mark.e2e
def test_the_principal_follows_the_communes(live_server, browser_page):
    load_reference_data(force=True)
    leader = UserFactory()
    # Created with a département typed by mistake: the communes decide.
    project = workflow.create_project(
        leader, "CPTS Bordeaux Ouest", Departement.objects.get(code="24")
    )
    log_in(browser_page, live_server.url, leader)
    page = browser_page.new_page()
    page.goto(f"{live_server.url}/projets/{project.pk}/territoire/")
    assert page.inner_text("#principal").startswith("24")
    assert page.is_visible("#cross-region-to-confirm")

    add_first_result(page, "Mérignac", "33281")
    page.wait_for_function(
        "() => document.getElementById('principal').textContent.startsWith('33')"
    )
    add_first_result(page, "31555", "31555")  # Toulouse: another région
    page.locator("#selection-errors").get_by_text("à confirmer").wait_for()

    page.locator('#selected-communes li[data-insee="31555"] button[data-remove]').click()
    page.click("#save-territory")
    page.wait_for_selector("text=Territoire enregistré.")
    project.refresh_from_db()
    assert project.departement.code == "33"
    assert page.inner_text("#principal").startswith("33")
