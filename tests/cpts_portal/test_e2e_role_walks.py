"""Each role's main walk, on a phone (375 px) and a desktop (1280 px): dashboard, a project, its
main action page; no page scrolls sideways. Screenshots kept in test-artifacts/.

A step is a URL, or a function of the page and the server's address for what needs a form (the
ARS siège's import preview)."""

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
from tests.world import (
    Territory,
    make_aci_project,
    new_project,
    project_in_state,
    row_of_communes,
    signed_contract,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = (375, 1280)
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _import_preview(dept, tmp_path):
    """The ARS siège checks a file of existing CPTS: the page previews it before any import."""
    communes = row_of_communes(dept, 2, population=12_000)
    path = tmp_path / "existant.csv"
    path.write_text(
        "nom;departement;communes;etat;aci_signe_le;membres\n"
        f"CPTS du Lac;{dept.code};{communes[0].insee};aci_signe;15/09/2021;40\n"
        f"CPTS des Prés;{dept.code};{communes[1].insee};ps_valide;;\n",
        encoding="utf-8-sig",
    )

    def step(page, base):
        page.goto(base + reverse("funding:reprise"))
        page.set_input_files("input[type=file]", str(path))
        page.click("text=Vérifier le fichier")
        assert page.locator("#reprise-preview tbody tr").count() == 2

    return step


def _walks(tmp_path):
    """Role → (user, [steps]): dashboard → a project → its main action page."""
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
        # The regional ARS: its région's dashboard filtered, the map, the deadlines, an
        # opposition to a filed PS, the import of the existing CPTS (preview).
        "ars": (
            people["ars"],
            [
                f"{dashboard}?state={State.PS_DEPOSE}&departement={dept.pk}",
                reverse("projects:institution_map"),
                reverse("reminders:list"),
                reverse("projects:action", args=[ps.pk, "oppose_ps"]),
                _import_preview(dept, tmp_path),
            ],
        ),
        "cpam": (
            people["cpam"],
            [dashboard, detail(aci), reverse("funding:contract", args=[contract.pk])],
        ),
        # The MSA is Assurance Maladie as the CPAM is: its contracts, one of them, its opinion
        # in the PS committee.
        "msa": (
            people["msa"],
            [
                reverse("funding:contracts"),
                reverse("funding:contract", args=[contract.pk]),
                reverse("projects:committee", args=[committee.pk]),
            ],
        ),
        "urps": (
            people["urps"],
            [dashboard, detail(ps), reverse("projects:committee", args=[committee.pk])],
        ),
    }


# What a page must show for the walk to have reached its task: (selector, how many).
MUST_SHOW = {
    ("ars", 1): ("main tbody tr", 1),  # the one filed PS of the département, nothing else
    ("msa", 2): ("#terminate-link", 1),  # the MSA manages the contract as the CPAM does
    ("msa", 3): ("form[action*='/avis/']", 1),  # its own opinion to give
}


@pytest.mark.parametrize("width", WIDTHS)
def test_every_role_walks_its_main_task_without_sideways_scroll(live_server, width, tmp_path):
    walks = _walks(tmp_path)
    wide = {}
    with chromium_page(width=width, height=800) as page:
        for role, (user, steps) in walks.items():
            page.context.clear_cookies()
            log_in(page.context, live_server.url, user)
            for number, step in enumerate(steps, start=1):
                if callable(step):
                    step(page, live_server.url)
                    url = page.url
                else:
                    url = step
                    assert page.goto(live_server.url + url).status == 200, (role, url)
                if (role, number) in MUST_SHOW:
                    selector, count = MUST_SHOW[role, number]
                    assert page.locator(selector).count() == count, (role, url, selector)
                shot = ARTIFACTS / f"walk-{role}-{width}-{number}.png"
                page.screenshot(path=str(shot), full_page=True)
                if not page.evaluate(NO_SIDEWAYS_SCROLL):
                    sizes = "document.documentElement.scrollWidth + ' > ' + window.innerWidth"
                    wide[f"{role} {url}"] = page.evaluate(sizes)
    assert wide == {}
