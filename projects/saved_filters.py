"""Dashboard filters a person names and finds again: one list of their own, never shared."""

from django.db import transaction
from django.http import QueryDict

from audit.services import record

from .errors import WorkflowError
from .models import SavedFilter

MAX_PER_PERSON = 20
# What a saved filter keeps of the dashboard's address: its filters and its sort, not the page.
KEPT = ("name", "state", "departement", "taille", "hand", "deadline_within", "sort")


def clean_query(query: str) -> str:
    """The known, non-empty parameters of `query`, in a stable order."""
    given = QueryDict(query)
    kept = QueryDict(mutable=True)
    for key in KEPT:
        value = given.get(key, "").strip()
        if value:
            kept[key] = value[:100]
    return kept.urlencode()


def save_filter(user, name: str, query: str) -> SavedFilter:
    """Keep the dashboard's current filters under `name` (the same name replaces them)."""
    name = " ".join((name or "").split())
    if not name:
        raise WorkflowError("Donnez un nom à ce filtre.")
    if len(name) > 80:
        raise WorkflowError("Le nom d'un filtre tient en 80 caractères.")
    query = clean_query(query)
    if not query:
        raise WorkflowError("Choisissez au moins un filtre avant de l'enregistrer.")
    with transaction.atomic():
        mine = SavedFilter.objects.select_for_update().filter(user=user)
        existing = {f.name: f for f in mine}
        if name not in existing and len(existing) >= MAX_PER_PERSON:
            raise WorkflowError(f"Vous gardez au plus {MAX_PER_PERSON} filtres : supprimez-en un.")
        saved, _ = SavedFilter.objects.update_or_create(
            user=user, name=name, defaults={"query": query}
        )
        record(user, "projects.filter.save", f"Filtre « {name} » enregistré", saved)
    return saved


def delete_filter(user, pk: int) -> None:
    with transaction.atomic():
        saved = SavedFilter.objects.select_for_update().filter(user=user, pk=pk).first()
        if saved is None:
            raise WorkflowError("Ce filtre n'existe plus.")
        record(user, "projects.filter.delete", f"Filtre « {saved.name} » supprimé", saved)
        saved.delete()
