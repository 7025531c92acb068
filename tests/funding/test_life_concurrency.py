"""Simultaneous writes on the contract's life, each on its own connection: one outcome."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import OrganisationKind
from funding import evaluations, payments
from funding.base import FundingError
from funding.evaluation_models import EvaluationStatus, EvaluationStep, YearEvaluation
from funding.followup_models import PaymentRecord
from funding.models import Contract
from tests.funding.contract_life import contract_in_life, full_declaration, report_pdf
from tests.projects.test_concurrency import at_once
from tests.world import institution_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def life():
    call_command("load_funding_grids", stdout=StringIO())  # flushed with the tables
    return contract_in_life()


def test_two_agents_paying_the_same_line_pay_it_once(life):
    c = life.contract
    colleague = institution_user(OrganisationKind.CPAM, c.project.departement)
    line = payments.standing(Contract.objects.filter(pk=c.pk))[c.pk][0]
    outcomes = at_once(
        *[
            lambda user=user: payments.record_payment(
                c, user, line=line.key, paid_on=c.signed_on, amount=line.outstanding
            )
            for user in (life.cpam, colleague)
        ]
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    assert isinstance(next(v for k, v in outcomes if k == "error"), FundingError)
    assert PaymentRecord.objects.count() == 1


def test_closing_and_asking_corrections_at_once_make_one_decision(life):
    c = life.contract
    evaluations.save_evaluation(c, life.leader, 1, report=report_pdf(), **full_declaration(life))
    evaluations.submit_evaluation(c, life.leader, 1)
    colleague = institution_user(OrganisationKind.CPAM, c.project.departement)
    outcomes = at_once(
        lambda: evaluations.close_evaluation(c, life.cpam, 1),
        lambda: evaluations.request_corrections(c, colleague, 1, "À revoir"),
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    status = YearEvaluation.objects.get().status
    assert status in (EvaluationStatus.CLOSED, EvaluationStatus.CORRECTIONS)
    assert EvaluationStep.objects.filter(source=EvaluationStatus.SUBMITTED).count() == 1
