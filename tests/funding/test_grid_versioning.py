"""Grid versioning: a version paying a started contract year is frozen (read-only in the admin
and in `grid_edits`); a correction is a new version in force from a later date, which only the
years starting after it take."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from audit.models import AuditEntry
from funding import grid_edits, terms
from funding.base import FundingError
from funding.grid_freeze import frozen_codes
from funding.grid_store import GRID_DIR
from funding.models import Contract, GridCell, GridVersion
from tests.factories import DepartementFactory, UserFactory
from tests.world import institution_user, make_aci_project, signed_contract

pytestmark = pytest.mark.django_db
SIGNED = dt.date(2023, 2, 6)  # on avenant 2; years 1-4 started by December 2026


@pytest.fixture
def contract():
    project, leader, ars = make_aci_project()
    return signed_contract(project, ars, members=10, signed_on=SIGNED)[0]


@pytest.fixture
def am():
    user = institution_user(OrganisationKind.CPAM, DepartementFactory(), is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="funding"))
    return user


def _cell(code="avenant_2", mission="parcours", part="fixed", size=2):
    return GridCell.objects.get(grid__code=code, mission=mission, part=part, size=size)


def _year_total(contract, year):
    lines = terms.entitlements(Contract.objects.filter(pk=contract.pk))[contract.pk][year]
    return sum(x.maximum for x in lines)


def test_only_versions_paying_a_started_year_are_frozen(contract):
    assert frozen_codes() == {"avenant_2"}
    assert frozen_codes(today=SIGNED - dt.timedelta(days=1)) == set()


def test_a_2020_contract_freezes_both_grids():
    project, leader, ars = make_aci_project()
    signed_contract(project, ars, members=10, signed_on=dt.date(2020, 9, 15))
    assert frozen_codes() == {"aci_2019", "avenant_2"}
    assert frozen_codes(today=dt.date(2022, 9, 14)) == {"aci_2019"}


def test_a_frozen_cell_cannot_be_edited_and_the_entitlement_stays(contract, am):
    before = _year_total(contract, 2)
    cell = _cell()
    cell.amount = Decimal("99999")
    with pytest.raises(FundingError, match="nouvelle version"):
        grid_edits.save_cell(cell, am)
    with pytest.raises(FundingError):
        grid_edits.delete_cell(_cell(), UserFactory(is_superuser=True))
    assert _cell().amount == Decimal("35000.00") and _year_total(contract, 2) == before
    assert not AuditEntry.objects.filter(action__startswith="funding.grid").exists()


def test_a_frozen_version_cannot_be_edited(contract, am):
    version = GridVersion.objects.get(code="avenant_2")
    version.majoration_rate = Decimal("0.5")
    with pytest.raises(FundingError):
        grid_edits.save_version(version, am)
    assert GridVersion.objects.get(code="avenant_2").majoration_rate == Decimal("0.1")


def test_an_unused_version_stays_editable(am):
    cell = _cell()
    cell.amount = Decimal("36000")
    grid_edits.save_cell(cell, am)
    assert _cell().amount == Decimal("36000.00")


def _new_version(valid_from, user):
    version = GridVersion(
        code="avenant_3",
        label="Avenant 3 (essai)",
        valid_from=valid_from,
        missions=GridVersion.objects.get(code="avenant_2").missions,
    )
    return grid_edits.save_version(version, user)


def test_a_new_version_reaches_no_started_year(contract, am):
    today = timezone.localdate()
    with pytest.raises(FundingError, match="au plus tôt demain"):
        _new_version(today, am)
    assert not GridVersion.objects.filter(code="avenant_3").exists()
    version = _new_version(today + dt.timedelta(days=1), am)
    with pytest.raises(FundingError):  # nor by moving its date back
        version.valid_from = dt.date(2023, 1, 1)
        grid_edits.save_version(version, am)


def test_a_new_version_pays_the_years_starting_after_it(contract, am):
    year_4, year_5 = _year_total(contract, 4), _year_total(contract, 5)
    version = _new_version(timezone.localdate() + dt.timedelta(days=1), am)
    for cell in GridCell.objects.filter(grid__code="avenant_2").exclude(part="one_off"):
        cell.pk, cell.grid = None, version
        cell.amount = cell.amount * 2 if cell.mission == "fonctionnement" else cell.amount
        grid_edits.save_cell(cell, am)
    assert _year_total(contract, 4) == year_4  # started (6 February 2026): unchanged
    assert _year_total(contract, 5) == year_5 + Decimal("60000.00")  # starts 6 February 2027


def test_the_admin_shows_a_frozen_grid_read_only(client, contract, am):
    client.force_login(am)
    cell = _cell()
    url = reverse("admin:funding_gridcell_change", args=[cell.pk])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    data = {"grid": cell.grid_id, "mission": cell.mission, "part": cell.part, "size": 2}
    assert client.post(url, {**data, "amount": "1", "earned_by": "indicators"}).status_code == 403
    version_url = reverse("admin:funding_gridversion_change", args=[cell.grid_id])
    version_page = client.get(version_url)
    assert not version_page.context["has_change_permission"]
    assert "Figée : elle paie des années de contrat commencées" in version_page.content.decode()
    unused = _cell(code="aci_2019")
    assert client.get(reverse("admin:funding_gridcell_change", args=[unused.pk])).context[
        "has_change_permission"
    ]
    assert _cell().amount == Decimal("35000.00")


def test_list_edits_of_a_frozen_cell_are_refused_with_a_message(client, contract, am):
    client.force_login(am)
    cell = _cell()
    url = reverse("admin:funding_gridcell_changelist")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(cell.pk),
        "form-0-amount": "1.00",
        "_save": "Enregistrer",
    }
    response = client.post(f"{url}?id__exact={cell.pk}", data)
    assert response.status_code == 200  # the form again, with the error
    assert "nouvelle version" in response.content.decode()
    assert _cell().amount == Decimal("35000.00")


def test_reloading_the_files_may_not_change_a_frozen_version(contract, am):
    GridCell.objects.filter(pk=_cell().pk).update(amount=Decimal("36000"))  # before freezing
    with pytest.raises(CommandError, match="nouvelle version"):
        call_command("load_funding_grids", "--overwrite")
    assert _cell().amount == Decimal("36000.00")
    call_command("load_funding_grids")  # without overwrite: nothing changes, nothing refused


@pytest.mark.parametrize("days_ahead,refused", [(-3 * 365, True), (1, False)])
def test_a_new_data_file_reaches_no_started_year(
    contract, tmp_path, monkeypatch, days_ahead, refused
):
    data = json.loads((GRID_DIR / "avenant_2.json").read_text(encoding="utf-8"))
    valid_from = timezone.localdate() + dt.timedelta(days=days_ahead)
    data.update(code="avenant_3", label="Avenant 3 (essai)", valid_from=valid_from.isoformat())
    path = tmp_path / "avenant_3.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(grid_edits, "grid_files", lambda: [path])
    if refused:
        with pytest.raises(CommandError, match="déjà commencées"):
            call_command("load_funding_grids")
    else:
        call_command("load_funding_grids")
    assert GridVersion.objects.filter(code="avenant_3").exists() is not refused
