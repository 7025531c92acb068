"""Pre-contract grants and crises keep to their bounds, through the pages, the services and
the database (issue 17: a FIR amount above 10 digits, a pre-ACI grant dated 9999-12-31)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from funding import crises, grants, grid_edits
from funding.base import FundingError
from funding.models import CrisisDeclaration, FirGrant, GridCell, PreAciSupport
from projects.models import Project
from projects.states import State
from tests.world import institution_user, project_in_state

pytestmark = pytest.mark.django_db
TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()


@pytest.fixture
def association():
    project, leader, ars = project_in_state(State.ASSOCIATION_CONSTITUEE)
    Project.objects.filter(pk=project.pk).update(taille=1)
    return project, ars, institution_user(OrganisationKind.CPAM, project.departement)


def errors(response) -> str:
    return " ".join(m.message for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize(
    ("amount", "granted_on", "error"),
    [
        ("12345678901", "2024-01-10", "Assurez-vous"),  # above 10 digits
        ("10000000.01", "2024-01-10", "inférieure ou égale à 10000000"),
        ("0", "2024-01-10", "supérieure ou égale à 0.01"),
        ("NaN", "2024-01-10", "Saisissez un nombre"),
        ("35000", "2015-12-31", "26/01/2016"),
        ("35000", TOMORROW, "dans le futur"),
        ("35000", "9999-12-31", "dans le futur"),
    ],
)
def test_a_fir_grant_out_of_bounds_is_refused_in_french(
    client, association, amount, granted_on, error
):  # noqa: E501
    project, ars, _ = association
    client.force_login(ars)
    url = reverse("funding:fir_grant", args=[project.pk])
    response = client.post(url, {"granted_on": granted_on, "amount": amount, "note": ""})
    assert response.status_code == 302 and error in errors(response)
    assert not FirGrant.objects.exists()


@pytest.mark.parametrize(
    ("granted_on", "error"),
    [("9999-12-31", "dans le futur"), ("0001-01-01", "20/06/2019"), ("2019-06-19", "20/06/2019")],
)
def test_a_pre_aci_grant_out_of_bounds_is_refused_in_french(client, association, granted_on, error):  # noqa: E501
    project, _, cpam = association
    client.force_login(cpam)
    response = client.post(
        reverse("funding:pre_aci_grant", args=[project.pk]), {"granted_on": granted_on}
    )
    assert response.status_code == 302 and error in errors(response)
    assert not PreAciSupport.objects.exists()


def test_a_pre_aci_grant_before_any_grid_offers_it_is_refused(association):
    project, _, cpam = association
    with pytest.raises(FundingError, match="ne prévoit pas"):  # ACI 2019: no pre-ACI line
        grants.grant_pre_aci_support(project, cpam, dt.date(2020, 1, 1))


def test_services_refuse_what_their_forms_refuse(association):
    project, ars, _ = association
    with pytest.raises(FundingError, match="futur"):
        grants.record_fir_grant(project, ars, amount="35000", granted_on=dt.date(2100, 1, 1))
    with pytest.raises(FundingError, match="montant"):
        grants.record_fir_grant(project, ars, amount="1e400", granted_on=dt.date(2024, 1, 1))
    with pytest.raises(FundingError, match="20/06/2019"):
        crises.declare_crisis(
            ars, declared_on=dt.date(1, 1, 1), label="Canicule", departements=[project.departement]
        )
    assert not FirGrant.objects.exists() and not CrisisDeclaration.objects.exists()


def test_a_crisis_dated_year_9999_is_refused_on_the_page(client, association):
    project, ars, _ = association
    client.force_login(ars)
    data = {
        "declared_on": "9999-12-31",
        "label": "Canicule",
        "departements": [project.departement_id],
    }  # noqa: E501
    response = client.post(reverse("funding:crises"), data)
    assert response.status_code == 200 and "dans le futur" in response.content.decode()
    assert not CrisisDeclaration.objects.exists()


def test_the_database_refuses_what_slips_past_the_services(association):
    project, ars, _ = association
    cases = [
        lambda: FirGrant.objects.create(
            project=project, amount=Decimal("35000"), granted_on=dt.date(1, 1, 1), granted_by=ars
        ),
        lambda: FirGrant.objects.create(
            project=project, amount=Decimal("-1"), granted_on=dt.date(2024, 1, 1), granted_by=ars
        ),
        lambda: GridCell.objects.filter(pk=GridCell.objects.first().pk).update(
            amount=Decimal("99999999")
        ),
        lambda: Project.objects.filter(pk=project.pk).update(ps_deadline=dt.date(9999, 12, 31)),
        lambda: Project.objects.filter(pk=project.pk).update(taille=5),
    ]
    for write in cases:
        with pytest.raises(IntegrityError), transaction.atomic():
            write()


def test_grid_edits_keep_to_their_bounds_in_the_admin_and_the_service(client):
    cell = GridCell.objects.get(grid__code="avenant_2", mission="parcours", part="fixed", size=2)
    staff = institution_user(OrganisationKind.CPAM, is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="funding"))
    client.force_login(staff)
    url = reverse("admin:funding_gridcell_change", args=[cell.pk])
    data = {
        "grid": cell.grid_id, "mission": cell.mission, "part": cell.part, "size": cell.size,
        "amount": "10000000.01", "label": "", "earned_by": "indicators", "source": "",
        "to_confirm": "", "signed_before": "0001-01-01",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with its errors
    assert "inférieure ou égale à 10000000" in response.content.decode()
    cell.refresh_from_db()
    assert cell.amount == Decimal("35000.00")
    cell.signed_before = dt.date(9999, 12, 31)
    with pytest.raises(FundingError, match="dépasser le 31/12/2100"):
        grid_edits.save_cell(cell, staff)
    cell.refresh_from_db()
    assert cell.signed_before is None
