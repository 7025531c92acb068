"""Signatures: each party records its own; dates bounded (form, service, database); "ACI
signé" only at the third signature, through no other path."""

import datetime as dt

import pytest
from django.contrib import admin as django_admin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from funding import services
from funding.base import FundingError
from funding.forms import MissionStartForm, SignatureForm
from funding.models import Contract
from funding.signatures import check_mission_date, check_signature_date, parties_of
from projects import services as project_services
from projects.errors import WorkflowError
from projects.models import Project
from projects.states import State
from tests.factories import UserFactory
from tests.world import institution_user

pytestmark = pytest.mark.django_db
SIGNED = dt.date(2023, 2, 6)


@pytest.fixture
def prepared(aci_project):
    """A contract awaiting its three signatures: (contract, people by role)."""
    project, leader, ars = aci_project
    dep = project.departement
    people = {
        "ars_dd": ars,
        "ars_siege": institution_user(OrganisationKind.ARS, dep),
        "cpam": institution_user(OrganisationKind.CPAM, dep),
        "msa": institution_user(OrganisationKind.MSA, dep),
        "urps": institution_user(OrganisationKind.URPS, dep),
        "leader": leader,
        "other_leader": UserFactory(),
    }
    return services.create_contract(project, people["cpam"], members=10), people


# --- The date rule, one function ------------------------------------------------------------


def test_signature_date_bounds():
    today = timezone.localdate()
    assert check_signature_date(dt.date(2019, 6, 20)) == dt.date(2019, 6, 20)
    assert check_signature_date(today) == today
    with pytest.raises(FundingError, match="20 juin 2019"):
        check_signature_date(dt.date(2019, 6, 19))
    with pytest.raises(FundingError, match="futur"):
        check_signature_date(today + dt.timedelta(days=1))
    with pytest.raises(FundingError, match="précéder celle du contrat"):
        check_signature_date(dt.date(2023, 2, 5), not_before=SIGNED)


@pytest.mark.parametrize("day", ["2019-06-19", "2099-01-01"])
def test_the_form_refuses_out_of_bounds_dates(day):
    form = SignatureForm({"party": "cpam", "signed_on": day}, parties=["cpam"])
    assert not form.is_valid() and "signed_on" in form.errors


def test_the_form_offers_only_the_persons_own_parties():
    form = SignatureForm({"party": "cpts", "signed_on": "2023-02-06"}, parties=["ars"])
    assert not form.is_valid() and "party" in form.errors


@pytest.mark.parametrize(
    "field", ["cpts_signed_on", "cpam_signed_on", "ars_signed_on", "signed_on"]
)
def test_the_database_refuses_a_date_before_the_aci(prepared, field):
    contract, _ = prepared
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=contract.pk).update(**{field: dt.date(2019, 6, 19)})
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=contract.pk).update(**{field: dt.date(2101, 1, 1)})


def test_the_service_refuses_out_of_bounds_dates_and_writes_nothing(prepared):
    contract, people = prepared
    for day in (dt.date(2019, 1, 1), timezone.localdate() + dt.timedelta(days=1)):
        with pytest.raises(FundingError):
            services.record_signature(contract, people["cpam"], "cpam", day)
    assert Contract.objects.get(pk=contract.pk).cpam_signed_on is None


# --- Each party its own ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,parties",
    [
        ("ars_dd", ["ars"]),
        ("ars_siege", ["ars"]),
        ("cpam", ["cpam"]),
        ("msa", ["cpam"]),  # the Assurance Maladie's signature
        ("urps", []),
        ("leader", ["cpts"]),
        ("other_leader", []),
    ],
)
def test_each_role_signs_for_its_own_party_only(prepared, role, parties):
    contract, people = prepared
    user = people[role]
    assert parties_of(contract.project, user) == parties
    for party in ("cpts", "cpam", "ars"):
        if party in parties:
            services.record_signature(contract, user, party, SIGNED)
        else:
            with pytest.raises(PermissionDenied):
                services.record_signature(contract, user, party, SIGNED)
    stored = Contract.objects.get(pk=contract.pk)
    signed = {p for p in ("cpts", "cpam", "ars") if getattr(stored, f"{p}_signed_on")}
    assert signed == set(parties)


