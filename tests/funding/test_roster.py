"""The CPTS's member roster: services (add, edit, departure), its count on a day, its pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import OrganisationKind
from audit.models import AuditEntry
from projects import roster
from projects.errors import WorkflowError
from projects.models import RosterMember
from tests.factories import UserFactory
from tests.world import institution_user, new_project, signed_contract, today

pytestmark = pytest.mark.django_db
RPPS = "10001234565"  # 11 digits, Luhn key 5
JOINED = dt.date(2022, 3, 1)


def member(project, leader, **fields):
    values = dict(kind="professionnel", name="Dr Martin", profession="médecin", joined_on=JOINED)
    return roster.add_member(project, leader, **{**values, **fields})


@pytest.fixture
def cpts():
    return new_project()


def test_member_count_on_a_day(cpts):
    project, leader = cpts
    assert roster.member_count_on(project.pk, today()) is None  # no roster: a declared count
    member(project, leader, joined_on=dt.date(2021, 1, 10))
    leaving = member(project, leader, name="Pharmacie", kind="structure", finess="330012345")
    roster.record_departure(leaving, leader, dt.date(2023, 6, 30))
    assert roster.member_count_on(project.pk, dt.date(2021, 1, 9)) == 0
    assert roster.member_count_on(project.pk, dt.date(2021, 1, 10)) == 1
    assert roster.member_count_on(project.pk, JOINED) == 2
    assert roster.member_count_on(project.pk, dt.date(2023, 6, 29)) == 2
    assert roster.member_count_on(project.pk, dt.date(2023, 6, 30)) == 1  # gone on that day


def test_add_edit_leave_are_journaled(cpts):
    project, leader = cpts
    row = member(project, leader, rpps="1000 1234 565")
    assert row.rpps == RPPS
    roster.edit_member(row, leader, kind="professionnel", name="Dr Anne Martin", joined_on=JOINED)
    roster.record_departure(row, leader, today())
    actions = list(
        AuditEntry.objects.filter(project_id=project.pk, action__startswith="projects.roster")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["projects.roster.add", "projects.roster.edit", "projects.roster.leave"]
    with pytest.raises(WorkflowError, match="déjà quitté"):
        roster.record_departure(row, leader, today())


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"rpps": "10001234567"}, "clé de contrôle"),
        ({"rpps": "1234"}, "11 chiffres"),
        ({"finess": "33001234"}, "FINESS"),
        ({"joined_on": dt.date(2015, 12, 31)}, "précéder"),
        ({"joined_on": dt.date(2999, 1, 1)}, "futur"),
        ({"joined_on": None}, "Indiquez la date"),
        ({"left_on": dt.date(2022, 2, 1)}, "précéder l'adhésion"),
        ({"name": " "}, "nom"),
        ({"name": "x" * 201}, "nom"),
        ({"kind": "robot"}, "professionnel ou d'une structure"),
    ],
)
def test_bad_values_save_nothing(cpts, fields, message):
    project, leader = cpts
    with pytest.raises(WorkflowError, match=message):
        member(project, leader, **fields)
    assert not RosterMember.objects.filter(project=project).exists()


def test_one_current_row_per_rpps(cpts):
    project, leader = cpts
    first = member(project, leader, rpps=RPPS)
    with pytest.raises(WorkflowError, match="RPPS"):
        member(project, leader, rpps=RPPS, name="Doublon")
    roster.record_departure(first, leader, today())
    member(project, leader, rpps=RPPS, name="De retour")  # a former member may come back


def test_only_the_leaders_keep_it(cpts):
    project, leader = cpts
    for outsider in (
        institution_user(OrganisationKind.ARS_DD, project.departement),
        institution_user(OrganisationKind.CPAM, project.departement),
        UserFactory(),
    ):
        with pytest.raises(PermissionDenied):
            member(project, outsider)
    row = member(project, leader)
    with pytest.raises(PermissionDenied):
        roster.record_departure(row, UserFactory(), today())


# --- Pages -----------------------------------------------------------------------------------


def url(project, name="funding:roster", *args):
    return reverse(name, args=[project.pk, *args])


@pytest.mark.parametrize(
    "who, status",
    [
        ("leader", 200),
        (OrganisationKind.ARS_DD, 200),
        (OrganisationKind.ARS, 200),
        (OrganisationKind.CPAM, 200),
        (OrganisationKind.MSA, 200),
        (OrganisationKind.URPS, 403),
        ("other_cpam", 404),
        ("other_leader", 404),
        ("superuser", 200),
    ],
)
def test_roster_page_by_role(client, cpts, who, status):
    project, leader = cpts
    member(project, leader, name="Cabinet Témoin")
    users = {
        "leader": leader,
        "other_cpam": institution_user(OrganisationKind.CPAM),
        "other_leader": new_project()[1],
        "superuser": UserFactory(is_superuser=True),
    }
    user = users.get(who) or institution_user(who, project.departement)
    client.force_login(user)
    page = client.get(url(project))
    assert page.status_code == status
    if status == 200:
        assert "Cabinet Témoin" in page.content.decode()
        assert ("Ajouter un membre" in page.content.decode()) == (who == "leader")
        export = client.get(url(project) + "?_export=csv")
        assert "Cabinet Témoin" in export.content.decode("utf-8-sig")


def test_institutions_read_but_cannot_write(client, cpts):
    project, leader = cpts
    row = member(project, leader)
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    client.force_login(cpam)
    data = {"kind": "professionnel", "name": "Intrus", "joined_on": "2023-01-01"}
    assert client.post(url(project), data).status_code == 403
    assert client.get(url(project, "funding:roster_member", row.pk)).status_code == 403
    left = client.post(url(project, "funding:roster_departure", row.pk), {"left_on": "2024-01-01"})
    assert left.status_code == 403
    assert RosterMember.objects.filter(project=project, left_on__isnull=True).count() == 1


def test_leader_adds_edits_and_records_a_departure_through_the_pages(client, cpts):
    project, leader = cpts
    client.force_login(leader)
    data = {"kind": "professionnel", "name": "Dr Page", "rpps": RPPS, "joined_on": "2023-01-05"}
    client.post(url(project), data)
    row = RosterMember.objects.get(project=project)
    assert row.rpps == RPPS
    bad = client.post(url(project), {**data, "rpps": "12345678901", "name": "Autre"})
    assert "clé de contrôle" in bad.content.decode()
    client.post(url(project, "funding:roster_member", row.pk), {**data, "name": "Dr Page-Neuve"})
    client.post(url(project, "funding:roster_departure", row.pk), {"left_on": str(today())})
    row.refresh_from_db()
    assert row.name == "Dr Page-Neuve" and row.left_on == today()
    assert RosterMember.objects.filter(project=project).count() == 1


def test_roster_count_beside_the_declared_count(client, aci_project):
    project, leader, ars = aci_project
    signed_on = today() - dt.timedelta(days=400)  # contract year 2
    signed_contract(project, ars, members=42, signed_on=signed_on)
    client.force_login(leader)
    page = client.get(url(project)).content.decode()
    assert "aucun registre tenu" in page and "42" in page and "déclaré" in page
    member(project, leader, joined_on=signed_on)
    page = client.get(url(project)).content.decode()
    assert "<strong>1</strong> au registre" in page and "écart avec le registre (1)" in page


def test_the_database_refuses_malformed_identifiers(cpts):
    project, _leader = cpts
    for fields in ({"rpps": "123"}, {"finess": "ABCDEFGHI"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            RosterMember.objects.create(
                project=project, kind="structure", name="X", joined_on=JOINED, **fields
            )
