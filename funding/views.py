"""Funding pages: public simulator and grids, contracts (Assurance Maladie, ARS, leaders),
indicator results, exports, crisis declarations (ARS). Business rules stay in services/calc."""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from projects import deadlines
from projects import permissions as project_perms
from projects.selectors import visible_projects
from projects.states import State

from . import calc, documents, services
from .forms import (
    ContractForm,
    CrisisForm,
    FirGrantForm,
    IndicatorForm,
    MissionStartForm,
    PreAciForm,
    SignatureForm,
    SimulatorForm,
    TerminationForm,
)
from .grid_store import load_grid_set
from .models import FirGrant, Indicator, IndicatorResult, PreAciSupport
from .permissions import (
    can_declare_crisis,
    can_manage_contract,
    may_use_contracts,
    visible_contracts,
    visible_crises,
)
from .presentation import PART_LABELS, line_label, mission_label

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _export(request, dataset: tablib.Dataset, name: str, default=None):
    fmt = request.GET.get("_export", default)
    if fmt not in EXPORT_TYPES:
        return None
    response = HttpResponse(dataset.export(fmt), content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _table_rows(grid, lines):
    return [
        {
            "label": line_label(grid, x.mission, x.part),
            "mission": x.mission,
            "part": PART_LABELS[x.part],
            "amount": x.amount,
            "maximum": x.maximum,
            "to_confirm": x.to_confirm,
        }
        for x in lines
    ]


def _bars(grid, lines):
    """Amount per mission for the bar chart (widths in % of the largest)."""
    per_mission = defaultdict(lambda: calc.ZERO)
    for line in lines:
        mission = grid.missions.get(line.mission)
        per_mission[mission.parent if mission and mission.parent else line.mission] += line.amount
    top = max(per_mission.values(), default=calc.ZERO) or 1
    return [
        # 80 % at most: the amount is written after the bar
        {"label": mission_label(grid, code), "amount": amount, "pct": int(amount * 80 / top)}
        for code, amount in per_mission.items()
    ]


# --- Public ----------------------------------------------------------------------------------


def simulator(request):
    """Public simulator for project leaders: no login, nothing stored."""
    form = SimulatorForm(request.GET or None)
    result = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            grid, lines = calc.annual_maximum(
                load_grid_set(),
                d["size"],
                d["members"],
                d["signature_date"],
                optional=d["optional"],
                snp_dispositif=d["snp_dispositif"],
                crisis=d["crisis"],
            )
        except (calc.NoGridInForce, ValueError) as exc:
            form.add_error("signature_date", str(exc))
        else:
            result = {
                "grid": grid,
                "rows": _table_rows(grid, lines),
                "bars": _bars(grid, lines),
                "total": calc.total(lines),
                "any_to_confirm": any(x.to_confirm for x in lines),
            }
    return render(request, "funding/simulator.html", {"form": form, "result": result})


def grids(request):
    """The grid versions with each cell's source and to-confirm flag (public information)."""
    grid_set = load_grid_set()
    tables = []
    for grid in reversed(grid_set.grids):
        rows = [
            {
                "label": line_label(grid, c.mission, c.part),
                "amounts": [c.amounts[s] for s in (1, 2, 3, 4)],
                "source": c.source,
                "to_confirm": c.to_confirm,
            }
            for c in grid.cells
        ] + [
            {
                "label": o.label,
                "amounts": [o.amounts[s] for s in (1, 2, 3, 4)],
                "source": o.source,
                "to_confirm": o.to_confirm,
            }
            for o in grid.one_offs
        ]
        tables.append({"grid": grid, "rows": rows})
    return render(request, "funding/grids.html", {"tables": tables})


# --- Contracts -------------------------------------------------------------------------------


def _require_funding_role(user):
    if not may_use_contracts(user):
        raise PermissionDenied("Les financements ne sont pas accessibles à votre organisation.")


def _contract_or_404(request, pk):
    _require_funding_role(request.user)
    # Another territory's contract does not exist for this person.
    return get_object_or_404(visible_contracts(request.user), pk=pk)


@login_required
def contract_list(request):
    _require_funding_role(request.user)
    contracts = visible_contracts(request.user).order_by("project__name")
    data = tablib.Dataset(
        headers=["Projet", "Département", "Taille", "Membres", "Grille", "Signé le", "Résilié le"]
    )
    for c in contracts:
        data.append(
            [
                c.project.name,
                c.project.departement.code,
                c.size,
                c.members,
                c.grid.code if c.grid else "",
                c.signed_on or "",
                c.terminated_on or "",
            ]
        )
    exported = _export(request, data, "contrats-aci")
    if exported:
        return exported
    ctx = {"contracts": contracts}
    user = request.user
    if user.is_assurance_maladie or user.is_ars:
        projects = visible_projects(user)
        ctx["projects_to_contract"] = projects.filter(
            state=State.ACI_PREPARATION, aci_contract__isnull=True
        )
        ctx["supports"] = PreAciSupport.objects.filter(project__in=projects).select_related(
            "project"
        )
        ctx["overdue"] = set(
            services.overdue_pre_aci(timezone.localdate())
            .filter(project__in=projects)
            .values_list("pk", flat=True)
        )
        ctx["fir_grants"] = FirGrant.objects.filter(project__in=projects).select_related("project")
        eligible = projects.filter(state__in=services.PRE_ACI_STATES)
        ctx["fir_eligible"] = eligible
        ctx["pre_aci_eligible"] = eligible.filter(pre_aci_support__isnull=True)
    return render(request, "funding/contract_list.html", ctx)


@login_required
def entitlements_export(request):
    """Every visible contract's entitlement lines per contract year (CSV/XLSX)."""
    _require_funding_role(request.user)
    contracts = {c.pk: c for c in visible_contracts(request.user)}  # names, départements
    data = tablib.Dataset(
        headers=[
            "Projet",
            "Département",
            "Année du contrat",
            "Ligne",
            "Part",
            "Montant (€)",
            "Maximum (€)",
            "À confirmer",
        ]
    )
    grid_set = load_grid_set()
    terms = services.contract_terms(
        visible_contracts(request.user).order_by("project__name"), grid_set
    )
    for pk, contract_terms in terms.items():
        contract = contracts[pk]
        triggers = calc.crisis_triggers(contract_terms.crisis_dates)
        for year in range(1, contract_terms.years + 1):
            for line in calc.year_entitlement(contract_terms, year, triggers):
                data.append(
                    [
                        contract.project.name,
                        contract.project.departement.code,
                        year,
                        mission_label(contract_terms.grid, line.mission),
                        PART_LABELS[line.part],
                        str(line.amount),
                        str(line.maximum),
                        "oui" if line.to_confirm else "",
                    ]
                )
    return _export(request, data, "droits-aci", default="csv")


@login_required
def contract_create(request, project_pk):
    _require_funding_role(request.user)
    project = get_object_or_404(visible_projects(request.user), pk=project_pk)
    if not project_perms.ars_or_assurance_maladie(project, request.user):
        raise PermissionDenied
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            contract = services.create_contract(
                project,
                request.user,
                members=d["members"],
                optional=d["optional"],
                snp_dispositif=d["snp_dispositif"],
            )
        except services.FundingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Contrat ACI créé.")
            return redirect("funding:contract", pk=contract.pk)
    return render(request, "funding/contract_form.html", {"form": form, "project": project})


def _schedule_dataset(contract, payments):
    data = tablib.Dataset(headers=["Date", "Année du contrat", "Nature", "Libellé", "Montant (€)"])
    for p in payments:
        data.append([p.due_on.isoformat(), p.year, p.kind, p.label, str(p.amount)])
    data.title = "Échéancier"
    return data


@login_required
def contract_detail(request, pk):
    contract = _contract_or_404(request, pk)
    grid_set = load_grid_set()
    ctx = {"contract": contract, "can_manage": can_manage_contract(contract, request.user)}
    if contract.is_signed:
        terms = services.contract_terms(type(contract).objects.filter(pk=pk), grid_set)[pk]
        grid = terms.grid
        triggers = calc.crisis_triggers(terms.crisis_dates)
        years = []
        for year in range(1, terms.years + 1):
            lines = calc.year_entitlement(terms, year, triggers)
            if lines:
                start, end = calc.contract_year_bounds(contract.signed_on, year)
                years.append(
                    {
                        "year": year,
                        "start": start,
                        "end": end,
                        "rows": _table_rows(grid, lines),
                        "total": calc.total(lines),
                    }
                )
        payments = calc.schedule(terms)
        exported = _export(
            request, _schedule_dataset(contract, payments), f"echeancier-aci-{contract.pk}"
        )
        if exported:
            return exported
        ctx.update(
            grid=grid,
            years=years,
            payments=payments,
            paid_total=sum((p.amount for p in payments), calc.ZERO),
            crisis_dates=terms.crisis_dates,
        )
    else:
        grid = grid_set.in_force(timezone.localdate())
        ctx["grid"] = grid
    ctx["missions"] = [
        {
            "row": m,
            "label": mission_label(grid, m.mission),
            "indicators": list(m.indicators.all()),
            "start_by": contract.signed_on
            and deadlines.mission_start_deadline(contract.signed_on, m.mission),
        }
        for m in contract.missions.prefetch_related("indicators")
    ]
    if ctx["can_manage"]:
        ctx.update(
            indicator_form=IndicatorForm(),
            termination_form=TerminationForm(),
            start_form=MissionStartForm(),
        )
    if project_perms.ars_or_assurance_maladie(contract.project, request.user):
        ctx["signature_form"] = SignatureForm()
    return render(request, "funding/contract_detail.html", ctx)


@login_required
def contract_pdf(request, pk):
    contract = _contract_or_404(request, pk)
    response = HttpResponse(documents.contract_pdf(contract), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contrat-aci-{contract.pk}.pdf"'
    return response


def _post_action(request, pk, form_class, action):
    """Run a contract action from a posted form; errors come back as messages."""
    contract = _contract_or_404(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "Formulaire incomplet : " + form.errors.as_text())
    else:
        try:
            action(contract, form.cleaned_data)
        except services.FundingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Enregistré.")
    return redirect("funding:contract", pk=contract.pk)


@login_required
@require_POST
def contract_sign(request, pk):
    return _post_action(
        request,
        pk,
        SignatureForm,
        lambda c, d: services.record_signature(c, request.user, d["party"], d["signed_on"]),
    )


def _mission(contract, code):
    mission = contract.missions.filter(mission=code).first()
    if mission is None:
        raise Http404
    return mission


@login_required
@require_POST
def mission_start(request, pk):
    return _post_action(
        request,
        pk,
        MissionStartForm,
        lambda c, d: services.start_mission(c, request.user, d["mission"], d["started_on"]),
    )


@login_required
@require_POST
def indicator_add(request, pk):
    def action(contract, d):
        services.add_indicator(
            _mission(contract, d["mission"]),
            request.user,
            label=d["label"],
            weight=d["weight"],
            higher_is_better=d["higher_is_better"],
            thresholds=IndicatorForm.thresholds_from(d),
        )

    return _post_action(request, pk, IndicatorForm, action)


@login_required
@require_POST
def contract_terminate(request, pk):
    return _post_action(
        request,
        pk,
        TerminationForm,
        lambda c, d: services.terminate_contract(c, request.user, d["terminated_on"], d["reason"]),
    )


@login_required
def results(request, pk, year):
    """Indicator results of one contract year, entered by the Assurance Maladie."""
    contract = _contract_or_404(request, pk)
    if not can_manage_contract(contract, request.user):
        raise PermissionDenied
    if not 1 <= year <= calc.CONTRACT_YEARS:
        raise Http404
    indicators = list(
        Indicator.objects.filter(mission__contract=contract).select_related("mission")
    )
    existing = {
        r.indicator_id: r.value
        for r in IndicatorResult.objects.filter(indicator__in=indicators, year=year)
    }
    if request.method == "POST":
        errors = []
        with transaction.atomic():
            for indicator in indicators:
                raw = request.POST.get(f"ind-{indicator.pk}", "").strip().replace(",", ".")
                if not raw:
                    continue
                try:
                    value = Decimal(raw)
                except InvalidOperation:
                    errors.append(indicator.label)
                    continue
                services.enter_result(indicator, request.user, year, value)
        if errors:
            messages.error(request, "Valeurs illisibles : " + ", ".join(errors))
        else:
            messages.success(request, f"Résultats de l'année {year} enregistrés.")
        return redirect("funding:contract", pk=contract.pk)
    rows = [{"indicator": i, "value": existing.get(i.pk, "")} for i in indicators]
    return render(
        request,
        "funding/results_form.html",
        {"contract": contract, "year": year, "rows": rows},
    )


def _project_action(request, project_pk, form_class, action, done):
    _require_funding_role(request.user)
    project = get_object_or_404(visible_projects(request.user), pk=project_pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "Formulaire incomplet : " + form.errors.as_text())
    else:
        try:
            action(project, form.cleaned_data)
        except services.FundingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
    return redirect("funding:contracts")


@login_required
@require_POST
def pre_aci_grant(request, project_pk):
    return _project_action(
        request,
        project_pk,
        PreAciForm,
        lambda p, d: services.grant_pre_aci_support(p, request.user, d["granted_on"]),
        "Accompagnement pré-ACI accordé.",
    )


@login_required
@require_POST
def fir_grant(request, project_pk):
    return _project_action(
        request,
        project_pk,
        FirGrantForm,
        lambda p, d: services.record_fir_grant(
            p, request.user, amount=d["amount"], granted_on=d["granted_on"], note=d["note"]
        ),
        "Subvention FIR enregistrée.",
    )


# --- ARS: crises -----------------------------------------------------------------------------


@login_required
def crises(request):
    if not can_declare_crisis(request.user):
        raise PermissionDenied("Seule l'ARS caractérise une crise sanitaire grave.")
    form = CrisisForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.declare_crisis(
                request.user,
                declared_on=d["declared_on"],
                label=d["label"],
                region=form.region if d.get("whole_region") else None,
                departements=list(d["departements"]),
            )
        except services.FundingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Crise sanitaire grave déclarée.")
            return redirect("funding:crises")
    return render(
        request,
        "funding/crises.html",
        {"form": form, "crises": visible_crises(request.user)},
    )
