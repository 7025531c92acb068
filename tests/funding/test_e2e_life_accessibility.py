"""axe-core (WCAG 2 A/AA) on the contract's life pages, as the CPTS and the CPAM see them."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from funding import evaluations
from tests.browser import chromium_page, log_in
from tests.cpts_portal.test_accessibility import audit
from tests.funding.contract_life import contract_in_life, full_declaration, report_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_contract_life_pages_have_no_wcag_violation(live_server):
    call_command("load_funding_grids", stdout=StringIO())
    life = contract_in_life()
    pk = life.contract.pk
    evaluations.save_evaluation(
        life.contract, life.leader, 2, report=report_pdf(), **full_declaration(life)
    )
    evaluations.submit_evaluation(life.contract, life.leader, 2)
    pages = {
        life.leader: [("funding:evaluation", pk, 1), ("funding:contract", pk)],
        life.cpam: [
            ("funding:contract", pk),
            ("funding:evaluation", pk, 2),
            ("funding:payments", pk),
            ("funding:late_payments",),
        ],
    }
    found = {}
    with chromium_page() as page:
        for user, names in pages.items():
            page.context.clear_cookies()
            log_in(page.context, live_server.url, user)
            for name, *args in names:
                url = reverse(name, args=args)
                assert page.goto(live_server.url + url).status == 200, url
                violations = audit(page)
                if violations:
                    found[f"{user} {url}"] = violations
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
