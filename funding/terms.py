"""From stored contracts to `funding.calc`: their terms and entitlements, read in bulk.

Each contract year is paid on the grid in force on its first day (domain.md §6, *à confirmer*:
`settings.FUNDING_YEAR_GRID_TO_CONFIRM`) and on the contract's terms in force that day, avenants
included (`funding.avenant_terms`); the taille-4 majoration counts the CPTS's roster on that day
when it keeps one, else the declared count.
"""

import dataclasses
from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch

from projects.models import RosterMember

from . import calc
from .avenant_terms import TermsInForce, in_force, in_force_by_contract, optional_of
from .crises import crisis_dates_by_departement, crisis_dates_of
from .deadlines import contract_anniversary
from .grid_store import load_grid_set
from .models import ContractMission, Indicator, IndicatorResult


def contract_terms(queryset, grid_set: calc.GridSet | None = None, crises=None):
    """Contract pk → `calc.ContractTerms` for the signed contracts of `queryset`, each year on
    its own grid and terms (`ContractTerms.by_year`).

    Reads plain rows (no model instances) in six queries whatever the number of contracts
    (avenants and rosters included), plus two for the grids and two for the crises when not
    given."""
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
        "project_id",
    )
    starts = defaultdict(dict)
    mission_of = {}
    # No ordering: the models' default one joins each contract's project for its name.
    for pk, contract_id, code, started_on in (
        ContractMission.objects.filter(contract__in=signed.values("pk"))
        .order_by()
        .values_list("pk", "contract_id", "mission", "started_on")
    ):
        starts[contract_id][code] = started_on
        mission_of[pk] = (contract_id, code)
    indicators, parsed = {}, {}
    for pk, mission_id, weight, higher, thresholds in (
        Indicator.objects.filter(mission__contract__in=signed.values("pk"))
        .order_by()
        .values_list("pk", "mission_id", "weight", "higher_is_better", "thresholds")
    ):
        indicators[pk] = (mission_of[mission_id], weight, higher, _pairs(thresholds, parsed))
    results = IndicatorResult.objects.filter(
        indicator__mission__contract__in=signed.values("pk")
    ).values_list("indicator_id", "year", "value")
    shares = _shares(indicators, results)
    avenants = in_force_by_contract(signed.values("pk"))
    rosters = _rosters(signed.values("project_id"))
    return {
        row[0]: _terms(grid_set, row, starts[row[0]], shares[row[0]], avenants, rosters, crises)
        for row in rows
    }


def terms_of(contract, grid_set: calc.GridSet, missions, avenants, crises=None):
    """`contract_terms` of one signed contract from the rows its page has read: `missions` its
    ContractMission rows with their indicators prefetched, `avenants` its ContractAvenant rows:
    the same terms in three queries (results, roster, crises) instead of seven."""
    pk, project = contract.pk, contract.project
    if crises is None:  # those of its département only
        crises = {project.departement_id: crisis_dates_of(project.departement)}
    row = (
        pk, contract.grid.code, contract.size, contract.members, contract.signed_on,
        contract.snp_dispositif, contract.terminated_on, project.departement_id, project.pk,
    )  # fmt: skip
    starts = {m.mission: m.started_on for m in missions}
    indicators, parsed = {}, {}
    for m in missions:
        for i in m.indicators.all():
            pairs = _pairs(i.thresholds, parsed)
            indicators[i.pk] = ((pk, m.mission), i.weight, i.higher_is_better, pairs)
    results = IndicatorResult.objects.filter(indicator_id__in=list(indicators)).values_list(
        "indicator_id", "year", "value"
    )
    shares = _shares(indicators, results)[pk]
    rosters = _rosters([project.pk])
    return _terms(grid_set, row, starts, shares, {pk: in_force(avenants)}, rosters, crises)


def missions_of(contract) -> list:
    """The contract's ContractMission rows with their indicators, in their order within the
    contract (the models' default ordering would join the contract's project to each query)."""
    indicators = Prefetch("indicators", Indicator.objects.order_by("pk"))
    return list(contract.missions.order_by("pk").prefetch_related(indicators))


def read_terms(contract, grid_set: calc.GridSet):
    """`terms_of` for a page that shows nothing else of the contract's missions and avenants:
    they are read here, the contract itself not again."""
    avenants = contract.avenants.order_by("number")
    return terms_of(contract, grid_set, missions_of(contract), avenants)


