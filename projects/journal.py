"""The project's journal: the services record their writes with `audit.services.record`; the
project page shows the latest entries to the leaders and the institutions of the territory."""

from audit.services import as_text

SHOWN = 50  # entries on the project page (`page_reads.journal`)


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
