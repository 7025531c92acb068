"""Two ARS agents asking for missing items at the same moment: one request, one refusal."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import OrganisationKind
from projects import services
from projects.models import MissingItemsRequest
from projects.states import State
from tests.projects.test_concurrency import at_once
from tests.world import institution_user, project_in_state

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_requests_make_one_open_request():
    project, _, ars = project_in_state(State.PS_DEPOSE)
    colleague = institution_user(OrganisationKind.ARS_DD, project.departement)
    due_on = timezone.localdate() + dt.timedelta(days=20)
    outcomes = at_once(
        lambda: services.request_missing_items(project, ars, "Charte signée", due_on),
        lambda: services.request_missing_items(project, colleague, "Budget", due_on),
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, services.WorkflowError)
    assert MissingItemsRequest.objects.filter(project=project).count() == 1
    assert project.events.filter(transition="request_ps_items").count() == 1
