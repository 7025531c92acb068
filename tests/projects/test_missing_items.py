"""The ARS's request for missing items (CRPA L.114-5): at least one item, a due date within
bounds (form, service, database), one open request at a time, reminders to the leaders, and the
two-month clock starting again on the day the leaders confirm the items are provided."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import OrganisationKind
from audit.models import AuditEntry
from outbox.services import deliver_due
from projects import services
from projects.deadlines import items_due_bounds
from projects.forms import MissingItemsForm
from projects.missing_items import parse_items
from projects.models import MissingItemsRequest, Project
from projects.states import State
from reminders import services as reminders
from reminders.collect import deadlines_for
from tests.factories import UserFactory
from tests.world import force_state, institution_user, project_in_state

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 3, 10)


def at(day, hour=9):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


@pytest.fixture
def filed(time_machine):
    """A PS received complete on 2 March 2026; today is 10 March."""
    time_machine.move_to(at(dt.date(2026, 3, 2)))
    project, leader, ars = project_in_state(State.PS_DEPOSE)
    time_machine.move_to(at(TODAY))
    return project, leader, ars


# --- What a request must hold -----------------------------------------------------------------


def test_items_are_one_per_line_markers_and_blanks_dropped():
    text = "- Charte signée\n\n  • Budget prévisionnel  \n2) Liste des professionnels\n"
    assert parse_items(text) == ["Charte signée", "Budget prévisionnel", "Liste des professionnels"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "-\n•\n*", "- \n...\n—"])
def test_a_request_without_any_item_is_refused(text):
    with pytest.raises(services.WorkflowError, match="au moins une pièce"):
        parse_items(text)


def test_too_many_or_too_long_items_are_refused():
    with pytest.raises(services.WorkflowError, match="au plus 30"):
        parse_items("\n".join(f"Pièce {i}" for i in range(31)))
    with pytest.raises(services.WorkflowError, match="500 caractères"):
        parse_items("x" * 501)


def test_due_date_bounds():
    assert items_due_bounds(dt.date(2026, 3, 10)) == (dt.date(2026, 3, 11), dt.date(2026, 9, 9))


@pytest.mark.parametrize(
    ("due_on", "error"),
    [
        ("2026-03-09", "postérieure à aujourd'hui"),  # the past
        ("2026-03-10", "postérieure à aujourd'hui"),  # today: nothing could be provided
        ("2026-09-10", "six mois"),
        ("9999-12-31", "six mois"),
        ("31/02/2026", "date valide"),
        ("", "obligatoire"),
    ],
)
def test_the_form_bounds_the_due_date(time_machine, due_on, error):
    time_machine.move_to(at(TODAY))
    form = MissingItemsForm({"items": "Charte", "due_on": due_on})
    assert not form.is_valid()
    assert error in " ".join(form.errors["due_on"])


def test_the_form_accepts_a_date_within_bounds_and_proposes_one(time_machine):
    time_machine.move_to(at(TODAY))
    for due_on in ("2026-03-11", "2026-09-09"):
        form = MissingItemsForm({"items": "- Charte\n- Budget", "due_on": due_on})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["items"] == "Charte\nBudget"
    form = MissingItemsForm()
    assert form.fields["due_on"].initial() == dt.date(2026, 4, 9)
    assert 'min="2026-03-11"' in str(form["due_on"]) and 'max="2026-09-09"' in str(form["due_on"])
    assert not MissingItemsForm({"items": " - ", "due_on": "2026-04-01"}).is_valid()


@pytest.mark.parametrize(
    ("items", "due_on", "error"),
    [
        ("  ", dt.date(2026, 4, 1), "au moins une pièce"),
        ("Charte", dt.date(2026, 3, 10), "postérieure"),
        ("Charte", dt.date(2026, 9, 10), "six mois"),
        ("Charte", None, "Indiquez la date"),
    ],
)
def test_the_service_refuses_and_changes_nothing(filed, items, due_on, error):
    project, _, ars = filed
    with pytest.raises(services.WorkflowError, match=error):
        services.request_missing_items(project, ars, items, due_on)
    project = Project.objects.get(pk=project.pk)
    assert project.state == State.PS_DEPOSE and project.ps_deadline == dt.date(2026, 5, 2)
    assert not MissingItemsRequest.objects.exists()
    assert not AuditEntry.objects.filter(action="projects.request_items").exists()


def row(project, user, **fields):
    values = {"items": "Charte", "requested_on": TODAY, "due_on": dt.date(2026, 4, 1)}
    return MissingItemsRequest(project=project, requested_by=user, **{**values, **fields})


@pytest.mark.parametrize(
    "fields",
    [
        {"items": "  \n "},
        {"items": "- ."},
        {"due_on": TODAY},
        {"due_on": TODAY - dt.timedelta(days=5)},
        {"due_on": TODAY + dt.timedelta(days=184)},
        {"requested_on": dt.date(2019, 6, 19), "due_on": dt.date(2019, 7, 1)},
    ],
)
def test_the_database_refuses_what_the_service_refuses(filed, fields):
    project, _, ars = filed
    with pytest.raises(IntegrityError), transaction.atomic():
        row(project, ars, **fields).save()
    row(project, ars).save()  # the same row within bounds is accepted


def test_the_database_holds_one_open_request_per_project(filed):
    project, _, ars = filed
    row(project, ars).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        row(project, ars, items="Budget").save()
    MissingItemsRequest.objects.update(completed_at=at(TODAY, 10))
    row(project, ars, items="Budget").save()  # once the first is closed


def test_the_service_refuses_a_second_open_request(filed):
    project, _, ars = filed
    services.request_missing_items(project, ars, "Charte", dt.date(2026, 4, 1))
    project = force_state(project, State.PS_DEPOSE)  # as if the state had been moved back
    with pytest.raises(services.WorkflowError, match="déjà en cours"):
        services.request_missing_items(project, ars, "Budget", dt.date(2026, 4, 1))
    assert MissingItemsRequest.objects.count() == 1


# --- The clock ----------------------------------------------------------------------------------


def test_the_clock_stops_then_starts_again_from_the_day_the_items_are_provided(filed, time_machine):
    project, leader, ars = filed
    project = services.request_missing_items(
        project, ars, "Charte signée\nBudget", dt.date(2026, 4, 10)
    )
    assert project.state == State.PS_INCOMPLET and project.ps_deadline is None
    asked = MissingItemsRequest.objects.get()
    assert (asked.requested_on, asked.due_on) == (TODAY, dt.date(2026, 4, 10))
    assert asked.item_list == ["Charte signée", "Budget"]
    event = project.events.order_by("pk").last()
    assert event.transition == "request_ps_items" and event.actor == ars
    assert event.reason.endswith("À fournir au plus tard le 10/04/2026.")
    time_machine.move_to(at(dt.date(2026, 4, 14)))  # late: the clock still starts that day
    project = services.complete_health_project(project, leader)
    assert project.ps_received_on == dt.date(2026, 4, 14)
    assert project.ps_deadline == dt.date(2026, 6, 14)
    asked.refresh_from_db()
    assert asked.completed_by == leader and asked.completed_at is not None
    provided = AuditEntry.objects.get(action="projects.items_provided")
    assert provided.actor == leader and provided.project_id == project.pk
    assert provided.changes == {"reçu complet le": [None, "2026-04-14"]}
    requested = AuditEntry.objects.get(action="projects.request_items")
    assert requested.changes["à fournir au plus tard le"] == [None, "2026-04-10"]
    # A new request is possible once the first is closed.
    services.request_missing_items(project, ars, "Annexe financière", dt.date(2026, 5, 1))
    assert MissingItemsRequest.objects.filter(completed_at__isnull=True).count() == 1


# --- Who may ask, per role ----------------------------------------------------------------------


ROLES = [
    ("ars_dd", 200),
    ("ars", 200),
    ("cpam", 403),
    ("msa", 403),
    ("urps", 403),
    ("leader", 403),
    ("other_ars_dd", 404),
    ("stranger", 404),
]


@pytest.mark.parametrize(("role", "expected"), ROLES)
def test_request_page_per_role(filed, client, role, expected):
    project, leader, _ = filed
    people = {
        "leader": leader,
        "stranger": UserFactory(),
        "other_ars_dd": institution_user(OrganisationKind.ARS_DD),
    }
    for kind in ("ars_dd", "ars", "cpam", "msa", "urps"):
        people[kind] = institution_user(OrganisationKind(kind), project.departement)
    client.force_login(people[role])
    url = reverse("projects:action", args=[project.pk, "request_ps_items"])
    data = {"items": "Charte signée", "due_on": "2026-04-01", "confirmed": "1"}
    if expected == 200:
        page = client.get(url).content.decode()
        assert 'name="due_on"' in page and 'value="2026-04-09"' in page  # 30 days proposed
        confirm = client.post(url, {k: v for k, v in data.items() if k != "confirmed"})
        assert "Confirmer" in confirm.content.decode()
        assert client.post(url, data).status_code == 302
        assert Project.objects.get(pk=project.pk).state == State.PS_INCOMPLET
        return
    assert client.get(url).status_code == expected
    assert client.post(url, data).status_code == expected
    assert Project.objects.get(pk=project.pk).state == State.PS_DEPOSE


def test_anonymous_is_sent_to_login(filed, client):
    project, _, _ = filed
    url = reverse("projects:action", args=[project.pk, "request_ps_items"])
    response = client.post(url, {"items": "x", "due_on": "2026-04-01", "confirmed": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bad_input_answers_in_french_and_saves_nothing(filed, client):
    project, _, ars = filed
    client.force_login(ars)
    url = reverse("projects:action", args=[project.pk, "request_ps_items"])
    response = client.post(url, {"items": "-\n•", "due_on": "2026-03-01", "confirmed": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "au moins une pièce" in page and "postérieure à aujourd&#x27;hui" in page
    assert Project.objects.get(pk=project.pk).state == State.PS_DEPOSE


def test_the_project_page_shows_the_items_the_date_and_when_it_is_passed(
    filed, client, time_machine
):
    project, leader, ars = filed
    services.request_missing_items(project, ars, "Charte signée\nBudget", dt.date(2026, 3, 20))
    client.force_login(leader)
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="open-item-request"' in page
    assert "<li>Charte signée</li>" in page and "<li>Budget</li>" in page
    assert "20 mars 2026" in page and "date dépassée" not in page
    assert "Pièces demandées par l&#x27;ARS à fournir : <strong>20 mars 2026</strong>" in page
    assert "Confirmer que les pièces sont fournies" in page
    confirm = client.get(reverse("projects:health_project_submit", args=[project.pk]))
    assert "à fournir au plus tard le 20 mars 2026" in confirm.content.decode()
    time_machine.move_to(at(dt.date(2026, 3, 21)))
    client.force_login(leader)  # sessions last eight hours
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "date dépassée" in page
    client.force_login(ars)  # the ARS sees the request, not the leaders' button
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "<li>Charte signée</li>" in page
    assert "Confirmer que les pièces sont fournies" not in page


# --- Reminders ------------------------------------------------------------------------------------


def test_the_leaders_are_reminded_before_the_due_date(filed, settings):
    settings.CPTS_REMINDER_OFFSETS = [7, 1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    project, leader, ars = filed
    services.request_missing_items(project, ars, "Charte", dt.date(2026, 3, 31))
    project = Project.objects.get(pk=project.pk)
    items = [d for d in deadlines_for([project]) if d.kind.startswith("missing_items")]
    assert [(d.due, d.holder) for d in items] == [(dt.date(2026, 3, 31), "cpts")]
    deliver_due()
    mail.outbox.clear()
    assert reminders.send_reminders(dt.date(2026, 3, 23)) == 0  # J-8
    assert reminders.send_reminders(dt.date(2026, 3, 24)) == 1  # J-7
    assert reminders.send_reminders(dt.date(2026, 3, 24)) == 0  # never twice
    deliver_due()
    assert [m.to for m in mail.outbox] == [[leader.email]]
    assert "J-7" in mail.outbox[0].subject and "Pièces demandées" in mail.outbox[0].subject


def test_no_reminder_once_the_items_are_provided(filed, settings, time_machine):
    settings.CPTS_REMINDER_OFFSETS = [7, 1]
    project, leader, ars = filed
    services.request_missing_items(project, ars, "Charte", dt.date(2026, 3, 31))
    time_machine.move_to(at(dt.date(2026, 3, 20)))
    project = services.complete_health_project(project, leader)
    assert not [d for d in deadlines_for([project]) if d.kind.startswith("missing_items")]
    assert reminders.send_reminders(dt.date(2026, 3, 30)) == 0
