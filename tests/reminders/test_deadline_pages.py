"""/echeances/ for a territory with many projects: pages, the overdue first and all reachable,
counts of the whole horizon, queries that do not grow with the projects."""

import datetime as dt
import html
import random
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import OrganisationKind
from funding.evaluation_models import EvaluationStatus, YearEvaluation
from funding.followup_models import Milestone
from funding.models import Contract, ContractMission, PreAciSupport
from projects.models import MissingItemsRequest, Project
from projects.states import State
from reminders import views
from reminders.collect import MISSION_LABELS, deadlines_for
from territories.models import Departement
from tests.world import fresh_departement, institution_user, make_project

TODAY = dt.date(2026, 3, 15)


def noon(day):
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone(dt.timedelta(hours=1)))


def filed(departement, name, deadline):
    return make_project(name, departement, State.PS_DEPOSE, ps_deadline=deadline)


def names_on(page: str) -> list[str]:
    return re.findall(r'<a href="/projets/\d+/">(CPTS [^<]+)</a>', page)


@pytest.fixture
def territory():
    """Seven PS whose opposition deadline has passed, five to come; the ARS DD's agent."""
    departement = fresh_departement()
    late = [
        filed(departement, f"CPTS late {i}", TODAY - dt.timedelta(days=10 - i)) for i in range(7)
    ]
    soon = [
        filed(departement, f"CPTS soon {i}", TODAY + dt.timedelta(days=5 + i)) for i in range(5)
    ]
    return departement, late, soon, institution_user(OrganisationKind.ARS_DD, departement)


@pytest.mark.django_db
def test_pages_show_the_overdue_first_and_every_one_is_reachable(client, territory, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 5)
    _, late, soon, ars = territory
    client.force_login(ars)
    url = reverse("reminders:list")
    with time_machine.travel(noon(TODAY), tick=False):
        pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2, 3)]
        beyond = client.get(url, {"page": 99}).content.decode()  # the last page, not an error
        for odd in ("abc", "0", "-1", "9" * 30, "1.5"):
            assert client.get(url, {"page": odd}).status_code == 200, odd
    seen = [names_on(page) for page in pages]
    assert seen[0] == [p.name for p in late[:5]]
    assert seen[1] == [p.name for p in late[5:]] + [p.name for p in soon[:3]]
    assert seen[2] == [p.name for p in soon[3:]] == names_on(beyond)
    assert all("<strong>12</strong> dans cet horizon" in page for page in pages)
    assert all("7 dépassées" in page for page in pages)
    assert 'href="?page=2"' in pages[0] and "page 1 sur 3" in pages[0]
    assert pages[0].count("Dépassée</p>") == 5 and pages[2].count("Dépassée</p>") == 0


@pytest.mark.django_db
def test_the_horizon_is_kept_from_page_to_page(client, territory, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 5)
    client.force_login(territory[3])
    with time_machine.travel(noon(TODAY), tick=False):
        page = client.get(reverse("reminders:list"), {"horizon": 365}).content.decode()
    assert 'href="?horizon=365&amp;page=2"' in page


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_projects(client, territory):
    departement, _, _, ars = territory
    client.force_login(ars)
    url = reverse("reminders:list")
    with time_machine.travel(noon(TODAY), tick=False):
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for i in range(30):
            filed(departement, f"CPTS more {i}", TODAY + dt.timedelta(days=i))
        with CaptureQueriesContext(connection) as many:
            page = client.get(url).content.decode()
    assert len(many) == len(few)
    assert len(names_on(page)) == 42  # one page of 50


