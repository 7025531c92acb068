"""Every filter of the JSON API, as every institution's key, each parameter in turn at the
extremes of its type (read from the OpenAPI schema, so a new filter is fuzzed the day it is
added): never a 500, never a write."""

import pytest

from cpts_portal.api import api
from tests.world import INSTITUTIONS, api_key

from .engine import checksum
from .values import CHOICES, DATES, NUMBERS, TEXT
from .world import FuzzWorld

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]
HUGE_ID = "99999999999999999999"


def extremes(schema: dict) -> list[str]:
    kinds = [schema, *schema.get("anyOf", [])]
    if any(k.get("format") == "date" for k in kinds):
        return DATES
    if any(k.get("type") in ("integer", "number") for k in kinds):
        return [*NUMBERS, HUGE_ID]
    return [*TEXT, *CHOICES]


def operations():
    for path, ops in api.get_openapi_schema()["paths"].items():
        if "get" in ops:
            yield path, ops["get"].get("parameters", [])


def test_every_api_filter_holds_against_extreme_values(client):
    world = FuzzWorld()
    keys = {kind.value: api_key(kind, world.dept) for kind in INSTITUTIONS}
    before, failures, requests = checksum(), [], 0
    for who, key in keys.items():
        auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        for path, parameters in operations():
            in_path = [p["name"] for p in parameters if p["in"] == "path"]
            for ident in (str(world.ids[-1]), HUGE_ID, "-1"):
                url = path
                for name in in_path:
                    url = url.replace("{" + name + "}", ident)
                queries = [{}] + [
                    {p["name"]: value}
                    for p in parameters
                    if p["in"] == "query"
                    for value in extremes(p["schema"])
                ]
                for query in queries if ident == str(world.ids[-1]) else [{}]:
                    requests += 1
                    response = client.get(url, query, **auth)
                    if response.status_code >= 500:
                        failures.append(f"{who} GET {url} {query!r:.80}: {response.status_code}")
    print(f"\n{requests} API requests")
    assert requests > 100
    assert not failures, "\n".join(failures)
    assert {k: v for k, v in checksum().items() if not k.startswith("accounts.")} == {
        k: v for k, v in before.items() if not k.startswith("accounts.")
    }, "a GET of the API wrote (the key's last use aside)"
