"""The rules of a request for missing items (CRPA L.114-5), shared by the form and the service:
what counts as a listed item, and the dates the ARS may give to provide them by."""

import datetime as dt
import re

from .deadlines import items_due_bounds
from .errors import WorkflowError

MAX_ITEMS = 30
ITEM_MAX_LENGTH = 500
# List markers the ARS may type or paste ("- ", "• ", "1. ", "a) "): not part of the item.
_MARKER = re.compile(r"^\s*(?:[-–—•*·]+|\d{1,2}[.)]|[a-zA-Z][.)])\s+")
_WORD = re.compile(r"\w")


def parse_items(text) -> list[str]:
    """The listed items, one per line, markers and blanks dropped. A request must list at
    least one real item (with a letter or a digit): else it would only restart the clock."""
    items = []
    for line in (text or "").splitlines():
        item = _MARKER.sub("", line).strip()
        if _WORD.search(item):
            items.append(item)
    if not items:
        raise WorkflowError("Listez au moins une pièce manquante (une par ligne).")
    if len(items) > MAX_ITEMS:
        raise WorkflowError(f"Listez au plus {MAX_ITEMS} pièces (une par ligne).")
    if any(len(item) > ITEM_MAX_LENGTH for item in items):
        raise WorkflowError(f"Chaque pièce tient en {ITEM_MAX_LENGTH} caractères au plus.")
    return items


def check_due_on(due_on, today: dt.date) -> None:
    """The date to provide the items by: from tomorrow to six months ahead (input bounds; no
    source sets them)."""
    if not isinstance(due_on, dt.date) or isinstance(due_on, dt.datetime):
        raise WorkflowError("Indiquez la date à laquelle les pièces doivent être fournies.")
    earliest, latest = items_due_bounds(today)
    if due_on < earliest:
        raise WorkflowError(
            f"La date limite de production des pièces doit être postérieure à aujourd'hui "
            f"(au plus tôt le {earliest:%d/%m/%Y})."
        )
    if due_on > latest:
        raise WorkflowError(
            f"La date limite de production des pièces ne peut dépasser six mois "
            f"(au plus tard le {latest:%d/%m/%Y})."
        )
