"""French labels for grid lines and payments (shared by views, exports and the command)."""

from decimal import ROUND_HALF_UP, Decimal

from django.template.defaultfilters import floatformat

from .calc import ADDITIONNEL, CENT, MAJORATION, PRE_ACI, ZERO, Grid

PART_LABELS = {"fixed": "part fixe", "variable": "part variable", "one_off": "ponctuel"}
EXTRA_LABELS = {
    ADDITIONNEL: "Financement additionnel du fonctionnement (une année)",
    PRE_ACI: "Accompagnement pré-ACI",
    MAJORATION: "Majoration taille 4 (+10 % sur les missions)",
}


def mission_label(grid: Grid, code: str) -> str:
    info = grid.missions.get(code)
    return info.label if info else EXTRA_LABELS.get(code, code)


def stored_mission_label(missions: dict, code: str) -> str:
    """`mission_label` from a stored grid version's `missions` (code → its label, kind…): a
    page about one contract reads it with the contract instead of building every grid."""
    info = missions.get(code)
    return info["label"] if info else EXTRA_LABELS.get(code, code)


def line_label(grid: Grid, code: str, part: str) -> str:
    return f"{mission_label(grid, code)} — {PART_LABELS.get(part, part)}"


# French grouping and decimal mark, as Django's French formats write them.
_FRENCH_MARKS = str.maketrans({",": "\xa0", ".": ","})


def euros(amount) -> str:
    """An amount as people read it: 146250.00 → « 146 250,00 » (never « 146250.00 »).

    What `floatformat:"2g"` writes in French (no « -0,00 » either), in plain Python for a
    Decimal: the contract page shows some 150 amounts, and the filter's locale lookups cost
    more than the rest of their cells."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        return floatformat(amount, "2g")
    rounded = amount.quantize(CENT, ROUND_HALF_UP) or ZERO
    return f"{rounded:,.2f}".translate(_FRENCH_MARKS)


def percent(rate) -> str:
    """A share as people read it: 0.25 → « 25 % », 0.125 → « 12,5 % » (never « 0.25 »)."""
    if rate is None or rate == "":
        return ""
    try:
        value = (Decimal(str(rate)) * 100).normalize()
    except ArithmeticError:  # InvalidOperation: not a number, shown as stored
        return str(rate)
    text = f"{value:f}".replace(".", ",")
    return f"{text}\u00a0%"


def thresholds_text(indicator) -> str:
    """« socle : 50 → 25 % ; objectif : 80 → 100 % » (value reached → share of the envelope)."""
    return " ; ".join(
        f"{t.get('level', '')} : {str(t.get('value', '')).replace('.', ',')} → "
        f"{percent(t.get('rate'))}"
        for t in indicator.thresholds or []
    )


# The nature of a schedule line in a word or two, for exports (the code stays internal).
PAYMENT_KIND_LABELS = {
    "signature": "Versement à la signature",
    "avance": "Avance",
    "avance_mission": "Avance de mission",
    "crise": "Crise sanitaire",
    "ponctuel": "Ponctuel",
    "solde": "Solde",
    "recuperation": "Récupération",
}


def payment_kind(kind: str) -> str:
    return PAYMENT_KIND_LABELS.get(kind, kind)
