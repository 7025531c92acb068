"""Reading a page writes nothing, and the project's journal is shown to the leaders and the
institutions of its territory only, in one query."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import record
from projects import committees
from projects.collaboration import CommitteeKind
from projects.models import HealthProject
from projects.states import State
from tests.world import new_project, project_in_state

pytestmark = pytest.mark.django_db
WRITES = ("INSERT", "UPDATE", "DELETE")


def writes(queries) -> list[str]:
    """The writing statements, but the session's and the login's own."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(WRITES)
        and "django_session" not in q["sql"]
        and "last_login" not in q["sql"]
    ]


@pytest.fixture
def pages(world):
    """A project at each step a page depends on, a committee, and each role's main pages."""
    draft, _ = new_project(world.dept, world.leader)
    filed, leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    constituted, _, _ = project_in_state(State.ASSOCIATION_CONSTITUEE, world.dept)
    for project in (filed, constituted):
        project.members.create(user=world.leader)
    committee = committees.create_committee(
        world.ars_dd,
        kind=CommitteeKind.LI,
        departement=world.dept,
        meets_at=timezone.now() - dt.timedelta(hours=1),
        place="Salle 2",
        members="ARS",
        projects=[filed],
    )

    def project_pages(*names, pk):
        return [reverse(f"projects:{name}", args=[pk]) for name in names]

    everyone = [
        reverse("projects:list"),
        reverse("projects:committees"),
        reverse("projects:committee", args=[committee.pk]),
        reverse("projects:territories"),
        reverse("reminders:list"),
        *project_pages("detail", "territory", pk=filed.pk),
    ]
    return {
        "leader": everyone
        + [reverse("projects:create")]
        + project_pages(
            "letter", "letter_submit", "messages", "invite", "attachment_add", pk=draft.pk
        )
        + project_pages("health_project", "health_project_submit", "detail", pk=constituted.pk),
        "ars_dd": everyone
        + [
            reverse("projects:committee_create"),
            reverse("projects:committee_close", args=[committee.pk]),
            reverse("projects:action", args=[filed.pk, "validate_li"]),
            reverse("projects:messages", args=[filed.pk]),
            reverse("projects:institution_map"),
        ],
        "ars": everyone + [reverse("projects:institution_map")],
        "cpam": everyone + [reverse("projects:institution_map")],
        "urps": everyone + [reverse("projects:institution_map")],
    }, constituted


def test_reading_the_main_pages_of_each_role_writes_nothing(world, login, pages):
    urls_by_role, constituted = pages
    for role, urls in urls_by_role.items():
        client = login(getattr(world, role))
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code in (200, 302), (role, url, response.status_code)
            assert writes(queries) == [], (role, url)
    # The PS page and its confirmation show a blank file until the first save.
    assert not HealthProject.objects.filter(project=constituted).exists()


def test_the_journal_is_shown_to_the_leaders_and_the_institutions_of_the_territory(world, login):
    project, leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    url = reverse("projects:detail", args=[project.pk])
    for role in ("leader", "ars_dd", "ars", "cpam", "msa", "urps"):
        user = leader if role == "leader" else getattr(world, role)
        html = login(user).get(url).content.decode()
        assert 'id="journal"' in html and "Projet créé" in html, role
    for outsider in (world.ars_dd_other, world.cpam_other, world.leader_other):
        assert login(outsider).get(url).status_code == 404


def test_the_journal_is_bounded_and_read_in_one_query(world, login):
    project, leader = new_project(world.dept, world.leader)
    for n in range(60):
        record(leader, "test", f"Écriture {n}", project=project)
    total = AuditEntry.objects.filter(project_id=project.pk).count()
    client = login(world.ars_dd)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert sum("audit_auditentry" in q["sql"] for q in queries) == 1
    assert "Écriture 59" in html and "Écriture 9<" not in html  # newest first, 50 shown
    assert f"Les 50 dernières modifications sur {total}." in html
