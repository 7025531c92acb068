"""The dashboard in Debian's Chromium: DSFR pagination and sorting, then a write seen at once."""

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
