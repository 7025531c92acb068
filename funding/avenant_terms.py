"""The contract's terms in force on a day, avenants included (read side, no writes).

Rule (README, funding section): an avenant in force applies to the contract years starting on
or after its effective date, whole years, like the grid rule (a year is paid on the grid and
the terms in force on its first day). Its `new_*` values replace the terms from that date; a
year before it keeps the terms the avenant replaced (`old_*`, taken when it came into force).
"""

from collections import defaultdict
from dataclasses import dataclass, replace

from .models import ContractAvenant

# Term → the avenant fields holding its new and old value.
TERMS = {
    "size": ("new_size", "old_size"),
    "members": ("new_members", "old_members"),
    "optional": ("new_optional", "old_optional"),
    "snp_dispositif": ("new_snp_dispositif", "old_snp_dispositif"),
    "communes": ("new_communes", "old_communes"),
}
AVENANT_VALUES = ("contract_id", "effective_on", *(f for pair in TERMS.values() for f in pair))


@dataclass(frozen=True)
class TermsInForce:
    size: int
    members: int
    optional: frozenset
    snp_dispositif: bool
    communes: tuple | None = None  # INSEE codes an avenant set (None: the project's territory)

    def on(self, day, avenants) -> "TermsInForce":
        """The terms in force on `day`; `avenants`: those in force, by effective date."""
        values = {}
        for term, (new, old) in TERMS.items():
            setting = [a for a in avenants if a[new] is not None]
            applied = [a for a in setting if a["effective_on"] <= day]
            if applied:
                values[term] = applied[-1][new]
            elif setting:
                values[term] = setting[0][old]
        if values.get("optional") is not None:
            values["optional"] = frozenset(values["optional"])
        if values.get("communes") is not None:
            values["communes"] = tuple(values["communes"])
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def in_force_by_contract(contract_ids) -> dict[int, list[dict]]:
    """Contract pk → its avenants in force (as dicts), by effective date, in one query."""
    out = defaultdict(list)
    rows = ContractAvenant.objects.filter(
        contract__in=contract_ids, signed_on__isnull=False, effective_on__isnull=False
    ).order_by("effective_on", "number")
    for row in rows.values(*AVENANT_VALUES):
        out[row["contract_id"]].append(row)
    return out


def in_force(avenants) -> list[dict]:
    """Those in force among a contract's avenants (rows already read), as
    `in_force_by_contract` gives them."""
    rows = [a for a in avenants if a.signed_on is not None and a.effective_on is not None]
    rows.sort(key=lambda a: (a.effective_on, a.number))
    return [{name: getattr(a, name) for name in AVENANT_VALUES} for a in rows]


def optional_of(grid_set, codes) -> frozenset:
    """The optional missions among the mission `codes` of a contract (the others are socle)."""
    return frozenset(
        code for grid in grid_set.grids for code in grid.optional_missions if code in codes
    )


def base_terms(contract, grid_set) -> TermsInForce:
    """The terms the three parties signed: the contract's row and its mission rows (optional
    ones added later by an avenant are told apart by that avenant's `old_optional`)."""
    codes = set(contract.missions.values_list("mission", flat=True))
    communes = tuple(sorted(contract.project.communes.values_list("insee", flat=True)))
    return TermsInForce(
        contract.size,
        contract.members,
        optional_of(grid_set, codes),
        contract.snp_dispositif,
        communes,
    )


def terms_on(contract, day, grid_set) -> TermsInForce:
    """The contract's terms in force on `day` (its avenants in force included)."""
    avenants = in_force_by_contract([contract.pk]).get(contract.pk, [])
    return base_terms(contract, grid_set).on(day, avenants)
