"""Each role's main walk, on a phone (375 px) and a desktop (1280 px): dashboard, a project, its
main action page; no page scrolls sideways. Screenshots kept in test-artifacts/."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from projects import committees
from projects.collaboration import CommitteeKind
from projects.states import State
from tests.browser import ARTIFACTS, chromium_page, log_in
from tests.world import Territory, make_aci_project, new_project, project_in_state, signed_contract

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = (375, 1280)
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _walks():
    """Role → (user, [page urls]): dashboard → a project → its main action page."""
    call_command("load_funding_grids", stdout=StringIO())
    here = Territory()
    people, dept = here.people, here.dept
    draft, _ = new_project(dept, leader=people["leader"], name="CPTS des Coteaux")
    filed, _, _ = project_in_state(State.LI_DEPOSEE, dept)
    ps, _, _ = project_in_state(State.PS_DEPOSE, dept)
    aci, _, ars = make_aci_project(dept)
    contract, _ = signed_contract(
        aci, ars, members=30, signed_on=dt.date(2023, 2, 6), cpam=people["cpam"]
    )
    committee = committees.create_committee(
        people["ars_dd"],
        kind=CommitteeKind.PS,
        departement=dept,
        meets_at=timezone.now() + dt.timedelta(days=7),
        place="Délégation, salle 2",
        projects=[ps],
        user_representative="Jeanne Lefort",
        user_representative_quality="France Assos Santé",
    )
    dashboard = reverse("projects:list")

    def detail(project):
        return reverse("projects:detail", args=[project.pk])

    return {
        "leader": (
            people["leader"],
            [dashboard, detail(draft), reverse("projects:letter", args=[draft.pk])],
        ),
        "ars_dd": (
            people["ars_dd"],
            [dashboard, detail(filed), reverse("projects:action", args=[filed.pk, "validate_li"])],
        ),
        "cpam": (
            people["cpam"],
            [dashboard, detail(aci), reverse("funding:contract", args=[contract.pk])],
        ),
        "urps": (
            people["urps"],
            [dashboard, detail(ps), reverse("projects:committee", args=[committee.pk])],
        ),
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_every_role_walks_its_main_task_without_sideways_scroll(live_server, width):
    walks = _walks()
    wide = {}
    with chromium_page(width=width, height=800) as page:
        for role, (user, urls) in walks.items():
            page.context.clear_cookies()
            log_in(page.context, live_server.url, user)
            for step, url in enumerate(urls, start=1):
                assert page.goto(live_server.url + url).status == 200, (role, url)
                shot = ARTIFACTS / f"walk-{role}-{width}-{step}.png"
                page.screenshot(path=str(shot), full_page=True)
                if not page.evaluate(NO_SIDEWAYS_SCROLL):
                    sizes = "document.documentElement.scrollWidth + ' > ' + window.innerWidth"
                    wide[f"{role} {url}"] = page.evaluate(sizes)
    assert wide == {}
