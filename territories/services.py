"""A set of communes: resolved from INSEE codes, with its population and taille (domain.md §4).

The rules that involve projects (overlap, submission checks) are in `projects.territory`.
"""

from dataclasses import dataclass

from common.errors import UserError

from .models import CITIES_BY_ARRONDISSEMENT, Commune
from .sizing import SIZE_80K_BOUNDARY_TO_CONFIRM, taille_for_population

# Populations near the unsettled 80 000 boundary are flagged in the interface: within this
# share of it either way (a territory of 77 000 may grow past it; 30 000 never needs the note).
BOUNDARY_TO_CONFIRM = 80_000
BOUNDARY_NEAR_SHARE_PERCENT = 5


def near_boundary(population: int) -> bool:
    """Within ±5 % of 80 000 (76 000 to 84 000), where the taille 2/3 choice may matter."""
    return abs(population - BOUNDARY_TO_CONFIRM) * 100 <= (
        BOUNDARY_TO_CONFIRM * BOUNDARY_NEAR_SHARE_PERCENT
    )


class TerritoryError(UserError):
    """Input that cannot make a territory; the message is for the user (French)."""


@dataclass
class Summary:
    population: int
    taille: int | None
    boundary_to_confirm: bool
    count: int


def summarise(communes) -> Summary:
    """Population and taille of a set of communes (no commune: no taille)."""
    communes = list(communes)
    population = sum(c.population for c in communes)
    taille = taille_for_population(population) if communes else None
    return Summary(
        population=population,
        taille=taille,
        boundary_to_confirm=SIZE_80K_BOUNDARY_TO_CONFIRM and near_boundary(population),
        count=len(communes),
    )


def whole_city_message(codes) -> str:
    cities = [CITIES_BY_ARRONDISSEMENT[code] for code in codes]
    return " ".join(
        f"{name} se choisit par arrondissement ({first} à {last}), jamais en entier."
        for name, first, last in cities
    )


def resolve_communes(insee_codes) -> list[Commune]:
    """The communes for these INSEE codes; unknown codes raise, naming them."""
    codes = []
    for code in insee_codes:
        code = (code or "").strip().upper()
        if code and code not in codes:
            codes.append(code)
    if not codes:
        raise TerritoryError("Le territoire doit comporter au moins une commune.")
    if whole := [code for code in codes if code in CITIES_BY_ARRONDISSEMENT]:
        raise TerritoryError(whole_city_message(whole))
    found = {
        c.insee: c
        for c in Commune.objects.filter(insee__in=codes).select_related("departement__region")
    }
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise TerritoryError("Code(s) INSEE inconnu(s) : " + ", ".join(unknown) + ".")
    return [found[code] for code in codes]
