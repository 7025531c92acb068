"""No page shows Django's « --------- » placeholder: filters say « Tous », forms « Choisir… ».

Every main page, as every role of a territory with something at every stage (the fuzzer's
world): the pages a role may not open answer 403/404/302 and are skipped."""

import pytest
from django.urls import reverse

from tests.fuzz.world import FuzzWorld

pytestmark = pytest.mark.django_db
DASHES = "---------"
PLAIN = [
    "projects:list", "projects:create", "projects:committees", "projects:committee_create",
    "projects:territories", "projects:institution_map", "funding:contracts", "funding:simulator",
    "funding:grids", "funding:crises", "funding:late_payments", "funding:reprise",
    "reminders:list", "pending_accounts",
]  # fmt: skip
PER_PROJECT = [
    "projects:detail", "projects:letter", "projects:association", "projects:health_project",
    "projects:territory", "projects:messages", "funding:roster", "funding:contract_create",
    "funding:pre_aci_grant", "funding:fir_grant",
]  # fmt: skip
PER_CONTRACT = ["funding:contract", "funding:payments", "funding:termination_preview"]
PER_CONTRACT_YEAR = ["funding:results", "funding:evaluation"]


def _urls(world) -> list[str]:
    urls = [reverse(name) for name in PLAIN]
    for project in world.projects.values():
        for name in PER_PROJECT:
            key = "project_pk" if name.startswith("funding:") else "pk"
            urls.append(reverse(name, kwargs={key: project.pk}))
    for contract in (world.contract, world.signed):
        urls += [reverse(name, args=[contract.pk]) for name in PER_CONTRACT]
        urls += [reverse(name, args=[contract.pk, 1]) for name in PER_CONTRACT_YEAR]
    urls.append(reverse("projects:committee", args=[world.committee.pk]))
    return urls


def test_no_page_shows_the_dashes_placeholder(client):
    world = FuzzWorld()
    urls = _urls(world)
    found = []
    for who, user in world.people.items():
        client.force_login(user)
        shown = 0
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            shown += 1
            if DASHES in response.content.decode():
                found.append(f"{who} {url}")
        assert shown >= 5, f"{who} saw too few pages for the test to mean anything"
    assert found == [], "\n".join(found)
