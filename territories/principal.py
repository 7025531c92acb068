"""The département principal of a set of communes: the one holding most of its population.

It decides which ARS délégation and which CPAM handle a CPTS file (issue 15); the other
départements of the territory are informed. The rules that involve projects (who is informed,
the région of the ARS in charge) are in `projects.territory`.
"""

from collections import defaultdict


def population_by_departement(communes) -> dict:
    """{département: (population, number of communes)} of a set of communes."""
    totals = defaultdict(lambda: [0, 0])
    for commune in communes:
        total = totals[commune.departement]
        total[0] += commune.population
        total[1] += 1
    return {departement: tuple(total) for departement, total in totals.items()}


def principal_departement(communes, current=None):
    """The département holding most of the communes' population; None without communes.

    Ties, broken so the same territory always gives the same answer:
    1. the most communes;
    2. `current` (the département already handling the file), so a tie never moves a file;
    3. the lowest INSEE code of the département.
    """
    totals = population_by_departement(communes)
    if not totals:
        return None
    current_pk = getattr(current, "pk", None)

    def rank(departement):
        population, count = totals[departement]
        # min() of this key: highest population, most communes, the current one, lowest code.
        return (-population, -count, departement.pk != current_pk, departement.code)

    return min(totals, key=rank)


def regions_of(communes) -> set:
    """The régions the communes lie in (a CPTS territory must lie in one)."""
    return {commune.departement.region for commune in communes}
