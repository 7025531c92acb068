"""The two-month implicit validation applied by the scheduler (L.1434-12 CSP)."""

import datetime as dt
import logging
import threading

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection, transaction

from projects import services
from projects.models import Project, ProjectEvent
from projects.states import DecisionKind, State
from tests.factories import DepartementFactory
from tests.world import project_in_state, today


def due_project(received, departement=None):
    project, _, ars = project_in_state(State.PS_DEPOSE, departement, received=received)
    return project, ars


def project_with_deadline_today():
    """A PS received two months ago: today is the last day the ARS may decide."""
    project, ars = due_project(today() - relativedelta(months=2))
    assert project.ps_deadline == today()
    return project, ars


@pytest.mark.django_db
def test_deemed_validated_the_day_after_the_deadline_not_on_it():
    project, _ = due_project(dt.date(2026, 3, 15))  # deadline 15 May
    assert services.apply_implicit_validations(today=dt.date(2026, 5, 15)) == 0
    assert Project.objects.get(pk=project.pk).state == State.PS_DEPOSE
    assert services.apply_implicit_validations(today=dt.date(2026, 5, 16)) == 1
    project.refresh_from_db()
    assert project.state == State.PS_REPUTE_VALIDE
    assert project.ps_decided_on == dt.date(2026, 5, 16)
    event = project.events.get(transition="deem_ps_validated")
    assert event.decision_kind == DecisionKind.IMPLICIT
    assert event.actor is None and event.effective_on == dt.date(2026, 5, 16)
    assert "L.1434-12" in event.legal_ground


@pytest.mark.django_db
def test_idempotent_and_leaves_other_states_alone():
    due, _ = due_project(dt.date(2026, 1, 5))
    not_yet, _ = due_project(today())
    incomplete, ars = due_project(today())
    services.request_missing_items(incomplete, ars, "Charte")
    assert services.apply_implicit_validations(today=today() + dt.timedelta(days=1)) == 1
    assert services.apply_implicit_validations(today=today() + dt.timedelta(days=1)) == 0
    states = dict(Project.objects.values_list("pk", "state"))
    assert states == {
        due.pk: State.PS_REPUTE_VALIDE,
        not_yet.pk: State.PS_DEPOSE,
        incomplete.pk: State.PS_INCOMPLET,
    }
    assert ProjectEvent.objects.filter(transition="deem_ps_validated").count() == 1


@pytest.mark.django_db
def test_catches_up_a_backlog_in_bounded_batches(django_assert_max_num_queries):
    dept = DepartementFactory()
    for offset in range(7):  # deadlines spread over weeks of downtime
        due_project(dt.date(2025, 1, 1) + dt.timedelta(days=7 * offset), dept)
    # 3 batches of 3 + a last one; each batch: savepoint, select, update, insert, release.
    with django_assert_max_num_queries(4 * 6):
        assert services.apply_implicit_validations(today=today(), batch_size=3) == 7
    assert set(Project.objects.values_list("state", flat=True)) == {State.PS_REPUTE_VALIDE}
    effective = dict(
        ProjectEvent.objects.filter(transition="deem_ps_validated").values_list(
            "project__ps_deadline", "effective_on"
        )
    )
    assert all(on == deadline + dt.timedelta(days=1) for deadline, on in effective.items())


def _in_thread(target):
    """Run `target` in a thread with its own database connection; return its result or error."""
    outcome = {}

    def run():
        try:
            outcome["result"] = target()
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.django_db(transaction=True)
def test_race_ars_holds_the_row_the_sweep_skips_it():
    """The ARS agent decided on the deadline day; the sweep of the next day must not also decide."""
    project, ars = project_with_deadline_today()
    locked, release = threading.Event(), threading.Event()

    def ars_decides():
        with transaction.atomic():
            Project.objects.select_for_update().get(pk=project.pk)
            locked.set()
            release.wait(10)
            return services.validate_health_project(project, ars, "Conforme")

    thread, outcome = _in_thread(ars_decides)
    assert locked.wait(10)
    # The sweep runs as if it were already tomorrow, on its own connection.
    swept = services.apply_implicit_validations(today=today() + dt.timedelta(days=1))
    release.set()
    thread.join(10)
    assert swept == 0 and "error" not in outcome
    assert services.apply_implicit_validations(today=today() + dt.timedelta(days=1)) == 0
    project.refresh_from_db()
    assert project.state == State.PS_VALIDE
    assert list(project.events.values_list("transition", flat=True))[-1] == "validate_ps"
    assert not project.events.filter(transition="deem_ps_validated").exists()


@pytest.mark.django_db(transaction=True)
def test_race_sweep_holds_the_row_the_ars_decision_is_refused():
    """The sweep locked the row first: the ARS waits, then finds the PS already validated."""
    project, ars = project_with_deadline_today()
    swept, release = threading.Event(), threading.Event()

    def sweep_and_hold():
        with transaction.atomic():
            done = services.apply_implicit_validations(today=today() + dt.timedelta(days=1))
            swept.set()
            release.wait(10)
            return done

    thread, outcome = _in_thread(sweep_and_hold)
    assert swept.wait(10)
    decision_thread, decision = _in_thread(
        lambda: services.validate_health_project(project, ars, "Conforme")
    )
    decision_thread.join(0.5)
    assert decision_thread.is_alive(), f"the ARS decision must wait for the lock: {decision}"
    release.set()
    thread.join(10)
    decision_thread.join(10)
    assert outcome["result"] == 1
    assert isinstance(decision["error"], services.WorkflowError)
    project.refresh_from_db()
    assert project.state == State.PS_REPUTE_VALIDE
    assert project.events.filter(target__in=[State.PS_VALIDE, State.PS_REPUTE_VALIDE]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_sweep_shares_batches_between_connections_and_takes_each_once(
    settings, caplog
):
    settings.CPTS_IMPLICIT_SWEEP_BATCH_SIZE = 2  # several batches for each connection
    departement = DepartementFactory()
    due = [due_project(dt.date(2026, 1, 5), departement)[0] for _ in range(7)]
    not_yet, _ = due_project(today(), departement)
    with caplog.at_level(logging.INFO, logger="projects.services"):
        assert services.sweep_implicit_validations(workers=3) == 7
    batches = [r for r in caplog.records if "deemed validated" in r.getMessage()]
    assert batches and all(r.threadName.startswith("sweep-") for r in batches)
    states = dict(Project.objects.values_list("pk", "state"))
    assert all(states[p.pk] == State.PS_REPUTE_VALIDE for p in due)
    assert states[not_yet.pk] == State.PS_DEPOSE
    events = ProjectEvent.objects.filter(transition="deem_ps_validated")
    assert sorted(events.values_list("project_id", flat=True)) == sorted(p.pk for p in due)
    assert services.sweep_implicit_validations(workers=3) == 0


@pytest.mark.django_db
def test_the_scheduled_sweep_runs_serially_inside_a_transaction():
    """Other connections would not see the caller's uncommitted rows (here: the test's)."""
    project, _ = due_project(dt.date(2026, 1, 5))
    assert services.sweep_implicit_validations(workers=2) == 1
    assert Project.objects.get(pk=project.pk).state == State.PS_REPUTE_VALIDE
