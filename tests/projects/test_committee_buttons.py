"""The committee page's decision buttons: rejecting or opposing is never styled like
validating, and it goes through the same confirmation step as from the project page."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.collaboration import CommitteeKind
from projects.models import Project
from projects.states import State

from .committee_world import TwoItems

pytestmark = pytest.mark.django_db


def _button_classes(html, project, name):
    """The classes of the decision link to `name` for `project` on the committee page."""
    url = reverse("projects:action", args=[project.pk, name])
    found = re.search(rf'<a class="([^"]*)" href="{re.escape(url)}[^"]*"', html)
    assert found, f"no button for {name}"
    return found.group(1).split()


@pytest.mark.parametrize(
    "kind,validate,destructive",
    [
        (CommitteeKind.LI, "validate_li", "reject_li"),
        (CommitteeKind.PS, "validate_ps", "oppose_ps"),
    ],
)
def test_destructive_decisions_are_not_primary(world, login, kind, validate, destructive):
    two = TwoItems(world, kind=kind)
    html = login(world.ars_dd).get(reverse("projects:committee", args=[two.committee.pk]))
    html = html.content.decode()
    assert "fr-btn--tertiary" not in _button_classes(html, two.alpha, validate)
    assert "fr-btn--tertiary" in _button_classes(html, two.alpha, destructive)


def test_rejecting_from_the_committee_asks_for_confirmation(world, login):
    two = TwoItems(world, kind=CommitteeKind.LI, meets_at=timezone.now() - dt.timedelta(hours=1))
    ars = login(world.ars_dd)
    url = reverse("projects:action", args=[two.alpha.pk, "reject_li"])
    data = {"reason": "Territoire trop restreint", "committee": two.committee.pk}
    first = ars.post(f"{url}?comite={two.committee.pk}", data)
    page = first.content.decode()
    assert first.status_code == 200 and 'id="confirm-action"' in page
    assert "Cette décision est définitive" in page
    assert Project.objects.get(pk=two.alpha.pk).state == State.LI_DEPOSEE
    ars.post(url, {**data, "confirmed": "1"})
    assert Project.objects.get(pk=two.alpha.pk).state == State.LI_REJETEE


def test_the_project_page_styles_decisions_the_same_way(world, login):
    two = TwoItems(world, kind=CommitteeKind.LI)
    html = login(world.ars_dd).get(reverse("projects:detail", args=[two.alpha.pk]))
    html = html.content.decode()
    assert "fr-btn--tertiary" not in _button_classes(html, two.alpha, "validate_li")
    assert "fr-btn--tertiary" in _button_classes(html, two.alpha, "reject_li")
