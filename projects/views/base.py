"""What the project pages share: the project as the person may see it, service calls turned
into messages, file responses."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404

from .. import permissions as perms
from ..selectors import readable_projects

ACTIONS = {
    "validate_li": ("Valider la lettre d'intention", ""),
    "request_li_changes": ("Demander des modifications de la LI", "fr-btn--secondary"),
    "reject_li": ("Rejeter la lettre d'intention", "fr-btn--tertiary"),
    "request_ps_items": ("Demander des pièces manquantes", "fr-btn--secondary"),
    "validate_ps": ("Valider le projet de santé", ""),
    "oppose_ps": ("S'opposer au projet de santé", "fr-btn--tertiary"),
    "start_aci": ("Engager la préparation de l'ACI", "fr-btn--secondary"),
    "abandon": ("Abandonner le projet", "fr-btn--tertiary"),
    "close_without_follow_up": ("Classer le dossier sans suite", "fr-btn--tertiary"),
}


IRREVERSIBLE = {
    "validate_li",
    "reject_li",
    "validate_ps",
    "oppose_ps",
    "abandon",
    "close_without_follow_up",
}


def _project(request, pk):
    """The project if it is in the person's territory (or theirs), else 404."""
    files = ("letter", "association", "health_project")  # shown on most project pages
    return get_object_or_404(readable_projects(request.user).select_related(*files), pk=pk)


def _leader_project(request, pk):
    project = _project(request, pk)
    if not perms.is_leader(project, request.user):
        raise PermissionDenied("Réservé aux porteurs du projet.")
    return project


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _file(field, filename: str) -> FileResponse:
    if not field:
        raise Http404("Aucun fichier.")
    return FileResponse(field.open("rb"), as_attachment=True, filename=filename)


# --- Dashboard and project page ----------------------------------------------------------


def _stored_pdf(field, filename: str) -> HttpResponse:
    """A PDF kept in a file field, served inline; 404 when there is none."""
    if not field:
        raise Http404("Document indisponible.")
    with field.open("rb") as handle:
        return _pdf(handle.read(), filename)


def _may_attempt(project, name, user) -> bool:
    """Right role and territory for a transition from this state; its conditions (deadline,
    completeness) are left to the service, whose refusal the person then reads."""
    meta = getattr(project, name)._django_fsm
    return meta.has_transition(project.state) and meta.has_transition_perm(
        project, project.state, user
    )


def _display(form, field):
    value = form.cleaned_data[field]
    choices = dict(getattr(form.fields[field], "choices", []) or [])
    return choices.get(value, value)


# --- Messages and co-leaders --------------------------------------------------------------
