"""Web pages. Thin: every check of role and territory and every write goes through services.

A project outside the person's territory does not exist for them (404); a project they see but
may not act on answers 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_fsm import has_transition_perm
from django_tables2 import SingleTableMixin
from django_tables2.export import TableExport
from django_tables2.export.views import ExportMixin

from cpts_portal import page_cache
from reminders.views import personal_feed_url
from territories.models import Departement

from . import committees as committee_services
from . import documents, exchanges, notifications, services  # noqa: F401 (signal receiver)
from . import permissions as perms
from .collaboration import Attachment, Institution, Opinion
from .filters import ProjectFilter
from .forms import (
    ActionForm,
    AssociationForm,
    AttachmentForm,
    CommitteeForm,
    HealthProjectForm,
    InvitationForm,
    LetterForm,
    MessageForm,
    OpinionForm,
    ProjectCreateForm,
)
from .models import DocumentKind, HealthProject, LetterOfIntent, Project, ProjectEvent
from .progress import next_deadline, who_has_the_hand
from .selectors import visible_projects
from .services import WorkflowError
from .states import State
from .tables import ProjectTable, export_dataset

# Decisions taken from the project page, each behind a confirmation step.
ACTIONS = {
    "validate_li": ("Valider la lettre d'intention", ""),
    "request_li_changes": ("Demander des modifications de la LI", "fr-btn--secondary"),
    "reject_li": ("Rejeter la lettre d'intention", "fr-btn--tertiary"),
    "request_ps_items": ("Demander des pièces manquantes", "fr-btn--secondary"),
    "validate_ps": ("Valider le projet de santé", ""),
    "oppose_ps": ("S'opposer au projet de santé", "fr-btn--tertiary"),
    "start_aci": ("Engager la préparation de l'ACI", "fr-btn--secondary"),
    "abandon": ("Abandonner le projet", "fr-btn--tertiary"),
}
IRREVERSIBLE = {"validate_li", "reject_li", "validate_ps", "oppose_ps", "abandon"}


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("projects:list")


def _project(request, pk):
    """The project if it is in the person's territory (or theirs), else 404."""
    files = ("letter", "association", "health_project")  # shown on most project pages
    return get_object_or_404(visible_projects(request.user).select_related(*files), pk=pk)


def _leader_project(request, pk):
    project = _project(request, pk)
    if not perms.is_leader(project, request.user):
        raise PermissionDenied("Réservé aux porteurs du projet.")
    return project


def _attempt(request, action) -> bool:
    """Run a service; turn refusals into messages the person can act on."""
    try:
        action()
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return False
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "Vous n'avez pas le droit d'effectuer cette action.")
        return False
    return True


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _file(field, filename: str) -> FileResponse:
    if not field:
        raise Http404("Aucun fichier.")
    return FileResponse(field.open("rb"), as_attachment=True, filename=filename)


# --- Dashboard and project page ----------------------------------------------------------


