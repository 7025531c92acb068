"""The contract page's terms: those in force today (avenants included) and, per contract year,
the grid and member count that pay it."""

from django.conf import settings
from django.utils import timezone

from ..avenant_terms import terms_on
from ..grid_store import load_grid_set
from ..presentation import mission_label


def contract_years_context(contract, years, grid_set=None) -> dict:
    ctx = {"grid_rule_to_confirm": settings.FUNDING_YEAR_GRID_TO_CONFIRM}
    if not contract.is_signed:
        return ctx
    grid_set = grid_set or load_grid_set()
    today = timezone.localdate()
    day = max(today, contract.signed_on)
    terms = terms_on(contract, day, grid_set)
    grid = grid_set.in_force(day)
    ctx["terms_now"] = {
        "day": day,
        "size": terms.size,
        "members": terms.members,
        "optional": [mission_label(grid, code) for code in sorted(terms.optional)],
        "snp_dispositif": terms.snp_dispositif,
        "communes": terms.communes,
    }
    return ctx
