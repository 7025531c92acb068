"""The avenant pages: proposal and signatures per role and territory; bad input saves nothing
and never gives a 500."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind
from funding import avenants
from funding.models import ContractAvenant
from tests.factories import DepartementFactory, UserFactory
from tests.world import institution_user

pytestmark = pytest.mark.django_db
PROPOSAL = {
    "summary": "Passage en taille 3",
    "effective_on": "2025-02-06",
    "size": "3",
    "members": "",
    "snp_dispositif": "",
    "communes": "",
}


@pytest.fixture
def who(signed):
    contract, cpam, ars, leader = signed
    dep = contract.project.departement
    people = {
        "ars_dd": ars,
        "ars_siege": institution_user(OrganisationKind.ARS, dep),
        "cpam": cpam,
        "msa": institution_user(OrganisationKind.MSA, dep),
        "urps": institution_user(OrganisationKind.URPS, dep),
        "leader": leader,
        "other_leader": UserFactory(),
        "cpam_other": institution_user(OrganisationKind.CPAM, DepartementFactory()),
    }
    return contract, people


@pytest.mark.parametrize(
    "role,status,created",
    [
        ("ars_dd", 302, True),
        ("ars_siege", 302, True),
        ("cpam", 302, True),
        ("msa", 302, True),
        ("urps", 403, False),
        ("leader", 403, False),
        ("other_leader", 404, False),
        ("cpam_other", 404, False),
    ],
)
def test_proposal_page_per_role(client, who, role, status, created):
    contract, people = who
    client.force_login(people[role])
    page = client.get(reverse("funding:contract", args=[contract.pk]))
    if page.status_code == 200:
        assert (page.context["avenant_form"] is not None) == created
    response = client.post(reverse("funding:avenant_propose", args=[contract.pk]), PROPOSAL)
    assert response.status_code == status
    assert ContractAvenant.objects.exists() == created


@pytest.mark.parametrize(
    "role,status,party",
    [
        ("ars_dd", 302, "ars"),
        ("ars_siege", 302, "ars"),
        ("cpam", 302, "cpam"),
        ("msa", 302, "cpam"),
        ("urps", 403, None),
        ("leader", 302, "cpts"),
        ("other_leader", 404, None),
        ("cpam_other", 404, None),
    ],
)
def test_signature_page_per_role(client, who, role, status, party):
    contract, people = who
    avenant = avenants.propose_avenant(
        contract, people["cpam"], summary="Taille 3", effective_on=dt.date(2025, 2, 6), size=3
    )
    client.force_login(people[role])
    url = reverse("funding:avenant_sign", args=[contract.pk, avenant.number])
    for tried in ("cpts", "cpam", "ars"):  # only the person's own party is recorded
        data = {"av1-party": tried, "av1-signed_on": "2025-01-20"}
        assert client.post(url, data).status_code == status
    avenant.refresh_from_db()
    signed = {p for p in ("cpts", "cpam", "ars") if getattr(avenant, f"{p}_signed_on")}
    assert signed == ({party} if party else set())


@pytest.mark.parametrize(
    "change",
    [
        {"effective_on": "pas une date"},
        {"effective_on": "2020-01-01"},  # before the contract
        {"effective_on": "2031-01-01"},
        {"size": "7"},
        {"members": "1e999"},
        {"members": "-3"},
        {"summary": ""},
        {"summary": "x" * 2001},
        {"communes": "9Z999"},
        {"size": ""},  # nothing changes
        {"optional": ["inconnue"], "change_optional": "on"},
    ],
)
def test_bad_proposals_save_nothing(client, who, change):
    contract, people = who
    client.force_login(people["cpam"])
    response = client.post(
        reverse("funding:avenant_propose", args=[contract.pk]), {**PROPOSAL, **change}, follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not ContractAvenant.objects.exists()


@pytest.mark.parametrize("day", ["2019-06-19", "2099-01-01", "demain", ""])
def test_bad_signature_dates_save_nothing(client, who, day):
    contract, people = who
    avenant = avenants.propose_avenant(
        contract, people["cpam"], summary="Taille 3", effective_on=dt.date(2025, 2, 6), size=3
    )
    client.force_login(people["cpam"])
    url = reverse("funding:avenant_sign", args=[contract.pk, avenant.number])
    response = client.post(url, {"av1-party": "cpam", "av1-signed_on": day}, follow=True)
    assert response.status_code == 200
    avenant.refresh_from_db()
    assert avenant.cpam_signed_on is None


def test_the_page_shows_old_and_new_terms(client, who):
    contract, people = who
    avenant = avenants.propose_avenant(
        contract, people["ars_dd"], summary="Taille 3", effective_on=dt.date(2024, 6, 1), size=3
    )
    for party, role in (("cpts", "leader"), ("cpam", "cpam"), ("ars", "ars_dd")):
        avenants.sign_avenant(avenant, people[role], party, dt.date(2025, 1, 20))
    client.force_login(people["leader"])
    page = client.get(reverse("funding:contract", args=[contract.pk]))
    html = page.content.decode()
    assert "Avenant n° 1" in html and "en vigueur depuis le 20/01/2025" in html
    assert "à partir de l&#x27;année 3" in html or "à partir de l'année 3" in html
    assert page.context["terms_now"]["size"] == 3
    assert [y["terms"].size for y in page.context["years"]] == [2, 2, 3, 3, 3]
    assert page.context["avenants"][0]["rows"] == [{"label": "Taille", "old": 2, "new": 3}]


@pytest.mark.parametrize(
    "role,status,withdrawn",
    [
        ("ars_dd", 302, True),
        ("ars_siege", 302, True),
        ("cpam", 302, True),
        ("msa", 302, True),
        ("urps", 403, False),
        ("leader", 403, False),
        ("other_leader", 404, False),
    ],
)
def test_withdrawal_page_per_role(client, who, role, status, withdrawn):
    contract, people = who
    avenant = avenants.propose_avenant(
        contract, people["cpam"], summary="Taille 3", effective_on=dt.date(2025, 2, 6), size=3
    )
    client.force_login(people[role])
    url = reverse("funding:avenant_withdraw", args=[contract.pk, avenant.number])
    assert client.get(url).status_code in (405, 404)
    first = client.post(url)  # a confirmation page first, for those who may withdraw
    assert first.status_code == (200 if withdrawn else status)
    avenant.refresh_from_db()
    assert avenant.withdrawn_at is None
    if withdrawn:
        assert 'id="confirm-withdrawal"' in first.content.decode()
    assert client.post(url, {"confirmed": "1"}).status_code == status
    avenant.refresh_from_db()
    assert (avenant.withdrawn_at is not None) == withdrawn
