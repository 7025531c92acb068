"""Indicator results of one contract year, read only: every contract year is evaluated, and its
results are written only when the Assurance Maladie closes that year's evaluation
(`funding.evaluations`). The page shows them and leads to the evaluation."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import evaluations
from ..deadlines import CONTRACT_YEARS
from ..evaluation_models import EvaluationStatus
from ..grid_store import load_grid_set
from ..models import Indicator, IndicatorResult
from ..presentation import mission_label
from .base import contract_or_404


@login_required
@require_safe
def results(request, pk, year):
    contract = contract_or_404(request, pk)
    if not 1 <= year <= CONTRACT_YEARS:
        raise Http404
    indicators = list(
        Indicator.objects.filter(mission__contract=contract).select_related("mission")
    )
    stored = IndicatorResult.objects.filter(indicator__in=indicators, year=year)
    values = {r.indicator_id: r.value for r in stored}
    grid = load_grid_set().by_code(contract.grid.code)
    rows = [
        {
            "indicator": i,
            "mission": mission_label(grid, i.mission.mission),
            "value": values.get(i.pk),
        }
        for i in indicators
    ]
    found = evaluations.evaluation_of(contract, year)
    open_now = year in evaluations.evaluable_years(contract, timezone.localdate())
    ctx = {
        "contract": contract,
        "year": year,
        "rows": rows,
        "status": EvaluationStatus(found.status) if found else None,
        "evaluation_open": open_now,
        "opens_on": evaluations.opens_on(contract, year) if contract.is_signed else None,
    }
    return render(request, "funding/results.html", ctx)
