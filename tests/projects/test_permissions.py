"""Every URL × every role × own / other territory: who gets the page, who gets 403 or 404.

Outside their territory (or, for a leader, outside their projects) a person gets 404 on every
project or committee URL: the object does not exist for them. Anonymous visitors go to login.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from projects import committees, documents
from projects.collaboration import Attachment, Committee, CommitteeKind
from projects.states import State
from projects.urls import urlpatterns
from tests.world import MINIMAL_PDF, project_in_state

pytestmark = pytest.mark.django_db

ROLES = ["leader", "ars_dd", "ars", "cpam", "msa", "urps"]
ALL_200 = dict.fromkeys(ROLES, 200)
LEADER_ONLY = {"leader": 200, **dict.fromkeys(ROLES[1:], 403)}
LEADER_REDIRECT = {"leader": 302, **dict.fromkeys(ROLES[1:], 403)}
ARS_ONLY = {"leader": 403, "ars_dd": 200, "ars": 200, "cpam": 403, "msa": 403, "urps": 403}
NOBODY = dict.fromkeys(ROLES, 403)
ARS_REDIRECT = {**ARS_ONLY, "ars_dd": 302, "ars": 302}  # a POST answered by the committee page

# (url name, args builder, method, expected status for people of the project's territory)
# The project is a PS deposited and under review (deadline ahead), with statutes, a piece and
# a PS committee. Every route of projects/urls.py must be listed (checked below).
SCOPED = [
    ("detail", lambda c: [c.p], "get", ALL_200),
    ("letter", lambda c: [c.p], "get", LEADER_REDIRECT),
    ("letter_submit", lambda c: [c.p], "get", LEADER_REDIRECT),
    ("association", lambda c: [c.p], "get", LEADER_REDIRECT),
    ("health_project", lambda c: [c.p], "get", LEADER_REDIRECT),
    ("health_project_submit", lambda c: [c.p], "get", LEADER_REDIRECT),
    ("acknowledgment", lambda c: [c.p, "ps"], "get", ALL_200),
    ("acknowledgment_pdf", lambda c: [c.p, "li"], "get", ALL_200),
    ("implicit_attestation", lambda c: [c.p], "get", dict.fromkeys(ROLES, 404)),
    ("statutes", lambda c: [c.p], "get", ALL_200),
    ("decision_letter", lambda c: [c.p, "li"], "get", ALL_200),
    ("decision_letter", lambda c: [c.p, "pieces"], "get", dict.fromkeys(ROLES, 404)),
    ("attachment_add", lambda c: [c.p], "get", LEADER_ONLY),
    ("attachment", lambda c: [c.p, c.attachment], "get", ALL_200),
    ("action", lambda c: [c.p, "validate_ps"], "get", ARS_ONLY),
    ("action", lambda c: [c.p, "oppose_ps"], "post", ARS_ONLY),
    ("action", lambda c: [c.p, "request_ps_items"], "get", ARS_ONLY),
    ("action", lambda c: [c.p, "validate_li"], "get", NOBODY),
    ("action", lambda c: [c.p, "start_aci"], "get", NOBODY),
    ("action", lambda c: [c.p, "abandon"], "get", LEADER_ONLY),  # only the leaders abandon
    # The ARS closes sans suite a file waiting on its leaders, never a PS under review.
    ("action", lambda c: [c.p, "close_without_follow_up"], "get", NOBODY),
    ("messages", lambda c: [c.p], "get", {**ARS_ONLY, "leader": 200}),
    ("invite", lambda c: [c.p], "get", LEADER_ONLY),
    # An empty e-mail: the ARS's refusal is a message (302); the project has leaders anyway.
    ("first_leader", lambda c: [c.p], "post", {**NOBODY, "ars_dd": 302, "ars": 302}),
    ("territory", lambda c: [c.p], "get", ALL_200),
    ("territory", lambda c: [c.p], "post", {**NOBODY, "leader": 200}),  # refused: PS filed
    ("territory_preview", lambda c: [c.p], "get", ALL_200),
    ("territory_map", lambda c: [c.p], "get", ALL_200),
    ("committee", lambda c: [c.committee], "get", ALL_200),
    ("committee_minutes", lambda c: [c.committee], "get", ALL_200),
    ("committee_close", lambda c: [c.committee], "get", ARS_ONLY),
    (
        "committee_opinion",
        lambda c: [c.committee, c.p],
        "post",
        {**dict.fromkeys(ROLES, 302), "leader": 403},
    ),
    ("committee_member_add", lambda c: [c.committee], "post", ARS_REDIRECT),
    ("committee_attendance", lambda c: [c.committee], "post", ARS_REDIRECT),
    ("committee_document_add", lambda c: [c.committee], "post", ARS_REDIRECT),
    ("committee_document", lambda c: [c.committee, c.document], "get", ALL_200),
]
GLOBAL = [
    ("list", "get", ALL_200),
    ("create", "get", LEADER_ONLY),
    ("committees", "get", ALL_200),
    ("committee_create", "get", ARS_ONLY),
    ("committee_ics", "get", ALL_200),
    ("invitation", "get", ALL_200),
    ("territories", "get", {**dict.fromkeys(ROLES, 302), "leader": 200}),
    ("institution_map", "get", {**ALL_200, "leader": 403}),
    ("filter_save", "get", dict.fromkeys(ROLES, 405)),  # POST only: each person's own filters
]
# A person's own saved filter (its pk is no project's): POST only (tests/projects/
# test_saved_filters.py checks who may delete which).
OWN_FILTERS = ["filter_delete"]


class Case:
    def __init__(self, world):
        self.world = world
        project, leader, _ = project_in_state(State.PS_DEPOSE, world.dept)
        self.p = project.pk
        type(project).objects.filter(pk=project.pk).update(name="CPTS Secrète")
        project.association.statutes.save("s.pdf", ContentFile(MINIMAL_PDF))
        self.attachment = Attachment.objects.create(
            project=project, kind="ps", title="Carte", uploaded_by=leader,
            file=ContentFile(MINIMAL_PDF, name="carte.pdf"),
        )  # fmt: skip
        self.attachment = self.attachment.pk
        self.committee = committees.create_committee(
            world.ars_dd,
            kind=CommitteeKind.PS,
            user_representative="France Assos Santé",
            departement=world.dept,
            meets_at=project.created_at,
            place="Salle 1",
            members="ARS, CPAM",
            projects=[project],
        ).pk
        self.document = committees.add_document(
            Committee.objects.get(pk=self.committee),
            world.ars_dd,
            title="Ordre du jour",
            file=SimpleUploadedFile("odj.pdf", MINIMAL_PDF),
        ).pk
        # A leader of a project elsewhere: "other territory" for leaders.
        _, self.leader_other, _ = project_in_state(State.LI_DEPOSEE, world.other_dept)
        self.people = {
            "own": {"leader": leader, **{r: getattr(world, r) for r in ROLES[1:]}},
            "other": {
                "leader": self.leader_other,
                **{r: getattr(world, r + "_other") for r in ROLES[1:]},
            },
        }


@pytest.fixture
def case(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Case(world)


def statuses(client, people, method, url):
    seen = {}
    for role, user in people.items():
        client.force_login(user)
        seen[role] = getattr(client, method)(url).status_code
    client.logout()
    return seen


@pytest.mark.parametrize(("name", "args", "method", "expected"), SCOPED)
def test_project_and_committee_urls(case, client, name, args, method, expected):
    if name in ("acknowledgment_pdf", "decision_letter"):
        documents.issue_documents.run([case.p])  # as the worker does after the transitions
    url = reverse(f"projects:{name}", args=args(case))
    assert statuses(client, case.people["own"], method, url) == expected
    assert statuses(client, case.people["other"], method, url) == dict.fromkeys(ROLES, 404)
    assert getattr(client, method)(url).status_code == 302  # anonymous → login


@pytest.mark.parametrize(("name", "method", "expected"), GLOBAL)
def test_global_urls(case, client, name, method, expected):
    url = reverse(f"projects:{name}", args=["jeton-inconnu"] if name == "invitation" else [])
    assert statuses(client, case.people["own"], method, url) == expected
    assert statuses(client, case.people["other"], method, url) == expected
    assert getattr(client, method)(url).status_code == 302


def test_every_route_is_in_the_matrix():
    covered = {name for name, *_ in SCOPED} | {name for name, *_ in GLOBAL} | set(OWN_FILTERS)
    assert {p.name for p in urlpatterns} == covered
    assert get_resolver()  # the URLconf loads


def test_other_territory_never_sees_the_data(case, client):
    """No name of the project leaks into another territory's list, export or calendar."""
    name = "CPTS Secrète"
    urls = (
        reverse("projects:list"),
        reverse("projects:list") + "?_export=csv",
        reverse("projects:committee_ics"),
        reverse("projects:committees"),
    )
    client.force_login(case.people["own"]["ars"])
    assert all(name in client.get(url).content.decode() for url in urls)
    client.force_login(case.people["other"]["ars"])
    assert not any(name in client.get(url).content.decode() for url in urls)
