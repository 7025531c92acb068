import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import OrganisationKind
from audit.models import AuditEntry
from funding import services
from funding.models import Contract, ContractAvenant, GridCell, GridVersion
from tests.factories import DepartementFactory, UserFactory
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


def _posted(page) -> dict:
    """What the admin change page would post back unchanged: its form and inline formsets."""
    forms = [page.context["adminform"].form]
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_grid_cell_edits_are_journalled_old_to_new(client):
    cell = GridCell.objects.get(grid__code="avenant_2", mission="parcours", part="fixed", size=2)
    staff = _staff(OrganisationKind.CPAM)
    client.force_login(staff)
    url = reverse("admin:funding_gridcell_change", args=[cell.pk])
    data = _posted(client.get(url))
    data.update(amount="36000.00", source="Contrat réel")
    assert client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(action="funding.grid_cell.save")
    assert entry.actor == staff and entry.organisation == staff.organisation
    assert entry.project_id is None and entry.target_id == cell.pk
    assert entry.changes["amount"] == ["35000.00", "36000.00"]
    assert entry.changes["source"][1] == "Contrat réel" and len(entry.changes) == 2


def test_list_editable_saves_are_journalled_too(client):
    cell = GridCell.objects.get(grid__code="aci_2019", mission="qualite", part="fixed", size=1)
    client.force_login(_staff(OrganisationKind.CPAM))
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(cell.pk),
        "form-0-amount": "8000.00",
        "form-0-to_confirm": "on",
        "_save": "Enregistrer",
    }
    url = reverse("admin:funding_gridcell_changelist") + f"?id__exact={cell.pk}"
    assert client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(action="funding.grid_cell.save", target_id=cell.pk)
    assert entry.changes == {"amount": ["7500.00", "8000.00"], "to_confirm": ["False", "True"]}


def test_cells_edited_and_deleted_within_their_grid_are_journalled(client):
    version = GridVersion.objects.get(code="aci_2019")
    cell = version.cells.get(mission="qualite", part="fixed", size=2)
    doomed = version.cells.get(mission="qualite", part="fixed", size=3)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:funding_gridversion_change", args=[version.pk])
    data = _posted(client.get(url))
    forms = {data[f"cells-{i}-id"]: i for i in range(version.cells.count())}
    data[f"cells-{forms[cell.pk]}-amount"] = "11000.00"
    data[f"cells-{forms[doomed.pk]}-DELETE"] = "on"
    data["label"] = "ACI CPTS du 20 juin 2019 (corrigée)"
    assert client.post(url, data).status_code == 302
    by_action = {e.action: e for e in AuditEntry.objects.all()}
    assert by_action["funding.grid_cell.save"].changes == {"amount": ["10000.00", "11000.00"]}
    assert by_action["funding.grid_cell.delete"].changes["amount"] == ["15000.00", None]
    assert by_action["funding.grid.save"].changes["label"][1].endswith("(corrigée)")
    assert not GridCell.objects.filter(pk=doomed.pk).exists()


def test_other_staff_edits_nothing_and_leave_no_entry(client):
    cell = GridCell.objects.filter(grid__code="aci_2019").first()
    client.force_login(_staff(OrganisationKind.ARS_DD))
    url = reverse("admin:funding_gridcell_change", args=[cell.pk])
    assert client.post(url, {"amount": "1"}).status_code == 403
    assert not AuditEntry.objects.exists()


@pytest.fixture
def contract(aci_project):
    project, leader, ars = aci_project
    return services.create_contract(project, ars, members=10)


def test_contracts_and_avenants_are_read_only_in_the_admin(client, contract):
    """Avenants are proposed and signed on the contract page, never entered here."""
    cpam = _staff(OrganisationKind.CPAM)
    cpam.organisation.departement = contract.project.departement
    cpam.organisation.save()
    client.force_login(cpam)
    url = reverse("admin:funding_contract_change", args=[contract.pk])
    assert client.get(url).status_code == 200
    data = {
        "members": "999",
        "avenants-TOTAL_FORMS": "1",
        "avenants-INITIAL_FORMS": "0",
        "avenants-0-number": "1",
        "avenants-0-summary": "Ajout de la mission qualité",
    }
    assert client.post(url, data).status_code == 403
    assert Contract.objects.get(pk=contract.pk).members == 10
    assert not ContractAvenant.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="funding.avenant").exists()
    for model in ("indicator", "crisisdeclaration", "preacisupport", "firgrant"):
        assert client.get(reverse(f"admin:funding_{model}_add")).status_code == 403
