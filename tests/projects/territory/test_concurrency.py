"""Two leaders filing letters whose territories share a commune, at the same moment."""

import threading
import time

import pytest
from django.db import connection, transaction

from projects import services as workflow
from projects import territory as services
from projects.services import WorkflowError
from projects.states import State
from tests.world import fill_letter, fresh_departement, new_project, row_of_communes


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_sharing_a_commune_cannot_both_pass():
    dept = fresh_departement()
    shared, own = row_of_communes(dept, 2)
    first, first_leader = new_project(dept, name="CPTS Première")
    second, second_leader = new_project(dept, name="CPTS Seconde")
    services.save_territory(first, first_leader, [shared.insee, own.insee])
    services.save_territory(second, second_leader, [shared.insee])
    fill_letter(first)
    fill_letter(second)
    results = {}
    first_checked = threading.Event()

    def file_first():
        try:
            with transaction.atomic():
                services.check_territory_for_submission(first)
                first_checked.set()
                time.sleep(0.5)  # the second leader files now, before we commit
                workflow.perform(first, "submit_li", first_leader)
            results["first"] = "déposée"
        finally:
            connection.close()

    def file_second():
        first_checked.wait(timeout=10)
        try:
            workflow.submit_letter(second, second_leader)
            results["second"] = "déposée"
        except WorkflowError as error:
            results["second"] = str(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_first), threading.Thread(target=file_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert results["first"] == "déposée"
    assert "autre CPTS" in results["second"] and shared.name in results["second"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (State.LI_DEPOSEE, State.EMERGENCE)
