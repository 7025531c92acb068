"""No page shows Django's « --------- » placeholder: filters say « Tous », forms « Choisir… »;
the Django admin neither (every registered admin, its inlines, its action select).

Every main page, as every role of a territory with something at every stage (the fuzzer's
world): the pages a role may not open answer 403/404/302 and are skipped."""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from dsfr.models import DsfrConfig

from accounts.models import SignatureDelegation
from accounts.tokens import create_token
from common import bounds
from common.labels import CHOOSE
from funding.evaluation_models import YearEvaluation
from funding.followup_models import Milestone, MilestoneKind, PaymentRecord
from funding.models import CrisisDeclaration, FirGrant, GridVersion, PreAciSupport
from projects.models import DocumentKind, IssuedDocument, MissingItemsRequest
from reminders.models import CalendarFeed, ReminderSent
from territories.models import Epci
from tests.fuzz.world import FuzzWorld

pytestmark = pytest.mark.django_db
DASHES = "---------"
PLAIN = [
    "projects:list", "projects:create", "projects:committees", "projects:committee_create",
    "projects:territories", "projects:institution_map", "funding:contracts", "funding:simulator",
    "funding:grids", "funding:crises", "funding:late_payments", "funding:reprise",
    "reminders:list", "pending_accounts",
]  # fmt: skip
PER_PROJECT = [
    "projects:detail", "projects:letter", "projects:association", "projects:health_project",
    "projects:territory", "projects:messages", "funding:roster", "funding:contract_create",
    "funding:pre_aci_grant", "funding:fir_grant",
]  # fmt: skip
PER_CONTRACT = ["funding:contract", "funding:payments", "funding:termination_preview"]
PER_CONTRACT_YEAR = ["funding:results", "funding:evaluation"]


def _urls(world) -> list[str]:
    urls = [reverse(name) for name in PLAIN]
    for project in world.projects.values():
        for name in PER_PROJECT:
            key = "project_pk" if name.startswith("funding:") else "pk"
            urls.append(reverse(name, kwargs={key: project.pk}))
    for contract in (world.contract, world.signed):
        urls += [reverse(name, args=[contract.pk]) for name in PER_CONTRACT]
        urls += [reverse(name, args=[contract.pk, 1]) for name in PER_CONTRACT_YEAR]
    urls.append(reverse("projects:committee", args=[world.committee.pk]))
    return urls


def test_no_page_shows_the_dashes_placeholder(client):
    world = FuzzWorld()
    urls = _urls(world)
    found = []
    for who, user in world.people.items():
        client.force_login(user)
        shown = 0
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            shown += 1
            if DASHES in response.content.decode():
                found.append(f"{who} {url}")
        assert shown >= 5, f"{who} saw too few pages for the test to mean anything"
    assert found == [], "\n".join(found)


def _one_row_of_each_admin_model(world):
    """A row for each admin model the fuzzer's world leaves empty, so that every change page
    renders (written directly: these are read-only in the admin, or the libraries' own)."""
    admin_user, ars = world.people["admin"], world.people["ars_dd"]
    contract, project = world.signed, world.projects["ps_depose"]
    day = dt.date(2024, 3, 1)
    access = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "x", "path_info": "/"}
    Group.objects.create(name="Gestionnaires")
    DsfrConfig.objects.create()
    AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**access)
    AccessFailureLog.objects.create(**access)
    TOTPDevice.objects.create(user=admin_user, name="téléphone")
    create_token(ars.organisation, "Tableau de bord", created_by=admin_user)
    SignatureDelegation.objects.create(
        organisation=ars.organisation, user=ars, quality="Directrice", starts_on=day
    )
    Epci.objects.create(code="200000001", name="CC du Val", kind="CC")
    IssuedDocument.objects.create(
        project=project, kind=DocumentKind.ACK_LI, reference="AR-1", file="documents/a.pdf",
        sha256="0" * 64, issued_at=timezone.now(),
    )  # fmt: skip
    MissingItemsRequest.objects.create(
        project=project, items="Statuts", requested_by=ars, due_on=bounds.today() + dt.timedelta(20)
    )
    CrisisDeclaration.objects.create(declared_on=day, label="Canicule", declared_by=ars)
    PreAciSupport.objects.create(
        project=project, granted_on=day, amount=1000, ps_due_on=day, granted_by=ars
    )
    FirGrant.objects.create(project=project, granted_on=day, amount=1000, granted_by=ars)
    YearEvaluation.objects.create(contract=contract, year=1)
    PaymentRecord.objects.create(
        contract=contract, year=1, kind="fixed", due_on=day, paid_on=day, amount=10,
        recorded_by=ars,
    )  # fmt: skip
    Milestone.objects.create(
        contract=contract, kind=MilestoneKind.CRISIS_PLAN, done_on=day, done_by=ars
    )
    ReminderSent.objects.create(key="ps:1", offset_days=7, recipient=ars)
    CalendarFeed.objects.create(user=ars)


def test_no_admin_page_shows_the_dashes_placeholder(client):
    """Every registered admin, ours and the libraries', and their inlines: add, change and
    list pages as a superuser; selects offer « Choisir… », list filters « Tous »."""
    world = FuzzWorld()
    _one_row_of_each_admin_model(world)
    client.force_login(world.people["admin"])
    found, empty, not_french = [], [], []
    pages, filtered = {}, 0  # filtered: list pages that show filters
    for model in admin.site._registry:
        obj = model._default_manager.first()
        if obj is None:
            empty.append(model._meta.label)
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        change = reverse(f"{name}_change", args=[obj.pk])
        changelist = reverse(f"{name}_changelist")
        for url in (reverse(f"{name}_add"), change, changelist):
            response = client.get(url)
            assert response.status_code in (200, 403), url  # 403: added elsewhere, not here
            pages[url] = response.content.decode()
            if DASHES in pages[url]:
                found.append(url)
        if any(spec.has_output() for spec in response.context["cl"].filter_specs):
            filtered += 1
            if ">Tous</a>" not in pages[changelist] or ">Tout</a>" in pages[changelist]:
                not_french.append(changelist)
    assert empty == [], "give these a row above: their change page is not checked"
    assert found == [], "\n".join(found)
    assert not_french == [] and filtered >= 5
    assert CHOOSE in pages[reverse("admin:accounts_organisation_add")]  # kind, région, …
    grid = GridVersion.objects.first()  # its cells inline: part and size selects
    assert CHOOSE in pages[reverse("admin:funding_gridversion_change", args=[grid.pk])]
