"""Final acts of the contract's pages ask for a confirmation: a signature, a mission start, a
payment. The first post shows what will be recorded and writes nothing; only the confirmed post
records; an invalid form records nothing; refusals are the same at both steps."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import OrganisationKind
from audit.models import AuditEntry
from funding import payments, services
from funding.followup_models import PaymentRecord
from funding.models import Contract
from projects.models import Project
from projects.states import State
from tests.factories import DepartementFactory
from tests.funding.contract_life import contract_in_life
from tests.world import institution_user

pytestmark = pytest.mark.django_db
YES = {"confirmed": "1"}


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _journalled(action):
    return AuditEntry.objects.filter(action=action).count()


def test_the_third_signature_is_confirmed_before_it_is_recorded(client, aci_project):
    project, leader, ars = aci_project
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    contract = services.create_contract(project, cpam, members=10)
    services.record_signature(contract, leader, "cpts", dt.date(2023, 3, 1))
    services.record_signature(contract, cpam, "cpam", dt.date(2023, 3, 2))
    url = reverse("funding:contract_sign", args=[contract.pk])
    data = {"party": "ars", "signed_on": "2023-03-03"}
    for outsider, status in (
        (institution_user(OrganisationKind.URPS, project.departement), 403),
        (institution_user(OrganisationKind.ARS, DepartementFactory()), 404),
    ):
        client.force_login(outsider)
        assert client.post(url, data).status_code == status
        assert client.post(url, {**data, **YES}).status_code == status
    client.force_login(ars)
    asked = client.post(url, data)
    html = asked.content.decode()
    assert asked.status_code == 200 and 'id="confirm-signature"' in html
    assert "Signataire : <strong>ARS</strong>" in html
    assert "Date de signature : <strong>03/03/2023</strong>" in html
    assert "le contrat ACI est signé le 03/03/2023 pour 5 ans" in html
    assert "La signature est définitive" in html
    for hidden in ('name="party" value="ars"', 'name="signed_on" value="2023-03-03"'):
        assert hidden in html
    assert 'name="confirmed" value="1"' in html
    assert f'href="{reverse("funding:contract", args=[contract.pk])}">Annuler' in html
    assert Contract.objects.get(pk=contract.pk).ars_signed_on is None
    assert _journalled("funding.contract.sign") == 2
    assert client.post(url, {**data, **YES}).status_code == 302
    assert Contract.objects.get(pk=contract.pk).signed_on == dt.date(2023, 3, 3)
    assert Project.objects.get(pk=project.pk).state == State.ACI_SIGNE


def test_a_first_signature_is_confirmed_and_an_invalid_one_reported(client, aci_project):
    project, leader, ars = aci_project
    cpam = institution_user(OrganisationKind.CPAM, project.departement)
    contract = services.create_contract(project, cpam, members=10)
    url = reverse("funding:contract_sign", args=[contract.pk])
    client.force_login(leader)
    invalid = client.post(url, {"party": "cpts", "signed_on": "2099-01-01"})
    assert invalid.status_code == 302
    assert _messages(invalid)[-1].startswith("Formulaire incomplet : Date de signature")
    asked = client.post(url, {"party": "cpts", "signed_on": "2023-03-01"}).content.decode()
    assert "Signataire : <strong>CPTS</strong>" in asked and "troisième" not in asked
    assert Contract.objects.get(pk=contract.pk).cpts_signed_on is None
    client.post(url, {"party": "cpts", "signed_on": "2023-03-01", **YES})
    assert Contract.objects.get(pk=contract.pk).cpts_signed_on == dt.date(2023, 3, 1)


def test_a_mission_start_and_its_correction_are_confirmed(client, signed):
    contract, cpam, ars, leader = signed
    url = reverse("funding:mission_start", args=[contract.pk])
    data = {"mission": "parcours", "started_on": "2023-09-01"}
    for refused in (ars, leader):
        client.force_login(refused)
        assert client.post(url, data).status_code == 403
        assert client.post(url, {**data, **YES}).status_code == 403
    client.force_login(cpam)
    invalid = client.post(url, {"mission": "parcours", "started_on": "pas une date"})
    assert _messages(invalid)[-1].startswith("Formulaire incomplet")
    asked = client.post(url, data)
    html = asked.content.decode()
    assert asked.status_code == 200 and 'id="confirm-mission-start"' in html
    assert "Mission : <strong>Parcours pluriprofessionnels</strong>" in html
    assert "Démarrée le : <strong>01/09/2023</strong>" in html
    assert "ne pourra plus revenir à « non démarrée »" in html
    assert "jusqu&#x27;ici" not in html
    assert contract.missions.get(mission="parcours").started_on is None
    assert _journalled("funding.mission.start") == 0
    client.post(url, {**data, **YES})
    assert contract.missions.get(mission="parcours").started_on == dt.date(2023, 9, 1)
    # A correction says what it replaces, and changes nothing until confirmed.
    html = client.post(url, {**data, "started_on": "2023-10-02"}).content.decode()
    assert "Date enregistrée jusqu&#x27;ici : <strong>01/09/2023</strong>" in html
    assert contract.missions.get(mission="parcours").started_on == dt.date(2023, 9, 1)
    assert _journalled("funding.mission.start") == 1


def test_a_payment_is_confirmed_before_it_is_recorded(client):
    life = contract_in_life()
    url = reverse("funding:payments", args=[life.contract.pk])
    line = payments.standing(Contract.objects.filter(pk=life.contract.pk))[life.contract.pk][0]
    data = {"line": line.key, "paid_on": "2023-02-10", "amount": "1234.5", "note": "virement"}
    client.force_login(life.cpam)
    invalid = client.post(url, {**data, "amount": "-5"})
    assert invalid.status_code == 200 and 'id="confirm-payment"' not in invalid.content.decode()
    assert invalid.context["form"].errors["amount"]  # shown again with its error and values
    assert invalid.context["form"]["note"].value() == "virement"
    asked = client.post(url, data)
    html = asked.content.decode()
    assert asked.status_code == 200 and 'id="confirm-payment"' in html
    assert f"Échéance : <strong>Année 1 — {line.due_on:%d/%m/%Y} — " in html
    assert "Montant versé : <strong>1\xa0234,50 €</strong>" in html
    assert "Versé le : <strong>10/02/2023</strong>" in html
    assert "Référence : <strong>virement</strong>" in html
    assert "L'enregistrement est définitif" in html
    assert f'href="{url}">Annuler' in html
    assert not PaymentRecord.objects.exists()
    assert _journalled("funding.payment.record") == 0
    assert client.post(url, {**data, **YES}).status_code == 302
    record = PaymentRecord.objects.get()
    assert record.amount == 1234.5 and record.paid_on == dt.date(2023, 2, 10)
