"""French dates for letters: "1er décembre 2026", one filter for every template."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from common.dates_fr import date_fr

pytestmark = pytest.mark.rules


def test_first_of_the_month_is_an_ordinal_and_months_are_french():
    assert date_fr(dt.date(2026, 12, 1)) == "1er décembre 2026"
    assert date_fr(dt.date(2026, 2, 2)) == "2 février 2026"
    assert date_fr(dt.date(2027, 8, 31)) == "31 août 2027"
    assert date_fr(None) == "" and date_fr("") == ""


def test_an_instant_is_read_in_paris():
    late_utc = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)  # already 1 December in Paris
    assert date_fr(late_utc) == "1er décembre 2026"
    assert date_fr(late_utc, with_time=True) == "1er décembre 2026 à 0 h 30"
    summer = dt.datetime(2026, 7, 1, 9, 5, tzinfo=ZoneInfo("Europe/Paris"))
    assert date_fr(summer, with_time=True) == "1er juillet 2026 à 9 h 05"


def test_template_filter():
    template = Template('{% load dates_fr %}{{ d|date_fr }} / {{ t|date_fr:"heure" }}')
    moment = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    text = template.render(Context({"d": dt.date(2026, 10, 1), "t": moment}))
    assert text == "1er octobre 2026 / 1er mars 2026 à 9 h 00"
