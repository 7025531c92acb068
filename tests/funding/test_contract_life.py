"""End and renewal of a contract, termination recovering advances pro rata temporis, the
project's state (running / ended / terminated), milestones leaving the overdue deadlines."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from funding import milestones, renewal, services, termination
from funding.base import FundingError
from funding.deadlines import contract_end, renewal_from
from funding.models import Contract
from funding.terms import contract_terms
from projects.models import Project, ProjectEvent
from projects.states import State
from reminders.collect import deadlines_for
from tests.funding.contract_life import SIGNED, contract_in_life
from tests.world import make_aci_project, signed_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def life():
    return contract_in_life()


def _state(contract):
    return Project.objects.get(pk=contract.project_id).state


# --- Termination ----------------------------------------------------------------------------


def test_termination_recovers_advances_pro_rata(life):
    c = life.contract
    services.terminate_contract(c, life.cpam, dt.date(2024, 7, 1), "Dissolution")
    c.refresh_from_db()
    # Year 2 (6 Feb 2024 – 6 Feb 2025, 366 days) advanced 75 % of fonctionnement 60 000 and of
    # parcours' fixed part 35 000 = 71 250 €; 220 days are after the termination.
    assert termination.recovery(c) == Decimal("42827.87")  # 71 250 x 220 / 366
    assert _state(c) == State.ACI_RESILIE
    event = ProjectEvent.objects.filter(project_id=c.project_id).order_by("pk").last()
    assert (event.transition, event.reason) == ("terminate_aci", "Dissolution")


def test_recovery_around_an_anniversary(life):
    terms = contract_terms(Contract.objects.filter(pk=life.contract.pk))[life.contract.pk]
    year_2 = dt.date(2024, 2, 6)
    # On the anniversary year 2's advance is not due yet: nothing to recover.
    assert termination.recovery_of(terms, year_2) == Decimal("0.00")
    # The day before: one of year 1's 365 days, on 60 000 and 26 250 (each to the cent).
    assert termination.recovery_of(terms, year_2 - dt.timedelta(days=1)) == Decimal("236.30")
    # The day after: 365 of year 2's 366 days of its 71 250 advance.
    assert termination.recovery_of(terms, year_2 + dt.timedelta(days=1)) == Decimal("71055.33")


@pytest.mark.parametrize(
    "day",
    [dt.date(2023, 2, 5), dt.date(2099, 1, 1)],  # before the signature; in the future
)
def test_termination_dates_bounded(life, day):
    with pytest.raises(FundingError):
        services.terminate_contract(life.contract, life.cpam, day, "Dissolution")
    assert _state(life.contract) == State.ACI_SIGNE


def test_only_the_assurance_maladie_terminates(life):
    for user in (life.ars, life.leader):
        with pytest.raises(PermissionDenied):
            services.terminate_contract(life.contract, user, dt.date(2024, 7, 1), "x")


# --- End and renewal -------------------------------------------------------------------------


def test_renewal_window_then_next_contract_ends_the_previous(monkeypatch):
    project, leader, ars = make_aci_project()
    signed = dt.date(2021, 9, 1)
    first, cpam = signed_contract(project, ars, members=10, signed_on=signed)
    project.refresh_from_db()
    with pytest.raises(FundingError, match="renouvellement se prépare à partir du 01/03/2026"):
        _on(monkeypatch, dt.date(2026, 2, 28))
        services.create_contract(project, cpam, members=10)
    _on(monkeypatch, renewal_from(signed))
    assert renewal.renewal_due(first, renewal_from(signed))
    second = services.create_contract(project, cpam, members=12)
    assert second.sequence == 2
    with pytest.raises(FundingError):  # one contract in preparation at a time
        services.create_contract(project, cpam, members=12)
    _on(monkeypatch, dt.date(2026, 3, 2))
    for party, user in (("cpts", leader), ("cpam", cpam), ("ars", ars)):
        second = services.record_signature(second, user, party, dt.date(2026, 3, 2))
    first.refresh_from_db()
    assert first.ended_on == dt.date(2026, 3, 1) and first.terminated_on is None
    project.refresh_from_db()
    assert project.state == State.ACI_SIGNE and project.aci_signed_on == dt.date(2026, 3, 2)
    assert ProjectEvent.objects.filter(project=project, transition="renew_aci").count() == 1
    assert not renewal.renewal_due(first, dt.date(2026, 9, 1))


def _on(monkeypatch, day):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)


def test_sweep_ends_contracts_past_five_years_once(monkeypatch):
    project, leader, ars = make_aci_project()
    contract, cpam = signed_contract(project, ars, members=10, signed_on=dt.date(2021, 9, 1))
    last_day = contract_end(contract.signed_on)
    assert last_day == dt.date(2026, 8, 31)
    assert renewal.sweep_ended_contracts(last_day) == 0  # its last day: still running
    assert renewal.sweep_ended_contracts(last_day + dt.timedelta(days=1)) == 1
    contract.refresh_from_db()
    assert contract.ended_on == last_day
    assert Project.objects.get(pk=project.pk).state == State.ACI_ECHU
    assert renewal.sweep_ended_contracts(last_day + dt.timedelta(days=2)) == 0  # idempotent
    # Ended: the next contract may be prepared, and signing it moves the project back.
    second = services.create_contract(project, cpam, members=10)
    for party, user in (("cpts", leader), ("cpam", cpam), ("ars", ars)):
        second = services.record_signature(second, user, party, dt.date(2026, 10, 1))
    assert Project.objects.get(pk=project.pk).state == State.ACI_SIGNE


def test_renewals_due_listed(monkeypatch):
    project, leader, ars = make_aci_project()
    contract, cpam = signed_contract(project, ars, members=10, signed_on=dt.date(2021, 9, 1))
    young = contract_in_life()
    due = renewal.renewals_due(Contract.objects.all(), dt.date(2026, 3, 1))
    assert [c.pk for c in due] == [contract.pk] and young.contract.pk not in [c.pk for c in due]
    assert renewal.renewals_due(Contract.objects.all(), dt.date(2026, 2, 28)) == []


# --- Milestones -------------------------------------------------------------------------------


def _overdue(project_id, today):
    return {
        (d.kind, d.due) for d in deadlines_for(Project.objects.filter(pk=project_id))
        if d.is_overdue(today)
    }  # fmt: skip


def test_milestones_leave_the_overdue_list(life):
    c, today = life.contract, dt.date(2026, 12, 3)
    before = _overdue(c.project_id, today)
    assert ("deploy_parcours", dt.date(2025, 2, 6)) in before
    assert ("evaluation", dt.date(2024, 2, 6)) in before
    milestones.mark_milestone(
        c, life.cpam, kind="mission_deployed", mission="parcours", done_on=dt.date(2024, 5, 2)
    )
    after = _overdue(c.project_id, today)
    assert ("deploy_parcours", dt.date(2025, 2, 6)) not in after
    assert before - after == {("deploy_parcours", dt.date(2025, 2, 6))}
    with pytest.raises(FundingError):  # done once
        milestones.mark_milestone(
            c, life.cpam, kind="mission_deployed", mission="parcours", done_on=dt.date(2024, 5, 2)
        )


def test_crisis_plan_and_mission_start(life):
    c = life.contract
    milestones.mark_milestone(c, life.cpam, kind="crisis_plan", year=1, done_on=dt.date(2023, 9, 1))
    assert ("crisis_plan", dt.date(2024, 2, 6)) not in _overdue(c.project_id, dt.date(2026, 12, 3))
    milestones.mark_milestone(
        c, life.cpam, kind="mission_started", mission="acces_soins", done_on=dt.date(2023, 6, 1)
    )
    assert c.missions.get(mission="acces_soins").started_on == dt.date(2023, 6, 1)
    done = c.milestones.get(kind="mission_started")
    assert (done.done_by, done.done_on) == (life.cpam, dt.date(2023, 6, 1))


@pytest.mark.parametrize(
    "fields",
    [
        dict(
            kind="mission_deployed", mission="prevention", done_on=dt.date(2024, 1, 1)
        ),  # unstarted
        dict(kind="mission_deployed", mission="inconnue", done_on=dt.date(2024, 1, 1)),
        dict(kind="crisis_plan", year=6, done_on=dt.date(2024, 1, 1)),
        dict(kind="crisis_plan", year=1, done_on=dt.date(2023, 1, 1)),  # before signature
        dict(kind="crisis_plan", year=1, done_on=dt.date(2099, 1, 1)),  # future
        dict(kind="autre", done_on=dt.date(2024, 1, 1)),
    ],
)
def test_milestone_bounds(life, fields):
    with pytest.raises(FundingError):
        milestones.mark_milestone(life.contract, life.cpam, **fields)
    assert not life.contract.milestones.exists()


def test_only_the_assurance_maladie_marks_milestones(life):
    for user in (life.leader, life.ars):
        with pytest.raises(PermissionDenied):
            milestones.mark_milestone(
                life.contract, user, kind="crisis_plan", year=1, done_on=dt.date(2023, 9, 1)
            )


def test_contract_states_in_the_overlap_and_final_sets():
    from projects.states import ACTIVE_STATES, FINAL_STATES, PS_VALIDATED_STATES

    for state in (State.ACI_SIGNE, State.ACI_ECHU, State.ACI_RESILIE):
        assert state in ACTIVE_STATES and state in FINAL_STATES and state in PS_VALIDATED_STATES
    assert SIGNED.year == 2023


def test_evaluation_deadline_changes_hands_then_leaves_the_overdue_list(life):
    from funding import evaluations
    from tests.funding.contract_life import full_declaration, report_pdf

    c, today, due = life.contract, dt.date(2026, 12, 3), dt.date(2024, 2, 6)

    def year_1():
        items = deadlines_for(Project.objects.filter(pk=c.project_id))
        return next(d for d in items if d.kind == "evaluation" and d.due == due)

    assert year_1().holder == "cpts" and year_1().is_overdue(today)
    evaluations.save_evaluation(c, life.leader, 1, report=report_pdf(), **full_declaration(life))
    evaluations.submit_evaluation(c, life.leader, 1)
    assert year_1().holder == "assurance_maladie" and year_1().is_overdue(today)
    evaluations.close_evaluation(c, life.cpam, 1)
    assert not year_1().open


def test_end_sweep_is_a_daily_beat_task(settings, monkeypatch):
    from funding.tasks import sweep_ended_contracts

    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "funding.tasks.sweep_ended_contracts" in tasks
    project, leader, ars = make_aci_project()
    signed_contract(project, ars, members=10, signed_on=dt.date(2020, 1, 15))
    assert sweep_ended_contracts.apply().get() == 1  # ended on 14 January 2025
    assert sweep_ended_contracts.apply().get() == 0
    assert Project.objects.get(pk=project.pk).state == State.ACI_ECHU
