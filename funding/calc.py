"""Funding arithmetic (domain.md §4) as plain functions over plain values.

No database here: a `Grid` is built once from the data files or the admin-edited rows, then every
entitlement and payment is computed in memory. Money is Decimal, rounded to the cent.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import NamedTuple

from projects.deadlines import add_months

from .deadlines import CONTRACT_YEARS, contract_anniversary

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ADVANCE_RATE = Decimal("0.75")  # ACI art. 9: 75 % advanced at the start of each contract year

FIXED, VARIABLE, ONE_OFF = "fixed", "variable", "one_off"
FONCTIONNEMENT = "fonctionnement"
ADDITIONNEL = "fonctionnement_additionnel"
PRE_ACI = "accompagnement_pre_aci"
MAJORATION = "majoration_taille4"
CRISIS = "crise_sanitaire"
SNP_DISPOSITIF = "snp_dispositif"
EARNED_BY_CRISIS = "crisis"


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class NoGridInForce(LookupError):
    pass


@dataclass(frozen=True)
class MissionInfo:
    code: str
    label: str
    kind: str  # "base" (fonctionnement), "socle" or "optional"
    parent: str | None = None  # sub-lines (SNP) start with their parent mission
    earmarked: bool = False


@dataclass(frozen=True)
class Cell:
    mission: str
    part: str
    amounts: Mapping[int, Decimal]
    source: str = ""
    to_confirm: bool = False
    earned_by: str = "indicators"


@dataclass(frozen=True)
class OneOff:
    code: str
    label: str
    amounts: Mapping[int, Decimal]
    signed_before: dt.date | None = None
    source: str = ""
    to_confirm: bool = False


@dataclass(frozen=True)
class Majoration:
    rate: Decimal
    min_size: int
    min_members: int
    includes_fonctionnement: bool = False
    source: str = ""
    to_confirm: bool = False

    def applies(self, size: int, members: int) -> bool:
        return size >= self.min_size and members >= self.min_members


@dataclass(frozen=True)
class Grid:
    code: str
    label: str
    valid_from: dt.date
    missions: Mapping[str, MissionInfo]
    cells: tuple[Cell, ...]
    one_offs: tuple[OneOff, ...] = ()
    majoration: Majoration | None = None
    valid_from_to_confirm: bool = False
    valid_from_note: str = ""

    @cached_property
    def _cells(self) -> dict[tuple[str, str], Cell]:
        return {(c.mission, c.part): c for c in self.cells}

    def cell(self, mission: str, part: str) -> Cell | None:
        return self._cells.get((mission, part))

    def amount(self, mission: str, part: str, size: int) -> Decimal:
        cell = self.cell(mission, part)
        return cell.amounts[size] if cell else ZERO

    def one_off(self, code: str) -> OneOff | None:
        return next((o for o in self.one_offs if o.code == code), None)

    @cached_property
    def mission_order(self) -> tuple[str, ...]:
        """Mission codes in the order of the grid's lines (stored JSON may not keep key order)."""
        seen = dict.fromkeys(c.mission for c in self.cells if c.mission in self.missions)
        return (*seen, *(code for code in self.missions if code not in seen))

    @cached_property
    def top_missions(self) -> tuple[str, ...]:
        """Missions with their own start date (socle first, then optional), grid order."""
        infos = [self.missions[code] for code in self.mission_order]
        tops = [m for m in infos if m.kind != "base" and not m.parent]
        return tuple(m.code for m in sorted(tops, key=lambda m: m.kind != "socle"))

    @cached_property
    def socle_missions(self) -> tuple[str, ...]:
        return tuple(c for c in self.top_missions if self.missions[c].kind == "socle")

    @cached_property
    def optional_missions(self) -> tuple[str, ...]:
        return tuple(c for c in self.top_missions if self.missions[c].kind == "optional")

    def majoration_rate(self, size: int, members: int) -> Decimal:
        if self.majoration and self.majoration.applies(size, members):
            return self.majoration.rate
        return ZERO


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _amounts(raw: Mapping) -> dict[int, Decimal]:
    return {int(size): cents(amount) for size, amount in raw.items()}


