"""The public simulator for project leaders: no login, nothing stored."""

from collections import defaultdict

from django.shortcuts import render

from .. import calc
from ..forms import SimulatorForm
from ..grid_store import load_grid_set
from ..presentation import mission_label
from .base import table_rows


def _bars(grid, lines):
    """Amount per mission for the bar chart (widths in % of the largest)."""
    per_mission = defaultdict(lambda: calc.ZERO)
    for line in lines:
        mission = grid.missions.get(line.mission)
        per_mission[mission.parent if mission and mission.parent else line.mission] += line.amount
    top = max(per_mission.values(), default=calc.ZERO) or 1
    return [
        # 80 % at most: the amount is written after the bar
        {"label": mission_label(grid, code), "amount": amount, "pct": int(amount * 80 / top)}
        for code, amount in per_mission.items()
    ]


def simulator(request):
    form = SimulatorForm(request.GET or None)
    result = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            grid, lines = calc.annual_maximum(
                load_grid_set(),
                d["size"],
                d["members"],
                d["signature_date"],
                optional=d["optional"],
                snp_dispositif=d["snp_dispositif"],
                crisis=d["crisis"],
            )
        except (calc.NoGridInForce, ValueError) as exc:
            form.add_error("signature_date", str(exc))
        else:
            result = {
                "grid": grid,
                "rows": table_rows(grid, lines),
                "bars": _bars(grid, lines),
                "total": calc.total(lines),
                "any_to_confirm": any(x.to_confirm for x in lines),
            }
    return render(request, "funding/simulator.html", {"form": form, "result": result})
