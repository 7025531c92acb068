"""The dashboard in Debian's Chromium: DSFR pagination and sorting, then a write seen at once."""

import datetime as dt

import pytest

from accounts.models import OrganisationKind
from projects.models import Project
from tests.browser import ARTIFACTS, chromium_page
from tests.factories import DepartementFactory
from tests.world import institution_user, new_project

from .test_e2e_journey import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_paginate_sort_and_see_a_write_at_once(live_server):
    departement = DepartementFactory()
    for i in range(30):
        new_project(departement, name=f"CPTS {i:02d}")
    ars = institution_user(OrganisationKind.ARS_DD, departement)
    with chromium_page() as page:
        j = Journey(page, live_server.url)
        j.login(ars)
        page.get_by_role("link", name="Nom").click()
        page.get_by_role("link", name="Page suivante").click()
        page.wait_for_url("**page=2**")
        names = page.locator("table.cpts-projects tbody td:first-child").all_inner_texts()
        assert names == [f"CPTS {i:02d}" for i in range(25, 30)]
        page.screenshot(path=str(ARTIFACTS / "dashboard-page-2.png"), full_page=True)

        Project.objects.filter(name="CPTS 29").update(name="CPTS 29 renommée")
        page.reload()
        assert page.get_by_text("CPTS 29 renommée").is_visible()


def test_deadline_column_and_badges_fit_1280_px(live_server):
    """At 1280 px the whole table shows without a sideways scroll, badges included."""
    from tests.browser import log_in
    from tests.world import backdate_receipt, project_in_state, today

    departement = DepartementFactory()
    names = ("CPTS du Grand Territoire de la Vallée et des Coteaux réunis", "B", "C")
    for name, days_ago in zip(names, (70, 55, 5), strict=True):
        project, _, _ = project_in_state("ps_depose", departement)
        backdate_receipt(project, today() - dt.timedelta(days=days_ago))
        Project.objects.filter(pk=project.pk).update(name=name, population=182_345)
    ars = institution_user(OrganisationKind.ARS_DD, departement)
    with chromium_page(width=1280, height=900) as page:
        log_in(page.context, live_server.url, ars)
        page.goto(live_server.url + "/projets/")
        table = page.locator("table.cpts-projects")
        header = table.locator("thead th").last
        assert header.inner_text().strip() == "À la main"
        for column in (header, table.locator("thead th").nth(5)):
            box = column.bounding_box()
            assert box["x"] + box["width"] <= 1280
        container = page.locator(".fr-table__container")
        assert container.evaluate("e => e.scrollWidth <= e.clientWidth")  # no sideways scroll
        overdue = table.locator("tr.cpts-row--overdue")
        assert overdue.locator(".fr-badge--error").text_content() == "Dépassée"
        assert table.locator("tr.cpts-row--near .fr-badge--warning").is_visible()
        # The highlight is really painted (DSFR's own td background does not win).
        colour = overdue.locator("td").first.evaluate("e => getComputedStyle(e).backgroundColor")
        plain = table.locator("tr:not(.cpts-row--overdue):not(.cpts-row--near) td").first
        assert colour != plain.evaluate("e => getComputedStyle(e).backgroundColor")
        page.screenshot(path=str(ARTIFACTS / "dashboard-1280-badges.png"))
