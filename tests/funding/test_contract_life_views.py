"""The contract's life pages, role by role: the leader of the CPTS, another leader, the CPAM of
the territory, another CPAM, the MSA, the ARS DD and siège, the URPS, anonymous."""

import datetime as dt

import pytest
from django.urls import reverse

from funding import evaluations, payments
from funding.evaluation_models import EvaluationStatus, YearEvaluation
from funding.followup_models import Milestone, PaymentRecord
from funding.models import Contract
from tests.funding.contract_life import SIGNED, contract_in_life, full_declaration, report_pdf
from tests.world import World

pytestmark = pytest.mark.django_db

LOGIN, OK, REDIRECT, FORBIDDEN, MISSING = 302, 200, 302, 403, 404
ROLES = ("leader", "other_leader", "cpam", "cpam_other", "msa", "ars_dd", "ars", "urps", "anon")


@pytest.fixture
def setting():
    world = World()
    life = contract_in_life(world.dept)
    people = {
        "leader": life.leader,
        "other_leader": world.leader,
        "cpam": life.cpam,
        "cpam_other": world.cpam_other,
        "msa": world.msa,
        "ars_dd": world.ars_dd,
        "ars": world.ars,
        "urps": world.urps,
        "anon": None,
    }
    return life, people


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _matrix(client, people, url, expected, method="get", data=None):
    seen = {}
    for role in ROLES:
        response = getattr(_as(client, people[role]), method)(url, data or {})
        seen[role] = response.status_code
    assert seen == dict(zip(ROLES, expected, strict=True))


def _submitted(life):
    evaluations.save_evaluation(
        life.contract, life.leader, 1, report=report_pdf(), **full_declaration(life)
    )
    evaluations.submit_evaluation(life.contract, life.leader, 1)


def test_evaluation_page_by_role(client, setting):
    life, people = setting
    url = reverse("funding:evaluation", args=[life.contract.pk, 1])
    #              leader other cpam other msa dd ars urps anon
    _matrix(client, people, url, (OK, MISSING, OK, MISSING, OK, OK, OK, FORBIDDEN, LOGIN))
    later = reverse("funding:evaluation", args=[life.contract.pk, 4])  # year 4 not ended
    assert _as(client, life.leader).get(later).status_code == MISSING


def test_evaluation_saved_by_the_leader_only(client, setting):
    life, people = setting
    url = reverse("funding:evaluation", args=[life.contract.pk, 1])
    field = f"ind_{life.indicator.pk}"
    expected = (REDIRECT, MISSING, FORBIDDEN, MISSING, FORBIDDEN, FORBIDDEN, FORBIDDEN,
                FORBIDDEN, LOGIN)  # fmt: skip
    for role, status in zip(ROLES, expected, strict=True):
        if role == "leader":
            continue
        response = _as(client, people[role]).post(url, {field: "10"})
        assert response.status_code == status, role
    assert not YearEvaluation.objects.exists()
    response = _as(client, life.leader).post(url, {field: "75", "dep_parcours": "12.5"})
    assert response.status_code == REDIRECT
    stored = YearEvaluation.objects.get()
    assert stored.values.get().value == 75 and stored.spending.get().amount == 12.5


def test_evaluation_form_with_one_bad_value_saves_nothing(client, setting):
    life, people = setting
    url = reverse("funding:evaluation", args=[life.contract.pk, 1])
    client.force_login(life.leader)
    for bad in ({"dep_parcours": "-3"}, {"dep_parcours": "1e40"}, {"dep_parcours": "abc"}):
        data = {f"ind_{life.indicator.pk}": "75", "dep_fonctionnement": "10", **bad}
        response = client.post(url, data)
        assert response.status_code == OK  # the form again, with what was typed
        assert "Formulaire incomplet" in response.content.decode()
    html_report = {"activity_report": report_pdf().__class__("r.pdf", b"<html>x</html>")}
    response = client.post(url, {f"ind_{life.indicator.pk}": "75", **html_report})
    assert response.status_code == OK
    assert not YearEvaluation.objects.exists()


