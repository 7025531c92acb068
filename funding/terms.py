"""From stored contracts to `funding.calc`: their terms and entitlements, read in bulk."""

from collections import defaultdict
from decimal import Decimal

from . import calc
from .crises import crisis_dates_by_departement
from .grid_store import load_grid_set
from .models import ContractMission, Indicator, IndicatorResult


def contract_terms(queryset, grid_set: calc.GridSet | None = None, crises=None):
    """Contract pk → `calc.ContractTerms` for the signed contracts of `queryset`.

    Reads plain rows (no model instances) in five queries whatever the number of contracts,
    plus two for the grids and two for the crises when not given."""
    grid_set = grid_set or load_grid_set()
    crises = crisis_dates_by_departement() if crises is None else crises
    signed = queryset.filter(signed_on__isnull=False).order_by()
    rows = signed.values_list(
        "pk",
        "grid__code",
        "size",
        "members",
        "signed_on",
        "snp_dispositif",
        "terminated_on",
        "project__departement_id",
    )
    starts = defaultdict(dict)
    mission_of = {}
    for pk, contract_id, code, started_on in ContractMission.objects.filter(
        contract__in=signed.values("pk")
    ).values_list("pk", "contract_id", "mission", "started_on"):
        starts[contract_id][code] = started_on
        mission_of[pk] = (contract_id, code)
    indicators, parsed = {}, {}
    for pk, mission_id, weight, higher, thresholds in Indicator.objects.filter(
        mission__contract__in=signed.values("pk")
    ).values_list("pk", "mission_id", "weight", "higher_is_better", "thresholds"):
        key = tuple((str(t["value"]), str(t["rate"])) for t in thresholds)
        if key not in parsed:  # negotiated thresholds repeat a lot across contracts
            parsed[key] = [(Decimal(v), Decimal(r)) for v, r in key]
        indicators[pk] = (mission_of[mission_id], weight, higher, parsed[key])
    weighted = defaultdict(list)  # (contract, year, mission) → [(weight, rate)]
    for indicator_id, year, value in IndicatorResult.objects.filter(
        indicator__mission__contract__in=signed.values("pk")
    ).values_list("indicator_id", "year", "value"):
        (contract_id, code), weight, higher, pairs = indicators[indicator_id]
        weighted[contract_id, year, code].append(
            (weight, calc.indicator_rate(value, pairs, higher))
        )
    shares = defaultdict(lambda: defaultdict(dict))
    for (contract_id, year, code), pairs in weighted.items():
        shares[contract_id][year][code] = calc.variable_share(pairs)
    out = {}
    for pk, grid_code, size, members, signed_on, snp, ended, dep_id in rows:
        extra = grid_set.additional_fonctionnement(size, signed_on)
        out[pk] = calc.ContractTerms(
            grid=grid_set.by_code(grid_code),
            size=size,
            members=members,
            signed_on=signed_on,
            starts=starts[pk],
            snp_dispositif=snp,
            shares_by_year=shares[pk],
            crisis_dates=[d for d in crises.get(dep_id, ()) if d >= signed_on],
            one_offs=[(calc.ADDITIONNEL, extra[0], extra[1])] if extra else [],
            terminated_on=ended,
        )
    return out


def entitlements(queryset) -> dict[int, dict[int, list[calc.Line]]]:
    """Contract pk → year → entitlement lines, for many contracts with bounded queries."""
    out = {}
    for pk, terms in contract_terms(queryset).items():
        triggers = calc.crisis_triggers(terms.crisis_dates)
        out[pk] = {
            year: calc.year_entitlement(terms, year, triggers) for year in range(1, terms.years + 1)
        }
    return out
