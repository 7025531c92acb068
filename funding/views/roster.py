"""The CPTS's member roster: kept by its leaders, read by the ARS and the Assurance Maladie of
its territory, exported as CSV/XLSX. Beside it, the count the contract uses: the roster's on the
first day of the contract year, or the count typed on the contract (flagged "déclaré") when the
CPTS keeps no roster."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from common import exports
from common.messages import attempt
from projects import roster as services
from projects.models import RosterMember
from projects.selectors import visible_projects

from ..deadlines import CONTRACT_YEARS, contract_anniversary
from ..forms import DATE_INPUT
from ..models import Contract
from .base import export_format

HEADERS = ["Nom", "Type", "Profession ou structure", "RPPS", "FINESS", "Adhésion", "Départ"]


class MemberForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=RosterMember.Kind.choices)
    name = forms.CharField(label="Nom", max_length=services.MAX_NAME)
    profession = forms.CharField(
        label="Profession ou type de structure", max_length=services.MAX_PROFESSION, required=False
    )
    rpps = forms.CharField(label="RPPS (11 chiffres, si connu)", max_length=20, required=False)
    finess = forms.CharField(label="FINESS (9 caractères, si connu)", max_length=20, required=False)
    joined_on = forms.DateField(label="Adhésion le", widget=DATE_INPUT)
    left_on = forms.DateField(label="Départ le", widget=DATE_INPUT, required=False)


class DepartureForm(forms.Form):
    left_on = forms.DateField(label="Départ le", widget=DATE_INPUT)


def _project(request, project_pk):
    project = get_object_or_404(visible_projects(request.user), pk=project_pk)
    if not services.can_read_roster(project, request.user):
        raise PermissionDenied(
            "La liste des membres est tenue par la CPTS, lue par l'ARS et la CPAM."
        )
    return project


def _counts(project) -> dict:
    """Today's count, and for the running contract: the count of its current year's first day
    (the roster's, or the typed one flagged as declared) beside the typed one."""
    today = timezone.localdate()
    counts = {"today": services.member_count_on(project.pk, today), "contract": None}
    contract = Contract.current_of(project)
    if contract is not None and contract.signed_on:
        years = [
            y for y in range(1, CONTRACT_YEARS + 1)
            if contract_anniversary(contract.signed_on, y) <= today
        ]  # fmt: skip
        year = years[-1] if years else 1
        first_day = contract_anniversary(contract.signed_on, year)
        counts["contract"] = {
            "contract": contract,
            "year": year,
            "first_day": first_day,
            "roster": services.member_count_on(project.pk, first_day),
            "declared": contract.members,
        }
    elif contract is not None:
        counts["contract"] = {"contract": contract, "declared": contract.members}
    return counts


def _export(project, members, fmt):
    rows = (
        [m.name, m.get_kind_display(), m.profession, m.rpps, m.finess, m.joined_on, m.left_on]
        for m in members
    )
    return exports.response(exports.dataset(HEADERS, rows), fmt, f"membres-cpts-{project.pk}")


@login_required
def roster(request, project_pk):
    project = _project(request, project_pk)
    keeper = services.can_keep_roster(project, request.user)
    members = RosterMember.objects.filter(project=project).order_by("left_on", "name", "pk")
    if fmt := export_format(request):
        return _export(project, members, fmt)
    form = MemberForm()
    if request.method == "POST":
        if not keeper:
            raise PermissionDenied(
                "Seuls les porteurs de la CPTS tiennent la liste de ses membres."
            )
        form = MemberForm(request.POST)
        if form.is_valid() and attempt(
            request,
            lambda: services.add_member(project, request.user, **form.cleaned_data),
            "Membre ajouté.",
        ):
            return redirect("funding:roster", project_pk=project.pk)
    context = {
        "project": project,
        "members": members,
        "keeper": keeper,
        "form": form,
        "departure_form": DepartureForm(),
        "counts": _counts(project),
    }
    return render(request, "funding/roster.html", context)


def _member(request, project_pk, member_pk):
    project = _project(request, project_pk)
    if not services.can_keep_roster(project, request.user):
        raise PermissionDenied("Seuls les porteurs de la CPTS tiennent la liste de ses membres.")
    return project, get_object_or_404(RosterMember, pk=member_pk, project=project)


@login_required
def roster_member(request, project_pk, member_pk):
    project, member = _member(request, project_pk, member_pk)
    fields = ["kind", "name", "profession", "rpps", "finess", "joined_on", "left_on"]
    form = MemberForm(initial={name: getattr(member, name) for name in fields})
    if request.method == "POST":
        form = MemberForm(request.POST)
        if form.is_valid() and attempt(
            request,
            lambda: services.edit_member(member, request.user, **form.cleaned_data),
            "Membre modifié.",
        ):
            return redirect("funding:roster", project_pk=project.pk)
    return render(
        request, "funding/roster_member.html", {"project": project, "member": member, "form": form}
    )


@login_required
@require_POST
def roster_departure(request, project_pk, member_pk):
    project, member = _member(request, project_pk, member_pk)
    form = DepartureForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.record_departure(member, request.user, form.cleaned_data["left_on"]),
            "Départ enregistré.",
        )
    else:
        attempt(request, lambda: services.record_departure(member, request.user, None))
    return redirect("funding:roster", project_pk=project.pk)