def grid_from_dict(data: Mapping) -> Grid:
    """The grid described by a data file (funding/grids/*.json) or by its admin rows."""
    missions = {
        code: MissionInfo(
            code=code,
            label=info["label"],
            kind=info["kind"],
            parent=info.get("parent"),
            earmarked=info.get("earmarked", False),
        )
        for code, info in data["missions"].items()
    }
    maj = data.get("majoration_taille4")
    return Grid(
        code=data["code"],
        label=data["label"],
        valid_from=_date(data["valid_from"]),
        missions=missions,
        cells=tuple(
            Cell(
                mission=line["mission"],
                part=line["part"],
                amounts=_amounts(line["amounts"]),
                source=line.get("source", ""),
                to_confirm=line.get("to_confirm", False),
                earned_by=line.get("earned_by") or "indicators",
            )
            for line in data["lines"]
        ),
        one_offs=tuple(
            OneOff(
                code=o["code"],
                label=o["label"],
                amounts=_amounts(o["amounts"]),
                signed_before=_date(o.get("signed_before")),
                source=o.get("source", ""),
                to_confirm=o.get("to_confirm", False),
            )
            for o in data.get("one_offs", ())
        ),
        majoration=Majoration(
            rate=Decimal(maj["rate"]),
            min_size=maj["min_size"],
            min_members=maj["min_members"],
            includes_fonctionnement=maj.get("includes_fonctionnement", False),
            source=maj.get("source", ""),
            to_confirm=maj.get("to_confirm", False),
        )
        if maj
        else None,
        valid_from_to_confirm=data.get("valid_from_to_confirm", False),
        valid_from_note=data.get("valid_from_note", ""),
    )


@dataclass(frozen=True)
class GridSet:
    """Every grid version, to find the one in force on a date."""

    grids: tuple[Grid, ...]

    def __post_init__(self):
        object.__setattr__(self, "grids", tuple(sorted(self.grids, key=lambda g: g.valid_from)))

    def in_force(self, day: dt.date) -> Grid:
        found = [g for g in self.grids if g.valid_from <= day]
        if not found:
            raise NoGridInForce(f"Aucune grille de financement en vigueur le {day:%d/%m/%Y}.")
        return found[-1]

    def by_code(self, code: str) -> Grid:
        return next(g for g in self.grids if g.code == code)

    def additional_fonctionnement(self, size: int, signed_on: dt.date):
        """(amount, due date) of the one-year additional fonctionnement, or None.

        Avenant 2 grants it to every CPTS that signed before 30 September 2022, including the
        2019-2021 signatories: those are paid once the avenant is in force.
        """
        for grid in self.grids:
            extra = grid.one_off(ADDITIONNEL)
            if extra and extra.signed_before and signed_on < extra.signed_before:
                return extra.amounts[size], max(signed_on, grid.valid_from)
        return None


# --- Entitlements ---------------------------------------------------------------------------


class Line(NamedTuple):  # a tuple: built by the thousand in bulk computations
    mission: str
    part: str
    amount: Decimal
    maximum: Decimal
    to_confirm: bool = False


def contract_year_bounds(signed_on: dt.date, year: int) -> tuple[dt.date, dt.date]:
    """[start, end) of contract year `year` (1-based), from signature anniversary to the next."""
    return contract_anniversary(signed_on, year), contract_anniversary(signed_on, year + 1)


def prorata(amount: Decimal, start: dt.date | None, year_start: dt.date, year_end: dt.date):
    """Share of an annual amount for a mission started on `start` (None: not started)."""
    if start is None or start >= year_end:
        return ZERO
    if start <= year_start:
        return amount
    return cents(amount * (year_end - start).days / (year_end - year_start).days)


def indicator_rate(value, thresholds: Iterable[tuple], higher_is_better: bool = True) -> Decimal:
    """Rate of the best threshold reached; thresholds are (threshold value, rate) pairs."""
    best = ZERO
    for threshold, rate in thresholds:
        reached = value >= threshold if higher_is_better else value <= threshold
        if reached and rate > best:
            best = rate
    return Decimal(best)


def variable_share(weighted_rates: Iterable[tuple]) -> Decimal:
    """Share of a mission's variable envelope earned: sum of weight x rate, capped at 1."""
    return min(Decimal(1), sum((Decimal(w) * Decimal(r) for w, r in weighted_rates), ZERO))