@pytest.mark.parametrize(
    "role,status",
    [
        ("ars_dd", 302),
        ("ars_siege", 302),
        ("cpam", 302),
        ("msa", 302),
        ("urps", 403),
        ("leader", 302),
        ("other_leader", 404),
    ],
)
def test_signature_page_per_role(client, prepared, role, status):
    contract, people = prepared
    client.force_login(people[role])
    url = reverse("funding:contract_sign", args=[contract.pk])
    page = client.get(reverse("funding:contract", args=[contract.pk]))
    if status != 404:
        offered = page.context.get("signature_form")
        choices = [c for c, _ in offered.fields["party"].choices] if offered else []
        assert choices == parties_of(contract.project, people[role])
    data = {"party": "ars", "signed_on": "2023-02-06"}
    ars = role in ("ars_dd", "ars_siege")
    # A signature is final: the ARS's first post shows what will be recorded, nothing more.
    response = client.post(url, data)
    assert response.status_code == (200 if ars else status)
    assert Contract.objects.get(pk=contract.pk).ars_signed_on is None
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == status
    assert (Contract.objects.get(pk=contract.pk).ars_signed_on is not None) == ars


# --- "ACI signé" only at the third signature ----------------------------------------------------


@pytest.mark.parametrize("third", ["leader", "cpam", "ars_dd"])
def test_whoever_records_the_third_signature_moves_the_project(prepared, third):
    contract, people = prepared
    signers = {"leader": "cpts", "cpam": "cpam", "ars_dd": "ars"}
    for role, party in signers.items():
        if role != third:
            services.record_signature(contract, people[role], party, SIGNED)
    assert Project.objects.get(pk=contract.project_id).state == State.ACI_PREPARATION
    services.record_signature(contract, people[third], signers[third], SIGNED)
    project = Project.objects.get(pk=contract.project_id)
    assert project.state == State.ACI_SIGNE and project.aci_signed_on == SIGNED
    event = project.events.get(transition="sign_aci")
    assert event.actor == people[third]


def test_no_other_path_to_aci_signe(prepared):
    contract, people = prepared
    project = contract.project
    with pytest.raises(WorkflowError, match="Action inconnue"):  # admin, pages: run_action
        project_services.run_action(project, "sign_aci", people["ars_dd"], signed_on=SIGNED)
    with pytest.raises(WorkflowError, match="troisième signature"):  # the transition's condition
        project_services.sign_aci(project, people["ars_dd"], SIGNED)
    assert Project.objects.get(pk=project.pk).state == State.ACI_PREPARATION


def test_the_admin_offers_no_sign_aci_transition(client, prepared):
    contract, people = prepared
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    project = contract.project
    page = client.get(reverse("admin:projects_project_change", args=[project.pk]))
    blocks = page.context["fsm_object_transitions"]
    names = {t.name for block in blocks for t in block.available_transitions}
    assert "sign_aci" not in names
    model_admin = django_admin.site._registry[Project]
    transitions = {t.name: t for t in project.get_all_state_transitions()}
    assert not model_admin.is_fsm_transition_visible(transitions["sign_aci"])
    assert model_admin.is_fsm_transition_visible(transitions["start_aci"])
    url = reverse("admin:projects_project_change", args=[project.pk])
    client.post(url, {"_fsm_transition_to": "sign_aci"})
    assert Project.objects.get(pk=project.pk).state == State.ACI_PREPARATION


def test_the_project_page_offers_no_sign_button(client, prepared):
    contract, people = prepared
    client.force_login(people["ars_dd"])
    page = client.get(reverse("projects:detail", args=[contract.project_id]))
    assert "sign_aci" not in {name for name, *_ in page.context["actions"]}
    response = client.get(reverse("projects:action", args=[contract.project_id, "sign_aci"]))
    assert response.status_code == 404


# --- Mission dates --------------------------------------------------------------------------


def test_mission_start_dates_are_bounded(signed):
    contract, cpam, ars, leader = signed
    today = timezone.localdate()
    assert check_mission_date(today, contract.signed_on) == today
    for day in (today + dt.timedelta(days=1), contract.signed_on - dt.timedelta(days=1)):
        with pytest.raises(FundingError):
            services.start_mission(contract, cpam, "parcours", day)
    assert contract.missions.get(mission="parcours").started_on is None
    form = MissionStartForm({"mission": "parcours", "started_on": "2099-01-01"})
    assert not form.is_valid() and "started_on" in form.errors
    with pytest.raises(IntegrityError), transaction.atomic():
        contract.missions.filter(mission="parcours").update(started_on=dt.date(2019, 1, 1))


@pytest.mark.parametrize("role,linked", [("leader", True), ("cpam", True), ("urps", False)])
def test_the_project_page_leads_each_party_to_the_contract(client, prepared, role, linked):
    contract, people = prepared
    client.force_login(people[role])
    page = client.get(reverse("projects:detail", args=[contract.project_id])).content.decode()
    assert (reverse("funding:contract", args=[contract.pk]) in page) == linked
