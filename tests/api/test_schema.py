"""schemathesis against /api/openapi.json, in process: no server error, responses match the schema.

Generated requests (valid and invalid) run with an ARS key over seeded data; a second test
replays every operation on objects that exist, so full responses are checked too."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from cpts_portal.wsgi import application
from tests.api.test_contracts import contract_in

pytestmark = pytest.mark.django_db
# Every status and content type documented, the key enforced. Not `negative_data_rejection`:
# unknown query parameters are ignored on purpose (tolerant reading), as most APIs do.
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    ignored_auth,
]


@pytest.fixture
def seeded(world):
    world.contract = contract_in(world.d1)
    return world


@pytest.fixture
def api_schema(seeded):
    # As Django's test client does: a request must not close the test's connection (and
    # its transaction) when it finishes.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_requests(case, seeded):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {seeded.key.ars_north}"}, checks=CHECKS
    )


def test_existing_objects_conform(seeded, api_schema, django_capture_on_commit_callbacks):
    from projects.collaboration import Committee

    committee = Committee.objects.create(
        kind="ps",
        departement=seeded.d1,
        meets_at="2026-12-03T14:00+01:00",
        place="ARS",
        members="-",
        created_by=seeded.contract.project.members.get().user,
    )
    committee.projects.set([seeded.lille])
    ids = {
        "project_id": seeded.lille.pk,
        "committee_id": committee.pk,
        "contract_id": seeded.contract.pk,
    }
    calls = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        names = [p.name for p in operation.path_parameters]
        case = operation.Case(path_parameters={n: ids[n] for n in names})
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {seeded.key.ars_north}"}, checks=CHECKS
        )
        assert response.status_code == 200, (operation.label, response.text[:300])
        calls += 1
    assert calls == 9
