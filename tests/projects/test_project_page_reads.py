"""The project page reads its rows in plain SQL (`projects.page_reads`) and checks who may read
it on those rows (`selectors.may_read`): the same rule and the same values as the querysets."""

import pytest

from accounts.models import OrganisationKind
from audit.services import for_project, record
from projects import journal, page_reads, territory
from projects.collaboration import Opinion
from projects.models import Project
from projects.selectors import may_read, readable_projects
from tests.factories import CommuneFactory, DepartementFactory, UserFactory
from tests.world import institution_user, new_project

from .committee_world import busy_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(world, settings, tmp_path):
    """A PS on a committee's agenda with an opinion, a co-leader, an attachment, a commune in a
    neighbouring département, a journal entry with changes, then asked for missing items."""
    settings.MEDIA_ROOT = tmp_path
    met = busy_project(world)
    project, leader = met.alpha, met.leader_alpha
    neighbour = DepartementFactory(region=project.departement.region)
    project.communes.add(CommuneFactory(departement=neighbour))
    record(leader, "test", "Écrit", project=project, changes={"nom": ["A", "B"]})
    return met, neighbour


def test_may_read_is_readable_projects_rule(world, busy):
    met, neighbour = busy
    reaching = institution_user(OrganisationKind.ARS_DD, neighbour)  # informed délégation
    people = [
        *world.users.values(),
        met.leader_alpha,
        met.leader_beta,
        reaching,
        UserFactory(is_active=False),
        UserFactory(is_superuser=True),
        UserFactory(),
    ]
    projects = [met.alpha, met.beta, new_project(world.other_dept)[0]]
    readers = 0
    for project in projects:
        read = page_reads.project(project.pk)
        members = page_reads.members(read)
        informed = page_reads.informed_departements(read)
        for user in people:
            expected = readable_projects(user).filter(pk=project.pk).exists()
            assert may_read(read, user, members, informed) == expected, (project, user)
            readers += expected
    assert readers > len(projects)  # not all refusals
    assert may_read(page_reads.project(met.alpha.pk), reaching, [], [neighbour])


def test_the_rows_read_are_the_querysets(busy):
    met, _ = busy
    files = ("letter", "association", "health_project", "departement__region")
    project = Project.objects.select_related(*files).get(pk=met.alpha.pk)
    read = page_reads.project(project.pk)

    def fields(instance, *names):
        return [getattr(instance, name) for name in names]

    for name in ("pk", "name", "state", "departement_id", "ps_deadline", "li_submitted_at"):
        assert getattr(read, name) == getattr(project, name)
    assert str(read.departement) == str(project.departement)
    assert read.departement.region.name == project.departement.region.name
    for name in page_reads.FILES:
        got, want = getattr(read, name, None), getattr(project, name, None)
        assert (got is None) == (want is None)
        if want is not None:
            assert [f.value_from_object(got) for f in want._meta.concrete_fields] == [
                f.value_from_object(want) for f in want._meta.concrete_fields
            ]
    members = sorted(page_reads.members(read), key=lambda m: m.pk)
    assert [fields(m, "pk", "is_lead") + [m.user.get_full_name()] for m in members] == [
        fields(m, "pk", "is_lead") + [m.user.get_full_name()]
        for m in project.members.order_by("pk")
    ]
    event_names = ("pk", "transition", "source", "target", "effective_on", "created_at")
    assert [fields(e, *event_names) + [str(e.actor), str(e.organisation)] for e in
            page_reads.events(read)] == [
        fields(e, *event_names) + [str(e.actor), str(e.organisation)] for e in project.events.all()
    ]  # fmt: skip
    listed = page_reads.committees(read)
    assert [(c.pk, str(c)) for c in listed] == [(c.pk, str(c)) for c in project.committees.all()]
    assert [(o.member.label, o.get_value_display()) for o in listed[0].opinions.all()] == [
        (o.member.label, o.get_value_display())
        for o in Opinion.objects.filter(project=project, committee=listed[0].pk)
    ]
    assert [a.title for a in page_reads.attachments(read)] == ["Carte"]
    assert page_reads.informed_departements(read) == territory.informed_departements(project)
    entries, count = page_reads.journal(read)
    expected = list(for_project(project.pk)[: journal.SHOWN])
    assert count == for_project(project.pk).count() > 1
    assert [(e.at, e.label, e.changes, str(e.actor)) for e in entries] == [
        (e.at, e.label, e.changes, str(e.actor)) for e in expected
    ]
    assert page_reads.project(0) is None
