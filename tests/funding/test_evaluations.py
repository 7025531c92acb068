"""The yearly evaluation: the CPTS declares, the CPAM asks corrections or closes; all or
nothing; history, journal, mails; the amounts frozen at closing, exact to the cent."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from audit.models import AuditEntry
from funding import evaluations
from funding.base import FundingError
from funding.evaluation_models import (
    EvaluationSpending,
    EvaluationStatus,
    EvaluationValue,
    YearEvaluation,
)
from funding.models import IndicatorResult
from outbox.models import Message
from tests.funding.contract_life import contract_in_life, full_declaration, report_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def life():
    return contract_in_life()


def _declared(life, year=1, value="75"):
    evaluations.save_evaluation(
        life.contract, life.leader, year, report=report_pdf(), **full_declaration(life, value)
    )


def test_correction_loop_then_closing(life):
    c = life.contract
    _declared(life, value="60")
    evaluations.submit_evaluation(c, life.leader, 1)
    with pytest.raises(FundingError):  # in the CPAM's hands now
        evaluations.save_evaluation(c, life.leader, 1, values={life.indicator: "75"})
    evaluations.request_corrections(c, life.cpam, 1, "Le taux d'inclusion est sous-estimé.")
    evaluations.save_evaluation(c, life.leader, 1, values={life.indicator: "75"})
    evaluations.submit_evaluation(c, life.leader, 1)
    closed = evaluations.close_evaluation(c, life.cpam, 1)
    assert closed.status == EvaluationStatus.CLOSED
    steps = list(closed.steps.values_list("source", "target", "comment"))
    assert steps == [
        ("draft", "submitted", ""),
        ("submitted", "corrections", "Le taux d'inclusion est sous-estimé."),
        ("corrections", "submitted", ""),
        ("submitted", "closed", ""),
    ]
    # The declared value became the contract's result: 75 reaches the 0.6 threshold.
    assert IndicatorResult.objects.get(indicator=life.indicator, year=1).value == Decimal(75)
    # Year 1, taille 2: fonctionnement 60 000 + parcours fixed 35 000 + 0.6 x 35 000 variable;
    # paid before: the fonctionnement at signature and 75 % of parcours' fixed part.
    assert closed.variable_total == Decimal("21000.00")
    assert closed.entitled_total == Decimal("116000.00")
    assert closed.balance == Decimal("29750.00")  # 116 000 - 60 000 - 26 250
    with pytest.raises(FundingError):  # closed is closed
        evaluations.request_corrections(c, life.cpam, 1, "Encore")


def test_each_step_is_journalled_and_mailed(life, mail_on_commit):
    c = life.contract
    _declared(life)
    with mail_on_commit():
        evaluations.submit_evaluation(c, life.leader, 1)
    sent = Message.objects.get(subject__contains="Évaluation transmise")
    assert sent.body.startswith(f"{c.project.name} a transmis")  # not « La CPTS CPTS … »
    with mail_on_commit():
        evaluations.request_corrections(c, life.cpam, 1, "Joindre le rapport signé.")
    mail = Message.objects.get(subject__contains="Corrections demandées")
    assert "Joindre le rapport signé." in mail.body
    actions = list(
        AuditEntry.objects.filter(action__startswith="funding.evaluation")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "funding.evaluation.save",
        "funding.evaluation.submit",
        "funding.evaluation.corrections",
    ]


def test_one_bad_value_saves_nothing(life):
    c = life.contract
    declaration = full_declaration(life)
    declaration["spending"]["parcours"] = "-1"
    with pytest.raises(FundingError):
        evaluations.save_evaluation(c, life.leader, 1, report=report_pdf(), **declaration)
    declaration = full_declaration(life, value="1e12")
    with pytest.raises(FundingError):
        evaluations.save_evaluation(c, life.leader, 1, **declaration)
    declaration = full_declaration(life, value="NaN")
    with pytest.raises(FundingError):
        evaluations.save_evaluation(c, life.leader, 1, **declaration)
    assert not YearEvaluation.objects.exists()
    assert not EvaluationValue.objects.exists() and not EvaluationSpending.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="funding.evaluation").exists()


def test_submission_needs_everything(life):
    c = life.contract
    evaluations.save_evaluation(c, life.leader, 1, values={life.indicator: "75"})
    with pytest.raises(FundingError, match="rapport d'activité"):
        evaluations.submit_evaluation(c, life.leader, 1)
    assert YearEvaluation.objects.get().status == EvaluationStatus.DRAFT


def test_who_may_do_what(life):
    c = life.contract
    with pytest.raises(PermissionDenied):  # the CPAM does not declare for the CPTS
        evaluations.save_evaluation(c, life.cpam, 1, **full_declaration(life))
    _declared(life)
    with pytest.raises(PermissionDenied):
        evaluations.submit_evaluation(c, life.cpam, 1)
    evaluations.submit_evaluation(c, life.leader, 1)
    for user in (life.leader, life.ars):  # neither the CPTS nor the ARS closes
        with pytest.raises(PermissionDenied):
            evaluations.close_evaluation(c, user, 1)
        with pytest.raises(PermissionDenied):
            evaluations.request_corrections(c, user, 1, "x")
    with pytest.raises(FundingError):  # a correction request says what to correct
        evaluations.request_corrections(c, life.cpam, 1, "   ")


def test_only_ended_years_open(life):
    assert evaluations.evaluable_years(life.contract, life.contract.signed_on) == []
    today_years = evaluations.evaluable_years(life.contract, evaluations.opens_on(life.contract, 2))
    assert today_years == [1, 2]
    with pytest.raises(FundingError):  # year 4 ends on 6 February 2027
        evaluations.save_evaluation(life.contract, life.leader, 4, **full_declaration(life))
    with pytest.raises(FundingError):
        evaluations.save_evaluation(life.contract, life.leader, 9, **full_declaration(life))


def test_database_bounds(life):
    evaluation = YearEvaluation.objects.create(contract=life.contract, year=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationSpending.objects.create(evaluation=evaluation, mission="x", amount=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        YearEvaluation.objects.create(contract=life.contract, year=6)
    with pytest.raises(IntegrityError), transaction.atomic():  # closed without its amounts
        YearEvaluation.objects.filter(pk=evaluation.pk).update(status="closed")


def test_demo_helpers_go_through_the_services(life):
    from funding import demo
    from funding.followup_models import PaymentRecord

    evaluation = demo.evaluation_awaiting_cpam(life.contract, life.leader)
    assert evaluation.status == EvaluationStatus.SUBMITTED
    assert evaluation.values.get().value == Decimal(90)  # the objective
    paid = demo.payments_made(life.contract, life.cpam)
    assert paid >= 3 and PaymentRecord.objects.count() == paid


def test_the_service_refuses_a_report_that_is_not_a_pdf(life):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("rapport.pdf", b"<html><script>x</script></html>")
    with pytest.raises(FundingError, match="PDF"):
        evaluations.save_evaluation(life.contract, life.leader, 1, report=fake)
    assert not YearEvaluation.objects.exists()