def mission_lines(grid: Grid, size: int, starts: Mapping[str, dt.date | None], snp_dispositif):
    """(mission code, its start) for every chosen mission line, sub-lines following parents."""
    for code in grid.mission_order:
        info = grid.missions[code]
        if info.kind == "base":
            continue
        if code == SNP_DISPOSITIF and not snp_dispositif:
            continue
        top = info.parent or code
        if top in starts:
            yield code, starts[top]


def year_lines(
    grid: Grid,
    size: int,
    members: int,
    year_start: dt.date,
    year_end: dt.date,
    starts: Mapping[str, dt.date | None],
    *,
    snp_dispositif: bool = False,
    shares: Mapping[str, Decimal] | None = None,
    crisis: bool = False,
    one_offs: Iterable[tuple[str, Decimal]] = (),
) -> list[Line]:
    """Entitlement lines of one contract year.

    `starts`: chosen top-level missions and their start dates (None: not started yet);
    `shares`: share of each mission's variable envelope earned (from the indicators);
    `crisis`: the ARS declared a serious crisis triggering the crisis variable part this year.
    """
    shares = shares or {}
    fonct = grid.cell(FONCTIONNEMENT, FIXED)
    base = fonct.amounts[size]
    lines = [Line(FONCTIONNEMENT, FIXED, base, base, fonct.to_confirm)]
    for code, amount in one_offs:
        lines.append(Line(code, ONE_OFF, cents(amount), cents(amount)))
    mission_fixed = mission_variable = ZERO
    for code, start in mission_lines(grid, size, starts, snp_dispositif):
        fixed = grid.cell(code, FIXED)
        if fixed:
            amount = prorata(fixed.amounts[size], start, year_start, year_end)
            lines.append(Line(code, FIXED, amount, fixed.amounts[size], fixed.to_confirm))
            mission_fixed += amount
        variable = grid.cell(code, VARIABLE)
        if variable:
            envelope = variable.amounts[size]
            if variable.earned_by == EARNED_BY_CRISIS:
                amount = envelope if crisis else ZERO
            elif start is None or start >= year_end:
                amount = ZERO
            else:
                share = min(Decimal(1), Decimal(shares.get(code, 0)))
                amount = cents(envelope * share)
            lines.append(Line(code, VARIABLE, amount, envelope, variable.to_confirm))
            mission_variable += amount
    rate = grid.majoration_rate(size, members)
    if rate:
        to_confirm = grid.majoration.to_confirm
        base_fixed = mission_fixed
        if grid.majoration.includes_fonctionnement:
            base_fixed += fonct.amounts[size]
        lines.append(Line(MAJORATION, FIXED, cents(base_fixed * rate), ZERO, to_confirm))
        lines.append(Line(MAJORATION, VARIABLE, cents(mission_variable * rate), ZERO, to_confirm))
    return lines


