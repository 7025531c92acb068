"""Automated accessibility audit (axe-core, WCAG 2 A/AA rules) of the main pages of every role,
in Debian's Chromium. The RGAA that binds French public services builds on WCAG 2.1 AA; axe finds
a part of what it asks (contrast, names, labels, structure), not a manual audit's worth."""

import json
from io import StringIO

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.core.management import call_command
from django.urls import reverse

from accounts.models import OrganisationKind
from funding import services as funding
from projects.collaboration import Committee, CommitteeKind
from projects.states import State
from tests.browser import ARTIFACTS, chromium_page
from tests.factories import DepartementFactory
from tests.projects.test_e2e_journey import Journey
from tests.world import institution_user, make_aci_project, new_project, project_in_state

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def audit(page) -> list[dict]:
    page.evaluate(AXE_SCRIPT)
    result = page.evaluate(f"axe.run(document, {json.dumps(RULES)})")
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def test_main_pages_have_no_wcag_violation(live_server):
    # live_server flushes tables between tests: the grids of the data migration go too.
    call_command("load_funding_grids", stdout=StringIO())
    departement = DepartementFactory()
    project, leader, ars = project_in_state(State.PS_DEPOSE, departement)
    draft, _ = new_project(departement, leader=leader, name="CPTS en projet")
    cpam = institution_user(OrganisationKind.CPAM, departement)
    committee = Committee.objects.create(
        kind=CommitteeKind.PS,
        departement=departement,
        meets_at=project.ps_submitted_at,
        place="Salle 1",
        members="ARS\nCPAM",
        created_by=ars,
    )
    committee.projects.add(project)
    aci_project, _, _ = make_aci_project(departement)
    contract = funding.create_contract(aci_project, cpam, members=20)
    to_contract, _, _ = make_aci_project(departement)
    pages = {
        None: [
            "home",
            "login",
            "signup",
            "password_reset",
            "funding:simulator",
            "accessibility",
            "legal",
            "personal_data",
            "cookies",
        ],
        leader: [
            "projects:list",
            ("projects:detail", project.pk),
            ("projects:letter", draft.pk),
            ("projects:territory", draft.pk),
            ("projects:messages", project.pk),
            ("projects:attachment_add", project.pk),
            ("projects:invite", project.pk),
            "projects:create",
            "reminders:list",
        ],
        ars: [
            "projects:list",
            ("projects:detail", project.pk),
            "projects:committees",
            "projects:committee_create",
            ("projects:committee", committee.pk),
            ("projects:committee_close", committee.pk),
            ("projects:action", project.pk, "oppose_ps"),
            "projects:territories",
            "funding:crises",
        ],
        cpam: [
            "funding:contracts",
            "funding:grids",
            ("funding:contract", contract.pk),
            ("funding:contract_create", to_contract.pk),
        ],
    }
    found = {}
    with chromium_page() as page:
        journey = Journey(page, live_server.url)
        # The audit finds what it should: an image without text alternative, an unlabelled field.
        page.set_content(
            '<html lang="fr"><body><main><img src="x.png"><input></main></body></html>'
        )
        assert {"image-alt", "label"} <= {v["rule"] for v in audit(page)}
        for user, names in pages.items():
            if user is None:
                page.context.clear_cookies()
            else:
                journey.login(user)
            for name in names:
                name, *args = name if isinstance(name, tuple) else (name,)
                url = reverse(name, args=args)
                response = page.goto(live_server.url + url)
                assert response.status == 200, url
                violations = audit(page)
                if violations:
                    found[f"{user or 'anonyme'} {url}"] = violations
    (ARTIFACTS / "accessibility.json").write_text(json.dumps(found, indent=1, ensure_ascii=False))
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
