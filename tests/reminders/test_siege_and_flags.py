"""The ARS siège (the legal decision maker) is reminded of the opposition deadlines as well as the
délégation; dates no source gives are shown "à confirmer" on the deadlines page."""

import datetime as dt
import html

import pytest
import time_machine
from django.urls import reverse

from accounts.models import OrganisationKind
from funding.models import Contract, ContractMission, PreAciSupport
from projects.states import State
from reminders import services
from reminders.collect import deadlines_for
from reminders.models import ReminderSent
from tests.world import institution_user, project_in_state

pytestmark = pytest.mark.django_db


def test_the_siege_of_the_region_is_reminded_of_the_opposition_deadline():
    project, leader, ars_dd = project_in_state(State.PS_DEPOSE, received=dt.date(2026, 3, 15))
    siege = institution_user(OrganisationKind.ARS, region=project.departement.region)
    other_siege = institution_user(OrganisationKind.ARS)  # another région: never told
    assert services.send_reminders(dt.date(2026, 4, 15)) == 2  # J-30 of the 15 May deadline
    told = set(ReminderSent.objects.values_list("recipient", flat=True))
    assert told == {ars_dd.pk, siege.pk}
    assert other_siege.pk not in told and leader.pk not in told
    assert services.send_reminders(dt.date(2026, 4, 15)) == 0  # never twice


def test_deadlines_no_source_gives_are_flagged_to_confirm(client):
    project, leader, _ = project_in_state(State.ASSOCIATION_CONSTITUEE)
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    PreAciSupport.objects.create(
        project=project, granted_on=dt.date(2026, 1, 10), amount="17500.00",
        ps_due_on=dt.date(2026, 10, 10), granted_by=cpam,
    )  # fmt: skip
    contract = Contract.objects.create(
        project=project, size=2, members=40, signed_on=dt.date(2026, 2, 1)
    )
    ContractMission.objects.create(contract=contract, mission="crise_sanitaire")
    flagged = {d.kind for d in deadlines_for([project]) if d.to_confirm}
    assert flagged == {"pre_aci_ps", "crisis_plan", "evaluation"}
    with time_machine.travel(dt.datetime(2026, 9, 20, 10, tzinfo=dt.UTC), tick=False):
        client.force_login(leader)
        page = html.unescape(
            client.get(reverse("reminders:list") + "?horizon=365").content.decode()
        )
    assert page.count("date à confirmer") >= 2  # the pre-ACI deposit and the first crisis plan
    assert "l'annexe 6 ne précise pas leur point de départ" in page
    assert "anniversaire de la signature" in page
