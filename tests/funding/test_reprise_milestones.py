"""What an existing CPTS already did, brought in with it: mission starts and deployments, crisis
plans and yearly evaluations; so an imported contract shows no false overdue deadline, while one
imported without them keeps its deadlines open until the CPAM records them."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import OrganisationKind
from audit.models import AuditEntry
from funding import evaluations, milestones
from funding.base import FundingError
from funding.followup_models import Milestone, MilestoneKind
from funding.models import Contract
from funding.reprise import COLUMNS, ImportRefused, import_file
from projects.deadlines import add_months
from projects.models import Project
from reminders.collect import deadlines_for
from tests.world import fresh_departement, institution_user, row_of_communes, today

pytestmark = pytest.mark.django_db
SOCLE = ("acces_soins", "parcours", "prevention", "crise_sanitaire")
BASE = ["nom", "departement", "communes", "etat", "aci_signe_le"]
DONE = [
    *(f"demarrage_{m}" for m in SOCLE),
    *(f"deploiement_{m}" for m in SOCLE),
    "plans_crise_remis",
    "evaluations_faites",
]


@pytest.fixture
def place():
    communes = row_of_communes(fresh_departement(), 4)
    return communes[0].departement, [c.insee for c in communes]


def three_years_ago() -> dt.date:
    """Signed 37 months ago: years 1 to 3 ended (evaluations and crisis plans 1–3 past due),
    year 4 under way."""
    return add_months(today(), -37)


def done_values(signed: dt.date) -> list:
    starts = [add_months(signed, 2)] * 4
    deployed = [add_months(signed, 14)] * 4
    return [*starts, *deployed, 3, 3]


def csv_of(header, *rows) -> bytes:
    text = "\n".join(";".join(str(c) for c in row) for row in [header, *rows])
    return ("\ufeff" + text + "\n").encode()


def overdue(project) -> list[str]:
    items = deadlines_for(Project.objects.filter(pk=project.pk))
    return sorted({d.kind for d in items if d.is_overdue(today())})


def test_a_three_year_old_contract_with_its_milestones_shows_nothing_overdue(place, client):
    dept, codes = place
    signed = three_years_ago()
    header = [*BASE, *DONE]
    with_dates = ["CPTS À jour", dept.code, codes[0], "aci_signe", signed, *done_values(signed)]
    without = ["CPTS Sans dates", dept.code, codes[1], "aci_signe", signed, *[""] * len(DONE)]
    ars = institution_user(OrganisationKind.ARS, region=dept.region)
    import_file(csv_of(header, with_dates, without), "existant.csv", ars)

    up_to_date = Project.objects.get(name="CPTS À jour")
    assert overdue(up_to_date) == []
    contract = Contract.objects.get(project=up_to_date)
    starts = dict(contract.missions.values_list("mission", "started_on"))
    assert starts == dict.fromkeys(SOCLE, add_months(signed, 2))
    kinds = sorted(contract.milestones.values_list("kind", "mission", "year"))
    assert kinds.count(("evaluation_before", "", 1)) == 1
    assert len(kinds) == 4 + 4 + 3 + 3
    assert {m.done_by for m in contract.milestones.all()} == {ars}
    entry = AuditEntry.objects.get(action="funding.contract.import", project_id=up_to_date.pk)
    assert "évaluations des années 1 à 3" in entry.changes["jalons repris"][1]
    # The years evaluated before the portal are not evaluated again on it; year 3 neither.
    assert evaluations.evaluable_years(contract, today()) == []

    # Without them: the current behaviour, every past milestone flagged until recorded.
    flagged = overdue(Project.objects.get(name="CPTS Sans dates"))
    assert flagged == [
        "crisis_plan",
        *(f"deploy_{m}" for m in sorted(SOCLE)),
        "evaluation",
        *(f"start_{m}" for m in sorted(SOCLE)),
    ]

    cpam = institution_user(OrganisationKind.CPAM, dept)
    client.force_login(cpam)
    page = client.get(reverse("reminders:list"))
    names = {d.project_name for d, _, late, _ in page.context["rows"] if late}
    assert names == {"CPTS Sans dates"}
    detail = client.get(reverse("funding:contract", args=[contract.pk])).content.decode()
    assert "faite avant le portail (reprise de l&#x27;existant)" in detail


def test_the_same_columns_in_xlsx_from_the_command_line(place):
    dept, codes = place
    signed = three_years_ago()
    book = Workbook()
    sheet = book.active
    sheet.append([*BASE, "demarrage_acces_soins", "deploiement_acces_soins", "evaluations_faites"])
    start = dt.datetime.combine(add_months(signed, 1), dt.time())
    sheet.append(["CPTS Tableur", dept.code, codes[0], "aci_signe", signed, start, None, 2])
    out = io.BytesIO()
    book.save(out)
    path = f"/tmp/reprise-{dept.code}.xlsx"
    with open(path, "wb") as f:
        f.write(out.getvalue())
    call_command("import_cpts", path)
    contract = Contract.objects.get(project__name="CPTS Tableur")
    assert contract.missions.get(mission="acces_soins").started_on == add_months(signed, 1)
    assert contract.missions.get(mission="parcours").started_on is None
    rows = contract.milestones.all()
    assert sorted((m.kind, m.year) for m in rows) == [
        ("evaluation_before", 1), ("evaluation_before", 2), ("mission_started", 0),
    ]  # fmt: skip
    assert {m.done_by for m in rows} == {None}  # the command, run for no one
    assert evaluations.evaluable_years(contract, today()) == [3]
    kinds = overdue(contract.project)
    assert "start_acces_soins" not in kinds and "start_parcours" in kinds
    assert "deploy_acces_soins" in kinds and "evaluation" in kinds  # year 3 not done


def test_errors_name_line_and_column_in_french_and_write_nothing(place):
    dept, codes = place
    signed = three_years_ago()
    future = today() + dt.timedelta(days=3)
    header = [*BASE, "missions_optionnelles", "demarrage_parcours", "deploiement_parcours",
              "demarrage_accompagnement", "plans_crise_remis", "evaluations_faites"]  # fmt: skip
    rows = [
        ["A", dept.code, codes[0], "aci_signe", signed, "", signed - dt.timedelta(days=1),
         "", "", "", ""],
        ["B", dept.code, codes[1], "aci_signe", signed, "", future, "", signed, "5", "4"],
        ["C", dept.code, codes[2], "aci_signe", signed, "", "", signed, "", "x", "-1"],
        ["D", dept.code, codes[3], "ps_valide", "", "", signed, "", "", "", "1"],
        ["E", dept.code, "", "aci_signe", signed, "", "32/13/2024", "", "", "", ""],
    ]  # fmt: skip
    with pytest.raises(ImportRefused) as refused:
        import_file(csv_of(header, *rows), "f.csv", None)
    errors = [str(e) for e in refused.value.errors]
    expected = [
        "Ligne 2, colonne « demarrage_parcours » : date antérieure à la signature de l'ACI",
        "Ligne 3, colonne « demarrage_parcours » : date dans le futur",
        "Ligne 3, colonne « demarrage_accompagnement » : mission absente du contrat",
        "Ligne 3, colonne « plans_crise_remis » : nombre d'années de 0 à 4 attendu",
        "Ligne 3, colonne « evaluations_faites » : nombre d'années de 0 à 3 attendu",
        "Ligne 4, colonne « deploiement_parcours » : déploiement sans démarrage antérieur",
        "Ligne 4, colonne « plans_crise_remis » : nombre d'années de 0 à 4 attendu",
        "Ligne 4, colonne « evaluations_faites » : nombre d'années de 0 à 3 attendu",
        "Ligne 5, colonne « demarrage_parcours » : réservée à l'état « ACI signé »",
        "Ligne 5, colonne « evaluations_faites » : réservée à l'état « ACI signé »",
        "Ligne 6, colonne « demarrage_parcours » : date « 32/13/2024 » illisible",
    ]
    for start in expected:
        assert any(e.startswith(start) for e in errors), (start, errors)
    assert not Project.objects.filter(departement=dept).exists()
    assert not Milestone.objects.exists()


def test_the_columns_are_documented_on_the_page_and_in_the_readme(client, place):
    dept, _ = place
    client.force_login(institution_user(OrganisationKind.ARS, region=dept.region))
    html = client.get(reverse("funding:reprise")).content.decode()
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for column in [*DONE, "demarrage_qualite", "demarrage_accompagnement"]:
        assert column in COLUMNS and f"<code>{column}</code>" in html
    for documented in ("demarrage_<mission>", "deploiement_<mission>", "plans_crise_remis",
                       "evaluations_faites"):  # fmt: skip
        assert f"`{documented}`" in readme
        assert documented.replace("<", "&lt;").replace(">", "&gt;") in html


def test_the_cpam_cannot_mark_an_evaluation_made_before_the_portal(place):
    dept, codes = place
    signed = three_years_ago()
    import_file(csv_of([*BASE], ["CPTS", dept.code, codes[0], "aci_signe", signed]), "f.csv", None)
    contract = Contract.objects.get(project__name="CPTS")
    cpam = institution_user(OrganisationKind.CPAM, dept)
    with pytest.raises(FundingError):
        milestones.mark_milestone(
            contract, cpam, kind=MilestoneKind.EVALUATION_BEFORE, done_on=today(), year=1
        )
    assert not Milestone.objects.exists()
    assert evaluations.evaluable_years(contract, today()) == [1, 2, 3]
