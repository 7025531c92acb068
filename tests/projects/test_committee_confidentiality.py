"""A project leader sitting in a committee reads their own project's item, opinions and
documents, never another project's: on the page, the list, the calendars, the minutes (draft,
closed), the convocation and the API."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import OrganisationKind
from accounts.tokens import create_token
from projects import committees
from reminders.services import renew_feed

from .committee_world import ALPHA, BETA, BETA_SECRET, TwoItems, pdf_upload
from .test_leader import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world):
    two = TwoItems(world)
    committees.record_opinion(
        two.committee, two.beta, world.cpam, value="defavorable", comment=BETA_SECRET
    )
    committees.record_opinion(two.committee, two.alpha, world.cpam, value="favorable")
    two.doc_beta = committees.add_document(
        two.committee, world.ars_dd, title="Dossier Bêta", file=pdf_upload(), project=two.beta
    )
    two.doc_all = committees.add_document(
        two.committee, world.ars_dd, title="Ordre du jour", file=pdf_upload()
    )
    return two


def leaks(text: str) -> bool:
    return BETA in text or BETA_SECRET in text or "Dossier Bêta" in text


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_page_shows_a_leader_their_item_only(two, world, login):
    url = reverse("projects:committee", args=[two.committee.pk])
    html = login(two.leader_alpha).get(url).content.decode()
    assert ALPHA in html and "Favorable" in html and "Ordre du jour" in html
    assert not leaks(html)
    assert f'id="agenda-{two.beta.pk}"' not in html
    # The institutions of the territory read the whole agenda.
    html = login(world.urps).get(url).content.decode()
    assert ALPHA in html and BETA in html and BETA_SECRET in html


def test_list_and_calendars_name_the_leaders_projects_only(two, world, login, client):
    client = login(two.leader_alpha)
    for name in ("projects:committees", "projects:committee_ics"):
        body = client.get(reverse(name)).content.decode()
        assert ALPHA in body and not leaks(body), name
    feed = renew_feed(two.leader_alpha)
    body = client.get(reverse("reminders:feed", args=[feed.secret])).content.decode()
    assert f"UID:committee-{two.committee.pk}@" in body and not leaks(body)
    body = login(world.cpam).get(reverse("projects:committee_ics")).content.decode()
    assert BETA in body.replace("\r\n ", "")


def test_the_minutes_are_an_extract_for_a_leader_draft_and_closed(two, world, login, time_machine):
    url = reverse("projects:committee_minutes", args=[two.committee.pk])
    draft = " ".join(pdf_text(login(two.leader_alpha).get(url).content).split())
    assert "Extrait du projet de compte rendu" in draft and ALPHA in draft
    assert not leaks(draft) and "Ordre du jour" in draft

    time_machine.move_to(two.committee.meets_at + dt.timedelta(hours=3))
    committees.close_committee(two.committee, world.ars_dd)
    full = " ".join(pdf_text(login(world.ars_dd).get(url).content).split())
    assert BETA in full and "Compte rendu" in full
    response = login(two.leader_alpha).get(url)
    assert "extrait" in response["Content-Disposition"]
    closed = " ".join(pdf_text(response.content).split())
    assert "Extrait du compte rendu" in closed and ALPHA in closed and not leaks(closed)
    # The other leader: the same committee, their own item.
    other = " ".join(pdf_text(login(two.leader_beta).get(url).content).split())
    assert BETA in other and ALPHA not in other


def test_documents_about_another_project_are_out_of_reach(two, world, login):
    client = login(two.leader_alpha)
    own = reverse("projects:committee_document", args=[two.committee.pk, two.doc_all.pk])
    beta = reverse("projects:committee_document", args=[two.committee.pk, two.doc_beta.pk])
    assert client.get(own).status_code == 200
    assert client.get(beta).status_code == 404
    assert login(two.leader_beta).get(beta).status_code == 200
    assert login(world.msa).get(beta).status_code == 200


def test_the_convocation_names_each_leader_their_project_only(world, mail_on_commit):
    with mail_on_commit(execute=True):
        two = TwoItems(world)
    convocations = [m for m in mail.outbox if "Convocation" in m.subject]
    to_alpha = [m for m in convocations if two.leader_alpha.email in m.to]
    assert len(to_alpha) == 1 and ALPHA in to_alpha[0].body and not leaks(to_alpha[0].body)
    (members,) = [m for m in convocations if world.cpam.email in m.to]
    assert ALPHA in members.body and BETA in members.body
    assert two.leader_alpha.email not in members.to


def test_the_api_gives_no_committee_to_a_cpts_and_the_whole_agenda_to_institutions(
    two, world, client
):
    association = two.alpha.association.organisation
    assert association.kind == OrganisationKind.CPTS
    _, cpts_key = create_token(association, "CPTS")
    response = client.get("/api/committees/", HTTP_AUTHORIZATION=f"Bearer {cpts_key}")
    assert response.status_code == 200 and response.json()["items"] == []
    detail = client.get(
        f"/api/committees/{two.committee.pk}", HTTP_AUTHORIZATION=f"Bearer {cpts_key}"
    )
    assert detail.status_code == 404 and not leaks(detail.content.decode())
    _, cpam_key = create_token(world.cpam.organisation, "CPAM")
    data = client.get(
        f"/api/committees/{two.committee.pk}", HTTP_AUTHORIZATION=f"Bearer {cpam_key}"
    ).json()
    assert {a["name"] for a in data["agenda"]} == {ALPHA, BETA}
    assert len(data["opinions"]) == 2
    assert not re.search("Lefort|Claire Martin", str(data))  # no person's name in the API
