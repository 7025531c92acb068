"""CPTS size (taille 1-4) from the population of its territory (domain.md §4 "Size").

Sources: "Taille 1 (<40K)", "Taille 2 (entre 40K et 80K)", "Taille 3 (entre 80K et 175K)",
"Taille 4 (>175K)". So 40 000 is taille 2 and 175 000 taille 3. Exactly 80 000 is not settled by
any source we hold: we read "entre 80K et 175K" as inclusive, hence taille 3 (to confirm).
"""

# (lowest population of the size, size), highest first.
SIZE_FLOORS = ((175_001, 4), (80_000, 3), (40_000, 2), (0, 1))
SIZE_80K_BOUNDARY_TO_CONFIRM = True


def taille_for_population(population: int) -> int:
    if population < 0:
        raise ValueError("Une population ne peut pas être négative.")
    for floor, taille in SIZE_FLOORS:
        if population >= floor:
            return taille
    raise AssertionError("unreachable")
