"""Simultaneous actions on PostgreSQL, each on its own connection: exactly one outcome."""

import datetime as dt
import threading

import pytest
from django.db import connection

from accounts.models import OrganisationKind
from projects import committees, services
from projects.collaboration import CommitteeKind, Institution, Opinion, OpinionValue
from projects.states import OppositionGround, State
from tests.factories import UserFactory
from tests.world import fill_letter, institution_user, new_project, project_in_state

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*calls):
    """Start the calls together, each in a thread with its own connection; their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(5)
            outcomes[i] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return outcomes


def test_double_submit_of_the_letter_files_it_once():
    project, leader = new_project()
    fill_letter(project)
    outcomes = at_once(*[lambda: services.submit_letter(project, leader)] * 2)
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.WorkflowError)
    assert project.events.filter(transition="submit_li").count() == 1


def test_two_ars_agents_deciding_at_once_make_one_decision():
    project, _, ars = project_in_state(State.PS_DEPOSE)
    colleague = institution_user(OrganisationKind.ARS_DD, project.departement)
    outcomes = at_once(
        lambda: services.validate_health_project(project, ars, "Conforme"),
        lambda: services.oppose_health_project(
            project, colleague, OppositionGround.PRS, "Hors PRS"
        ),
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    project.refresh_from_db()
    assert project.state in (State.PS_VALIDE, State.PS_OPPOSE)
    decisions = project.events.filter(transition__in=["validate_ps", "oppose_ps"])
    assert list(decisions.values_list("target", flat=True)) == [project.state]


def test_two_agents_of_one_seat_recording_at_once_leave_one_opinion_and_its_history():
    project, _, ars = project_in_state(State.PS_DEPOSE)
    cpam_a = institution_user(OrganisationKind.CPAM, project.departement)
    cpam_b = UserFactory(organisation=cpam_a.organisation)
    committee = committees.create_committee(
        ars, kind=CommitteeKind.PS, departement=project.departement,
        meets_at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), place="Salle 1",
        members="ARS, CPAM, URPS", projects=[project], user_representative="France Assos",
    )  # fmt: skip
    outcomes = at_once(
        lambda: committees.record_opinion(
            committee, project, cpam_a, institution=Institution.CPAM, value=OpinionValue.FAVORABLE
        ),
        lambda: committees.record_opinion(
            committee, project, cpam_b, institution=Institution.CPAM, value=OpinionValue.RESERVES
        ),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    # One opinion in force (the later), amending the other: both stay in its history.
    opinion = Opinion.objects.get(committee=committee, project=project, institution="cpam")
    assert opinion.value in (OpinionValue.FAVORABLE, OpinionValue.RESERVES)
    assert opinion.author in (cpam_a, cpam_b)
    assert [v.author for v in opinion.history()] in ([cpam_a, cpam_b], [cpam_b, cpam_a])
