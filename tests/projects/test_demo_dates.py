"""The demo's documents tell one consistent story (issue 15: a receipt said "déposé le
2 décembre" and "reçu complet le 7 octobre")."""

import contextlib
import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from projects import documents
from projects.management.commands.seed_demo import demo_projects
from projects.states import State

pytestmark = pytest.mark.django_db


# 23:30 in Paris in winter: the receipts are backdated into summer time, an hour ahead.
LATE_EVENING = dt.datetime(2026, 12, 3, 22, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("moment", [None, LATE_EVENING])
def test_backdated_demo_receipts_were_filed_and_received_the_same_day_after_the_li(moment):
    call_command("load_communes")
    with time_machine.travel(moment, tick=False) if moment else contextlib.nullcontext():
        call_command("seed_demo")
        _check_receipts()


def _check_receipts():
    backdated = demo_projects().filter(state__in=[State.PS_DEPOSE, State.PS_REPUTE_VALIDE])
    assert backdated.count() >= 4
    for project in backdated:
        ack = documents.acknowledgment_context(project, "ps")
        assert ack["submitted"] == ack["received"] < timezone.localdate()
        assert project.li_submitted_at <= project.li_decided_at < project.ps_submitted_at
        li_decided = timezone.localtime(project.li_decided_at).date()
        assert li_decided <= project.association.general_assembly_on <= ack["received"]
        events = list(project.events.order_by("pk"))
        constituted = next(e for e in events if e.transition == "constitute_association")
        assert constituted.effective_on == project.association.general_assembly_on
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        filed = next(e for e in events if e.transition == "submit_ps")
        assert timezone.localtime(filed.created_at).date() == ack["received"]
        assert filed.effective_on == ack["received"]
