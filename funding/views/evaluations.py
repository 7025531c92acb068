"""The yearly evaluation's page: the CPTS enters and submits, the CPAM asks corrections or
closes, the ARS reads; its history and the activity report (served after the same checks)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.messages import attempt

from .. import evaluations
from ..evaluation_models import EvaluationStatus
from ..followup_forms import CorrectionsForm, EvaluationForm
from ..permissions import can_fill_evaluation, can_review_evaluation
from ..presentation import stored_mission_label
from .base import contract_or_404, submit


def _evaluation_of(request, pk, year):
    """The contract as the person may see it, and the year if its evaluation is open."""
    contract = contract_or_404(request, pk)
    if year not in evaluations.evaluable_years(contract, timezone.localdate()):
        raise Http404("Cette année n'est pas encore à évaluer.")
    return contract


def _label(contract, code: str) -> str:
    return stored_mission_label(contract.grid.missions, code)  # the grid joined to the contract


def _form(contract, data=None, files=None, initial=None):
    missions = [(code, _label(contract, code)) for code in evaluations.spending_missions(contract)]
    indicators = list(evaluations.indicators_of(contract))
    return EvaluationForm(data, files, initial=initial, indicators=indicators, missions=missions)


def _declared(found) -> tuple[list, list]:
    """The evaluation's value and spending rows, read once for the form and what is missing."""
    if found is None:
        return [], []
    # No default ordering on spending: it would join the evaluation, its contract and project.
    return list(found.values.all()), list(found.spending.order_by("pk"))


def _initial(values, spending) -> dict:
    initial = {f"ind_{v.indicator_id}": v.value for v in values}
    initial.update({f"dep_{s.mission}": s.amount for s in spending})
    return initial


def _missing(found, form, values, spending) -> list[str]:
    """`evaluations.missing_for_submission`, from the rows the form was built with."""
    return evaluations.missing_of(
        found,
        {v.indicator_id for v in values},
        form.indicators,
        {s.mission for s in spending},
        [code for code, _label in form.missions],
    )


def _spending_rows(contract, found) -> list[tuple[str, object]]:
    if found is None:
        return []
    rows = found.spending.order_by("pk")
    return [(_label(contract, s.mission), s.amount) for s in rows]


def _values(contract, found) -> list:
    """The declared values, each with its mission's French label (never « acces_soins »)."""
    if found is None:
        return []
    values = list(found.values.select_related("indicator__mission"))
    for v in values:
        v.mission_label = _label(contract, v.indicator.mission.mission)
    return values


def _to_page(contract, year):
    return redirect("funding:evaluation", pk=contract.pk, year=year)


@login_required
def evaluation(request, pk, year):
    contract = _evaluation_of(request, pk, year)
    user = request.user
    found = evaluations.evaluation_of(contract, year)
    status = found.status if found else EvaluationStatus.DRAFT
    may_fill = can_fill_evaluation(contract, user) and status in evaluations.EDITABLE
    if request.method == "POST":
        if not may_fill:
            raise PermissionDenied("La saisie de l'évaluation revient à la CPTS.")
        form = _form(contract, request.POST, request.FILES)

        def save(_data):
            evaluations.save_evaluation(
                contract, user, year, values=form.values(), spending=form.spending(),
                report=form.cleaned_data.get("activity_report"),
            )  # fmt: skip

        if submit(request, form, save, "Évaluation enregistrée."):
            return _to_page(contract, year)
    ctx = {
        "contract": contract,
        "year": year,
        "evaluation": found,
        "status": EvaluationStatus(status),
        "form": None,
        "missing": [],
        "may_submit": may_fill and found is not None,
        "may_review": can_review_evaluation(contract, user)
        and status == EvaluationStatus.SUBMITTED,
        "corrections_form": CorrectionsForm(),
        "steps": found.steps.select_related("actor", "organisation") if found else [],
    }
    if may_fill:  # the form (the one posted, with its errors), else what was declared
        values, spending = _declared(found)
        if request.method != "POST":
            form = _form(contract, initial=_initial(values, spending))
        ctx["form"] = form
        ctx["missing"] = _missing(found, form, values, spending) if found else []
    else:
        ctx["values"] = _values(contract, found)
        ctx["spending"] = _spending_rows(contract, found)
    return render(request, "funding/evaluation.html", ctx)


def _posted(request, pk, year, action, success):
    contract = _evaluation_of(request, pk, year)
    attempt(request, lambda: action(contract), success)
    return _to_page(contract, year)


@login_required
@require_POST
def evaluation_submit(request, pk, year):
    return _posted(
        request, pk, year,
        lambda c: evaluations.submit_evaluation(c, request.user, year),
        "Évaluation transmise à la CPAM.",
    )  # fmt: skip


@login_required
@require_POST
def evaluation_corrections(request, pk, year):
    form = CorrectionsForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _posted(
        request, pk, year,
        lambda c: evaluations.request_corrections(c, request.user, year, comment),
        "Corrections demandées à la CPTS.",
    )  # fmt: skip


@login_required
@require_POST
def evaluation_close(request, pk, year):
    if not request.POST.get("confirmed"):  # closing is final: a confirmation step first
        contract = _evaluation_of(request, pk, year)
        found = evaluations.evaluation_of(contract, year)
        submitted = found is not None and found.status == EvaluationStatus.SUBMITTED
        if submitted and can_review_evaluation(contract, request.user):
            ctx = {"contract": contract, "year": year, "evaluation": found}
            return render(request, "funding/evaluation_close_confirm.html", ctx)
    return _posted(
        request, pk, year,
        lambda c: evaluations.close_evaluation(c, request.user, year),
        "Année clôturée : parts variables et solde calculés.",
    )  # fmt: skip


@login_required
def evaluation_report(request, pk, year):
    contract = _evaluation_of(request, pk, year)
    found = evaluations.evaluation_of(contract, year)
    if found is None or not found.activity_report:
        raise Http404("Aucun rapport d'activité.")
    name = f"rapport-activite-{contract.pk}-annee-{year}.pdf"
    return FileResponse(found.activity_report.open("rb"), as_attachment=True, filename=name)
