"""The yearly evaluation of a contract year, a small state machine with its history:

    draft ──submit──▶ submitted ──close──▶ closed
      ▲                   │
      └── corrections ◀───┘ (the CPAM asks, with a comment; the CPTS fixes and resubmits)

The CPTS (its leaders) enters its indicator values, its activity report and its spending per
mission; the Assurance Maladie of the territory reviews and closes the year. Closing writes the
declared values as the contract's indicator results (what `funding.terms` reads), then freezes
the year's entitlement, its variable parts and the balance due. `_write_results` is the only
writer of `IndicatorResult`: no page, admin, API or command enters results otherwise. Every
write: one transaction, the contract and the evaluation locked, a history step and a journal
entry; mails via the outbox.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.mail import queue_mail
from accounts.models import ASSURANCE_MALADIE_KINDS, User
from audit.services import snapshot
from common.uploads import validate_pdf

from . import calc
from .base import FundingError, deny_unless, journal
from .deadlines import CONTRACT_YEARS, evaluation_dates
from .evaluation_models import (
    EvaluationSpending,
    EvaluationStatus,
    EvaluationStep,
    EvaluationValue,
    YearEvaluation,
)
from .followup_models import Milestone, MilestoneKind
from .models import Contract, ContractMission, Indicator, IndicatorResult
from .permissions import can_fill_evaluation, can_review_evaluation
from .terms import contract_terms

Status = EvaluationStatus
EDITABLE = {Status.DRAFT, Status.CORRECTIONS}
VALUE_LIMIT = Decimal("1e10")  # EvaluationValue.value: 14 digits, 4 after the point
SPENDING_LIMIT = Decimal("1e10")  # 12 digits, 2 after the point
COMMENT_LIMIT = 2_000
FONCTIONNEMENT = calc.FONCTIONNEMENT


def opens_on(contract, year: int) -> dt.date:
    """The evaluation of contract year `year` is entered from the anniversary that ends it."""
    return evaluation_dates(contract.signed_on)[year - 1]


def evaluated_before(contract) -> set[int]:
    """Years of an imported contract whose evaluation was made before the portal (reprise)."""
    if not contract.imported:
        return set()
    rows = Milestone.objects.filter(contract=contract, kind=MilestoneKind.EVALUATION_BEFORE)
    return set(rows.values_list("year", flat=True))


def evaluable_years(contract, today: dt.date, before: set[int] | None = None) -> list[int]:
    """Contract years whose evaluation may be entered today: ended, started before the
    contract was terminated or ended, and not evaluated before the portal (`before`: the
    contract's `evaluated_before`, when its page has read its milestones)."""
    if not contract.is_signed:
        return []
    stop = contract.terminated_on or contract.ended_on
    before = evaluated_before(contract) if before is None else before
    # Year n runs from starts[n - 1] to ends[n - 1], its evaluation opening then: the five
    # anniversaries computed once, not again for each year.
    ends = evaluation_dates(contract.signed_on)
    starts = [contract.signed_on, *ends]
    years = []
    for year in range(1, CONTRACT_YEARS + 1):
        if ends[year - 1] <= today and not (stop and starts[year - 1] >= stop):
            if year not in before:
                years.append(year)
    return years


def spending_missions(contract) -> list[str]:
    """Where spending is declared: the fonctionnement, then each mission of the contract."""
    # In the contract's order (its missions' default ordering would join its project for that).
    missions = ContractMission.objects.filter(contract=contract).order_by("pk")
    return [FONCTIONNEMENT, *missions.values_list("mission", flat=True)]


def indicators_of(contract):
    """The contract's indicators, in the order of its missions (their default ordering,
    without its joins)."""
    return Indicator.objects.filter(mission__contract=contract).order_by("mission_id", "pk")


def bounded(value, limit: Decimal, places: str, message: str, minimum=None) -> Decimal:
    """A finite Decimal within (-limit, limit) (or [minimum, limit)) at `places`; else refused."""
    try:
        value = Decimal(str(value))
    except ArithmeticError:
        raise FundingError(message) from None
    if value.is_finite() and abs(value) < limit:
        value = value.quantize(Decimal(places))  # rounding may reach the limit: check again
    low_ok = value.is_finite() and (minimum is None or value >= minimum)
    if not low_ok or not abs(value) < limit:
        raise FundingError(message)
    return value


# --- Reading ----------------------------------------------------------------------------------


def evaluation_of(contract, year: int) -> YearEvaluation | None:
    # One per year; no default ordering (it would join the contract's project).
    return YearEvaluation.objects.filter(contract=contract, year=year).order_by("pk").first()


def statuses(contract_ids) -> dict[tuple[int, int], str]:
    """(contract pk, year) → status of the evaluations started, for the deadline lists."""
    rows = YearEvaluation.objects.filter(contract_id__in=contract_ids).order_by()  # a dict
    return {
        (pk, year): status for pk, year, status in rows.values_list("contract_id", "year", "status")
    }


# --- Writes -----------------------------------------------------------------------------------


def _lock(contract, year: int, *, create: bool = False) -> tuple[Contract, YearEvaluation | None]:
    if not 1 <= year <= CONTRACT_YEARS:
        raise FundingError(f"L'année du contrat va de 1 à {CONTRACT_YEARS}.")
    locked = Contract.objects.select_for_update(of=("self",)).get(pk=contract.pk)
    if year not in evaluable_years(locked, timezone.localdate()):
        raise FundingError(
            "L'évaluation de cette année n'est pas ouverte : elle se saisit à partir de "
            "l'anniversaire du contrat qui clôt l'année."
        )
    rows = YearEvaluation.objects.select_for_update()
    evaluation = rows.filter(contract=locked, year=year).first()
    if evaluation is None and create:
        evaluation = YearEvaluation.objects.create(contract=locked, year=year)
    return locked, evaluation


def _checked_values(contract, values: dict) -> dict:
    """{Indicator: Decimal} of the contract's indicators, each bounded."""
    mine = set(indicators_of(contract).order_by().values_list("pk", flat=True))
    checked = {}
    for indicator, value in values.items():
        if indicator.pk not in mine:
            raise FundingError("Cet indicateur n'est pas au contrat.")
        message = f"Valeur hors limites pour l'indicateur « {indicator.label} »."
        checked[indicator] = bounded(value, VALUE_LIMIT, "0.0001", message)
    return checked


def _checked_spending(contract, spending: dict) -> dict:
    allowed = set(spending_missions(contract))
    checked = {}
    for mission, amount in spending.items():
        if mission not in allowed:
            raise FundingError("Cette mission n'est pas au contrat.")
        message = "Une dépense va de 0 à 9 999 999 999,99 €."
        checked[mission] = bounded(amount, SPENDING_LIMIT, "0.01", message, minimum=0)
    return checked


def save_evaluation(contract, user, year: int, *, values=None, spending=None, report=None):
    """What the CPTS declares for the year, all or nothing: `values` {Indicator: value},
    `spending` {mission code: euros}, `report` an uploaded PDF (`common.uploads.validate_pdf`).
    Only while the evaluation is with the CPTS."""
    deny_unless(can_fill_evaluation(contract, user))
    values, spending = values or {}, spending or {}
    if report is not None:
        try:  # again here: every door checks what it stores
            validate_pdf(report)
        except ValidationError as error:
            raise FundingError(error.messages[0]) from None
    with transaction.atomic():
        locked, evaluation = _lock(contract, year, create=True)
        if evaluation.status not in EDITABLE:
            raise FundingError("L'évaluation est entre les mains de la CPAM ou clôturée.")
        values = _checked_values(locked, values)
        spending = _checked_spending(locked, spending)
        changes = _store_values(evaluation, values)
        changes.update(_store_spending(evaluation, spending))
        if report is not None:
            before = snapshot(evaluation, ["activity_report"])["activity_report"]
            evaluation.activity_report.save(report.name, report, save=True)
            changes["activity_report"] = [before, evaluation.activity_report.name]
        if changes:
            journal(
                user, "funding.evaluation.save",
                f"Évaluation de l'année {year} : saisie de la CPTS", evaluation, [],
                project=locked.project_id, extra=changes,
            )  # fmt: skip
    return evaluation


# Each stores what changed in one INSERT and one UPDATE (a year's dozen values and spending
# lines were as many statements, each through the ORM: most of the save's time). The UPDATE is
# the ORM's `bulk_update`: portable (SQLite for `make run`), and a save is rare traffic.


def _store_values(evaluation, values) -> dict:
    stored = {v.indicator_id: v for v in evaluation.values.order_by("pk").select_for_update()}
    changes, new, changed = {}, [], []
    for indicator, value in values.items():
        row = stored.get(indicator.pk)
        if row is not None and row.value == value:
            continue
        changes[f"indicateur {indicator.label}"] = [row and str(row.value), str(value)]
        if row is None:
            new.append(EvaluationValue(evaluation=evaluation, indicator=indicator, value=value))
        else:
            row.value = value
            changed.append(row)
    EvaluationValue.objects.bulk_update(changed, ["value"])
    EvaluationValue.objects.bulk_create(new)
    return changes


def _store_spending(evaluation, spending) -> dict:
    # No default ordering: it would join (and lock) the evaluation, its contract and project.
    stored = {s.mission: s for s in evaluation.spending.order_by("pk").select_for_update()}
    changes, new, changed = {}, [], []
    for mission, amount in spending.items():
        row = stored.get(mission)
        if row is not None and row.amount == amount:
            continue
        changes[f"dépenses {mission}"] = [row and str(row.amount), str(amount)]
        if row is None:
            new.append(EvaluationSpending(evaluation=evaluation, mission=mission, amount=amount))
        else:
            row.amount = amount
            changed.append(row)
    EvaluationSpending.objects.bulk_update(changed, ["amount"])
    EvaluationSpending.objects.bulk_create(new)
    return changes


def missing_for_submission(evaluation) -> list[str]:
    """What the CPTS must still give before submitting (French, for the page and the refusal)."""
    contract = evaluation.contract
    valued = set(evaluation.values.values_list("indicator_id", flat=True))
    declared = set(evaluation.spending.values_list("mission", flat=True))
    return missing_of(
        evaluation, valued, indicators_of(contract), declared, spending_missions(contract)
    )


def missing_of(evaluation, valued, indicators, declared, missions) -> list[str]:
    """`missing_for_submission` from rows already read: `valued` the ids of the indicators
    with a value, `declared` the missions with their spending, `indicators` and `missions`
    (codes) the contract's."""
    missing = []
    if not evaluation.activity_report:
        missing.append("le rapport d'activité (PDF)")
    missing += [f"la valeur de « {i.label} »" for i in indicators if i.pk not in valued]
    if set(missions) - set(declared):
        missing.append("les dépenses de chaque mission")
    return missing


def _step(evaluation, user, target, comment="", *, action, label, mail=None):
    """Move the locked evaluation to `target`: history step, journal entry, mail."""
    source = evaluation.status
    evaluation.status = target
    evaluation.save()
    EvaluationStep.objects.create(
        evaluation=evaluation,
        source=source,
        target=target,
        comment=comment,
        actor=user,
        organisation=getattr(user, "organisation", None),
    )
    extra = {"status": [source, target]}
    if comment:
        extra["commentaire"] = [None, comment]
    journal(
        user, action, label, evaluation, [], project=evaluation.contract.project_id, extra=extra
    )  # fmt: skip
    if mail:
        queue_mail(*mail)
    return evaluation


def _leaders(contract) -> list[str]:
    return list(
        contract.project.members.filter(user__is_active=True).values_list("user__email", flat=True)
    )


def _assurance_maladie(contract) -> list[str]:
    people = User.objects.filter(
        is_active=True,
        organisation__kind__in=ASSURANCE_MALADIE_KINDS,
        organisation__departement_id=contract.project.departement_id,
    )
    return list(people.values_list("email", flat=True))


def submit_evaluation(contract, user, year: int) -> YearEvaluation:
    deny_unless(can_fill_evaluation(contract, user))
    with transaction.atomic():
        locked, evaluation = _lock(contract, year)
        if evaluation is None or evaluation.status not in EDITABLE:
            raise FundingError("Il n'y a pas d'évaluation en cours de saisie à transmettre.")
        missing = missing_for_submission(evaluation)
        if missing:
            raise FundingError("Avant de transmettre, indiquez " + ", ".join(missing) + ".")
        evaluation.submitted_at = timezone.now()
        name = locked.project.name
        body = f"{name} a transmis son évaluation de l'année {year} du contrat ACI."  # « CPTS … »
        return _step(
            evaluation, user, Status.SUBMITTED,
            action="funding.evaluation.submit",
            label=f"Évaluation de l'année {year} transmise à la CPAM",
            mail=(f"Évaluation transmise : {name}", body, _assurance_maladie(locked)),
        )  # fmt: skip


def request_corrections(contract, user, year: int, comment: str) -> YearEvaluation:
    deny_unless(can_review_evaluation(contract, user))
    comment = (comment or "").strip()
    if not comment or len(comment) > COMMENT_LIMIT:
        raise FundingError(f"Dites ce qui est à corriger ({COMMENT_LIMIT} caractères au plus).")
    with transaction.atomic():
        locked, evaluation = _lock(contract, year)
        if evaluation is None or evaluation.status != Status.SUBMITTED:
            raise FundingError("Seule une évaluation transmise peut être renvoyée pour correction.")
        body = (
            f"La CPAM demande des corrections à l'évaluation de l'année {year} "
            f"du contrat ACI de {locked.project.name} :\n\n{comment}"
        )
        return _step(
            evaluation, user, Status.CORRECTIONS, comment,
            action="funding.evaluation.corrections",
            label=f"Évaluation de l'année {year} : corrections demandées",
            mail=(f"Corrections demandées : {locked.project.name}", body, _leaders(locked)),
        )  # fmt: skip


def year_amounts(contract, year: int) -> tuple[Decimal, Decimal, Decimal]:
    """(entitlement, variable parts, balance due) of the year as the results stand now: the
    balance is the entitlement less what the schedule paid during the year before it."""
    terms = contract_terms(Contract.objects.filter(pk=contract.pk))[contract.pk]
    lines = calc.year_entitlement(terms, year)
    entitled = calc.total(lines)
    variable = sum((x.amount for x in lines if x.part == calc.VARIABLE), calc.ZERO)
    paid_before = sum(
        (p.amount for p in calc.schedule(terms) if p.year == year and p.kind != "solde"),
        calc.ZERO,
    )
    return entitled, variable, entitled - paid_before


def close_evaluation(contract, user, year: int) -> YearEvaluation:
    """The CPAM closes the year: the declared values become the contract's indicator results,
    and the year's amounts are computed and frozen."""
    deny_unless(can_review_evaluation(contract, user))
    with transaction.atomic():
        locked, evaluation = _lock(contract, year)
        if evaluation is None or evaluation.status != Status.SUBMITTED:
            raise FundingError("Seule une évaluation transmise peut être clôturée.")
        declared = {v.indicator: v.value for v in evaluation.values.select_related("indicator")}
        _write_results(locked, user, year, declared)
        entitled, variable, balance = year_amounts(locked, year)
        evaluation.entitled_total, evaluation.variable_total = entitled, variable
        evaluation.balance = balance
        evaluation.closed_at, evaluation.closed_by = timezone.now(), user
        body = (
            f"L'évaluation de l'année {year} du contrat ACI de {locked.project.name} est "
            f"clôturée : parts variables {variable} €, solde dû {balance} €."
        )
        return _step(
            evaluation, user, Status.CLOSED,
            action="funding.evaluation.close",
            label=f"Évaluation de l'année {year} clôturée (solde dû : {balance} €)",
            mail=(f"Évaluation clôturée : {locked.project.name}", body, _leaders(locked)),
        )  # fmt: skip


def _write_results(contract, user, year: int, declared: dict) -> None:
    """The closed year's declared values {Indicator: Decimal} (bounded when saved) become the
    contract's indicator results, under `close_evaluation`'s locks; an unchanged value is left
    as it is, each change journalled old → new."""
    stored = {
        r.indicator_id: r
        for r in IndicatorResult.objects.select_for_update().filter(
            indicator__in=list(declared), year=year
        )
    }
    for indicator, value in declared.items():
        result = stored.get(indicator.pk) or IndicatorResult(indicator=indicator, year=year)
        if result.pk and result.value == value:
            continue
        before = snapshot(result, ["value"]) if result.pk else {}
        result.value, result.entered_by = value, user
        result.save()
        journal(
            user, "funding.result.enter", f"Résultat de l'année {year} : « {indicator.label} »",
            result, ["value"], before, project=contract.project_id,
        )  # fmt: skip
