"""The two-month implicit validation applied by the scheduler (L.1434-12 CSP)."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_fsm import ConcurrentTransition

from projects import services
from projects.models import IssuedDocument, Project, ProjectEvent
from projects.states import DecisionKind, State
from tests.factories import DepartementFactory
from tests.world import project_in_state

PARIS = ZoneInfo("Europe/Paris")
RECEIVED = dt.date(2026, 3, 15)  # deadline 15 May, deemed validated from 16 May
DEADLINE_DAY = dt.datetime(2026, 5, 15, 23, 59, tzinfo=PARIS)
NEXT_DAY = dt.datetime(2026, 5, 16, 0, 1, tzinfo=PARIS)
EVENT_FIELDS = (
    "transition", "source", "target", "actor_id", "organisation_id", "decision_kind",
    "legal_ground", "reason", "effective_on",
)  # fmt: skip


def due_project(received=RECEIVED, departement=None):
    project, _, ars = project_in_state(State.PS_DEPOSE, departement, received=received)
    return project, ars


def event_of(project):
    return project.events.order_by("pk").values(*EVENT_FIELDS).last()


@pytest.mark.django_db
def test_deemed_validated_the_day_after_the_deadline_not_on_it(time_machine):
    project, _ = due_project()
    time_machine.move_to(DEADLINE_DAY)
    assert services.sweep_implicit_validations() == 0
    assert Project.objects.get(pk=project.pk).state == State.PS_DEPOSE
    time_machine.move_to(NEXT_DAY)
    assert services.sweep_implicit_validations() == 1
    project.refresh_from_db()
    assert project.state == State.PS_REPUTE_VALIDE
    assert project.ps_decided_on == dt.date(2026, 5, 16)


@pytest.mark.django_db
def test_idempotent_and_leaves_other_states_alone(time_machine):
    due, _ = due_project(dt.date(2026, 1, 5))
    time_machine.move_to(dt.datetime(2026, 4, 1, 9, tzinfo=PARIS))
    not_yet, _ = due_project(dt.date(2026, 4, 1))
    incomplete, ars = due_project(dt.date(2026, 4, 1))
    services.request_missing_items(incomplete, ars, "Charte", dt.date(2026, 4, 20))
    time_machine.move_to(dt.datetime(2026, 5, 1, 9, tzinfo=PARIS))  # deadline 1 June ahead
    assert services.sweep_implicit_validations() == 1
    assert services.sweep_implicit_validations() == 0
    states = dict(Project.objects.values_list("pk", "state"))
    assert states == {
        due.pk: State.PS_REPUTE_VALIDE,
        not_yet.pk: State.PS_DEPOSE,
        incomplete.pk: State.PS_INCOMPLET,
    }
    assert ProjectEvent.objects.filter(transition="deem_ps_validated").count() == 1


def sweep_statements(count, batch_size):
    dept = DepartementFactory()
    for offset in range(count):  # deadlines spread over weeks of downtime
        due_project(dt.date(2025, 1, 1) + dt.timedelta(days=7 * offset), dept)
    with CaptureQueriesContext(connection) as queries:
        assert services.sweep_implicit_validations(batch_size=batch_size) == count
    return len(queries)


@pytest.mark.django_db
def test_a_backlog_clears_in_batches_of_constant_statements():
    # Two full batches then an empty look each time: the statements do not grow with the rows.
    small = sweep_statements(2, batch_size=1)
    large = sweep_statements(24, batch_size=12)
    # Per batch: savepoint, SELECT … FOR UPDATE, UPDATE, INSERT of the history, two outbox rows
    # (mails, documents), release.
    assert small == large <= 3 * 7
    assert set(Project.objects.values_list("state", flat=True)) == {State.PS_REPUTE_VALIDE}
    effective = ProjectEvent.objects.filter(transition="deem_ps_validated").values_list(
        "project__ps_implicit_on", "effective_on"
    )
    assert len(effective) == 26 and all(implicit == on for implicit, on in effective)


@pytest.mark.django_db
def test_explicit_and_implicit_validation_go_through_one_door(
    world, client, mail_on_commit, time_machine
):
    """Same transition code, history, documents and mails; only the legal facts differ."""
    made = [due_project(departement=world.dept) for _ in range(4)]
    for i, (project, _) in enumerate(made):
        Project.objects.filter(pk=project.pk).update(name=f"CPTS {i}")
    (explicit, ars), (by_hand, _) = made[0], made[3]
    implicit = [made[1][0], made[2][0]]  # one batch of two for the sweep
    time_machine.move_to(DEADLINE_DAY)
    with mail_on_commit(execute=True):
        services.validate_health_project(explicit, ars, "Conforme au PRS")
    time_machine.move_to(NEXT_DAY + dt.timedelta(days=3))  # the scheduler was down three days
    with mail_on_commit(execute=True):
        services.perform(by_hand, "deem_ps_validated", None)
        assert services.sweep_implicit_validations() == 2

    assert event_of(explicit) == {
        "transition": "validate_ps", "source": State.PS_DEPOSE, "target": State.PS_VALIDE,
        "actor_id": ars.pk, "organisation_id": ars.organisation_id,
        "decision_kind": DecisionKind.EXPLICIT,
        "legal_ground": "Art. L.1434-12 du code de la santé publique",
        "reason": "Conforme au PRS", "effective_on": dt.date(2026, 5, 15),
    }  # fmt: skip
    deemed = {
        "transition": "deem_ps_validated", "source": State.PS_DEPOSE,
        "target": State.PS_REPUTE_VALIDE, "actor_id": None, "organisation_id": None,
        "decision_kind": DecisionKind.IMPLICIT,
        "legal_ground": "Art. L.1434-12 du code de la santé publique – silence gardé pendant "
        "deux mois",
        "reason": "", "effective_on": dt.date(2026, 5, 16),  # the legal date, not the run's
    }  # fmt: skip
    assert [event_of(p) for p in [*implicit, by_hand]] == [deemed] * 3
    decided = dict(Project.objects.values_list("pk", "ps_decided_on"))
    assert decided[explicit.pk] == dt.date(2026, 5, 15)
    assert {decided[p.pk] for p in [*implicit, by_hand]} == {dt.date(2026, 5, 16)}

    kinds = {
        p.pk: set(IssuedDocument.objects.filter(project=p).values_list("kind", flat=True))
        for p in [explicit, *implicit, by_hand]
    }
    on_file = {"ack_li", "li_decision", "ack_ps"}
    assert kinds[explicit.pk] == on_file | {"ps_decision"}
    assert all(kinds[p.pk] == on_file | {"implicit"} for p in [*implicit, by_hand])
    leader = implicit[0].members.get().user
    client.force_login(leader)
    attestation = client.get(reverse("projects:implicit_attestation", args=[implicit[0].pk]))
    assert attestation["Content-Type"] == "application/pdf"

    # The people of the territory (each project came with its own ARS agent) and the leaders.
    territory = {getattr(world, r).email for r in ("ars_dd", "ars", "cpam", "msa", "urps")}
    territory |= {agent.email for _, agent in made}
    labels = ["Projet de santé validé"] + ["Projet de santé réputé validé"] * 3
    expected = sorted(
        (f"[Portail CPTS] CPTS {i} : {label}", [address])
        for i, ((p, _), label) in enumerate(zip(made, labels, strict=True))
        for address in territory | {p.members.get().user.email}
    )
    assert sorted((m.subject, m.to) for m in mail.outbox) == expected  # one mail per person


@pytest.mark.django_db
def test_a_batch_with_a_row_moved_meanwhile_writes_nothing():
    """The UPDATE keeps ConcurrentTransitionMixin's guard: only rows still in the source state."""
    stale, _ = due_project()
    fresh, _ = due_project()
    Project.objects.filter(pk=stale.pk).update(state=State.PS_OPPOSE)  # behind its back
    with pytest.raises(ConcurrentTransition):
        with transaction.atomic():
            services.apply_transition([stale, fresh], "deem_ps_validated", None)
    assert Project.objects.get(pk=fresh.pk).state == State.PS_DEPOSE
    assert not ProjectEvent.objects.filter(transition="deem_ps_validated").exists()


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
def test_race_the_ars_decided_on_the_deadline_day_the_next_days_sweep_skips_it(time_machine):
    """The agent's decision, taken at 23:59, is still committing when the sweep runs at 00:01."""
    project, ars = due_project()
    time_machine.move_to(DEADLINE_DAY)
    decided, release = threading.Event(), threading.Event()

    def ars_decides():
        with transaction.atomic():
            services.validate_health_project(project, ars, "Conforme")
            decided.set()
            release.wait(10)

    thread, outcome = _in_thread(ars_decides)
    assert decided.wait(10)
    time_machine.move_to(NEXT_DAY)
    swept = services.sweep_implicit_validations()  # on its own connection
    release.set()
    thread.join(10)
    assert swept == 0 and "error" not in outcome
    assert services.sweep_implicit_validations() == 0
    project.refresh_from_db()
    assert project.state == State.PS_VALIDE
    assert project.events.order_by("pk").last().transition == "validate_ps"
    assert not project.events.filter(transition="deem_ps_validated").exists()


@pytest.mark.django_db(transaction=True)
def test_race_sweep_holds_the_row_the_ars_decision_waits_and_is_refused(time_machine):
    """The sweep locked the row first: the ARS waits, then finds the PS already validated."""
    project, ars = due_project()
    time_machine.move_to(NEXT_DAY)
    swept, release = threading.Event(), threading.Event()

    def sweep_and_hold():
        with transaction.atomic():
            done = services.sweep_implicit_validations()
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
    # Refused on the state it found once the lock was released, not on the date.
    assert isinstance(decision["error"], services.WorkflowError)
    assert "Action impossible dans l'état « Projet de santé réputé validé »" in str(
        decision["error"]
    )
    project.refresh_from_db()
    assert project.state == State.PS_REPUTE_VALIDE
    assert project.events.filter(target__in=[State.PS_VALIDE, State.PS_REPUTE_VALIDE]).count() == 1
