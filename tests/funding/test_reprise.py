"""Bringing in the existing CPTS: `manage.py import_cpts` and `funding.reprise`."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from accounts.models import OrganisationKind
from audit.models import AuditEntry
from funding.models import Contract
from funding.reprise import ImportRefused, import_file
from projects import services as project_services
from projects.errors import WorkflowError
from projects.existing import ExistingCpts, import_existing
from projects.models import Project, ProjectEvent
from projects.states import State
from tests.world import (
    fresh_departement,
    institution_user,
    make_project,
    row_of_communes,
    today,
)

pytestmark = pytest.mark.django_db
HEADER = (
    "nom;departement;communes;etat;ps_recu_le;aci_signe_le;membres;"
    "missions_optionnelles;dispositif_snp"
)


@pytest.fixture
def place(db):
    """A département with eight communes of 10 000 inhabitants each (insee codes in order)."""
    communes = row_of_communes(fresh_departement(), 8)
    return communes[0].departement, [c.insee for c in communes]


def csv_file(*lines, header=HEADER, bom=True) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join([header, *lines]) + "\n").encode()


def write(path, content: bytes):
    path.write_bytes(content)
    return str(path)


def good_lines(dept, codes):
    d = dept.code
    return [
        f"CPTS Signée;{d};{codes[0]} {codes[1]};aci_signe;2021-03-02;2021-09-15;120;qualite;oui",
        f"CPTS Déposée;{d};{codes[2]};ps_depose;{today() - dt.timedelta(days=90)};;;;",
        f"CPTS Validée;{d};{codes[3]};Projet de santé validé;;;;;non",
    ]


def test_a_good_file_creates_each_cpts_in_its_state(place, tmp_path):
    dept, codes = place
    call_command(
        "import_cpts", write(tmp_path / "existant.csv", csv_file(*good_lines(dept, codes)))
    )
    signed = Project.objects.get(name="CPTS Signée")
    assert signed.state == State.ACI_SIGNE and signed.aci_signed_on == dt.date(2021, 9, 15)
    assert signed.population == 20_000 and signed.taille == 1
    assert set(signed.communes.values_list("insee", flat=True)) == {codes[0], codes[1]}
    contract = Contract.objects.get(project=signed)
    assert contract.imported and contract.sequence == 1
    assert (contract.cpts_signed_on, contract.cpam_signed_on, contract.ars_signed_on) == (
        dt.date(2021, 9, 15),
    ) * 3
    assert contract.signed_on == dt.date(2021, 9, 15) and contract.grid.code == "aci_2019"
    assert contract.members == 120 and contract.snp_dispositif and contract.size == 1
    assert set(contract.missions.values_list("mission", flat=True)) >= {"qualite", "acces_soins"}
    assert not contract.missions.filter(mission="accompagnement").exists()
    deposited = Project.objects.get(name="CPTS Déposée")
    assert deposited.state == State.PS_DEPOSE and deposited.ps_deadline is not None
    assert Project.objects.get(name="CPTS Validée").state == State.PS_VALIDE  # by its label
    assert not Contract.objects.filter(project__name="CPTS Validée").exists()


def test_each_imported_cpts_has_its_history_entry_naming_who_and_the_file(place):
    dept, codes = place
    ars = institution_user(OrganisationKind.ARS, region=dept.region, first_name="Anne")
    import_file(csv_file(*good_lines(dept, codes)), "reprise-2026.csv", ars)
    for project in Project.objects.filter(departement=dept):
        event = ProjectEvent.objects.get(project=project)
        assert event.actor == ars and event.organisation == ars.organisation
        assert event.target == project.state and event.transition == "import_existing"
        assert "Reprise de l'existant" in event.reason and "reprise-2026.csv" in event.reason
        assert "Anne" in event.reason
        assert AuditEntry.objects.filter(project_id=project.pk, action="projects.import").exists()
    contract = Contract.objects.get(project__name="CPTS Signée")
    assert AuditEntry.objects.filter(action="funding.contract.import", target_id=contract.pk)


def test_command_line_import_names_the_system_account(place, tmp_path):
    dept, codes = place
    call_command("import_cpts", write(tmp_path / "f.csv", csv_file(good_lines(dept, codes)[1])))
    event = ProjectEvent.objects.get(project__name="CPTS Déposée")
    assert (
        event.actor is None and "commande import_cpts" in event.reason and "f.csv" in event.reason
    )


def test_comma_separated_without_bom_and_french_dates(place):
    dept, codes = place
    header = HEADER.replace(";", ",")
    line = f"CPTS Virgule,{dept.code},{codes[0]},aci_signe,,15/09/2021,5,,non"
    import_file(csv_file(line, header=header, bom=False), "v.csv", None)
    assert Project.objects.get(name="CPTS Virgule").aci_signed_on == dt.date(2021, 9, 15)


def test_xlsx_file(place):
    dept, codes = place
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    sheet.append(["CPTS Tableur", dept.code, codes[0], "aci_signe", None, dt.date(2022, 5, 2), 100])
    out = io.BytesIO()
    book.save(out)
    import_file(out.getvalue(), "tableur.xlsx", None)
    contract = Contract.objects.get(project__name="CPTS Tableur")
    assert contract.signed_on == dt.date(2022, 5, 2) and contract.grid.code == "avenant_2"
    assert contract.members == 100


def errors_of(content) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        import_file(content, "f.csv", None)
    return [str(e) for e in refused.value.errors]


def test_every_bad_line_is_reported_with_line_and_column_and_nothing_is_written(place):
    dept, codes = place
    future = today() + dt.timedelta(days=1)
    lines = [
        f"CPTS A;{dept.code};99999;ps_valide;;;;;",  # line 2: unknown commune
        f"CPTS B;{dept.code};{codes[1]};aci_signe;;{future};;;",  # 3: signature in the future
        f"CPTS C;{dept.code};{codes[2]};aci_signe;;2019-06-19;;;",  # 4: before the ACI
        f"CPTS D;{dept.code};{codes[3]};aci_signe;;;;;",  # 5: no signature date
        f"CPTS E;{dept.code};{codes[4]};ps_depose;;;;;",  # 6: no receipt date
        f"CPTS F;{dept.code};{codes[5]};ps_valide;;;-3;;",  # 7: negative members
        f"CPTS G;{dept.code};{codes[6]};en_cours;;;;;",  # 8: unknown state
        f"CPTS H;ZZ;{codes[7]};ps_valide;;;;;",  # 9: unknown département
        f"CPTS I;{dept.code};{codes[7]};ps_valide;;;;magie;",  # 10: unknown mission
        f"CPTS J;{dept.code};{codes[7]};ps_valide;;;;;peut-être",  # 11: bad yes/no
        f"CPTS K;{dept.code};{codes[7]};ps_valide;2026-13-01;;;;",  # 12: unreadable date
        f"CPTS L;{dept.code};{codes[7]};li_validee;2024-01-10;;;;",  # 13: no PS yet
        f"CPTS M;{dept.code};{codes[7]};ps_repute_valide;{today()};;;;",  # 14: clock running
        f"CPTS N;{dept.code};{codes[7]};ps_valide;;;²;;",  # 15: a digit, not a number
    ]
    errors = errors_of(csv_file(*lines))
    expected = [
        ("Ligne 2, colonne « communes »", "99999"),
        ("Ligne 3, colonne « aci_signe_le »", "futur"),
        ("Ligne 4, colonne « aci_signe_le »", "20 juin 2019"),
        ("Ligne 5, colonne « aci_signe_le »", "obligatoire"),
        ("Ligne 6, colonne « ps_recu_le »", "obligatoire"),
        ("Ligne 7, colonne « membres »", "-3"),
        ("Ligne 8, colonne « etat »", "en_cours"),
        ("Ligne 9, colonne « departement »", "ZZ"),
        ("Ligne 10, colonne « missions_optionnelles »", "magie"),
        ("Ligne 11, colonne « dispositif_snp »", "peut-être"),
        ("Ligne 12, colonne « ps_recu_le »", "illisible"),
        ("Ligne 13, colonne « ps_recu_le »", "sans objet"),
        ("Ligne 14, colonne « ps_recu_le »", "délai de deux mois en cours"),
        ("Ligne 15, colonne « membres »", "²"),
    ]
    assert len(errors) == len(expected)
    for error, (where, what) in zip(errors, expected, strict=True):
        assert error.startswith(where) and what in error, error
    assert not Project.objects.filter(departement=dept).exists()


def test_one_bad_line_among_good_ones_writes_nothing_and_the_command_fails(place, tmp_path):
    dept, codes = place
    bad = f"CPTS Mauvaise;{dept.code};{codes[7]};inconnu;;;;;"
    path = write(tmp_path / "f.csv", csv_file(*good_lines(dept, codes), bad))
    with pytest.raises(CommandError):
        call_command("import_cpts", path)
    assert not Project.objects.filter(departement=dept).exists()
    assert not Contract.objects.exists()


def test_overlaps_with_the_database_and_between_lines(place):
    dept, codes = place
    communes = list(dept.communes.order_by("insee"))
    make_project("CPTS En place", dept, State.LI_VALIDEE, communes=[communes[0]])
    make_project("CPTS Abandonnée", dept, State.ABANDONNE, communes=[communes[3]])
    lines = [
        f"CPTS Un;{dept.code};{codes[0]} {codes[1]};ps_valide;;;;;",
        f"CPTS Deux;{dept.code};{codes[2]};ps_valide;;;;;",
        f"CPTS Trois;{dept.code};{codes[2]} {codes[3]};ps_valide;;;;;",
    ]
    errors = errors_of(csv_file(*lines))
    assert len(errors) == 2
    assert errors[0].startswith("Ligne 2, colonne « communes »") and codes[0] in errors[0]
    assert errors[1].startswith("Ligne 4, colonne « communes »") and "ligne 3" in errors[1]


def test_header_errors_are_on_line_1(place):
    errors = errors_of(csv_file("x;y", header="nom;departement;etat;couleur"))
    assert "Ligne 1, colonne « couleur » : colonne inconnue." in errors
    assert "Ligne 1, colonne « communes » : colonne obligatoire absente." in errors
    assert errors_of(b"\xff\xfe garbage")[0].startswith("Ligne 1")
    assert errors_of(b"PK\x03\x04 not a zip")[0] == "Ligne 1 : fichier XLSX illisible."


def test_dry_run_checks_and_writes_nothing(place, tmp_path):
    dept, codes = place
    path = write(tmp_path / "f.csv", csv_file(*good_lines(dept, codes)))
    out = io.StringIO()
    call_command("import_cpts", path, "--dry-run", stdout=out)
    assert "3 CPTS à importer" in out.getvalue() and "rien n'a été écrit" in out.getvalue()
    assert not Project.objects.filter(departement=dept).exists()
    assert not AuditEntry.objects.filter(action="projects.import").exists()


def test_running_the_same_file_again_changes_nothing(place, tmp_path):
    dept, codes = place
    path = write(tmp_path / "f.csv", csv_file(*good_lines(dept, codes)))
    call_command("import_cpts", path)
    counts = (Project.objects.count(), ProjectEvent.objects.count(), AuditEntry.objects.count())
    out = io.StringIO()
    call_command("import_cpts", path, stdout=out)
    assert "0 CPTS importée(s), 3 déjà présente(s)" in out.getvalue()
    assert counts == (
        Project.objects.count(),
        ProjectEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_same_cpts_twice_in_a_file_is_an_error(place):
    dept, codes = place
    lines = [
        f"CPTS Double;{dept.code};{codes[0]};ps_valide;;;;;",
        f"cpts double ;{dept.code};{codes[1]};ps_valide;;;;;",
    ]
    assert errors_of(csv_file(*lines)) == ["Ligne 3, colonne « nom » : même CPTS que la ligne 2."]


def test_an_imported_filed_ps_received_over_two_months_ago_is_deemed_validated(place):
    dept, codes = place
    old, recent = today() - dt.timedelta(days=70), today() - dt.timedelta(days=20)
    lines = [
        f"CPTS Ancienne;{dept.code};{codes[0]};ps_depose;{old};;;;",
        f"CPTS Récente;{dept.code};{codes[1]};ps_depose;{recent};;;;",
    ]
    import_file(csv_file(*lines), "f.csv", None)
    assert project_services.sweep_implicit_validations() == 1
    assert Project.objects.get(name="CPTS Ancienne").state == State.PS_REPUTE_VALIDE
    assert Project.objects.get(name="CPTS Récente").state == State.PS_DEPOSE


def test_an_ars_siege_imports_only_in_its_region(place):
    dept, codes = place
    elsewhere = institution_user(OrganisationKind.ARS)  # another région
    with pytest.raises(ImportRefused) as refused:
        import_file(csv_file(good_lines(dept, codes)[2]), "f.csv", elsewhere)
    assert "colonne « departement »" in str(refused.value.errors[0])
    dd = institution_user(OrganisationKind.ARS_DD, dept)
    with pytest.raises(PermissionDenied):
        import_file(csv_file(good_lines(dept, codes)[2]), "f.csv", dd)
    assert not Project.objects.filter(departement=dept).exists()


def test_the_service_refuses_a_cpts_already_there_or_outside_the_ars_region(place):
    dept, codes = place
    commune = dept.communes.order_by("insee").first()
    make_project("CPTS Là", dept, State.ABANDONNE)
    row = ExistingCpts("cpts là", dept, [commune], State.PS_VALIDE)
    with pytest.raises(WorkflowError, match="Déjà dans le portail"):
        import_existing([row], None, source="test")
    other = ExistingCpts("CPTS Ailleurs", dept, [commune], State.PS_VALIDE)
    with pytest.raises(PermissionDenied):
        import_existing([other], institution_user(OrganisationKind.ARS), source="test")
    assert not Project.objects.filter(name="CPTS Ailleurs").exists()


def test_every_bad_cell_of_a_line_is_reported(place):
    dept, codes = place
    line = f";{dept.code};{codes[0]};aci_signe;;2019-01-01;beaucoup;magie;peut-être"
    errors = errors_of(csv_file(line))
    columns = [e.split("« ")[1].split(" »")[0] for e in errors]
    assert columns == ["nom", "aci_signe_le", "membres", "missions_optionnelles", "dispositif_snp"]
