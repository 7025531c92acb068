"""Committees: list, creation, opinions, closing, minutes and calendar."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_fsm import has_transition_perm

from common.messages import attempt
from territories.models import Departement

from .. import committees as committee_services
from .. import documents
from ..collaboration import Institution
from ..forms import (
    CommitteeForm,
    OpinionForm,
)
from ..selectors import visible_projects
from .base import (
    ACTIONS,
    _pdf,
    _stored_pdf,
)


@login_required
def committee_list(request):
    committees = committee_services.visible_committees(request.user).prefetch_related("projects")
    return render(
        request,
        "projects/committee_list.html",
        {
            "committees": committees,
            "can_create": request.user.is_ars,
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

        if attempt(request, create):
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
        if attempt(
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
        if attempt(request, lambda: committee_services.close_committee(committee, request.user)):
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
