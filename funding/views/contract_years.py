"""The contract page's terms: those in force today (avenants included) and, per contract year,
the grid and member count that pay it."""

from django.conf import settings
from django.utils import timezone

from ..avenant_terms import TermsInForce, in_force, optional_of
from ..presentation import mission_label


def contract_years_context(contract, grid_set, mission_codes, avenants) -> dict:
    """`mission_codes` and `avenants` (rows): the contract's, read once by the page."""
    ctx = {"grid_rule_to_confirm": settings.FUNDING_YEAR_GRID_TO_CONFIRM}
    if not contract.is_signed:
        return ctx
    today = timezone.localdate()
    day = max(today, contract.signed_on)
    # The signed terms (`avenant_terms.base_terms` but the territory, not shown here), then the
    # avenants in force on `day`.
    signed = TermsInForce(
        contract.size,
        contract.members,
        optional_of(grid_set, mission_codes),
        contract.snp_dispositif,
    )
    terms = signed.on(day, in_force(avenants))
    grid = grid_set.in_force(day)
    ctx["terms_now"] = {
        "day": day,
        "size": terms.size,
        "members": terms.members,
        "optional": [mission_label(grid, code) for code in sorted(terms.optional)],
        "snp_dispositif": terms.snp_dispositif,
    }
    return ctx
