"""Debian's Chromium: an ARS siège agent brings in existing CPTS (preview, then confirmation)."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import OrganisationKind
from funding.models import Contract
from tests.browser import ARTIFACTS, chromium_page, log_in
from tests.world import fresh_departement, institution_user, row_of_communes

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(live_server):
    # live_server flushes tables between tests: the grids of the data migration go too.
    call_command("load_funding_grids", stdout=StringIO())
    with chromium_page() as page:
        yield page


def test_ars_previews_then_confirms_an_import(live_server, page, tmp_path):
    communes = row_of_communes(fresh_departement(), 3)
    dept, codes = communes[0].departement, [c.insee for c in communes]
    ars = institution_user(OrganisationKind.ARS, dept)
    bad = tmp_path / "mauvais.csv"
    bad.write_text(f"nom;departement;communes;etat\nCPTS X;{dept.code};{codes[0]};inconnu\n")
    good = tmp_path / "existant.csv"
    good.write_text(
        "nom;departement;communes;etat;aci_signe_le;membres\n"
        f"CPTS du Lac;{dept.code};{codes[0]} {codes[1]};aci_signe;15/09/2021;40\n"
        f"CPTS des Prés;{dept.code};{codes[2]};ps_valide;;\n",
        encoding="utf-8-sig",
    )
    log_in(page.context, live_server.url, ars)
    page.goto(f"{live_server.url}/financement/contrats/")
    page.click("text=Reprise des CPTS existantes")
    page.set_input_files("input[type=file]", str(bad))
    page.click("text=Vérifier le fichier")
    assert "Ligne 2, colonne « etat »" in page.inner_text("#reprise-errors")
    page.set_input_files("input[type=file]", str(good))
    page.click("text=Vérifier le fichier")
    assert page.locator("#reprise-preview tbody tr").count() == 2
    page.screenshot(path=str(ARTIFACTS / "reprise-preview.png"), full_page=True)
    assert not Contract.objects.exists()
    page.click("text=Confirmer l'import de 2 CPTS")
    assert page.get_by_text("2 CPTS importée(s)").is_visible()
    contract = Contract.objects.get(project__name="CPTS du Lac")
    assert contract.imported and contract.members == 40