def test_review_actions_by_role(client, setting):
    life, people = setting
    _submitted(life)
    pk = life.contract.pk
    corrections = reverse("funding:evaluation_corrections", args=[pk, 1])
    close = reverse("funding:evaluation_close", args=[pk, 1])
    for role in ("leader", "ars_dd", "ars", "other_leader", "cpam_other", "urps", "anon"):
        _as(client, people[role]).post(corrections, {"comment": "x"})
        _as(client, people[role]).post(close, {"confirmed": "1"})
    assert YearEvaluation.objects.get().status == EvaluationStatus.SUBMITTED
    _as(client, life.cpam).post(corrections, {"comment": "Chiffres à revoir"})
    assert YearEvaluation.objects.get().status == EvaluationStatus.CORRECTIONS
    submit = reverse("funding:evaluation_submit", args=[pk, 1])
    _as(client, life.cpam).post(submit)  # the CPAM does not submit for the CPTS
    assert YearEvaluation.objects.get().status == EvaluationStatus.CORRECTIONS
    _as(client, life.leader).post(submit)
    # Closing is final: without the confirmation, the page asks for it and nothing changes.
    asked = _as(client, people["msa"]).post(close)  # the MSA is the Assurance Maladie too
    assert asked.status_code == 200 and 'id="confirm-evaluation-close"' in asked.content.decode()
    assert YearEvaluation.objects.get().status == EvaluationStatus.SUBMITTED
    _as(client, people["msa"]).post(close, {"confirmed": "1"})
    assert YearEvaluation.objects.get().status == EvaluationStatus.CLOSED


def test_activity_report_by_role(client, setting):
    life, people = setting
    _submitted(life)
    url = reverse("funding:evaluation_report", args=[life.contract.pk, 1])
    _matrix(client, people, url, (OK, MISSING, OK, MISSING, OK, OK, OK, FORBIDDEN, LOGIN))


def test_payments_page_by_role(client, setting):
    life, people = setting
    url = reverse("funding:payments", args=[life.contract.pk])
    _matrix(client, people, url, (OK, MISSING, OK, MISSING, OK, OK, OK, FORBIDDEN, LOGIN))
    lines = payments.standing(Contract.objects.filter(pk=life.contract.pk))[life.contract.pk]
    data = {"line": lines[0].key, "paid_on": "2023-02-10", "amount": "100", "note": "virement"}
    expected = (FORBIDDEN, MISSING, None, MISSING, None, FORBIDDEN, FORBIDDEN, FORBIDDEN, LOGIN)
    confirmed = {**data, "confirmed": "1"}
    for role, status in zip(ROLES, expected, strict=True):
        if status is not None:  # the same refusal before and at the confirmation
            assert _as(client, people[role]).post(url, data).status_code == status, role
            assert _as(client, people[role]).post(url, confirmed).status_code == status, role
    assert not PaymentRecord.objects.exists()
    assert _as(client, life.cpam).post(url, data).status_code == OK  # its confirmation
    assert not PaymentRecord.objects.exists()
    assert _as(client, life.cpam).post(url, confirmed).status_code == REDIRECT
    assert PaymentRecord.objects.get().amount == 100
    bad = {**data, "paid_on": (dt.date.today() + dt.timedelta(days=2)).isoformat()}
    assert _as(client, life.cpam).post(url, bad).status_code == OK
    assert PaymentRecord.objects.count() == 1
    export = _as(client, life.leader).get(url, {"_export": "csv"})
    body = export.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Année du contrat;Échéance")
    assert ";Versement à la signature;" in body and ";100.00;" in body


