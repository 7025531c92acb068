"""One contract's page (entitlements, schedule and its export, missions, journal), its PDF, and
the actions posted from it: signatures, mission starts, indicators, termination. A signature and
a mission start cannot be undone: a valid form first shows what will be recorded, and the
confirmation posts it again with `confirmed`."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import for_project
from common import exports

from .. import calc, deadlines, documents, services
from ..forms import IndicatorForm, MissionStartForm, SignatureForm, TerminationForm
from ..grid_store import load_grid_set
from ..permissions import can_manage_contract, can_view_contract
from ..presentation import mission_label, payment_kind, stored_mission_label
from ..signatures import PARTIES, PARTY_LABELS, parties_of
from ..terms import missions_of, terms_of
from . import contract_life
from .avenants import avenants_context
from .base import (
    confirmation,
    confirming,
    contract_or_404,
    export_format,
    submit,
    table_rows,
    to_contract,
)
from .contract_years import contract_years_context

SIGNATURE_FINAL = (
    "La signature est définitive : elle ne pourra être ni modifiée ni retirée depuis le portail."
)
# The start date may be entered again (a correction, journalled), but never emptied.
START_FINAL = (
    "Le démarrage est définitif : la mission ne pourra plus revenir à « non démarrée ». "
    "Sa date pourra être corrigée depuis la page du contrat, mais l'échéancier des versements "
    "en dépend (avance de la part fixe)."
)
SCHEDULE_HEADERS = ["Date", "Année du contrat", "Nature", "Libellé", "Montant (€)"]


def _schedule_export(contract, payments, fmt):
    rows = (
        [p.due_on.isoformat(), p.year, payment_kind(p.kind), p.label, str(p.amount)]
        for p in payments
    )
    data = exports.dataset(SCHEDULE_HEADERS, rows)
    data.title = "Échéancier"
    return exports.response(data, fmt, f"echeancier-aci-{contract.pk}")


def _years(contract, terms, entitled) -> list[dict]:
    # One reverse() for the page, not one per year: the results page's URL with a year slot.
    results_url = reverse("funding:results", args=[contract.pk, 0]).replace("/0/", "/{}/")
    years = []
    for year, lines in entitled.items():
        if lines:
            start, end = calc.contract_year_bounds(contract.signed_on, year)
            year_terms = terms.for_year(year)
            rows = table_rows(year_terms.grid, lines)
            years.append(
                {
                    "year": year,
                    "start": start,
                    "end": end,
                    "rows": rows,
                    "total": calc.total(lines),
                    "terms": year_terms,
                    "results_url": results_url.format(year),
                }
            )
    return years


def _missions(contract, grid, missions) -> list[dict]:
    return [
        {
            "row": m,
            "label": mission_label(grid, m.mission),
            "indicators": list(m.indicators.all()),
            "start_by": contract.signed_on
            and deadlines.mission_start_deadline(contract.signed_on, m.mission),
        }
        for m in missions
    ]


def _journal(contract):
    """The funding entries of the contract's project (its project's own are on its page)."""
    return for_project(contract.project_id).filter(target_type__startswith="funding.")


@login_required
def contract_detail(request, pk):
    contract = contract_or_404(request, pk)
    user = request.user
    ctx = {"contract": contract, "can_manage": can_manage_contract(contract, user)}
    # Read once, passed to each section: the grids, the contract's missions (their indicators)
    # and avenants, its terms and entitlements (computed once: the schedule pays them).
    # Rows in their order within the contract: the models' default ordering would join the
    # contract's project (ordered by name) to each query.
    missions = missions_of(contract)
    avenants = list(contract.avenants.select_related("proposed_by").order_by("number"))
    grid_set, payments = load_grid_set(), None
    if contract.is_signed:
        terms = terms_of(contract, grid_set, missions, avenants)
        entitled = calc.entitlements(terms)
        payments = calc.schedule(terms, entitled)
        fmt = export_format(request)
        if fmt:
            return _schedule_export(contract, payments, fmt)
        ctx.update(
            grid=terms.grid,
            years=_years(contract, terms, entitled),
            payments=payments,
            paid_total=sum((p.amount for p in payments), calc.ZERO),
            crisis_dates=terms.crisis_dates,
        )
    else:
        ctx["grid"] = grid_set.in_force(timezone.localdate())
    ctx["missions"] = _missions(contract, ctx["grid"], missions)
    if ctx["can_manage"]:
        ctx.update(
            indicator_form=IndicatorForm(),
            start_form=MissionStartForm(),
        )
    parties = parties_of(contract.project, user)
    mine = [p for p in parties if not getattr(contract, f"{p}_signed_on")]
    if mine:
        ctx["signature_form"] = SignatureForm(parties=mine)
    codes = {m.mission for m in missions}
    ctx.update(contract_years_context(contract, grid_set, codes, avenants))
    ctx.update(avenants_context(contract, user, grid_set, avenants))
    if can_view_contract(contract, user):
        ctx["journal"] = _journal(contract)
    ctx.update(contract_life.context(contract, user, grid_set, payments, missions))
    return render(request, "funding/contract_detail.html", ctx)


@login_required
def contract_pdf(request, pk):
    contract = contract_or_404(request, pk)
    content = documents.contract_pdf(contract)
    if content is None:
        context = {"project": contract.project}
        return render(request, "projects/document_pending.html", context, status=404)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contrat-aci-{contract.pk}.pdf"'
    return response


# --- Actions posted from the page: refusals come back as messages ---------------------------


def _managed(request, pk):
    """The contract, if the person manages it (the Assurance Maladie of the territory)."""
    contract = contract_or_404(request, pk)
    if not can_manage_contract(contract, request.user):
        raise PermissionDenied("Réservé à l'Assurance Maladie du territoire.")
    return contract


def _act(request, contract, form_class, action):
    """Run `action(contract, cleaned_data)` from the posted form, back to the contract page."""
    submit(request, form_class(request.POST), lambda d: action(contract, d))
    return to_contract(contract)


def _back(contract):
    return ("Retour au contrat", reverse("funding:contract", args=[contract.pk]))


def _signature_confirmation(request, contract, form):
    party, signed_on = form.cleaned_data["party"], form.cleaned_data["signed_on"]
    lines = [("Signataire", PARTY_LABELS[party]), ("Date de signature", f"{signed_on:%d/%m/%Y}")]
    others = [getattr(contract, f"{p}_signed_on") for p in PARTIES if p != party]
    if all(others) and not contract.is_signed:  # the third: the contract is signed
        day = max(signed_on, *others)
        lines.append(
            ("Effet", f"troisième signature : le contrat ACI est signé le {day:%d/%m/%Y} pour "
                      "5 ans et le projet passe à « ACI signé »")
        )  # fmt: skip
    return confirmation(
        request, form, contract.project, "Enregistrer ma signature du contrat ACI", lines,
        back=_back(contract), button="confirm-signature", final=SIGNATURE_FINAL,
    )  # fmt: skip


@login_required
@require_POST
def contract_sign(request, pk):
    contract = contract_or_404(request, pk)
    parties = parties_of(contract.project, request.user)
    if not parties:
        raise PermissionDenied("Chaque partie enregistre sa propre signature.")
    form = SignatureForm(request.POST, parties=parties)
    if confirming(request, form):
        return _signature_confirmation(request, contract, form)
    submit(
        request, form,
        lambda d: services.record_signature(contract, request.user, d["party"], d["signed_on"]),
    )  # fmt: skip
    return to_contract(contract)


def _start_confirmation(request, contract, form):
    code, started_on = form.cleaned_data["mission"], form.cleaned_data["started_on"]
    missions = contract.grid.missions if contract.grid_id else {}
    lines = [("Mission", stored_mission_label(missions, code))]
    lines.append(("Démarrée le", f"{started_on:%d/%m/%Y}"))
    row = contract.missions.filter(mission=code).first()
    if row and row.started_on:  # a correction: say what it replaces
        lines.append(("Date enregistrée jusqu'ici", f"{row.started_on:%d/%m/%Y}"))
    return confirmation(
        request, form, contract.project, "Enregistrer le démarrage d'une mission", lines,
        back=_back(contract), button="confirm-mission-start", final=START_FINAL,
    )  # fmt: skip


@login_required
@require_POST
def mission_start(request, pk):
    contract = _managed(request, pk)
    form = MissionStartForm(request.POST)
    if confirming(request, form):
        return _start_confirmation(request, contract, form)
    submit(
        request, form,
        lambda d: services.start_mission(contract, request.user, d["mission"], d["started_on"]),
    )  # fmt: skip
    return to_contract(contract)


@login_required
@require_POST
def indicator_add(request, pk):
    def add(contract, d):
        mission = contract.missions.filter(mission=d["mission"]).first()
        if mission is None:
            raise Http404("Cette mission n'est pas au contrat.")
        services.add_indicator(
            mission,
            request.user,
            label=d["label"],
            weight=d["weight"],
            higher_is_better=d["higher_is_better"],
            thresholds=IndicatorForm.thresholds_from(d),
        )

    return _act(request, _managed(request, pk), IndicatorForm, add)


@login_required
@require_POST
def contract_terminate(request, pk):
    return _act(
        request, _managed(request, pk), TerminationForm,
        lambda c, d: services.terminate_contract(c, request.user, d["terminated_on"], d["reason"]),
    )  # fmt: skip