def _random_region(rng, departements, agent, size):
    """`size` projects over `departements`, in every state, with what gives deadlines drawn
    around TODAY: opposition dates, pre-ACI supports, requests for items, contracts (renewed,
    terminated, ended) with their missions, milestones and evaluations."""
    days = lambda lo, hi: TODAY + dt.timedelta(days=rng.randint(lo, hi))  # noqa: E731
    maybe = lambda share: rng.random() < share  # noqa: E731
    projects = Project.objects.bulk_create(
        Project(
            name=f"CPTS région {i:04d}", departement=rng.choice(departements),
            state=rng.choice(list(State)), ps_deadline=days(-120, 500) if maybe(0.6) else None,
            ps_submitted_at=noon(days(-400, -1)) if maybe(0.5) else None,
        )
        for i in range(size)
    )  # fmt: skip
    PreAciSupport.objects.bulk_create(
        PreAciSupport(
            project=p, granted_on=days(-400, -300), amount="17500.00",
            ps_due_on=days(-200, 500), granted_by=agent,
        )
        for p in projects if maybe(0.1)
    )  # fmt: skip
    requests = []
    for p in [p for p in projects if maybe(0.15)]:
        asked = days(-180, -1)  # to provide within one day to six months
        requests.append(MissingItemsRequest(
            project=p, items="Statuts", requested_by=agent, requested_on=asked,
            due_on=asked + dt.timedelta(days=rng.randint(1, 183)),
            completed_at=noon(TODAY) if maybe(0.3) else None,
        ))  # fmt: skip
    MissingItemsRequest.objects.bulk_create(requests)
    contracts = []
    for p in [p for p in projects if maybe(0.4)]:
        signed = days(-6 * 365, 0)
        ended = days(0, 400) if maybe(0.2) else None
        contracts.append(Contract(
            project=p, sequence=1, size=2, members=40, signed_on=signed,
            terminated_on=days(-300, 0) if maybe(0.1) else None,
            ended_on=max(ended, signed) if ended else None,
        ))  # fmt: skip
        if maybe(0.3):  # renewed (signed or not yet)
            contracts.append(Contract(
                project=p, sequence=2, size=2, members=40,
                signed_on=max(signed, days(-100, 0)) if maybe(0.5) else None,
            ))  # fmt: skip
    contracts = Contract.objects.bulk_create(contracts)
    missions, milestones, evaluations = [], [], []
    for c in (c for c in contracts if c.signed_on):
        for code in [*MISSION_LABELS, "qualite"]:
            if maybe(0.7):
                started = c.signed_on if maybe(0.5) else None
                missions.append(ContractMission(contract=c, mission=code, started_on=started))
                if maybe(0.3):
                    milestones.append(Milestone(
                        contract=c, kind="mission_deployed", mission=code, done_on=TODAY
                    ))  # fmt: skip
        for year in range(1, 6):
            kind = rng.choice(["crisis_plan", "evaluation_before", None])
            if kind:
                milestones.append(Milestone(contract=c, kind=kind, year=year, done_on=TODAY))
            if maybe(0.4):
                status = rng.choice(list(EvaluationStatus))
                closed = {"closed_at": noon(TODAY), "entitled_total": 0, "variable_total": 0}
                evaluations.append(YearEvaluation(
                    contract=c, year=year, status=status, balance=0,
                    **(closed if status == EvaluationStatus.CLOSED else {}),
                ))  # fmt: skip
    ContractMission.objects.bulk_create(missions)
    Milestone.objects.bulk_create(milestones)
    YearEvaluation.objects.bulk_create(evaluations)
    return projects


ROW = re.compile(
    r'<tr( class="deadline-overdue")?>\s*<td>([\d/]+)</td>\s*<td>(.*?)</td>\s*'
    r'<td><a href="/projets/(\d+)/">([^<]*)</a></td>\s*<td>([^<]*)(.*?)</td>\s*<td>([^<]*)</td>',
    re.S,
)


