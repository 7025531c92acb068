import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import OrganisationKind
from funding.models import GridCell
from tests.factories import DepartementFactory
from tests.world import institution_user

pytestmark = pytest.mark.django_db


def _staff(kind):
    user = institution_user(kind, DepartementFactory(), is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="funding"))
    return user


def test_assurance_maladie_staff_edit_grid_cells(client):
    cell = GridCell.objects.get(grid__code="avenant_2", mission="acces_soins", part="fixed", size=3)
    client.force_login(_staff(OrganisationKind.CPAM))
    listing = client.get(reverse("admin:funding_gridcell_changelist"), {"to_confirm__exact": "1"})
    assert listing.status_code == 200 and "à confirmer" in listing.content.decode()
    url = reverse("admin:funding_gridcell_change", args=[cell.pk])
    data = {
        "grid": cell.grid_id,
        "mission": cell.mission,
        "part": cell.part,
        "size": cell.size,
        "amount": "21000.00",
        "label": "",
        "earned_by": "indicators",
        "source": "Contrat réel de la CPAM",
        "to_confirm": "",
    }
    assert client.post(url, data).status_code == 302
    cell.refresh_from_db()
    assert cell.amount == 21_000 and not cell.to_confirm


def test_other_staff_only_read_grids(client):
    cell = GridCell.objects.filter(grid__code="aci_2019").first()
    client.force_login(_staff(OrganisationKind.ARS_DD))
    url = reverse("admin:funding_gridcell_change", args=[cell.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"amount": "1"}).status_code == 403
