"""The contract page's "life" sections (an include at its top): due, paid and outstanding per
year, the yearly evaluations, the milestones, the renewal and the termination's recovery; and
the milestone marked from it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import evaluations, payments, renewal, termination
from ..deadlines import CONTRACT_YEARS, evaluation_dates, renewal_from
from ..followup_forms import MilestoneForm, TerminationPreviewForm
from ..followup_models import MilestoneKind
from ..forms import TerminationForm
from ..milestones import mark_milestone
from ..models import Contract
from ..permissions import can_manage_contract, can_mark_milestone, can_prepare_contract
from ..presentation import mission_label
from ..terms import contract_terms
from ..year_chart import year_chart
from .base import contract_or_404, submit, to_contract


def _evaluations(contract, found, today, before) -> list[dict]:
    """`found`: year → its evaluation; `before`: the years evaluated before the portal (an
    imported contract's, from the milestones the page has read: `evaluated_before`)."""
    open_years = evaluations.evaluable_years(
        contract, today, before if contract.imported else set()
    )
    opens = evaluation_dates(contract.signed_on)  # `evaluations.opens_on` of each year
    return [
        {
            "year": year,
            "opens_on": opens[year - 1],
            "open": year in open_years,
            "url": year in open_years and reverse("funding:evaluation", args=[contract.pk, year]),
            "evaluation": found.get(year),
            "status": found[year].get_status_display() if year in found else
            _unstarted(opens[year - 1], year in open_years, today, year in before),
        }
        for year in range(1, CONTRACT_YEARS + 1)
    ]  # fmt: skip


def _unstarted(opens_on, is_open, today, before=False) -> str:
    if is_open:
        return "à saisir par la CPTS"
    if before:
        return "faite avant le portail (reprise de l'existant)"
    if opens_on <= today:
        return "sans objet (contrat résilié ou échu avant cette année)"
    return "pas encore ouverte"


def _milestones(contract, grid) -> list[dict]:
    return [
        {"row": m, "mission": mission_label(grid, m.mission) if m.mission else ""}
        for m in contract.milestones.select_related("done_by").order_by("done_on", "pk")
    ]


def _milestone_form(grid, missions):
    return MilestoneForm(missions=[(m.mission, mission_label(grid, m.mission)) for m in missions])


def context(contract, user, grid_set, schedule, missions) -> dict:
    """What `funding/_contract_life.html` shows; empty until the contract is signed. The
    contract page passes what it has already read: the grids, the contract's `calc.schedule`
    and its missions."""
    if not contract.is_signed:
        return {}
    today = timezone.localdate()
    grid = grid_set.by_code(contract.grid.code)
    # No default ordering on the contract's rows below: it would join the contract's project.
    found = {e.year: e for e in contract.evaluations.order_by()}
    records = contract.payments.order_by()
    since = payments.portal_from(contract.imported, contract.created_at)
    lines = payments.lines_of(schedule, records, payments.closed_years(found.values()), since)
    contracts = Contract.objects.filter(project_id=contract.project_id).order_by()
    siblings = {c.sequence: c for c in contracts}
    life = {
        "years": payments.years_of(lines, today),
        "late": [x for x in lines if x.is_late(today)],
        "milestones": _milestones(contract, grid),
        "recovery": termination.recovered(schedule) if contract.terminated_on else None,
        "renewal_from": renewal_from(contract.signed_on),
        "previous": siblings.get(contract.sequence - 1),
        "next": siblings.get(contract.sequence + 1),
        "may_renew": can_prepare_contract(contract.project, user),
    }
    # `renewal.renewal_due`, its successor among the contracts just read.
    life["renewal_due"] = renewal.in_renewal_window(contract, today) and not life["next"]
    before = {
        m["row"].year
        for m in life["milestones"]
        if m["row"].kind == MilestoneKind.EVALUATION_BEFORE
    }
    life["evaluations"] = _evaluations(contract, found, today, before)
    life["chart"] = year_chart(life["years"])
    if can_mark_milestone(contract, user) and not contract.terminated_on:
        life["milestone_form"] = _milestone_form(grid, missions)
    return {"life": life}


@login_required
@require_POST
def milestone_mark(request, pk):
    contract = contract_or_404(request, pk)
    if not can_mark_milestone(contract, request.user):
        raise PermissionDenied("Réservé à l'Assurance Maladie du territoire.")
    form = MilestoneForm(
        request.POST, missions=[(m.mission, m.mission) for m in contract.missions.all()]
    )

    def mark(d):
        mark_milestone(
            contract, request.user, kind=d["kind"], done_on=d["done_on"],
            mission=d["mission"], year=d["year"] or 0,
        )  # fmt: skip

    submit(request, form, mark, "Jalon enregistré comme réalisé.")
    return to_contract(contract)


@login_required
def termination_preview(request, pk):
    """What a termination on a given day would recover, before the CPAM confirms it."""
    contract = contract_or_404(request, pk)
    if not can_manage_contract(contract, request.user):
        raise PermissionDenied("Réservé à l'Assurance Maladie du territoire.")
    if not contract.is_signed or contract.terminated_on or contract.ended_on:
        return to_contract(contract)
    form = TerminationPreviewForm(request.GET or None)
    amount = None
    if form.is_valid():
        terms = contract_terms(Contract.objects.filter(pk=pk))[pk]
        amount = termination.recovery_of(terms, form.cleaned_data["terminated_on"])
    initial = {"terminated_on": form.cleaned_data["terminated_on"]} if amount is not None else {}
    ctx = {
        "contract": contract,
        "form": form,
        "amount": amount,
        "termination_form": TerminationForm(initial=initial),
    }
    return render(request, "funding/termination_preview.html", ctx)
