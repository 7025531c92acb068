"""French labels for grid lines and payments (shared by views, exports and the command)."""

from .calc import ADDITIONNEL, MAJORATION, PRE_ACI, Grid

PART_LABELS = {"fixed": "part fixe", "variable": "part variable", "one_off": "ponctuel"}
EXTRA_LABELS = {
    ADDITIONNEL: "Financement additionnel du fonctionnement (une année)",
    PRE_ACI: "Accompagnement pré-ACI",
    MAJORATION: "Majoration taille 4 (+10 % sur les missions)",
}


def mission_label(grid: Grid, code: str) -> str:
    info = grid.missions.get(code)
    return info.label if info else EXTRA_LABELS.get(code, code)


def line_label(grid: Grid, code: str, part: str) -> str:
    return f"{mission_label(grid, code)} — {PART_LABELS.get(part, part)}"
