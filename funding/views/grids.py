"""The grid versions with each cell's source and to-confirm flag (public information)."""

from django.shortcuts import render

from ..grid_store import load_grid_set
from ..presentation import line_label

SIZES = (1, 2, 3, 4)


def _row(label, amounts, line):
    return {
        "label": label,
        "amounts": [amounts[s] for s in SIZES],
        "source": line.source,
        "to_confirm": line.to_confirm,
    }


def grids(request):
    tables = []
    for grid in reversed(load_grid_set().grids):
        rows = [_row(line_label(grid, c.mission, c.part), c.amounts, c) for c in grid.cells]
        rows += [_row(o.label, o.amounts, o) for o in grid.one_offs]
        tables.append({"grid": grid, "rows": rows})
    return render(request, "funding/grids.html", {"tables": tables})
