"""The demo's signed CPTS: real contracts, brought in through the import, in contract years 1-5."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from funding.deadlines import contract_anniversary
from funding.models import Contract
from projects.models import ProjectEvent
from projects.roster import member_count_on

pytestmark = pytest.mark.django_db


def test_demo_signed_cpts_have_contracts_in_each_contract_year():
    call_command("load_communes")
    call_command("seed_demo")
    today = timezone.localdate()
    contracts = Contract.objects.filter(imported=True).select_related("project")
    years = set()
    for contract in contracts:
        signed = contract.signed_on
        assert (
            contract.cpts_signed_on == contract.cpam_signed_on == contract.ars_signed_on == signed
        )
        assert contract.project.state == "aci_signe" and contract.project.aci_signed_on == signed
        assert contract.project.members.filter(user__username__startswith="porteur").exists()
        event = ProjectEvent.objects.get(project=contract.project, transition="import_existing")
        assert "reprise-demo" in event.reason and event.actor.username.startswith("ars-")
        started = contract.missions.filter(started_on__isnull=False)
        assert started.filter(mission="acces_soins", started_on__gt=signed).exists()
        years.add(max(y for y in range(1, 6) if contract_anniversary(signed, y) <= today))
    assert years == {1, 2, 3, 4, 5}
    rosters = [member_count_on(c.project_id, today) for c in contracts]
    assert sum(count is not None for count in rosters) == 3  # a roster for some, declared for two
    count = contracts.count()
    call_command("seed_demo")  # idempotent
    assert Contract.objects.filter(imported=True).count() == count == 5
