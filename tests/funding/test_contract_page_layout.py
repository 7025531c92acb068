"""The contract page opens on its summary (per contract year: due, paid, outstanding) and its
chart, whose text alternative is that table; the years themselves are folded (accordions)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from funding import year_chart
from funding.payments import YearRow
from tests.browser import ARTIFACTS, chromium_page, log_in
from tests.cpts_portal.test_accessibility import audit
from tests.funding.contract_life import contract_in_life

D = Decimal


def test_bars_are_proportional_and_recoveries_draw_nothing():
    rows = [
        YearRow(1, D("30000.00"), D("30000.00"), D("15000.00")),
        YearRow(2, D("60000.00"), D("0.00"), D("0.00")),
        YearRow(3, D("-1200.50"), D("0.00"), D("0.00")),
    ]
    chart = year_chart.year_chart(rows)
    full = year_chart.HEIGHT - year_chart.AXIS
    heights = [[b.height for b in y.bars] for y in chart["years"]]
    assert heights == [[full // 2, full // 4], [full, 0], [0, 0]]
    for y in chart["years"]:
        for b in y.bars:
            assert b.y + b.height == chart["base"]  # every bar stands on the axis
    assert year_chart.year_chart([])["years"] == []


@pytest.mark.django_db
def test_summary_comes_first_and_the_chart_has_its_text_alternative(client):
    life = contract_in_life()
    client.force_login(life.cpam)
    page = client.get(reverse("funding:contract", args=[life.contract.pk])).content.decode()
    main = page[page.index("<h1") :]
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", main)
    assert headings[0] == "Synthèse : versements par année de contrat"
    summary, chart = main.index('id="money-summary"'), main.index('id="year-chart"')
    assert summary < chart < main.index('id="contract-years"') < main.index('id="avenants"')
    # The chart names its title and description, and says where its figures are in text.
    svg = re.search(r"<svg[^>]*>", main).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="year-chart-title year-chart-desc"' in svg
    assert 'id="year-chart-title"' in main and 'id="year-chart-desc"' in main
    assert "tableau « Synthèse : versements par année de contrat »" in main
    # One bar per year for the schedule, one for what was paid: the five years.
    assert main.count('class="bar bar-scheduled"') == 5
    assert main.count('class="bar bar-paid"') == 5
    # The years are folded, each in its DSFR accordion.
    assert len(re.findall(r'aria-controls="year-\d"', main)) == 5


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_contract_page_fits_in_a_few_screens(live_server):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_funding_grids", stdout=StringIO())
    life = contract_in_life()
    with chromium_page(width=1280) as page:
        log_in(page.context, live_server.url, life.cpam)
        page.goto(live_server.url + reverse("funding:contract", args=[life.contract.pk]))
        height = page.evaluate("document.documentElement.scrollHeight")
        page.screenshot(path=str(ARTIFACTS / "funding-contract-summary-1280.png"), full_page=True)
        assert page.locator("#year-chart svg").is_visible()
        assert not page.locator("#year-1").is_visible()  # folded until asked
        page.click('button[aria-controls="year-1"]')
        page.locator("#year-1").wait_for(state="visible")
        violations = {"contract": audit(page)}  # chart and an open accordion included
        preview = reverse("funding:termination_preview", args=[life.contract.pk])
        page.goto(f"{live_server.url}{preview}?terminated_on=2024-07-01")
        assert page.locator("#confirm-termination").is_visible()
        violations["termination confirmation"] = audit(page)
    assert height < 3500, height
    assert violations == {"contract": [], "termination confirmation": []}
