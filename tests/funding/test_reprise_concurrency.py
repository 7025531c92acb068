"""An import and an online LI submission taking the same commune at the same moment."""

import threading
import time

import pytest
from django.db import connection, transaction

from common.errors import UserError
from funding.reprise import import_file
from projects import services as workflow
from projects import territory
from projects.models import Project
from projects.states import State
from tests.world import fill_letter, fresh_departement, new_project, row_of_communes

HEADER = "nom;departement;communes;etat"


@pytest.mark.django_db(transaction=True)
def test_an_import_waits_for_a_submission_holding_its_commune_and_refuses():
    dept = fresh_departement()
    shared, own = row_of_communes(dept, 2)
    online, leader = new_project(dept, name="CPTS En ligne")
    territory.save_territory(online, leader, [shared.insee])
    fill_letter(online)
    results, checked = {}, threading.Event()

    def submit():
        try:
            with transaction.atomic():
                territory.check_territory_for_submission(online)  # locks the commune
                checked.set()
                time.sleep(0.5)  # the import runs now, before this commits
                workflow.perform(online, "submit_li", leader)
            results["online"] = "déposée"
        finally:
            connection.close()

    def bring_in():
        checked.wait(timeout=10)
        content = f"{HEADER}\nCPTS Reprise;{dept.code};{shared.insee} {own.insee};ps_valide\n"
        try:
            import_file(content.encode(), "f.csv", None)
            results["import"] = "importée"
        except UserError as error:
            results["import"] = str(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit), threading.Thread(target=bring_in)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert results["online"] == "déposée"
    assert "CPTS Reprise" in results["import"] and shared.name in results["import"]
    assert Project.objects.get(pk=online.pk).state == State.LI_DEPOSEE
    assert not Project.objects.filter(name="CPTS Reprise").exists()