class ProjectListView(LoginRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    # Paginated by the table only (a ListView paginate_by would count the rows a second time).
    table_pagination = {"per_page": 25}
    export_name = "projets-cpts"
    export_formats = ("csv", "xlsx")

    def get_queryset(self):
        return visible_projects(self.request.user).select_related("departement")

    def create_export(self, export_format):
        # The table's ordering (?sort=) applies; values() instead of rendering every cell.
        table = self.get_table(**self.get_table_kwargs())
        dataset = export_dataset(table.data.data)
        response = HttpResponse(
            dataset.export(export_format), content_type=TableExport.FORMATS[export_format]
        )
        filename = self.get_export_filename(export_format)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs


@login_required
def project_create(request):
    if request.user.is_institution:
        raise PermissionDenied("Les institutions ne créent pas de projet.")
    form = ProjectCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = services.create_project(
            request.user, form.cleaned_data["name"], form.cleaned_data["departement"]
        )
        messages.success(request, "Projet créé. Rédigez maintenant la lettre d'intention.")
        return redirect("projects:letter", pk=project.pk)
    return render(request, "projects/project_create.html", {"form": form})


@login_required
def project_detail(request, pk):
    project = _project(request, pk)
    user = request.user
    is_leader = perms.is_leader(project, user)
    available = {t.name for t in project.get_available_user_state_transitions(user)}
    actions = [
        (name, label, style) for name, (label, style) in ACTIONS.items() if name in available
    ]
    events = list(
        ProjectEvent.objects.filter(project=project).select_related("actor", "organisation")
    )
    transitions = {e.transition for e in events}
    committees = list(
        project.committees.select_related("departement").prefetch_related(
            Prefetch("opinions", queryset=Opinion.objects.filter(project=project))
        )
    )
    upcoming = [c for c in committees if c.meets_at >= timezone.now()]
    if upcoming:  # the next deadline shown changes when that committee starts
        page_cache.valid_until(request, min(c.meets_at for c in upcoming))
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "is_leader": is_leader,
            "can_message": exchanges.can_use_thread(project, user),
            "actions": actions,
            "leader_can": available,
            "events": events,
            "hand": who_has_the_hand(project),
            "deadline": next_deadline(
                project, min(upcoming, key=lambda c: c.meets_at) if upcoming else None
            ),
            "letter": getattr(project, "letter", None),
            "association": getattr(project, "association", None),
            "health_project": getattr(project, "health_project", None),
            "attachments": project.attachments.select_related("uploaded_by"),
            "committees": committees,
            "item_requests": project.item_requests.all(),
            "members": project.members.select_related("user"),
            "implicit": "deem_ps_validated" in transitions,
            "li_decided": bool(transitions & set(documents.LI_DECISIONS)),
            "ps_decided": bool(transitions & set(documents.PS_DECISIONS)),
            "State": State,
        },
    )


# --- Leader: lettre d'intention, association, projet de santé ------------------------------

LI_EDITABLE = (State.EMERGENCE, State.LI_A_MODIFIER)
PS_EDITABLE = (State.ASSOCIATION_CONSTITUEE, State.PS_INCOMPLET, State.PS_OPPOSE)


