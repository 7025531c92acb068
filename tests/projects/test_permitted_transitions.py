"""`permissions.permitted_transitions` (the committee page's decision buttons) answers as
django-fsm's `has_transition_perm` does, transition by transition, for every state, deadline
and person, while asking each permission rule only once."""

import datetime as dt

import pytest
from django.utils import timezone
from django_fsm import has_transition_perm

from projects import permissions as perms
from projects.models import Project
from projects.states import State
from tests.world import make_project

pytestmark = pytest.mark.django_db

NAMES = sorted(t.name for t in Project._meta.get_field("state").get_all_transitions(Project))


def test_same_answers_as_django_fsm(world):
    today = timezone.localdate()
    leader = world.leader
    people = [None, *world.users.values()]
    for state in State:
        for deadline in (None, today - dt.timedelta(days=1), today):
            project = make_project("CPTS", world.dept, state, ps_deadline=deadline)
            project.members.create(user=leader)
            project = Project.objects.get(pk=project.pk)
            for user in people:
                expected = [n for n in NAMES if has_transition_perm(getattr(project, n), user)]
                assert perms.permitted_transitions(project, user, NAMES) == expected, (
                    state,
                    deadline,
                    user,
                )


def test_a_rule_shared_by_three_decisions_is_asked_once(world, monkeypatch):
    project = make_project("CPTS", world.dept, State.LI_DEPOSEE)
    asked = []
    rule = perms.is_ars_of
    meta = [getattr(Project, n)._django_fsm.get_transition(State.LI_DEPOSEE) for n in NAMES]
    decisions = ["validate_li", "request_li_changes", "reject_li"]
    assert {t.permission for t in meta if t and t.name in decisions} == {rule}

    def counted(project, user):
        asked.append(user)
        return rule(project, user)

    for transition in meta:
        if transition and transition.permission is rule:
            monkeypatch.setattr(transition, "permission", counted)
    assert perms.permitted_transitions(project, world.ars_dd, decisions) == decisions
    assert asked == [world.ars_dd]
