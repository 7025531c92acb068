"""Indicator results have one door: closing the year's evaluation (`funding.evaluations`). No
page, admin, API route or service writes them otherwise; each role is refused elsewhere."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import OrganisationKind
from funding import services
from funding.models import IndicatorResult
from tests.factories import UserFactory
from tests.world import institution_user

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "audit", "common", "cpts_portal", "funding", "outbox", "projects",
        "reminders", "territories")  # fmt: skip
WRITES = {"create", "bulk_create", "update", "update_or_create", "get_or_create", "bulk_update"}


def _result_writes(tree) -> list[int]:
    """Lines building an IndicatorResult or writing through its manager or a `results` one."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "IndicatorResult":
            lines.append(node.lineno)
        elif isinstance(func, ast.Attribute) and func.attr in WRITES:
            text = ast.unparse(func.value)
            if text.startswith("IndicatorResult.") or text.endswith(".results"):
                lines.append(node.lineno)
    return lines


def test_only_the_evaluation_writes_results_in_the_code():
    writers = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found = _result_writes(ast.parse(path.read_text(encoding="utf-8")))
            if found:
                writers[str(path.relative_to(ROOT))] = found
    assert list(writers) == ["funding/evaluations.py"], writers
    assert not hasattr(services, "enter_results") and not hasattr(services, "enter_result")


def test_the_scan_sees_a_write_where_there_is_one():
    sample = "IndicatorResult.objects.create(year=1)\nindicator.results.update(value=1)\n"
    assert _result_writes(ast.parse(sample)) == [1, 2]


@pytest.mark.django_db
def test_the_admin_only_reads_results(client, signed):
    contract, cpam, *_ = signed
    mission = contract.missions.get(mission="parcours")
    indicator = services.add_indicator(mission, cpam, label="A", thresholds=[("objectif", 9, 1)])
    assert IndicatorResult not in admin.site._registry
    inline = admin.site._registry[type(indicator)].inlines[0]
    assert inline.model is IndicatorResult
    staff = institution_user(OrganisationKind.CPAM, contract.project.departement, is_staff=True)
    for user in (UserFactory(is_staff=True, is_superuser=True), staff):
        client.force_login(user)
        url = reverse("admin:funding_indicator_change", args=[indicator.pk])
        data = {
            "results-TOTAL_FORMS": "1", "results-INITIAL_FORMS": "0",
            "results-0-indicator": str(indicator.pk), "results-0-year": "1",
            "results-0-value": "12",
        }  # fmt: skip
        assert client.post(url, data).status_code == 403
        request = client.get(url).wsgi_request
        model_inline = inline(type(indicator), admin.site)
        assert not model_inline.has_add_permission(request, indicator)
        assert not model_inline.has_change_permission(request, indicator)
        assert not model_inline.has_delete_permission(request, indicator)
    assert not IndicatorResult.objects.exists()


@pytest.mark.django_db
def test_the_api_has_no_write_on_contracts_or_results(client):
    schema = client.get(reverse("api:openapi-json")).json()
    writes = [
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"post", "put", "patch", "delete"}
        and ("contract" in path or "result" in path or "indicat" in path)
    ]
    assert writes == []
    assert any("contract" in path for path in schema["paths"])


@pytest.mark.django_db
def test_closing_the_evaluation_is_the_door(signed):
    from .contract_life import close_year

    contract, cpam, ars, leader = signed
    mission = contract.missions.get(mission="parcours")
    indicator = services.add_indicator(mission, cpam, label="A", thresholds=[("objectif", 9, 1)])
    close_year(contract, leader, cpam, 2, {indicator: "9"})
    (result,) = IndicatorResult.objects.all()
    assert (result.year, result.value, result.entered_by) == (2, Decimal(9), cpam)