def total(lines: Iterable[Line]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


def annual_maximum(
    grid_set: GridSet,
    size: int,
    members: int,
    signed_on: dt.date,
    *,
    optional: Iterable[str] = (),
    snp_dispositif: bool = False,
    crisis: bool = False,
    year: int = 1,
) -> tuple[Grid, list[Line]]:
    """Maximum entitlement of contract year `year` (1 to 5), on the grid in force on that year's
    first day, every chosen mission started at signature and every indicator at its objective
    (the simulator and `funding_simulate`)."""
    if size not in (1, 2, 3, 4):
        raise ValueError("La taille d'une CPTS va de 1 à 4.")
    if not 1 <= year <= CONTRACT_YEARS:
        raise ValueError(f"L'année du contrat va de 1 à {CONTRACT_YEARS}.")
    start, end = contract_year_bounds(signed_on, year)
    grid = grid_set.in_force(start)
    unknown = set(optional) - set(grid.optional_missions)
    if unknown:
        raise ValueError(f"Missions optionnelles inconnues dans {grid.code} : {sorted(unknown)}")
    chosen = [*grid.socle_missions, *(m for m in grid.optional_missions if m in set(optional))]
    extra = grid_set.additional_fonctionnement(size, signed_on)
    one_offs = [(ADDITIONNEL, extra[0])] if extra and start <= extra[1] < end else []
    lines = year_lines(
        grid,
        size,
        members,
        start,
        end,
        dict.fromkeys(chosen, signed_on),
        snp_dispositif=snp_dispositif,
        shares=dict.fromkeys(grid.missions, Decimal(1)),
        crisis=crisis,
        one_offs=one_offs,
    )
    return grid, lines


# --- Payment schedule -------------------------------------------------------------------------


class Payment(NamedTuple):
    due_on: dt.date
    year: int
    kind: str
    label: str
    amount: Decimal
    period: tuple[dt.date, dt.date] | None = None  # what an advance covers (for recovery)


ONE_OFF_LABELS = {ADDITIONNEL: "Financement additionnel du fonctionnement (une année)"}
PAYMENT_KINDS = {
    "signature": "Fonctionnement versé en totalité à la signature",
    "avance": "Avance de 75 % (fonctionnement et parts fixes des missions démarrées)",
    "avance_mission": "Avance de 75 % de la part fixe, au prorata, d'une mission démarrée",
    "crise": "Part variable crise sanitaire (dans le mois suivant la déclaration ARS)",
    "ponctuel": "Financement ponctuel",
    "solde": "Solde après évaluation annuelle (parts variables comprises)",
    "recuperation": "Récupération des avances au prorata temporis (résiliation)",
}
RECOVERABLE = {"signature", "avance", "avance_mission"}


@dataclass(frozen=True)
class YearTerms:
    """What pays one contract year: the grid in force on its first day and the contract's terms
    in force that day (avenants included); `members_declared`: the count is the contract's
    declared one (no roster kept), not the roster's."""

    grid: Grid
    size: int
    members: int
    snp_dispositif: bool
    starts: Mapping[str, dt.date | None]
    members_declared: bool = True


@dataclass
class ContractTerms:
    grid: Grid
    size: int
    members: int
    signed_on: dt.date
    starts: Mapping[str, dt.date | None]
    snp_dispositif: bool = False
    shares_by_year: Mapping[int, Mapping[str, Decimal]] = field(default_factory=dict)
    crisis_dates: Iterable[dt.date] = ()
    one_offs: Iterable[tuple[str, Decimal, dt.date]] = ()
    terminated_on: dt.date | None = None
    years: int = CONTRACT_YEARS
    # Year → its own terms (funding.terms fills it); a year missing here is paid on the
    # signature's grid and terms.
    by_year: Mapping[int, YearTerms] = field(default_factory=dict)

    def for_year(self, year: int) -> YearTerms:
        found = self.by_year.get(year)
        if found is None:
            found = YearTerms(self.grid, self.size, self.members, self.snp_dispositif, self.starts)
        return found


def crisis_triggers(dates: Iterable[dt.date]) -> list[dt.date]:
    """Declarations that trigger a payment: one per 12 months, whatever the number of crises."""
    triggers: list[dt.date] = []
    for day in sorted(set(dates)):
        if not triggers or day >= add_months(triggers[-1], 12):
            triggers.append(day)
    return triggers


def year_entitlement(terms: ContractTerms, year: int, triggers=None) -> list[Line]:
    start, end = contract_year_bounds(terms.signed_on, year)
    if terms.terminated_on and start >= terms.terminated_on:
        return []
    if triggers is None:
        triggers = crisis_triggers(terms.crisis_dates)
    t = terms.for_year(year)
    return year_lines(
        t.grid,
        t.size,
        t.members,
        start,
        end,
        t.starts,
        snp_dispositif=t.snp_dispositif,
        shares=terms.shares_by_year.get(year),
        crisis=any(start <= d < end for d in triggers),
        one_offs=[(code, amount) for code, amount, due in terms.one_offs if start <= due < end],
    )


def entitlements(terms: ContractTerms) -> dict[int, list[Line]]:
    """Year → entitlement lines, for every contract year (none after a termination)."""
    triggers = crisis_triggers(terms.crisis_dates)
    return {year: year_entitlement(terms, year, triggers) for year in range(1, terms.years + 1)}


def _covered_after(payment: Payment, day: dt.date) -> Decimal:
    """Part of an advance that pays for the period after `day`."""
    begin, end = payment.period
    if day <= begin:
        return payment.amount
    if day >= end:
        return ZERO
    return cents(payment.amount * (end - day).days / (end - begin).days)


def _year_advances(t: YearTerms, year: int, start: dt.date, end: dt.date) -> list[Payment]:
    """The advances of one contract year, on that year's grid and terms."""
    grid, size = t.grid, t.size
    rate = grid.majoration_rate(size, t.members)
    fonct_rate = rate if grid.majoration and grid.majoration.includes_fonctionnement else ZERO
    fonct = grid.amount(FONCTIONNEMENT, FIXED, size) * (1 + fonct_rate)
    lines = list(mission_lines(grid, size, t.starts, t.snp_dispositif))
    due: list[Payment] = []
    if year == 1:
        label = PAYMENT_KINDS["signature"]
        due.append(Payment(start, 1, "signature", label, cents(fonct), (start, end)))
    else:
        running = sum(
            (grid.amount(c, FIXED, size) for c, s in lines if s is not None and s <= start),
            ZERO,
        )
        amount = cents(ADVANCE_RATE * (fonct + running * (1 + rate)))
        due.append(Payment(start, year, "avance", PAYMENT_KINDS["avance"], amount, (start, end)))
    for top in grid.top_missions:
        mission_start = t.starts.get(top)
        if mission_start is None or not (start <= mission_start < end):
            continue
        if year > 1 and mission_start == start:
            continue  # already in the anniversary advance
        fixed = sum(
            (
                prorata(grid.amount(c, FIXED, size), s, start, end)
                for c, s in lines
                if (grid.missions[c].parent or c) == top
            ),
            ZERO,
        )
        if fixed:
            label = f"{PAYMENT_KINDS['avance_mission']} : {grid.missions[top].label}"
            amount = cents(ADVANCE_RATE * fixed * (1 + rate))
            period = (mission_start, end)
            due.append(Payment(mission_start, year, "avance_mission", label, amount, period))
    return due


def schedule(
    terms: ContractTerms, entitled: Mapping[int, list[Line]] | None = None
) -> list[Payment]:
    """Dated payments of the whole contract: advances, crisis parts, one-offs, balances and,
    on termination, the pro rata temporis recovery of the advances. Each year is paid on its
    own grid and terms (`ContractTerms.for_year`); `entitled`: its `entitlements`, when the
    caller has them already."""
    triggers = crisis_triggers(terms.crisis_dates)
    ended = terms.terminated_on
    payments: list[Payment] = []
    for year in range(1, terms.years + 1):
        start, end = contract_year_bounds(terms.signed_on, year)
        if ended and start >= ended:
            break
        t = terms.for_year(year)
        due = _year_advances(t, year, start, end)
        rate = t.grid.majoration_rate(t.size, t.members)
        crisis_envelope = t.grid.amount(CRISIS, VARIABLE, t.size) * (1 + rate)
        if CRISIS not in t.starts:
            crisis_envelope = ZERO  # the crisis mission is not in this year's terms
        for day in triggers:
            if start <= day < end and crisis_envelope:
                amount = cents(crisis_envelope)
                label = PAYMENT_KINDS["crise"]
                due.append(Payment(add_months(day, 1), year, "crise", label, amount))
        for code, amount, due_on in terms.one_offs:
            if start <= due_on < end:
                label = ONE_OFF_LABELS.get(code, PAYMENT_KINDS["ponctuel"])  # never the code
                due.append(Payment(due_on, year, "ponctuel", label, cents(amount)))
        if ended and ended < end:
            kept = [p for p in due if p.due_on <= ended]
            recovered = sum((_covered_after(p, ended) for p in kept if p.kind in RECOVERABLE), ZERO)
            payments.extend(kept)
            if recovered:
                label = PAYMENT_KINDS["recuperation"]
                payments.append(Payment(ended, year, "recuperation", label, -recovered))
            break
        lines = entitled[year] if entitled else year_entitlement(terms, year, triggers)
        balance = total(lines) - sum((p.amount for p in due), ZERO)
        payments.extend(due)
        payments.append(Payment(end, year, "solde", PAYMENT_KINDS["solde"], balance))
    return sorted(payments, key=lambda p: (p.due_on, p.year))
