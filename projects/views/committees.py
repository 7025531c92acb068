"""Committees: list, creation, members and attendance, documents, opinions, closing, minutes
and calendar. A project leader reads only their own project's item, opinions and documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_fsm import has_transition_perm

from common.messages import attempt
from territories.models import Departement

from .. import committees as committee_services
from .. import documents
from ..collaboration import CommitteeKind
from ..forms import (
    AttendanceForm,
    CommitteeDocumentForm,
    CommitteeForm,
    MemberForm,
    OpinionForm,
)
from ..selectors import visible_projects
from .base import (
    ACTIONS,
    _file,
    _pdf,
    _stored_pdf,
)


@login_required
def committee_list(request):
    user = request.user
    # The agendas are read below as names (a leader's prefetched projects are not needed).
    committees = list(committee_services.visible_committees(user).prefetch_related(None))
    agendas = committee_services.agenda_names(user, committees)
    url = _with_pk_slot("projects:committee", 0)
    now = timezone.now()
    return render(
        request,
        "projects/committee_list.html",
        {
            "rows": [_list_row(c, url.format(c.pk), agendas[c.pk], now) for c in committees],
            "can_create": user.is_ars,
        },
    )


def _list_row(committee, url, agenda, now) -> dict:
    """A row of the list as plain text, written as the template's filters wrote it: the date
    as `date:"d/m/Y H:i"` (local time, all digits), the agenda as `join:", "`."""
    meets_at = committee.meets_at
    return {
        "url": url,
        "date": timezone.localtime(meets_at).strftime("%d/%m/%Y %H:%M"),
        "upcoming": meets_at > now,
        "kind": committee.get_kind_display(),
        "departement": str(committee.departement),
        "place": committee.place,
        "agenda": ", ".join(agenda),
    }


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
    form = CommitteeForm(
        request.POST or None,
        departements=departements,
        projects=projects,
        organisations=committee_services.organisations_in_scope(request.user),
    )
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


def _seat_choices(user, committee, seats=None):
    return [
        (seat.institution, seat.label)
        for seat in committee_services.opinion_seats(user, committee, seats)
    ]


def _with_pk_slot(name, *args):
    """The URL with `{}` where a row's pk goes (0 in `args`): one reverse() for the page, not
    one per row."""
    return reverse(name, args=args).replace("/0/", "/{}/")


def _decisions(user, committee, project, urls):
    """The ARS decision buttons (label, style, address), styled as on the project page
    (rejecting is never the primary button); an LI decision from here names this committee."""
    suffix = f"?comite={committee.pk}" if committee.kind == CommitteeKind.LI else ""
    return [
        (*ACTIONS[name], urls[name].format(project.pk) + suffix)
        for name in committee_services.DECISIONS[committee.kind]
        if has_transition_perm(getattr(project, name), user)
    ]


def _documents(user, committee):
    """The documents this person may read, each with its address (one reverse() for all)."""
    url = _with_pk_slot("projects:committee_document", committee.pk, 0)
    return [(d, url.format(d.pk)) for d in committee_services.visible_documents(user, committee)]


@login_required
def committee_detail(request, pk):
    # Without a leader's agenda prefetched: the page reads it below, with the departements.
    committee = get_object_or_404(
        committee_services.visible_committees(request.user).prefetch_related(None), pk=pk
    )
    user = request.user
    seats = committee_services.members(committee)  # for the members, opinions and attendance
    choices = _seat_choices(user, committee, seats)
    whole_agenda = committee_services.sees_whole_agenda(user, committee)
    agenda = list(committee_services.visible_agenda(user, committee).select_related("departement"))
    opinions = committee_services.opinions_in_force(committee, agenda)
    is_ars = committee_services.is_ars_for(user, committee.departement)
    is_open = committee.closed_at is None
    detail_url = _with_pk_slot("projects:detail", 0)
    opinion_url = _with_pk_slot("projects:committee_opinion", committee.pk, 0)
    action_urls = {
        name: _with_pk_slot("projects:action", 0, name)
        for name in committee_services.DECISIONS[committee.kind]
    }
    items = [
        {
            "project": project,
            "url": detail_url.format(project.pk),
            "opinions": opinions[project.pk],
            "opinion_url": opinion_url.format(project.pk),
            "form": OpinionForm(institutions=choices, prefix=f"p{project.pk}") if choices else None,
            "decisions": _decisions(user, committee, project, action_urls),
        }
        for project in agenda
    ]
    met = committee.meets_at <= timezone.now()
    return render(
        request,
        "projects/committee_detail.html",
        {
            "committee": committee,
            "items": items,
            "whole_agenda": whole_agenda,
            "participants": committee_services.participants(committee, seats),
            "documents": _documents(user, committee),
            "attendance_form": AttendanceForm(committee=committee, seats=seats)
            if is_ars and is_open and met
            else None,
            # The ARS reads the whole agenda: the projects a document may concern.
            "document_form": CommitteeDocumentForm(
                committee=committee, agenda=agenda if whole_agenda else None
            )
            if is_ars and is_open
            else None,
            "member_form": MemberForm(committee=committee, seats=seats)
            if is_ars and is_open
            else None,
            "may_close": committee_services.may_close(user, committee),
        },
    )


@login_required
@require_POST
def committee_opinion(request, pk, project_pk):
    committee = _committee(request, pk)
    project = get_object_or_404(committee.projects.all(), pk=project_pk)
    choices = _seat_choices(request.user, committee)
    if not choices:
        raise PermissionDenied("Vous ne rendez pas d'avis dans ce comité.")
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


def _ars_committee(request, pk, refusal):
    committee = _committee(request, pk)
    if not committee_services.is_ars_for(request.user, committee.departement):
        raise PermissionDenied(refusal)
    return committee


@login_required
@require_POST
def committee_attendance(request, pk):
    committee = _ars_committee(request, pk, "Seule l'ARS du territoire relève les présences.")
    form = AttendanceForm(request.POST, committee=committee)
    if form.is_valid():
        present = [m.pk for m in form.cleaned_data["present"]]
        attempt(
            request,
            lambda: committee_services.record_attendance(committee, request.user, present),
            "Présences enregistrées.",
        )
    else:
        messages.error(request, "Présences non enregistrées : cochez des membres du comité.")
    return redirect("projects:committee", pk=pk)


@login_required
@require_POST
def committee_member_add(request, pk):
    committee = _ars_committee(request, pk, "Seule l'ARS du territoire compose ses comités.")
    form = MemberForm(request.POST, committee=committee)
    if form.is_valid():
        attempt(
            request,
            lambda: committee_services.add_member(committee, request.user, **form.cleaned_data),
            "Membre ajouté.",
        )
    else:
        errors = [e for field in form.errors.values() for e in field]
        messages.error(request, "Membre non ajouté : " + " ".join(errors))
    return redirect("projects:committee", pk=pk)


@login_required
@require_POST
def committee_document_add(request, pk):
    committee = _ars_committee(request, pk, "Seule l'ARS du territoire joint des documents.")
    form = CommitteeDocumentForm(request.POST, request.FILES, committee=committee)
    if form.is_valid():
        attempt(
            request,
            lambda: committee_services.add_document(committee, request.user, **form.cleaned_data),
            "Document joint à la convocation.",
        )
    else:
        errors = [e for field in form.errors.values() for e in field]
        messages.error(request, "Document non joint : " + " ".join(errors))
    return redirect("projects:committee", pk=pk)


@login_required
def committee_document(request, pk, document_pk):
    committee = _committee(request, pk)
    document = get_object_or_404(
        committee_services.visible_documents(request.user, committee), pk=document_pk
    )
    return _file(document.file, f"comite-{pk}-document-{document.pk}.pdf")


@login_required
def committee_minutes_pdf(request, pk):
    """The stored minutes once the committee is closed, a draft rendered on demand before; a
    project leader gets an extract naming only their own projects."""
    committee = _committee(request, pk)
    if not committee_services.sees_whole_agenda(request.user, committee):
        agenda = committee_services.visible_agenda(request.user, committee)
        return _pdf(
            documents.minutes_pdf(committee, agenda), f"extrait-compte-rendu-comite-{pk}.pdf"
        )
    if committee.minutes:
        return _stored_pdf(committee.minutes, f"compte-rendu-comite-{pk}.pdf")
    return _pdf(documents.minutes_pdf(committee), f"compte-rendu-comite-{pk}-provisoire.pdf")


@login_required
def committee_close(request, pk):
    """Closing is irreversible: a confirmation page first, then the POST closes."""
    committee = _ars_committee(request, pk, "Seule l'ARS du territoire clôt ses comités.")
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