def test_late_payments_page_by_role(client, setting):
    life, people = setting
    url = reverse("funding:late_payments")
    expected = (FORBIDDEN, FORBIDDEN, OK, OK, OK, OK, OK, FORBIDDEN, LOGIN)
    _matrix(client, people, url, expected)
    name = life.contract.project.name
    for role, shown in (("cpam", True), ("ars_dd", True), ("ars", True), ("cpam_other", False)):
        html = _as(client, people[role]).get(url).content.decode()
        assert (name in html) is shown, role
    xlsx = _as(client, life.cpam).get(url, {"_export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_milestone_marked_by_the_assurance_maladie_only(client, setting):
    life, people = setting
    url = reverse("funding:milestone_mark", args=[life.contract.pk])
    data = {"kind": "crisis_plan", "year": "1", "done_on": "2023-09-01"}
    expected = (FORBIDDEN, MISSING, None, MISSING, None, FORBIDDEN, FORBIDDEN, FORBIDDEN, LOGIN)
    for role, status in zip(ROLES, expected, strict=True):
        if status is not None:
            assert _as(client, people[role]).post(url, data).status_code == status, role
    assert not Milestone.objects.exists()
    assert _as(client, life.cpam).post(url, data).status_code == REDIRECT
    assert Milestone.objects.get().done_by == life.cpam
    page = _as(client, life.leader).get(reverse("funding:contract", args=[life.contract.pk]))
    listed = page.content.decode().split('id="milestones"')[1].split("</ul>")[0]
    assert "Plan d&#x27;action crises sanitaires remis (année 1) : le 01/09/2023" in listed


def test_contract_page_shows_the_year_summary_and_renewal(client, setting):
    life, people = setting
    url = reverse("funding:contract", args=[life.contract.pk])
    html = _as(client, life.leader).get(url).content.decode()
    assert 'id="money-summary"' in html and 'id="evaluations"' in html
    assert html.index('id="money-summary"') < html.index("<h2>Missions</h2>")  # at the top
    assert 'id="renewal-due"' not in html  # signed in 2023: renewal from August 2027
    assert SIGNED.year == 2023


def test_dashboard_filters_and_labels_the_contract_states(client, setting):
    life, people = setting
    from funding import services

    services.terminate_contract(life.contract, life.cpam, dt.date(2024, 7, 1), "Dissolution")
    client.force_login(life.cpam)
    url = reverse("projects:list")
    html = client.get(url, {"state": "aci_resilie"}).content.decode()
    assert life.contract.project.name in html and "ACI résilié" in html
    assert 'value="aci_echu"' in client.get(url).content.decode()  # a filter choice
    html = client.get(url, {"state": "aci_signe"}).content.decode()
    assert life.contract.project.name not in html
    page = client.get(reverse("funding:contract", args=[life.contract.pk])).content.decode()
    assert 'id="contract-recovery"' in page
    assert "42827,87€" in "".join(page.split())  # thousands separated by a narrow space


def test_renewal_due_shown_on_the_contracts_list(client, setting):
    life, people = setting
    from tests.world import make_aci_project, signed_contract

    project, leader, ars = make_aci_project(life.contract.project.departement)
    old, cpam = signed_contract(project, ars, members=10, signed_on=dt.date(2021, 9, 1))
    client.force_login(life.cpam)
    html = client.get(reverse("funding:contracts")).content.decode()
    assert 'id="renewals-due"' in html
    assert reverse("funding:contract", args=[old.pk]) in html.split('id="renewals-due"')[1]
    page = client.get(reverse("funding:contract", args=[old.pk])).content.decode()
    assert 'id="renewal-due"' in page
    assert reverse("funding:contract_create", args=[project.pk]) in page


def test_termination_preview_by_role(client, setting):
    life, people = setting
    url = reverse("funding:termination_preview", args=[life.contract.pk])
    #              leader  other    cpam other  msa dd   ars  urps anon
    expected = (FORBIDDEN, MISSING, OK, MISSING, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, LOGIN)
    _matrix(client, people, url, expected)
    html = _as(client, life.cpam).get(url, {"terminated_on": "2024-07-01"}).content.decode()
    assert "42827,87€" in "".join(html.split())
    assert 'value="2024-07-01"' in html  # the confirmation form, pre-filled
    future = _as(client, life.cpam).get(url, {"terminated_on": "2099-01-01"})
    assert 'id="recovery-preview"' not in future.content.decode()
    assert _state_of(life) == "aci_signe"  # a preview writes nothing


def _state_of(life):
    from projects.models import Project

    return Project.objects.get(pk=life.contract.project_id).state


def test_termination_goes_through_its_preview(client, setting):
    """The contract page offers a tertiary link to the preview, never a form that terminates;
    the preview names the amount to recover and asks for confirmation."""
    life, people = setting
    client = _as(client, life.cpam)
    page = client.get(reverse("funding:contract", args=[life.contract.pk])).content.decode()
    preview = reverse("funding:termination_preview", args=[life.contract.pk])
    link = f'class="fr-btn fr-btn--tertiary fr-btn--sm" id="terminate-link" href="{preview}"'
    assert link in page
    terminate = f'action="{reverse("funding:contract_terminate", args=[life.contract.pk])}"'
    assert terminate not in page
    html = client.get(preview, {"terminated_on": "2024-07-01"}).content.decode()
    assert 'id="confirm-termination"' in html and "La résiliation est définitive" in html
    assert terminate in html
