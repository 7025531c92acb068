"""Who may use each committee view: ARS DD, ARS siège, CPAM, MSA, URPS, the leader of the item,
the leader of another item on the same committee, anonymous. (Other territories: 404, in
tests/projects/test_permissions.py and tests/cpts_portal/test_url_matrix.py.)"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import committees
from projects.collaboration import CommitteeDocument, Opinion

from .committee_world import TwoItems, pdf_upload

pytestmark = pytest.mark.django_db

ROLES = ("ars_dd", "ars", "cpam", "msa", "urps", "leader_item", "leader_other", "anonymous")
LOGIN = "login"  # anonymous: sent to the login page


def expect(**statuses):
    return {role: statuses.get(role, statuses.get("default")) for role in ROLES}


@pytest.fixture
def two(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    two = TwoItems(world, meets_at=timezone.now() - dt.timedelta(hours=1))  # it has met
    two.doc_alpha = committees.add_document(
        two.committee, world.ars_dd, title="Dossier", file=pdf_upload(), project=two.alpha
    )
    two.people = {
        **{role: getattr(world, role) for role in ROLES[:5]},
        "leader_item": two.leader_alpha,
        "leader_other": two.leader_beta,
    }
    return two


def status(client, two, role, method, url, data):
    client.logout()
    if role != "anonymous":
        client.force_login(two.people[role])
    response = getattr(client, method)(url, data() if callable(data) else data)
    if response.status_code == 302 and response["Location"].startswith("/accounts/login"):
        return LOGIN
    return response.status_code


def opinion_data(two):
    return {f"p{two.alpha.pk}-value": "favorable"}


CASES = [
    ("committees", lambda t: [], "get", None, expect(default=200, anonymous=LOGIN)),
    ("committee_ics", lambda t: [], "get", None, expect(default=200, anonymous=LOGIN)),
    (
        "committee_create",
        lambda t: [],
        "get",
        None,
        expect(default=403, ars_dd=200, ars=200, anonymous=LOGIN),
    ),
    ("committee", lambda t: [t.committee.pk], "get", None, expect(default=200, anonymous=LOGIN)),
    (
        "committee_minutes",
        lambda t: [t.committee.pk],
        "get",
        None,
        expect(default=200, anonymous=LOGIN),
    ),
    (
        "committee_opinion",
        lambda t: [t.committee.pk, t.alpha.pk],
        "post",
        opinion_data,
        # The other leader: the item does not exist for them.
        expect(default=302, leader_item=403, leader_other=404, anonymous=LOGIN),
    ),
    (
        "committee_member_add",
        lambda t: [t.committee.pk],
        "post",
        lambda t: {"name": "Paul Roy", "quality": "chargé de mission"},
        expect(default=403, ars_dd=302, ars=302, anonymous=LOGIN),
    ),
    (
        "committee_attendance",
        lambda t: [t.committee.pk],
        "post",
        lambda t: {"present": [t.committee.participants.first().pk]},
        expect(default=403, ars_dd=302, ars=302, anonymous=LOGIN),
    ),
    (
        "committee_document_add",
        lambda t: [t.committee.pk],
        "post",
        lambda t: {"title": "Note", "file": pdf_upload()},
        expect(default=403, ars_dd=302, ars=302, anonymous=LOGIN),
    ),
    (
        "committee_document",
        lambda t: [t.committee.pk, t.doc_alpha.pk],
        "get",
        None,
        expect(default=200, leader_other=404, anonymous=LOGIN),
    ),
    (
        "committee_close",
        lambda t: [t.committee.pk],
        "get",
        None,
        expect(default=403, ars_dd=200, ars=200, anonymous=LOGIN),
    ),
]


@pytest.mark.parametrize(("name", "args", "method", "data", "expected"), CASES)
def test_committee_view_matrix(two, client, name, args, method, data, expected):
    url = reverse(f"projects:{name}", args=args(two))
    payload = (lambda: data(two)) if data else {}
    seen = {role: status(client, two, role, method, url, payload) for role in ROLES}
    assert seen == expected


def test_refused_writes_leave_nothing(two, world, client):
    """The 403s above wrote nothing: no opinion from a leader, no attendance or document from
    the CPAM."""
    client.force_login(two.leader_alpha)
    client.post(
        reverse("projects:committee_opinion", args=[two.committee.pk, two.alpha.pk]),
        opinion_data(two),
    )
    client.force_login(world.cpam)
    client.post(
        reverse("projects:committee_attendance", args=[two.committee.pk]),
        {"present": [m.pk for m in two.committee.participants.all()]},
    )
    client.post(
        reverse("projects:committee_document_add", args=[two.committee.pk]),
        {"title": "Note", "file": pdf_upload()},
    )
    assert not Opinion.versions.exists()
    assert not two.committee.participants.filter(attended__isnull=False).exists()
    assert CommitteeDocument.objects.count() == 1  # the fixture's


def test_a_decision_button_only_for_the_ars(world, client):
    two = TwoItems(world, kind="li", meets_at=timezone.now() - dt.timedelta(hours=1))
    page = reverse("projects:committee", args=[two.committee.pk])
    action = reverse("projects:action", args=[two.alpha.pk, "validate_li"])
    for user, shown in ((world.ars_dd, True), (world.cpam, False), (two.leader_alpha, False)):
        client.force_login(user)
        assert (action in client.get(page).content.decode()) is shown
        expected = 200 if shown else 403
        assert client.get(f"{action}?comite={two.committee.pk}").status_code == expected


def test_li_decision_form_matrix(world, client):
    """The LI decision form (which names its committee): ARS only; the other item's leader
    does not even see the project."""
    two = TwoItems(world, kind="li", meets_at=timezone.now() - dt.timedelta(hours=1))
    two.people = {
        **{role: getattr(world, role) for role in ROLES[:5]},
        "leader_item": two.leader_alpha,
        "leader_other": two.leader_beta,
    }
    url = reverse("projects:action", args=[two.alpha.pk, "reject_li"])
    url += f"?comite={two.committee.pk}"
    seen = {role: status(client, two, role, "get", url, {}) for role in ROLES}
    assert seen == expect(default=403, ars_dd=200, ars=200, leader_other=404, anonymous=LOGIN)
    posted = {"reason": "Hors sujet", "committee": two.committee.pk, "confirmed": "1"}
    seen = {role: status(client, two, role, "post", url, posted) for role in ROLES}
    # The first ARS agent decides (302 to the project); the siège then finds it decided.
    assert seen == expect(default=403, ars_dd=302, ars=403, leader_other=404, anonymous=LOGIN)
    two.alpha.refresh_from_db()
    assert two.alpha.events.get(transition="reject_li").actor == world.ars_dd
