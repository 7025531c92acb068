"""In the browser: the département principal follows the communes as they are chosen, and a
commune of another région is refused with the rule shown "à confirmer"."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from projects import services as workflow
from projects import territory as territory_services
from projects.states import State
from territories.loader import load_reference_data
from territories.models import Departement
from tests.browser import chromium_context, log_in
from tests.cpts_portal.test_accessibility import audit
from tests.factories import DepartementFactory, UserFactory
from tests.projects.territory.test_e2e_territory import add_first_result
from tests.world import institution_user, new_project, project_in_state, row_of_communes


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


@pytest.mark.e2e
def test_the_new_page_parts_have_no_wcag_violation(live_server, browser_page):
    """axe-core on what this work adds: routing and informed délégations, the territory locked
    after validation, the open missing-items request and its confirmation, the request form."""
    main = DepartementFactory()
    neighbour = DepartementFactory(region=main.region)
    spanning, leader = new_project(main, name="CPTS à cheval")
    codes = [c.insee for c in row_of_communes(main, 2) + row_of_communes(neighbour, 1)]
    territory_services.save_territory(spanning, leader, codes)
    incomplete, incomplete_leader, ars = project_in_state(State.PS_DEPOSE, main)
    workflow.request_missing_items(
        incomplete, ars, "Charte signée\nBudget", timezone.localdate() + dt.timedelta(days=10)
    )
    validated, validated_leader, _ = project_in_state(State.PS_VALIDE, main)
    filed, _, _ = project_in_state(State.PS_DEPOSE, main)
    pages = {
        leader: [("projects:detail", spanning.pk), ("projects:territory", spanning.pk)],
        incomplete_leader: [
            ("projects:detail", incomplete.pk),
            ("projects:health_project_submit", incomplete.pk),
        ],
        validated_leader: [("projects:territory", validated.pk)],
        institution_user(OrganisationKind.ARS_DD, neighbour): [("projects:detail", spanning.pk)],
        ars: [("projects:action", filed.pk, "request_ps_items")],
    }
    found = {}
    page = browser_page.new_page()
    for user, urls in pages.items():
        browser_page.clear_cookies()
        log_in(browser_page, live_server.url, user)
        for name, *args in urls:
            url = reverse(name, args=args)
            assert page.goto(live_server.url + url).status == 200, url
            violations = audit(page)
            if violations:
                found[f"{user} {url}"] = violations
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
