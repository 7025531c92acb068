"""Recording writes. Call `record` inside the service's transaction, after the change."""

import datetime as dt

from django.db import models

from .models import AuditEntry


def as_text(value) -> str | None:
    """A field value as the journal shows it (dates ISO, money as written, objects by name)."""
    if value is None:
        return None
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return str(value)  # numbers (Decimal as written), text, objects by their name


def snapshot(instance, fields) -> dict:
    """The fields' values now, to compare after the change (`changes`)."""
    return {name: as_text(getattr(instance, name)) for name in fields}


def changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    actor,
    action: str,
    label: str,
    target=None,
    *,
    project=None,
    changes: dict | None = None,
    organisation=None,
) -> AuditEntry:
    """Append one entry: `actor` is a user or None (the scheduler, an import run by a command);
    the organisation defaults to the actor's; `project` (object or id) files the entry on the
    project's page."""
    if organisation is None and actor is not None:
        organisation = getattr(actor, "organisation", None)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        organisation=organisation,
        action=action,
        label=label,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=getattr(target, "pk", None),
        project_id=getattr(project, "pk", project),
        changes=changes or {},
    )


def for_project(project_id):
    """The project's journal, newest first."""
    return AuditEntry.objects.filter(project_id=project_id).select_related("actor", "organisation")