def _edit_file(request, project, model, form_class, template, submit_url, title, states):
    """Draft save and completeness check for the LI and the PS (same shape)."""
    instance = model.objects.get_or_create(project=project)[0]
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Same row lock as the submission: a draft never changes a file once filed.
            locked = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
            if locked.state not in states:
                messages.error(request, "Le dossier a été déposé entre-temps : non modifié.")
                return redirect("projects:detail", pk=project.pk)
            form.save()
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
        template,
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
        LetterOfIntent,
        LetterForm,
        "projects/file_edit.html",
        reverse("projects:letter_submit", args=[pk]),
        "Lettre d'intention",
        LI_EDITABLE,
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
        LetterOfIntent.objects.get_or_create(project=project)[0],
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
    if request.method == "POST" and _attempt(
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
        if _attempt(
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
        HealthProject,
        HealthProjectForm,
        "projects/file_edit.html",
        reverse("projects:health_project_submit", args=[pk]),
        "Projet de santé",
        PS_EDITABLE,
    )


@login_required
def health_project_submit(request, pk):
    project = _leader_project(request, pk)
    if project.state not in PS_EDITABLE:
        messages.info(request, "Le projet de santé n'est pas à déposer à cette étape.")
        return redirect("projects:detail", pk=pk)
    completing = project.state == State.PS_INCOMPLET
    return _submit_file(
        request,
        project,
        HealthProject.objects.get_or_create(project=project)[0],
        HealthProjectForm,
        "complete_ps" if completing else "submit_ps",
        "ps",
        "Projet de santé déposé.",
        title="Transmettre les pièces demandées" if completing else "Déposer le projet de santé",
        edit_url=reverse("projects:health_project", args=[pk]),
        item_request=project.item_requests.first() if completing else None,
    )


# --- Documents ----------------------------------------------------------------------------


@login_required
def acknowledgment(request, pk, kind):
    project = _project(request, pk)
    context = documents.acknowledgment_context(project, kind)
    if context is None:
        raise Http404("Rien n'a encore été reçu.")
    return render(request, "projects/acknowledgment.html", context)


def _stored_pdf(field, filename: str) -> HttpResponse:
    """A PDF kept in a file field, served inline; 404 when there is none."""
    if not field:
        raise Http404("Document indisponible.")
    with field.open("rb") as handle:
        return _pdf(handle.read(), filename)


def _issued(request, pk, kind, filename):
    """The stored copy of a document issued to the file (issued on first request)."""
    document = documents.issue(_project(request, pk), kind)
    return _stored_pdf(document.file if document else None, filename)


@login_required
def acknowledgment_pdf(request, pk, kind):
    kinds = {"li": DocumentKind.ACK_LI, "ps": DocumentKind.ACK_PS}
    if kind not in kinds:
        raise Http404
    return _issued(request, pk, kinds[kind], f"accuse-reception-{kind}-{pk}.pdf")


@login_required
def implicit_attestation_pdf(request, pk):
    return _issued(request, pk, DocumentKind.IMPLICIT_ATTESTATION, f"attestation-{pk}.pdf")


@login_required
def decision_letter_pdf(request, pk, kind):
    kinds = {"li": DocumentKind.LI_DECISION, "ps": DocumentKind.PS_DECISION}
    if kind not in kinds:
        raise Http404
    return _issued(request, pk, kinds[kind], f"decision-{kind}-{pk}.pdf")


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
        if _attempt(
            request,
            lambda: exchanges.add_attachment(project, request.user, **form.cleaned_data),
        ):
            messages.success(request, "Pièce jointe ajoutée.")
            return redirect("projects:detail", pk=pk)
    return render(request, "projects/attachment_form.html", {"project": project, "form": form})


# --- ARS decisions ---------------------------------------------------------------------------


@login_required
def project_action(request, pk, name):
    project = _project(request, pk)
    if name not in ACTIONS:
        raise Http404("Action inconnue.")
    if not _may_attempt(project, name, request.user):
        raise PermissionDenied("Vous n'avez pas le droit d'effectuer cette action.")
    label = ACTIONS[name][0]
    form = ActionForm(request.POST or None, action=name)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirmed"):
            if _attempt(
                request,
                lambda: services.run_action(project, name, request.user, **form.cleaned_data),
            ):
                messages.success(request, f"{label} : c'est fait.")
                return redirect("projects:detail", pk=pk)
        else:
            return render(
                request,
                "projects/action_confirm.html",
                {
                    "project": project,
                    "form": form,
                    "label": label,
                    "irreversible": name in IRREVERSIBLE,
                    "summary": [
                        (form.fields[f].label, _display(form, f)) for f in form.cleaned_data
                    ],
                },
            )
    return render(
        request, "projects/action_form.html", {"project": project, "form": form, "label": label}
    )


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


@login_required
def message_thread(request, pk):
    project = _project(request, pk)
    if not exchanges.can_use_thread(project, request.user):
        raise PermissionDenied("Le fil d'échanges réunit les porteurs et l'ARS.")
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _attempt(
            request,
            lambda: exchanges.post_message(project, request.user, form.cleaned_data["body"]),
        ):
            messages.success(request, "Message envoyé.")
            return redirect("projects:messages", pk=pk)
    thread = project.messages.select_related("author__organisation")
    return render(
        request,
        "projects/messages.html",
        {"project": project, "thread": thread, "form": form},
    )


@login_required
def invite(request, pk):
    project = _leader_project(request, pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def accept_url(invitation):
            return request.build_absolute_uri(
                reverse("projects:invitation", args=[invitation.token])
            )

        if _attempt(
            request,
            lambda: exchanges.invite_coleader(
                project, request.user, form.cleaned_data["email"], accept_url
            ),
        ):
            messages.success(request, "Invitation envoyée.")
            return redirect("projects:detail", pk=pk)
    return render(
        request,
        "projects/invite.html",
        {"project": project, "form": form, "invitations": project.invitations.all()},
    )


@login_required
def invitation_accept(request, token):
    if request.method == "POST":
        invitation = None

        def accept():
            nonlocal invitation
            invitation = exchanges.accept_invitation(token, request.user)

        if _attempt(request, accept):
            messages.success(request, "Vous êtes maintenant co-porteur du projet.")
            return redirect("projects:detail", pk=invitation.project_id)
        return redirect("projects:list")
    return render(request, "projects/invitation_accept.html", {"token": token})


# --- Committees -------------------------------------------------------------------------------


@login_required
def committee_list(request):
    committees = committee_services.visible_committees(request.user).prefetch_related("projects")
    return render(
        request,
        "projects/committee_list.html",
        {
            "committees": committees,
            "can_create": request.user.is_ars,
            "feed_url": personal_feed_url(request),
            "now": timezone.now(),
        },
    )


@login_required
def committee_create(request):
    if not request.user.is_ars:
        raise PermissionDenied("Seule l'ARS organise les comités.")
    departements = Departement.objects.filter(
        committee_services.scope_q_for_departement(request.user)
    ).order_by("code")
    projects = visible_projects(request.user).filter(
        state__in=[s for states in committee_services.AGENDA_STATES.values() for s in states]
    )
    form = CommitteeForm(request.POST or None, departements=departements, projects=projects)
    if request.method == "POST" and form.is_valid():
        committee = None

        def create():
            nonlocal committee
            committee = committee_services.create_committee(request.user, **form.cleaned_data)

        if _attempt(request, create):
            messages.success(request, "Comité créé.")
            return redirect("projects:committee", pk=committee.pk)
    return render(request, "projects/committee_form.html", {"form": form})


def _committee(request, pk):
    return get_object_or_404(committee_services.visible_committees(request.user), pk=pk)


@login_required
def committee_detail(request, pk):
    committee = _committee(request, pk)
    institutions = committee_services.institutions_for(request.user, committee)
    choices = [(i, Institution(i).label) for i in institutions]
    opinions = list(committee.opinions.select_related("author"))
    decisions = committee_services.DECISIONS[committee.kind]
    items = []
    for project in committee.projects.select_related("departement"):
        items.append(
            {
                "project": project,
                "opinions": [o for o in opinions if o.project_id == project.pk],
                "form": OpinionForm(institutions=choices, prefix=f"p{project.pk}")
                if choices
                else None,
                "decisions": [
                    (name, ACTIONS[name][0])
                    for name in decisions
                    if has_transition_perm(getattr(project, name), request.user)
                ],
            }
        )
    return render(
        request,
        "projects/committee_detail.html",
        {
            "committee": committee,
            "items": items,
            "may_close": committee_services.may_close(request.user, committee),
        },
    )


@login_required
@require_POST
def committee_opinion(request, pk, project_pk):
    committee = _committee(request, pk)
    project = get_object_or_404(committee.projects.all(), pk=project_pk)
    institutions = committee_services.institutions_for(request.user, committee)
    if not institutions:
        raise PermissionDenied("Vous ne rendez pas d'avis dans ce comité.")
    choices = [(i, i) for i in institutions]
    form = OpinionForm(request.POST, institutions=choices, prefix=f"p{project.pk}")
    if form.is_valid():
        if _attempt(
            request,
            lambda: committee_services.record_opinion(
                committee, project, request.user, **form.cleaned_data
            ),
        ):
            messages.success(request, "Avis enregistré.")
    else:
        messages.error(request, "Avis incomplet : choisissez un avis.")
    return redirect("projects:committee", pk=pk)


@login_required
def committee_minutes_pdf(request, pk):
    """The stored minutes once the committee is closed; a draft rendered on demand before."""
    committee = _committee(request, pk)
    if committee.minutes:
        return _stored_pdf(committee.minutes, f"compte-rendu-comite-{pk}.pdf")
    return _pdf(documents.minutes_pdf(committee), f"compte-rendu-comite-{pk}-provisoire.pdf")


@login_required
def committee_close(request, pk):
    """Closing is irreversible: a confirmation page first, then the POST closes."""
    committee = _committee(request, pk)
    if not committee_services.is_ars_for(request.user, committee.departement):
        raise PermissionDenied("Seule l'ARS du territoire clôt ses comités.")
    if request.method == "POST":
        if _attempt(request, lambda: committee_services.close_committee(committee, request.user)):
            messages.success(request, "Comité clos : son compte rendu est définitif.")
        return redirect("projects:committee", pk=pk)
    return render(request, "projects/committee_close.html", {"committee": committee})


@login_required
def committee_ics(request):
    return _ics_response(request, request.user)


def _ics_response(request, user):
    committees = committee_services.visible_committees(user).prefetch_related("projects")
    response = HttpResponse(
        committee_services.to_ics(committees, host=request.get_host().split(":")[0]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="comites-cpts.ics"'
    return response
