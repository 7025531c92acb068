"""The leaders' files: lettre d'intention, association, projet de santé, attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from common.messages import attempt

from .. import drafts, exchanges, services
from ..collaboration import Attachment
from ..drafts import LI_EDITABLE, PS_EDITABLE
from ..forms import (
    AssociationForm,
    AttachmentForm,
    HealthProjectForm,
    LetterForm,
)
from ..states import State
from .base import (
    _file,
    _leader_project,
    _project,
)


def _edit_file(request, project, kind, form_class, submit_url, title):
    """Draft save and completeness check for the LI and the PS (same shape)."""
    instance = drafts.current(project, kind)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        if not attempt(
            request, lambda: drafts.save_draft(project, request.user, kind, form.cleaned_data)
        ):
            return redirect("projects:detail", pk=project.pk)
        if "check" in request.POST:
            missing = instance.missing_sections()
            if missing:
                messages.warning(request, "Sections à compléter : " + ", ".join(missing) + ".")
            else:
                messages.success(request, "Toutes les sections sont remplies.")
        else:
            messages.success(request, "Brouillon enregistré.")
        if "submit" in request.POST:
            return redirect(submit_url)
        return redirect(request.path)
    return render(
        request,
        "projects/file_edit.html",
        {
            "project": project,
            "form": form,
            "missing": instance.missing_sections(),
            "submit_url": submit_url,
            "title": title,
        },
    )


@login_required
def letter_edit(request, pk):
    project = _leader_project(request, pk)
    if project.state not in LI_EDITABLE:
        messages.info(request, "La lettre d'intention a été déposée : elle n'est plus modifiable.")
        return redirect("projects:detail", pk=pk)
    return _edit_file(
        request,
        project,
        "letter",
        LetterForm,
        reverse("projects:letter_submit", args=[pk]),
        "Lettre d'intention",
    )


@login_required
def letter_submit(request, pk):
    project = _leader_project(request, pk)
    if project.state not in LI_EDITABLE:
        messages.info(request, "La lettre d'intention a déjà été déposée.")
        return redirect("projects:detail", pk=pk)
    return _submit_file(
        request,
        project,
        drafts.current(project, "letter"),
        LetterForm,
        "submit_li",
        "li",
        "Lettre d'intention déposée.",
        territory_empty=not project.communes.exists(),
        title="Déposer la lettre d'intention",
        edit_url=reverse("projects:letter", args=[pk]),
    )


def _submit_file(request, project, file, form_class, action, kind, done, **context):
    """The confirmation step of an LI or a PS: the file to re-read, then the submission."""
    if request.method == "POST" and attempt(
        request, lambda: services.run_action(project, action, request.user)
    ):
        messages.success(request, done)
        return redirect("projects:acknowledgment", pk=project.pk, kind=kind)
    return render(
        request,
        "projects/file_confirm.html",
        {
            "project": project,
            "file": file,
            "form": form_class(instance=file),
            "missing": file.missing_sections(),
            **context,
        },
    )


@login_required
def association_edit(request, pk):
    project = _leader_project(request, pk)
    if project.state != State.LI_VALIDEE:
        messages.info(request, "L'association se déclare une fois la lettre d'intention validée.")
        return redirect("projects:detail", pk=pk)
    existing = getattr(project, "association", None)
    form = AssociationForm(
        request.POST or None,
        request.FILES or None,
        statutes_required=not (existing and existing.statutes),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            lambda: services.constitute_association(
                project,
                request.user,
                name=data["name"],
                rna=data["rna"],
                siret=data["siret"],
                general_assembly_on=data["general_assembly_on"],
                statutes=data["statutes"],
            ),
        ):
            messages.success(request, "Association enregistrée.")
            return redirect("projects:detail", pk=pk)
    return render(request, "projects/association_form.html", {"project": project, "form": form})


@login_required
def health_project_edit(request, pk):
    project = _leader_project(request, pk)
    if project.state not in PS_EDITABLE:
        messages.info(request, "Le projet de santé n'est pas modifiable à cette étape.")
        return redirect("projects:detail", pk=pk)
    return _edit_file(
        request,
        project,
        "health_project",
        HealthProjectForm,
        reverse("projects:health_project_submit", args=[pk]),
        "Projet de santé",
    )


@login_required
def health_project_submit(request, pk):
    project = _leader_project(request, pk)
    if project.state not in PS_EDITABLE:
        messages.info(request, "Le projet de santé n'est pas à déposer à cette étape.")
        return redirect("projects:detail", pk=pk)
    completing = project.state == State.PS_INCOMPLET
    refiling = project.state == State.PS_OPPOSE
    action = "complete_ps" if completing else "refile_ps" if refiling else "submit_ps"
    return _submit_file(
        request,
        project,
        drafts.current(project, "health_project"),
        HealthProjectForm,
        action,
        "ps",
        "Projet de santé déposé.",
        title=SUBMIT_TITLES[action],
        edit_url=reverse("projects:health_project", args=[pk]),
        item_request=project.item_requests.first() if completing else None,
    )


SUBMIT_TITLES = {
    "submit_ps": "Déposer le projet de santé",
    "complete_ps": "Transmettre les pièces demandées",
    "refile_ps": "Déposer à nouveau le projet de santé (nouveau délai de deux mois)",
}


# --- Documents ----------------------------------------------------------------------------


@login_required
def statutes_download(request, pk):
    project = _project(request, pk)
    association = getattr(project, "association", None)
    return _file(association and association.statutes, f"statuts-{pk}.pdf")


@login_required
def attachment_download(request, pk, attachment_pk):
    project = _project(request, pk)
    attachment = get_object_or_404(Attachment, project=project, pk=attachment_pk)
    return _file(attachment.file, f"piece-{attachment.pk}.pdf")


@login_required
def attachment_add(request, pk):
    project = _leader_project(request, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if attempt(
            request,
            lambda: exchanges.add_attachment(project, request.user, **form.cleaned_data),
        ):
            messages.success(request, "Pièce jointe ajoutée.")
            return redirect("projects:detail", pk=pk)
    return render(request, "projects/attachment_form.html", {"project": project, "form": form})


# --- ARS decisions ---------------------------------------------------------------------------
