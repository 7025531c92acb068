"""Debian's Chromium: a yearly evaluation with a correction loop. The CPTS enters and submits,
the CPAM agent asks a correction, the CPTS fixes and resubmits, the CPAM agent closes the year
and reads the balance due."""

from io import StringIO

import pytest
from django.core.management import call_command

from funding.evaluation_models import EvaluationStatus, YearEvaluation
from tests.browser import ARTIFACTS, chromium_page, log_in
from tests.funding.contract_life import contract_in_life
from tests.world import MINIMAL_PDF

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(live_server):
    # live_server flushes tables between tests: the grids of the data migration go too.
    call_command("load_funding_grids", stdout=StringIO())
    with chromium_page() as page:
        yield page


def _as(page, base, user):
    page.context.clear_cookies()
    log_in(page.context, base, user)


def _status(page) -> str:
    return page.inner_text("#evaluation-status")


def test_cpam_agent_through_an_evaluation_with_a_correction_loop(live_server, page, tmp_path):
    life = contract_in_life()
    base, pk = live_server.url, life.contract.pk
    report = tmp_path / "rapport.pdf"
    report.write_bytes(MINIMAL_PDF)
    evaluation_url = f"{base}/financement/contrats/{pk}/evaluations/1/"
    field = f"#id_ind_{life.indicator.pk}"

    # The CPTS declares (a value too low) and submits.
    _as(page, base, life.leader)
    page.goto(evaluation_url)
    page.fill(field, "60")
    for spending in page.locator("input[name^=dep_]").all():
        spending.fill("1500")
    page.set_input_files("#id_activity_report", str(report))
    page.click("#evaluation-form button[type=submit]")
    page.click("#evaluation-submit")
    assert _status(page) == EvaluationStatus.SUBMITTED.label

    # The CPAM agent finds it from the contract page and asks a correction.
    _as(page, base, life.cpam)
    page.goto(f"{base}/financement/contrats/{pk}/")
    page.click("#evaluations a")
    assert page.locator("#evaluation-values").inner_text().count("60") >= 1
    page.fill("#id_comment", "Le nombre de patients inclus est de 75 selon le rapport.")
    page.click("#evaluation-corrections")
    assert _status(page) == EvaluationStatus.CORRECTIONS.label

    # The CPTS fixes the value and resubmits.
    _as(page, base, life.leader)
    page.goto(evaluation_url)
    assert "selon le rapport" in page.inner_text("#evaluation-history")
    page.fill(field, "75")
    page.click("#evaluation-form button[type=submit]")
    page.click("#evaluation-submit")
    assert _status(page) == EvaluationStatus.SUBMITTED.label

    # The CPAM agent closes the year: variable part and balance computed.
    _as(page, base, life.cpam)
    page.goto(evaluation_url)
    page.click("#evaluation-close")
    assert page.locator("#evaluation-status").count() == 0  # closing is final: confirm first
    page.click("#confirm-evaluation-close")
    assert _status(page) == EvaluationStatus.CLOSED.label
    amounts = "".join(page.inner_text("#evaluation-amounts").split())
    assert "29750,00" in amounts and "21000,00" in amounts
    assert page.locator("#evaluation-history li").count() == 4
    page.screenshot(path=str(ARTIFACTS / "funding-evaluation.png"), full_page=True)
    assert YearEvaluation.objects.get().balance == 29750