def _pairs(thresholds, parsed) -> list[tuple[Decimal, Decimal]]:
    """An indicator's (value, rate) thresholds; negotiated ones repeat a lot across contracts."""
    key = tuple((str(t["value"]), str(t["rate"])) for t in thresholds)
    if key not in parsed:
        parsed[key] = [(Decimal(v), Decimal(r)) for v, r in key]
    return parsed[key]


def _shares(indicators, results):
    """Contract → year → mission → share of its variable envelope earned, from the results'
    (indicator, year, value) rows; `indicators`: pk → ((contract, mission), weight, higher
    is better, thresholds)."""
    weighted = defaultdict(list)  # (contract, year, mission) → [(weight, rate)]
    for indicator_id, year, value in results:
        (contract_id, code), weight, higher, pairs = indicators[indicator_id]
        weighted[contract_id, year, code].append(
            (weight, calc.indicator_rate(value, pairs, higher))
        )
    shares = defaultdict(lambda: defaultdict(dict))
    for (contract_id, year, code), pairs in weighted.items():
        shares[contract_id][year][code] = calc.variable_share(pairs)
    return shares


def _terms(grid_set, row, starts, shares, avenants, rosters, crises) -> calc.ContractTerms:
    """One contract's terms from its row (`contract_terms`' values) and what was read for it."""
    pk, grid_code, size, members, signed_on, snp, ended, dep_id, project_id = row
    grid = grid_set.by_code(grid_code)
    # Only an avenant adds an optional mission after the signature; its `old_optional`
    # then gives the years before it.
    base = TermsInForce(size, members, optional_of(grid_set, starts), snp)
    by_year = _years(grid_set, base, avenants.get(pk, ()), signed_on, starts)
    by_year = _roster_counts(by_year, rosters.get(project_id), signed_on)
    extra = grid_set.additional_fonctionnement(size, signed_on)
    if extra:  # on the taille in force when it is due
        size_then = _size_on(by_year, signed_on, extra[1])
        extra = grid_set.additional_fonctionnement(size_then, signed_on)
    return calc.ContractTerms(
        grid=grid,
        size=size,
        members=members,
        signed_on=signed_on,
        starts=starts,
        snp_dispositif=snp,
        shares_by_year=shares,
        crisis_dates=[d for d in crises.get(dep_id, ()) if d >= signed_on],
        one_offs=[(calc.ADDITIONNEL, extra[0], extra[1])] if extra else [],
        terminated_on=ended,
        by_year=by_year,
    )


def _years(grid_set, base, avenants, signed_on, starts) -> dict[int, calc.YearTerms]:
    """Each year on the grid in force on its first day, with the terms in force that day:
    socle missions of that grid (one it adds, like the crisis mission of avenant 2, counts as
    not started until the CPAM records its start) and the optional missions in force."""
    out = {}
    for year in range(1, calc.CONTRACT_YEARS + 1):
        start = contract_anniversary(signed_on, year)
        grid = grid_set.in_force(start)
        terms = base.on(start, avenants)
        chosen = [*grid.socle_missions, *(m for m in grid.optional_missions if m in terms.optional)]
        out[year] = calc.YearTerms(
            grid=grid,
            size=terms.size,
            members=terms.members,
            snp_dispositif=terms.snp_dispositif,
            starts={code: starts.get(code) for code in chosen},
        )
    return out


def _size_on(by_year, signed_on, day) -> int:
    year = max(
        (y for y in by_year if contract_anniversary(signed_on, y) <= day), default=min(by_year)
    )
    return by_year[year].size


def _rosters(project_ids) -> dict[int, list[tuple]]:
    """Project → its roster's (joined_on, left_on) rows, for the projects that keep one."""
    out = defaultdict(list)
    rows = RosterMember.objects.filter(project_id__in=project_ids).order_by()
    for project_id, joined, left in rows.values_list("project_id", "joined_on", "left_on"):
        out[project_id].append((joined, left))
    return out


def _roster_counts(by_year, roster, signed_on) -> dict[int, calc.YearTerms]:
    """The roster's count on each year's first day replaces the declared one (the same rule
    as `projects.roster.member_count_on`, counted here in memory for many contracts)."""
    if not roster:
        return by_year
    out = {}
    for year, terms in by_year.items():
        day = contract_anniversary(signed_on, year)
        count = sum(1 for joined, left in roster if joined <= day and (left is None or left > day))
        out[year] = dataclasses.replace(terms, members=count, members_declared=False)
    return out


def entitlements(queryset) -> dict[int, dict[int, list[calc.Line]]]:
    """Contract pk → year → entitlement lines, for many contracts with bounded queries."""
    return {pk: calc.entitlements(terms) for pk, terms in contract_terms(queryset).items()}
