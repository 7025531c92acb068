"""Debian's Chromium: an avenant proposed by the CPAM, signed by the three parties each for
itself, and the contract page showing the new terms."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser import ARTIFACTS, chromium_context, log_in
from tests.cpts_portal.test_accessibility import audit
from tests.world import make_aci_project, signed_contract

pytestmark = pytest.mark.e2e


def _as(context, live_server, user, contract):
    context.clear_cookies()
    log_in(context, live_server.url, user)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/financement/contrats/{contract.pk}/")
    return page


def _sign(page, party, day="2025-01-20"):
    form = page.locator("#avenant-1 form.avenant-sign")
    form.locator("select[name=av1-party]").select_option(party)
    form.locator("input[name=av1-signed_on]").fill(day)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".fr-alert--success, .fr-alert--info").first.is_visible()


def test_an_avenant_signed_by_the_three_parties(live_server):
    call_command("load_funding_grids", stdout=StringIO())  # live_server flushed the grids
    project, leader, ars = make_aci_project()
    contract, cpam = signed_contract(project, ars, members=30, signed_on=dt.date(2023, 2, 6))
    with chromium_context() as context:
        page = _as(context, live_server, cpam, contract)
        assert page.inner_text("#terms-size") == "2"
        page.click("#avenant-propose summary")
        page.fill("#id_summary", "Population en hausse : passage en taille 3")
        page.fill("#id_effective_on", "2025-02-06")
        page.select_option("#id_size", "3")
        page.fill("#id_members", "45")
        page.click("#avenant-propose button[type=submit]")
        page.wait_for_load_state()
        assert "en attente de signatures" in page.inner_text("#avenant-1").lower()
        # Each party signs for itself: the CPAM is offered its own party only.
        options = page.locator("#avenant-1 select[name=av1-party] option").all_inner_texts()
        assert options == ["CPAM"]
        assert audit(page) == []  # WCAG 2.1 A/AA rules (axe), forms and tables included
        _sign(page, "cpam")
        page.close()

        page = _as(context, live_server, leader, contract)
        assert page.locator("#avenant-propose").count() == 0  # a leader proposes nothing
        _sign(page, "cpts")
        assert "en attente de signatures" in page.inner_text("#avenant-1").lower()
        page.close()

        page = _as(context, live_server, ars, contract)
        _sign(page, "ars")
        card = page.inner_text("#avenant-1").lower()
        assert "en vigueur depuis le 20/01/2025" in card
        assert "à partir de l'année 3" in card
        assert page.inner_text("#terms-size") == "3"
        assert page.inner_text("#terms-members") == "45"
        assert audit(page) == []
        page.screenshot(path=str(ARTIFACTS / "funding-avenant.png"), full_page=True)
