"""The project page and the decisions taken from it, each behind a confirmation step."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from common.messages import attempt

from .. import documents, exchanges, page_reads, services
from .. import permissions as perms
from ..forms import (
    ActionForm,
    MissingItemsForm,
)
from ..progress import next_deadline, ps_status, who_has_the_hand
from ..selectors import may_read
from ..states import State
from .base import (
    ACTIONS,
    IRREVERSIBLE,
    _display,
    _may_attempt,
    _project,
)

# The page's links to the project's pages, by the name the template gives them: (URL name,
# arguments after the project's pk).
LINKS = {
    "territory": ("projects:territory",),
    "letter": ("projects:letter",),
    "association": ("projects:association",),
    "health_project": ("projects:health_project",),
    "health_project_submit": ("projects:health_project_submit",),
    "attachment_add": ("projects:attachment_add",),
    "invite": ("projects:invite",),
    **{f"ack_{f}": ("projects:acknowledgment_pdf", f) for f in ("li", "ps")},
    **{
        f"decision_{d}": ("projects:decision_letter", d)
        for d in ("li", "ps", "pieces", "classement")
    },
    "implicit_attestation": ("projects:implicit_attestation",),
    "statutes": ("projects:statutes",),
    "messages": ("projects:messages",),
    "first_leader": ("projects:first_leader",),
    "roster": ("funding:roster",),
}
SLOT = 987654321  # stands for a primary key in a reversed URL
_patterns: dict[tuple, str] = {}


def _pattern(name: str, *args) -> str:
    """The URL with `{}` for each SLOT in `args`: reversed once per process (a `{% url %}` per
    link cost about as much as the rest of its line)."""
    key = (name, args, get_script_prefix())
    if key not in _patterns:
        _patterns[key] = reverse(name, args=args).replace(str(SLOT), "{}")
    return _patterns[key]


class _Links:
    """The project's LINKS, each written when the template asks for it (`links.territory`)."""

    def __init__(self, pk):
        self.pk = pk

    def __getitem__(self, key: str) -> str:
        name, *more = LINKS[key]
        return _pattern(name, SLOT, *more).format(self.pk)


def _linked(rows: list, name: str, *pks) -> list:
    """The rows, each with the address of its page (`row.link`): `name` with `pks`, then the
    row's own."""
    pattern = _pattern(name, *[SLOT] * (len(pks) + 1))
    for row in rows:
        row.link = pattern.format(*pks, row.pk)
    return rows


@login_required
def project_detail(request, pk):
    user = request.user
    project = page_reads.project(pk)
    if project is None:
        raise Http404("No Project matches the given query.")
    # Listed on the page, they also answer "is this person a leader?" and "may they read it?".
    members = page_reads.members(project)
    informed = page_reads.informed_departements(project)
    if not may_read(project, user, members, informed):
        raise Http404("No Project matches the given query.")
    is_leader = perms.is_leader(project, user)
    available = {t.name for t in project.get_available_user_state_transitions(user)}
    actions = [
        (_pattern("projects:action", SLOT, name).format(project.pk), label, style)
        for name, (label, style) in ACTIONS.items()
        if name in available
    ]
    events = page_reads.events(project)
    transitions = {e.transition for e in events}
    committees = _linked(page_reads.committees(project), "projects:committee")
    # Only the ARS's request for missing items creates them, with its event: none without it.
    item_requests = list(project.item_requests.all()) if "request_ps_items" in transitions else []
    upcoming = [c for c in committees if c.meets_at >= timezone.now()]
    entries, entry_count = (
        page_reads.journal(project) if perms.reads_journal(project, user) else (None, 0)
    )
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
                project,
                min(upcoming, key=lambda c: c.meets_at) if upcoming else None,
                open_request=next((r for r in item_requests if r.is_open), None),
            ),
            "letter": getattr(project, "letter", None),
            "association": getattr(project, "association", None),
            "health_project": getattr(project, "health_project", None),
            "attachments": _linked(
                page_reads.attachments(project), "projects:attachment", project.pk
            ),
            # Called by the template, only where it lists them (ACI states, some people).
            "contracts": lambda: _linked(page_reads.contracts(project), "funding:contract"),
            "links": _Links(project.pk),
            "committees": committees,
            "item_requests": item_requests,
            "informed": informed,
            "members": members,
            "implicit": "deem_ps_validated" in transitions,
            "li_decided": bool(transitions & set(documents.LI_DECISIONS)),
            "ps_decided": bool(transitions & set(documents.PS_DECISIONS)),
            "items_requested": "request_ps_items" in transitions,
            "closed_sans_suite": "close_without_follow_up" in transitions,
            "ps_status": ps_status(project, events),
            "journal": entries,
            "journal_count": entry_count,
            "State": State,
        },
    )


# --- Leader: lettre d'intention, association, projet de santé ------------------------------


@login_required
def project_action(request, pk, name):
    project = _project(request, pk)
    if name not in ACTIONS:
        raise Http404("Action inconnue.")
    if not _may_attempt(project, name, request.user):
        raise PermissionDenied("Vous n'avez pas le droit d'effectuer cette action.")
    label = ACTIONS[name][0]
    # From a committee's page, its decision buttons name the committee (`?comite=`).
    initial = {"committee": request.GET.get("comite", "")[:12]}
    if name == "request_ps_items":
        form = MissingItemsForm(request.POST or None, action=name)
    else:
        form = ActionForm(request.POST or None, action=name, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirmed"):
            if attempt(
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
