"""An LI decision records the committee in which it was taken; without a committee it says
why: in the service, the form, the admin and the database."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from projects import services
from projects.collaboration import DecisionCommittee
from projects.errors import WorkflowError
from projects.states import State
from tests.world import project_in_state

from .committee_world import TwoItems
from .test_leader import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def met(world):
    """An LI committee held an hour ago with two letters on its agenda."""
    return TwoItems(world, kind="li", meets_at=timezone.now() - dt.timedelta(hours=1))


def test_a_decision_in_committee_is_recorded_with_it(met, world):
    services.decide_letter(met.alpha, world.ars_dd, "validate", committee=met.committee)
    event = met.alpha.events.get(transition="validate_li")
    assert event.committee_record.committee == met.committee
    assert event.committee_record.without_committee == ""
    assert list(met.committee.decisions.all()) == [event.committee_record]
    (entry,) = AuditEntry.objects.filter(action="projects.decision.committee")
    assert entry.label.endswith(f"décision prise en comité : {met.committee}")


def test_a_decision_without_committee_says_why(met, world):
    with pytest.raises(WorkflowError, match="pourquoi"):
        services.decide_letter(met.alpha, world.ars_dd, "reject", "Hors sujet")
    with pytest.raises(WorkflowError, match="pourquoi"):
        services.decide_letter(
            met.alpha, world.ars_dd, "reject", "Hors sujet", without_committee="   "
        )
    with pytest.raises(WorkflowError, match="hors comité"):
        services.decide_letter(
            met.alpha,
            world.ars_dd,
            "reject",
            "Hors sujet",
            committee=met.committee,
            without_committee="Urgence",
        )
    met.alpha.refresh_from_db()
    assert met.alpha.state == State.LI_DEPOSEE and not met.alpha.events.filter(
        transition="reject_li"
    )  # refused: no decision, no half-written record
    services.decide_letter(
        met.alpha, world.ars_dd, "reject", "Hors sujet", without_committee="Comité annulé"
    )
    record = met.alpha.events.get(transition="reject_li").committee_record
    assert (record.committee, record.without_committee) == (None, "Comité annulé")
    (entry,) = AuditEntry.objects.filter(action="projects.decision.committee")
    assert (entry.actor, entry.project_id) == (world.ars_dd, met.alpha.pk)
    assert "prise hors comité" in entry.label
    assert entry.changes == {"motif hors comité": [None, "Comité annulé"]}


def test_only_a_committee_that_examined_the_letter_and_met(world, met):
    future = TwoItems(world, kind="li")  # convened, not yet held
    other, _, _ = project_in_state(State.LI_DEPOSEE, world.dept)  # not on any agenda
    for project, committee in ((future.alpha, future.committee), (other, met.committee)):
        with pytest.raises(WorkflowError, match="n'a pas examiné"):
            services.decide_letter(project, world.ars_dd, "validate", committee=committee)
        assert not project.events.filter(transition="validate_li").exists()


def test_the_database_wants_a_committee_or_a_reason(met, world):
    services.decide_letter(met.alpha, world.ars_dd, "validate", committee=met.committee)
    event = met.beta.events.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionCommittee.objects.create(event=event)
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionCommittee.objects.create(
            event=event, committee=met.committee, without_committee="Les deux"
        )


def test_the_form_offers_the_committees_that_met_and_asks_why_otherwise(met, world, login):
    client = login(world.ars_dd)
    url = reverse("projects:action", args=[met.alpha.pk, "request_li_changes"])
    form = client.get(url).content.decode()
    assert f'<option value="{met.committee.pk}">' in form
    assert "décision prise hors comité" in form
    refused = client.post(url, {"reason": "Préciser", "confirmed": "1"}).content.decode()
    assert "dites pourquoi elle est prise sans comité" in refused
    client.post(url, {"reason": "Préciser", "committee": met.committee.pk, "confirmed": "1"})
    met.alpha.refresh_from_db()
    assert met.alpha.state == State.LI_A_MODIFIER
    event = met.alpha.events.get(transition="request_li_changes")
    assert event.committee_record.committee == met.committee
    # The minutes say it.
    minutes = client.get(reverse("projects:committee_minutes", args=[met.committee.pk]))
    assert "prise en comité" in " ".join(pdf_text(minutes.content).split())


def test_a_forged_committee_id_is_refused_by_the_form(met, world, login):
    elsewhere = TwoItems(world, kind="li", meets_at=timezone.now() - dt.timedelta(hours=2))
    client = login(world.ars_dd)
    url = reverse("projects:action", args=[met.alpha.pk, "validate_li"])
    page = client.post(url, {"committee": elsewhere.committee.pk, "confirmed": "1"})
    assert page.status_code == 200 and "Sélectionnez un choix valide" in page.content.decode()
    met.alpha.refresh_from_db()
    assert met.alpha.state == State.LI_DEPOSEE
