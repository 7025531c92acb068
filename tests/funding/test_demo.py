"""The demo's signed CPTS: real contracts, brought in through the import, in contract years 1-5;
in each région one whose contract ended (the end sweep) and one the CPAM terminated."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from funding.deadlines import contract_anniversary, contract_end
from funding.models import Contract
from funding.termination import recovery
from projects.models import ProjectEvent
from projects.roster import member_count_on
from projects.states import State

pytestmark = pytest.mark.django_db


def test_demo_signed_cpts_have_contracts_in_each_contract_year():
    call_command("load_communes")
    call_command("seed_demo")
    today = timezone.localdate()
    imported = Contract.objects.filter(imported=True).select_related("project")
    for contract in imported:
        signed = contract.signed_on
        assert (
            contract.cpts_signed_on == contract.cpam_signed_on == contract.ars_signed_on == signed
        )
        assert contract.project.aci_signed_on == signed
        assert contract.project.members.filter(user__username__startswith="porteur").exists()
        event = ProjectEvent.objects.get(project=contract.project, transition="import_existing")
        assert "reprise-demo" in event.reason and event.actor.username.startswith("ars-")
        started = contract.missions.filter(started_on__isnull=False)
        assert started.filter(mission="acces_soins", started_on__gt=signed).exists()
    contracts = imported.filter(project__state=State.ACI_SIGNE)
    years = [
        max(y for y in range(1, 6) if contract_anniversary(c.signed_on, y) <= today)
        for c in contracts
    ]
    assert sorted(years) == [1, 2, 3, 4, 5]
    # Over, through the real services: ended by the sweep, terminated by the CPAM.
    ended = imported.filter(project__state=State.ACI_ECHU)
    terminated = imported.filter(project__state=State.ACI_RESILIE)
    assert sorted(c.project.departement.region.code for c in ended) == ["75", "76"]
    assert sorted(c.project.departement.region.code for c in terminated) == ["75", "76"]
    for contract in ended:
        assert contract.ended_on == contract_end(contract.signed_on) < today
        event = contract.project.events.get(transition="end_aci")
        assert event.actor is None and contract.terminated_on is None
    for contract in terminated:
        assert contract.signed_on < contract.terminated_on < today and contract.ended_on is None
        event = contract.project.events.get(transition="terminate_aci")
        assert event.actor.username.startswith("cpam-") and event.reason
        assert recovery(contract) >= 0
    rosters = [member_count_on(c.project_id, today) for c in contracts]
    assert sum(count is not None for count in rosters) == 3  # a roster for some, declared for two
    count = imported.count()
    events = ProjectEvent.objects.count()
    call_command("seed_demo")  # idempotent
    assert Contract.objects.filter(imported=True).count() == count == 9
    assert ProjectEvent.objects.count() == events
