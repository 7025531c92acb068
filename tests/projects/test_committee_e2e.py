"""In Chromium: the committee page of each role with its forms (opinion with no value chosen,
members, attendance, documents) has no WCAG violation axe can find, and a leader's page names
their own project only."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import committees
from tests.browser import ARTIFACTS, chromium_context, log_in
from tests.cpts_portal.test_accessibility import audit

from .committee_world import BETA, TwoItems, pdf_upload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_committee_pages_in_the_browser(live_server, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    two = TwoItems(world, meets_at=timezone.now() - dt.timedelta(hours=1))
    committees.record_opinion(two.committee, two.alpha, world.cpam, value="favorable")
    committees.record_opinion(two.committee, two.alpha, world.cpam, value="reserves")
    committees.add_document(two.committee, world.ars_dd, title="Ordre du jour", file=pdf_upload())
    url = live_server.url + reverse("projects:committee", args=[two.committee.pk])
    found = {}
    with chromium_context() as context:
        page = context.new_page()
        for role, user in (
            ("ars_dd", world.ars_dd),
            ("cpam", world.cpam),
            ("leader", two.leader_alpha),
        ):
            context.clear_cookies()
            log_in(context, live_server.url, user)
            assert page.goto(url).status == 200
            page.screenshot(path=str(ARTIFACTS / f"committee-{role}.png"), full_page=True)
            if violations := audit(page):
                found[role] = violations
            checked = page.locator(f"input[name='p{two.alpha.pk}-value']:checked").count()
            assert checked == 0
            if role == "leader":
                assert BETA not in page.content()
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
