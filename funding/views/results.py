"""Indicator results of one contract year, entered by the Assurance Maladie: all or nothing."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from common.messages import attempt

from .. import services
from ..deadlines import CONTRACT_YEARS
from ..grid_store import load_grid_set
from ..models import Indicator, IndicatorResult
from ..permissions import can_manage_contract
from ..presentation import mission_label
from .base import contract_or_404, to_contract

MAX_INPUT = 30  # characters: more is no number a person types


def _posted(data, indicators):
    """({indicator: value} for the filled fields, labels of the unreadable ones)."""
    values, unreadable = {}, []
    for indicator in indicators:
        raw = data.get(f"ind-{indicator.pk}", "").strip().replace(",", ".")
        if not raw:
            continue
        try:
            if len(raw) > MAX_INPUT:
                raise InvalidOperation
            values[indicator] = Decimal(raw)
        except InvalidOperation:
            unreadable.append(indicator.label)
    return values, unreadable


@login_required
def results(request, pk, year):
    contract = contract_or_404(request, pk)
    if not can_manage_contract(contract, request.user):
        raise PermissionDenied("Réservé à l'Assurance Maladie du territoire.")
    if not 1 <= year <= CONTRACT_YEARS:
        raise Http404
    indicators = list(
        Indicator.objects.filter(mission__contract=contract).select_related("mission")
    )
    if request.method == "POST":
        values, unreadable = _posted(request.POST, indicators)
        saved = f"Résultats de l'année {year} enregistrés."
        if unreadable:
            messages.error(
                request, "Valeurs illisibles, rien n'est enregistré : " + ", ".join(unreadable)
            )
        elif attempt(
            request, lambda: services.enter_results(contract, request.user, year, values), saved
        ):
            return to_contract(contract)
        # Nothing saved: the person finds what they typed.
        shown = {i.pk: request.POST.get(f"ind-{i.pk}", "")[:MAX_INPUT] for i in indicators}
    else:
        stored = IndicatorResult.objects.filter(indicator__in=indicators, year=year)
        shown = {r.indicator_id: r.value for r in stored}
    grid = load_grid_set().by_code(contract.grid.code)
    rows = [
        {
            "indicator": i,
            "mission": mission_label(grid, i.mission.mission),
            "value": shown.get(i.pk, ""),
        }
        for i in indicators
    ]
    return render(
        request, "funding/results_form.html", {"contract": contract, "year": year, "rows": rows}
    )