@pytest.mark.django_db
def test_a_region_sees_each_of_its_deadlines_computed_from_every_project(client, monkeypatch):
    """The page reads only the projects that may have a deadline and nothing due after the
    horizon: its counts and rows are still those of all the région's deadlines."""
    departement = fresh_departement()
    departements = [departement, fresh_departement()]
    Departement.objects.filter(pk=departements[1].pk).update(region=departement.region)
    ars = institution_user(OrganisationKind.ARS, region=departement.region)
    with time_machine.travel(noon(TODAY), tick=False):
        _random_region(random.Random(16), departements, ars, size=1_500)
    mine = Project.objects.filter(departement__region=departement.region)
    everything = deadlines_for(list(mine))  # model instances: none left out, nothing cut
    monkeypatch.setattr(views, "PER_PAGE", 5_000)  # every row on one page (paging: above)
    client.force_login(ars)
    for horizon in views.HORIZONS:
        limit = TODAY + dt.timedelta(days=horizon)
        expected = [d for d in everything if d.is_overdue(TODAY) or TODAY <= d.due <= limit]
        overdue = [d for d in expected if d.is_overdue(TODAY)]
        assert 1_000 < len(expected) < views.PER_PAGE and overdue and overdue != expected
        with time_machine.travel(noon(TODAY), tick=False):
            page = client.get(reverse("reminders:list"), {"horizon": horizon}).content.decode()
        page = html.unescape(page)
        assert f"<strong>{len(expected)}</strong> dans cet horizon" in page
        assert f"{len(overdue)} dépassées" in page
        rows = ROW.findall(page)
        assert [
            (bool(o), due, int(pk), name, label.strip(), holder)
            for o, due, _, pk, name, label, _, holder in rows
        ] == [
            (d.is_overdue(TODAY), f"{d.due:%d/%m/%Y}", d.project_id, d.project_name, d.label,
             d.holder_label)
            for d in expected
        ]  # fmt: skip
    kinds = {d.kind.split("_")[0] for d in everything}
    assert {
        "opposition",
        "missing",
        "pre",
        "start",
        "deploy",
        "crisis",
        "evaluation",
        "contract",
    } <= kinds


# The row as the template wrote it before `_row_html` (kept here to compare byte for byte).
TEMPLATE_ROW = """{% for d, days_left, overdue, project_url in rows %}
    <tr{% if overdue %} class="deadline-overdue"{% endif %}>
      <td>{{ d.due|date:"d/m/Y" }}</td>
      <td>{% if overdue %}<p class="fr-badge fr-badge--error fr-badge--sm">Dépassée</p>{% elif days_left <= 7 %}<p class="fr-badge fr-badge--warning fr-badge--sm">J-{{ days_left }}</p>{% else %}J-{{ days_left }}{% endif %}</td>
      <td><a href="{{ project_url }}">{{ d.project_name }}</a></td>
      <td>{{ d.label }}{% if d.to_confirm %} <span class="fr-badge fr-badge--warning fr-badge--sm to-confirm" title="{{ d.to_confirm }}">date à confirmer</span><br><span class="fr-text--xs">{{ d.to_confirm }}</span>{% endif %}</td>
      <td>{{ d.holder_label }}</td>
    </tr>
  {% endfor %}"""  # noqa: E501


def test_rows_written_in_python_are_the_template_s_byte_for_byte():
    from django.template import Context, Template

    from reminders.collect import ARS, CPTS, Deadline

    name = 'CPTS <Nord> & "Sud" l\'Est'
    rows = [
        (Deadline(1, name, "a", "Dépôt <b>", dt.date(2026, 1, 2), CPTS), -3, True, "/projets/1/"),
        (Deadline(2, name, "b", "x & y", dt.date(2026, 3, 9), ARS, False), -6, False, "/p/2/"),
        (Deadline(3, name, "c", "Fin", TODAY, ARS, to_confirm='<à> "voir" l\'an'), 7, False, "/"),
        (Deadline(4, name, "d", "Plus tard", dt.date(2027, 12, 31), CPTS), 291, False, "/p/4/"),
    ]
    expected = Template(TEMPLATE_ROW).render(Context({"rows": rows}))
    assert "".join(views._row_html(*row) for row in rows) == expected


@pytest.mark.django_db
def test_no_deadline_says_so(client):
    client.force_login(institution_user(OrganisationKind.ARS_DD, fresh_departement()))
    page = client.get(reverse("reminders:list")).content.decode()
    assert (
        '<tbody>\n  \n    <tr><td colspan="5">Aucune échéance dans cet horizon.</td></tr>\n  \n'
        "  </tbody>" in page
    )
