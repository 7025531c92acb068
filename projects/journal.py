"""The project's journal: the services record their writes with `audit.services.record`; the
project page shows the latest entries to the leaders and the institutions of the territory."""

from django.db.models import Count, Window

from audit.services import as_text, for_project

SHOWN = 50  # entries on the project page
ENTRY_FIELDS = (
    *("at", "label", "changes", "organisation__name"),
    *(f"actor__{name}" for name in ("first_name", "last_name", "username")),
)


def named(instance, fields) -> dict:
    """The fields' values keyed by their French names, choices as displayed, blanks as None:
    what a reader of the journal understands (compare two with `audit.services.changes`)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, name)
        if field.choices and value:
            value = getattr(instance, f"get_{name}_display")()
        values[str(field.verbose_name)] = as_text(value) or None  # empty reads as nothing
    return values


def latest(project_id) -> tuple[list, int]:
    """The newest SHOWN entries and how many there are in all, in one query (the count rides on
    each row as a window over the whole journal); only the fields `audit/journal.html` reads."""
    entries = for_project(project_id).only(*ENTRY_FIELDS).annotate(total=Window(Count("pk")))
    entries = list(entries[:SHOWN])
    return entries, entries[0].total if entries else 0
