"""The leaders' drafts of the lettre d'intention and the projet de santé (same shape)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.services import changes, record
from common import bounds

from . import permissions as perms
from .errors import WorkflowError
from .journal import named
from .models import HealthProject, LetterOfIntent, Project
from .states import State

LI_EDITABLE = (State.EMERGENCE, State.LI_A_MODIFIER)
PS_EDITABLE = (State.ASSOCIATION_CONSTITUEE, State.PS_INCOMPLET, State.PS_OPPOSE)
# The file's related name on the project: (model, states where the leaders edit it, title).
FILES = {
    "letter": (LetterOfIntent, LI_EDITABLE, "Lettre d'intention"),
    "health_project": (HealthProject, PS_EDITABLE, "Projet de santé"),
}


def current(project, kind):
    """The file as saved, or a blank one (not saved: reading a page writes nothing)."""
    model = FILES[kind][0]
    return getattr(project, kind, None) or model(project=project)


def _section(text) -> str:
    text = str(text or "")
    if len(text) > bounds.SECTION_MAX or "\x00" in text:
        raise WorkflowError(
            f"Une section tient en {bounds.SECTION_MAX} caractères, sans caractère NUL."
        )
    return text


def save_draft(project, user, kind: str, data: dict):
    """Save the sections in `data` (a form's cleaned data); unchanged sections write nothing."""
    model, states, title = FILES[kind]
    with transaction.atomic():
        # The submission takes the same lock: a draft never changes a file once filed.
        locked = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
        if not perms.is_leader(locked, user):
            raise PermissionDenied("Réservé aux porteurs du projet.")
        if locked.state not in states:
            raise WorkflowError("Le dossier a été déposé entre-temps : non modifié.")
        file = model.objects.filter(project=locked).first() or model(project=locked)
        before = named(file, model.REQUIRED_FIELDS)
        for name in model.REQUIRED_FIELDS:
            setattr(file, name, _section(data[name]))
        changed = changes(before, named(file, model.REQUIRED_FIELDS))
        if changed:
            file.save()
            record(
                user,
                f"projects.{kind}.draft",
                f"{title} : brouillon enregistré",
                file,
                project=locked,
                changes=changed,
            )
    return file
