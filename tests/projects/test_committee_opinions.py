"""Opinions: one per seat (each URPS its own), never overwritten, amended with history, no
value chosen in advance, each write journaled."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEntry
from common.append_only import AppendOnlyError
from projects import committees
from projects.collaboration import Institution, Opinion, OpinionValue
from projects.errors import WorkflowError
from tests.mails import sent_to

from .committee_world import ALPHA, TwoItems
from .test_leader import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world):
    return TwoItems(world)


def post_opinion(client, two, project, value, institution=None, comment=""):
    prefix = f"p{project.pk}"
    data = {f"{prefix}-value": value, f"{prefix}-comment": comment}
    if institution:
        data[f"{prefix}-institution"] = institution
    url = reverse("projects:committee_opinion", args=[two.committee.pk, project.pk])
    return client.post(url, data)


def test_each_urps_of_the_region_gives_its_own_opinion(two, world, login):
    """Two URPS: two opinions side by side; the second never overwrites the first."""
    post_opinion(login(world.urps), two, two.alpha, "favorable", "urps")
    post_opinion(login(two.urps2), two, two.alpha, "defavorable", "urps", "Trop tôt")
    in_force = Opinion.objects.filter(committee=two.committee, project=two.alpha)
    assert {(o.member.organisation, o.value) for o in in_force} == {
        (world.urps.organisation, "favorable"),
        (two.urps2.organisation, "defavorable"),
    }
    page = login(world.ars_dd).get(reverse("projects:committee", args=[two.committee.pk]))
    html = page.content.decode()
    section = html.split(f'id="agenda-{two.alpha.pk}"')[1].split("</section>")[0]
    assert str(world.urps.organisation) in section and str(two.urps2.organisation) in section


def test_an_amendment_keeps_the_history_on_the_page_and_in_the_minutes(two, world, login):
    cpam = login(world.cpam)
    post_opinion(cpam, two, two.alpha, "favorable", comment="Premier avis")
    post_opinion(cpam, two, two.alpha, "reserves", comment="Après lecture du budget")
    versions = Opinion.versions.filter(committee=two.committee, project=two.alpha)
    assert [v.value for v in versions.order_by("pk")] == ["favorable", "reserves"]
    (current,) = Opinion.objects.filter(committee=two.committee, project=two.alpha)
    assert current.value == "reserves" and current.amends.value == "favorable"
    assert [v.value for v in current.history()] == ["favorable", "reserves"]

    html = cpam.get(reverse("projects:committee", args=[two.committee.pk])).content.decode()
    history = html.split('class="opinion-history"')[1].split("</details>")[0]
    assert "Premier avis" in history and "Après lecture du budget" in history
    minutes = cpam.get(reverse("projects:committee_minutes", args=[two.committee.pk]))
    text = " ".join(pdf_text(minutes.content).split())
    # (table cells wrap: words of columns interleave in the extracted text)
    assert "réserves" in text and "précédentes" in text and "modifié le" in text


def test_opinions_are_append_only(two, world):
    opinion = committees.record_opinion(two.committee, two.alpha, world.cpam, value="favorable")
    opinion.value = "defavorable"
    with pytest.raises(AppendOnlyError):
        opinion.save()
    with pytest.raises(AppendOnlyError):
        opinion.delete()
    # Two first opinions of one seat cannot both exist (the database says so too).
    with pytest.raises(IntegrityError), transaction.atomic():
        Opinion.versions.create(
            committee=two.committee,
            project=two.alpha,
            member=opinion.member,
            institution="cpam",
            value="favorable",
            author=world.cpam,
        )


def test_no_value_is_chosen_in_advance(two, world, login):
    html = login(world.cpam).get(reverse("projects:committee", args=[two.committee.pk]))
    form = html.content.decode().split(f'id="agenda-{two.alpha.pk}"')[1].split("</form>")[0]
    radios = re.findall(r'<input[^>]*type="radio"[^>]*>', form)
    assert {re.search(r'value="([^"]+)"', r).group(1) for r in radios} == set(OpinionValue)
    assert not any("checked" in r for r in radios)
    assert f"Avis au nom de : CPAM – {world.cpam.organisation}" in form  # its one seat
    # Posted without a value: refused, nothing recorded.
    response = post_opinion(login(world.cpam), two, two.alpha, "")
    assert response.status_code == 302 and not Opinion.versions.exists()


def test_the_ars_records_the_user_representative_by_name(two, world, login):
    client = login(world.ars_dd)
    html = client.get(reverse("projects:committee", args=[two.committee.pk])).content.decode()
    assert "Jeanne Lefort (France Assos Santé)" in html
    post_opinion(client, two, two.alpha, "reserves", Institution.USAGERS)
    (opinion,) = Opinion.objects.filter(institution=Institution.USAGERS)
    assert opinion.member.name == "Jeanne Lefort" and opinion.author == world.ars_dd
    # The CPAM cannot speak for the user representative, nor for the URPS.
    for institution in (Institution.USAGERS, Institution.URPS):
        with pytest.raises(PermissionDenied):
            committees.record_opinion(
                two.committee, two.alpha, world.cpam, value="favorable", institution=institution
            )


def test_only_seated_organisations_give_opinions(two, world):
    from tests.world import institution_user

    late_cpam = institution_user("cpam", world.dept)  # not a member of this committee
    for user in (late_cpam, world.cpam_other, two.leader_alpha):
        with pytest.raises(PermissionDenied):
            committees.record_opinion(two.committee, two.alpha, user, value="favorable")
    with pytest.raises(WorkflowError, match="Choisissez un avis"):
        committees.record_opinion(two.committee, two.alpha, world.cpam, value="excellent")
    with pytest.raises(WorkflowError, match="caractères"):
        committees.record_opinion(
            two.committee, two.alpha, world.cpam, value="favorable", comment="x" * 5001
        )
    assert not Opinion.versions.exists()


def test_each_opinion_and_amendment_is_journaled(two, world):
    committees.record_opinion(two.committee, two.alpha, world.urps, value="favorable")
    committees.record_opinion(two.committee, two.alpha, two.urps2, value="favorable")
    committees.record_opinion(
        two.committee, two.alpha, world.urps, value="defavorable", comment="Revu"
    )
    entries = AuditEntry.objects.filter(action="projects.opinion").order_by("pk")
    labels = [e.label for e in entries]
    assert labels[0].startswith(f"Avis rendu (URPS) – {world.urps.organisation}")
    assert labels[1].startswith(f"Avis rendu (URPS) – {two.urps2.organisation}")
    assert labels[2].startswith(f"Avis modifié (URPS) – {world.urps.organisation}")
    assert entries[2].changes == {
        "avis": ["Favorable", "Défavorable"],
        "observations": [None, "Revu"],
    }
    assert {e.project_id for e in entries} == {two.alpha.pk}


def test_the_opinion_mail_names_the_seat(two, world, mail_on_commit):
    from django.core import mail

    with mail_on_commit(execute=True):
        committees.record_opinion(two.committee, two.alpha, two.urps2, value="favorable")
    sent = [m for m in mail.outbox if "avis URPS" in m.subject]
    assert all(str(two.urps2.organisation) in m.body and ALPHA in m.body for m in sent)
    everyone = sent_to(sent)
    assert two.leader_alpha.email in everyone and two.leader_beta.email not in everyone


def test_a_closed_committee_takes_no_amendment(two, world, time_machine):
    committees.record_opinion(two.committee, two.alpha, world.cpam, value="favorable")
    time_machine.move_to(two.committee.meets_at + dt.timedelta(hours=3))
    committees.close_committee(two.committee, world.ars_dd)
    with pytest.raises(WorkflowError, match="clos"):
        committees.record_opinion(two.committee, two.alpha, world.cpam, value="defavorable")
    assert Opinion.versions.count() == 1
