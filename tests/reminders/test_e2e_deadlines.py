"""A leader and an ARS agent see their deadlines in the browser (Debian's Chromium)."""

import pytest

from projects.states import State
from tests.browser import ARTIFACTS, chromium_context, log_in
from tests.world import project_in_state

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_leader_and_ars_agent_see_the_opposition_deadline(live_server):
    project, leader, ars = project_in_state(State.PS_DEPOSE)
    project.refresh_from_db()
    expected = project.ps_deadline.strftime("%d/%m/%Y")
    for name, user in (("porteur", leader), ("ars", ars)):
        with chromium_context() as context:
            log_in(context, live_server.url, user)
            page = context.new_page()
            page.goto(f"{live_server.url}/echeances/?horizon=90")
            row = page.locator("tr", has_text=project.name)
            assert row.count() == 1
            assert expected in row.inner_text()
            assert "Fin du délai d'opposition" in row.inner_text()
            page.get_by_role("button", name="Créer mon adresse d'abonnement").click()
            assert page.locator("code", has_text="/echeances/calendrier/").count() == 1
            page.screenshot(path=str(ARTIFACTS / f"deadlines-{name}.png"), full_page=True)
