"""The fuzzer catches what it is there for: a 500, a refused submission that wrote, a stored
value out of bounds; and it reads forms as a browser does."""

import datetime as dt

import pytest

from accounts.models import ApiToken, OrganisationKind
from territories.models import Region
from tests.world import api_key

from .engine import Fuzzer, out_of_bounds
from .htmlforms import Field, Form, page_forms

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]


def form(action: str) -> Form:
    return Form("post", "http://testserver" + action, {"name": Field("name", "text")})


@pytest.mark.urls("tests.fuzz.broken_urls")
def test_a_server_error_is_caught(client):
    fuzzer = Fuzzer(client)
    fuzzer.fuzz_form(form("/crash/"), "someone")
    assert fuzzer.failures and all(
        route == "crash" and "500 ValueError" in what for route, what in fuzzer.failures
    )
    assert any("name='nul\\x00'" in what for _, what in fuzzer.failures)


@pytest.mark.urls("tests.fuzz.broken_urls")
def test_a_refused_submission_that_wrote_is_caught_and_rolled_back(client):
    fuzzer = Fuzzer(client)
    fuzzer.fuzz_form(form("/half/"), "someone")
    assert fuzzer.failures and all("refused (200) but wrote" in f for _, f in fuzzer.failures)
    assert not Region.objects.filter(code="R99").exists()  # each submission rolled back


def test_stored_values_out_of_bounds_are_named():
    api_key(OrganisationKind.CPAM)
    assert out_of_bounds(["accounts.ApiToken"]) == []
    ApiToken.objects.update(last_used_on=dt.date(9999, 12, 31))
    assert out_of_bounds(["accounts.ApiToken"]) == ["accounts.ApiToken.last_used_on = '9999-12-31'"]


def test_forms_are_read_as_a_browser_sends_them():
    html = """<form method="post" action="/x/"><input name="csrfmiddlewaretoken" value="t">
      <input type="date" name="d" value="2024-01-01" required><input name="m" inputmode="decimal">
      <select name="s"><option value="">--</option><option value="a" selected>A</option></select>
      <input type="checkbox" name="c" value="1"><input type="checkbox" name="c" value="2" checked>
      <textarea name="t">
texte</textarea><button type="submit">OK</button></form>
      <form><input type="search" name="q"></form>"""
    post, get = page_forms(html, "http://testserver/page/")
    assert post.action == "http://testserver/x/" and get.method == "get"
    assert {n: f.kind for n, f in post.fields.items()} == {
        "d": "date", "m": "number", "s": "select", "c": "checkbox", "t": "textarea",
    }  # fmt: skip
    assert post.baseline() == {"d": "2024-01-01", "m": "", "s": "a", "c": ["2"], "t": "texte"}
    assert post.fields["d"].required and post.fields["c"].multiple
