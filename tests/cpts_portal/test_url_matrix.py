"""Every URL of the URL conf × every role, from another territory and anonymous: no leak.

Generated from the resolver, so a new view is tested the day it is added: every URL parameter
must have candidate values below (an unknown one fails the test), and a view that forgets its
role/territory check shows the witness project of territory B to people of territory A.
The crawler then posts garbage to every form, as the people entitled to it: never a 500.
"""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from funding import services as funding_services
from projects import committees
from projects.collaboration import Attachment, CommitteeKind, Message
from projects.models import Project, ProjectEvent
from projects.states import State
from tests.world import (
    INSTITUTIONS,
    Territory,
    fresh_departement,
    institution_user,
    make_aci_project,
)
from tests.world import project_in_state as drive

WITNESS = "CPTS Témoin B"
MINIMAL_PDF = b"%PDF-1.4\n% CPTS Temoin B\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Open by design: reference data, public simulator, open data, authentication pages.
PUBLIC = {
    "healthz", "home", "signup", "signup_done", "activate", "login", "logout", "password_reset",
    "password_reset_done", "password_reset_confirm", "password_reset_complete",
    "funding:simulator", "funding:grids",
    "territories:commune_search", "territories:epci_communes", "api:open_projects",
    "api:open_projects_csv", "api:openapi-json", "api:api-root", "projects:invitation",
    "reminders:feed", "accessibility", "legal", "personal_data", "cookies",
}  # fmt: skip
# The JSON API authenticates by organisation token, not by session: tests/api/ covers it.
TOKEN_ONLY = re.compile(r"^api:")
STRING_VALUES = {
    "kind": ["li", "ps"],
    "name": ["validate_ps", "oppose_ps", "request_ps_items", "abandon", "submit_li"],
    "token": ["jeton-inconnu"],
    "secret": ["secret-inconnu"],
    "uidb64": ["MQ"],
    "provider": ["proconnect", "psc"],
}
GARBAGE = [
    {"*": "x" * 5000},
    {"*": "-1"},
    {"*": "2026-02-30"},
    {"*": "<script>alert(1)</script>'; DROP TABLE projects_project; --"},
    {"*": "\u0000\ufffd"},
]


def url_patterns(patterns=None, prefix="", namespace=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns != "admin":  # the Django admin checks staff status itself
                yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def concrete_urls(pattern: str, ints: list[int]) -> list[str]:
    """Every way to fill the pattern's parameters with the candidate values."""
    urls = ["/" + pattern.replace("^", "").replace("$", "")]
    for match in re.finditer(r"<(?:(\w+):)?(\w+)>", pattern):
        converter, param = match.groups()
        if converter == "int":
            values = [str(i) for i in ints]
        else:
            assert param in STRING_VALUES, f"add candidate values for URL parameter '{param}'"
            values = STRING_VALUES[param]
        urls = [u.replace(match.group(0), v, 1) for u in urls for v in values]
    return urls


class TerritoryB:
    """Everything territory B has: projects at several stages, committee, contract, files."""

    def __init__(self):
        self.dept = fresh_departement()
        project, self.leader, self.ars_dd = drive(State.PS_DEPOSE, self.dept)
        Project.objects.filter(pk=project.pk).update(name=WITNESS)
        self.project = Project.objects.get(pk=project.pk)
        self.project.association.statutes.save("statuts.pdf", ContentFile(MINIMAL_PDF))
        self.attachment = Attachment.objects.create(
            project=self.project, kind="ps", title=WITNESS, uploaded_by=self.leader,
            file=ContentFile(MINIMAL_PDF, name="piece.pdf"),
        )  # fmt: skip
        Message.objects.create(project=self.project, author=self.leader, body=WITNESS)
        self.users = {"leader": self.leader, "ars_dd": self.ars_dd}
        for kind in INSTITUTIONS[1:]:
            self.users[kind.value] = institution_user(kind, self.dept)
        self.committee = committees.create_committee(
            self.ars_dd, kind=CommitteeKind.PS, departement=self.dept,
            meets_at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), place=WITNESS,
            members="ARS, CPAM, URPS", projects=[self.project], user_representative="France Assos",
        )  # fmt: skip
        aci, _, ars = make_aci_project(self.dept)
        Project.objects.filter(pk=aci.pk).update(name=WITNESS + " ACI")
        aci.refresh_from_db()
        self.contract = funding_services.create_contract(aci, ars, members=40)
        self.ids = sorted(
            {self.project.pk, aci.pk, self.attachment.pk, self.committee.pk, self.contract.pk}
        )

    def state(self):
        return list(ProjectEvent.objects.order_by("pk").values_list("pk", "target"))


@pytest.fixture
def territory_b(db):
    return TerritoryB()


def people_of_territory_a():
    return Territory().people  # its leader has no project in B


def assert_no_leak(response, url, who):
    status = response.status_code
    assert status != 500, f"{who} {url}: server error"
    if status == 200:
        body = b"".join(response) if response.streaming else response.content
        assert WITNESS.encode() not in body and b"Temoin B" not in body, f"{who} sees B: {url}"


def test_no_url_shows_territory_b_to_anyone_else(client, territory_b):
    routes = [(n, p) for n, p in url_patterns() if n not in PUBLIC and not TOKEN_ONLY.match(n)]
    assert len(routes) > 40, "the URL conf was not walked"
    before = territory_b.state()
    people = {"anonymous": None, **people_of_territory_a()}
    for who, user in people.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for _name, pattern in routes:
            for url in concrete_urls(pattern, territory_b.ids):
                response = client.get(url)
                assert_no_leak(response, url, who)
                if "<int:" in pattern:  # an object of B: it does not exist for A
                    assert response.status_code in (302, 403, 404, 405), f"{who} GET {url}"
                if user is None:
                    assert response.status_code in (302, 401, 403, 404, 405), f"anon {url}"
                posted = client.post(url, {"reason": "x", "ground": "prs", "items": "x"})
                assert_no_leak(posted, url, who)
    assert territory_b.state() == before, "someone outside B changed B's projects"


def form_fields(html: str) -> set[str]:
    names = re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', html)
    return {n for n in names if n != "csrfmiddlewaretoken"}


def test_garbage_posted_to_every_form_never_breaks_the_server(client, territory_b):
    routes = [(n, p) for n, p in url_patterns() if not TOKEN_ONLY.match(n)]
    for who, user in territory_b.users.items():
        client.force_login(user)
        for name, pattern in routes:
            if name in ("logout", "reminders:regenerate_feed"):
                continue
            for url in concrete_urls(pattern, territory_b.ids):
                page = client.get(url)
                assert page.status_code != 500, f"{who} GET {url}"
                if page.streaming or "html" not in page.get("Content-Type", ""):
                    continue
                fields = form_fields(page.content.decode())
                for garbage in GARBAGE if fields else []:
                    data = {field: garbage["*"] for field in fields}
                    response = client.post(url, data)
                    assert response.status_code != 500, f"{who} POST {url} {garbage}"
        client.logout()
