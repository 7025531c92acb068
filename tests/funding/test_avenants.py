"""Avenants: proposed by the CPAM or the ARS of the territory, each party signs for itself, in
force at the third signature, old and new terms kept, entitlements recomputed for the contract
years starting on or after the effective date, a PDF stored with the project's documents."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from audit.models import AuditEntry
from funding import avenants, terms
from funding.base import FundingError
from funding.demo import demo_avenant_awaiting_signatures
from funding.models import Contract, ContractAvenant
from projects.documents import reproduce
from projects.models import DocumentKind, IssuedDocument
from projects.states import State
from projects.territory import apply_amended_territory
from territories.models import Commune
from territories.services import TerritoryError, summarise
from tests.factories import CommuneFactory, DepartementFactory, UserFactory
from tests.funding.conftest import SIGNED_ON
from tests.world import institution_user, make_aci_project, project_in_state

pytestmark = pytest.mark.django_db
YEAR_3 = dt.date(2025, 2, 6)  # contract signed on 6 February 2023
SIGN_DAY = dt.date(2025, 1, 20)
PARTIES = {"cpts": "leader", "cpam": "cpam", "ars": "ars"}


@pytest.fixture
def people(signed):
    contract, cpam, ars, leader = signed
    dep = contract.project.departement
    return contract, {
        "ars_dd": ars,
        "ars": ars,
        "ars_siege": institution_user(OrganisationKind.ARS, dep),
        "cpam": cpam,
        "msa": institution_user(OrganisationKind.MSA, dep),
        "urps": institution_user(OrganisationKind.URPS, dep),
        "leader": leader,
        "other_leader": UserFactory(),
        "cpam_other": institution_user(OrganisationKind.CPAM, DepartementFactory()),
    }


def _propose(contract, user, effective_on=YEAR_3, **changes):
    changes = changes or {"size": 3}
    return avenants.propose_avenant(
        contract, user, summary="Population en hausse", effective_on=effective_on, **changes
    )


def _sign_all(avenant, who, day=SIGN_DAY):
    for party, role in PARTIES.items():
        avenant = avenants.sign_avenant(avenant, who[role], party, day)
    return avenant


def _years(contract):
    found = terms.contract_terms(Contract.objects.filter(pk=contract.pk))[contract.pk]
    return {y: found.for_year(y) for y in range(1, 6)}


def _maxima(contract, year):
    lines = terms.entitlements(Contract.objects.filter(pk=contract.pk))[contract.pk][year]
    return {(x.mission, x.part): x.maximum for x in lines}


# --- Proposal --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,allowed",
    [
        ("ars_dd", True),
        ("ars_siege", True),
        ("cpam", True),
        ("msa", True),
        ("urps", False),
        ("leader", False),
        ("other_leader", False),
        ("cpam_other", False),
    ],
)
def test_who_proposes_an_avenant(people, role, allowed):
    contract, who = people
    if allowed:
        avenant = _propose(contract, who[role])
        assert avenant.number == 1 and not avenant.in_force and avenant.proposed_by == who[role]
        assert avenant.old_size == 2 and avenant.new_size == 3
    else:
        with pytest.raises(PermissionDenied):
            _propose(contract, who[role])
        assert not ContractAvenant.objects.exists()


@pytest.mark.parametrize(
    "effective_on,message",
    [
        (SIGNED_ON - dt.timedelta(days=1), "date d'effet"),
        (dt.date(2027, 2, 7), "date d'effet"),  # after the last year's first day
    ],
)
def test_the_effective_date_lies_within_the_contract(people, effective_on, message):
    contract, who = people
    with pytest.raises(FundingError, match=message):
        _propose(contract, who["cpam"], effective_on=effective_on)


def test_an_avenant_must_change_something_valid(people):
    contract, who = people
    with pytest.raises(FundingError, match="aucune"):
        _propose(contract, who["cpam"], size=2)  # the taille already
    with pytest.raises(FundingError):
        _propose(contract, who["cpam"], size=5)
    with pytest.raises(FundingError):
        _propose(contract, who["cpam"], members=-1)
    with pytest.raises(FundingError):
        _propose(contract, who["cpam"], optional=["inconnue"])
    with pytest.raises(FundingError, match="objet"):
        avenants.propose_avenant(contract, who["cpam"], summary=" ", effective_on=YEAR_3, size=3)
    assert not ContractAvenant.objects.exists()


def test_one_avenant_at_a_time_and_in_order(people):
    contract, who = people
    first = _propose(contract, who["cpam"])
    with pytest.raises(FundingError, match="attend déjà"):
        _propose(contract, who["ars"], members=50)
    _sign_all(first, who)
    with pytest.raises(FundingError, match="dernier avenant"):
        _propose(contract, who["ars"], effective_on=YEAR_3 - dt.timedelta(days=1), members=50)
    second = _propose(contract, who["ars"], members=50)
    assert second.number == 2 and second.old_size == 3 and second.old_members == 30


def test_no_avenant_on_an_unsigned_or_terminated_contract(people, aci_project):
    contract, who = people
    contract.terminated_on = dt.date(2024, 1, 1)
    contract.save()
    with pytest.raises(FundingError, match="non résilié"):
        _propose(contract, who["cpam"])


# --- Signatures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,parties",
    [
        ("ars_dd", {"ars"}),
        ("ars_siege", {"ars"}),
        ("cpam", {"cpam"}),
        ("msa", {"cpam"}),
        ("urps", set()),
        ("leader", {"cpts"}),
        ("other_leader", set()),
    ],
)
def test_each_party_signs_the_avenant_for_itself(people, role, parties):
    contract, who = people
    avenant = _propose(contract, who["cpam"])
    for party in PARTIES:
        if party in parties:
            avenants.sign_avenant(avenant, who[role], party, SIGN_DAY)
        else:
            with pytest.raises(PermissionDenied):
                avenants.sign_avenant(avenant, who[role], party, SIGN_DAY)
    avenant.refresh_from_db()
    assert {p for p in PARTIES if getattr(avenant, f"{p}_signed_on")} == parties


def test_signature_dates_are_bounded(people):
    contract, who = people
    avenant = _propose(contract, who["cpam"])
    for day in (SIGNED_ON - dt.timedelta(days=1), timezone.localdate() + dt.timedelta(days=1)):
        with pytest.raises(FundingError):
            avenants.sign_avenant(avenant, who["cpam"], "cpam", day)
    avenant.refresh_from_db()
    assert avenant.cpam_signed_on is None


def test_in_force_at_the_third_signature_only(people):
    contract, who = people
    avenant = _propose(contract, who["cpam"])
    avenants.sign_avenant(avenant, who["leader"], "cpts", dt.date(2025, 1, 10))
    avenant = avenants.sign_avenant(avenant, who["cpam"], "cpam", dt.date(2025, 1, 20))
    assert not avenant.in_force and _years(contract)[3].size == 2
    avenant = avenants.sign_avenant(avenant, who["ars"], "ars", dt.date(2025, 1, 15))
    assert avenant.in_force and avenant.signed_on == dt.date(2025, 1, 20)
    with pytest.raises(FundingError, match="déjà signé"):
        avenants.sign_avenant(avenant, who["cpam"], "cpam", dt.date(2025, 1, 21))


# --- What it changes -------------------------------------------------------------------------


def test_the_years_starting_on_or_after_the_effective_date_take_the_new_terms(people):
    contract, who = people
    before = {y: _maxima(contract, y) for y in (1, 2, 3)}
    _sign_all(_propose(contract, who["cpam"], effective_on=dt.date(2024, 6, 1)), who)
    years = _years(contract)
    # Effective in the middle of year 2: year 2 keeps its terms, year 3 on takes the new ones.
    assert [years[y].size for y in range(1, 6)] == [2, 2, 3, 3, 3]
    assert _maxima(contract, 2) == before[2]
    assert _maxima(contract, 3)["fonctionnement", "fixed"] == Decimal("75000.00")
    assert before[3]["fonctionnement", "fixed"] == Decimal("60000.00")
    assert Contract.objects.get(pk=contract.pk).size == 2  # the signed terms stay as signed


def test_optional_missions_snp_and_members(people):
    contract, who = people
    avenant = _propose(contract, who["ars"], optional=["qualite"], snp_dispositif=True, members=45)
    assert avenant.old_optional == [] and avenant.old_snp_dispositif is False
    _sign_all(avenant, who)
    assert contract.missions.filter(mission="qualite", started_on=None).exists()
    years = _years(contract)
    assert "qualite" not in years[2].starts and "qualite" in years[3].starts
    assert not years[2].snp_dispositif and years[3].snp_dispositif
    assert (years[2].members, years[3].members) == (30, 45)
    assert ("snp_dispositif", "fixed") in _maxima(contract, 3)
    assert ("qualite", "fixed") in _maxima(contract, 3)
    assert ("qualite", "fixed") not in _maxima(contract, 2)
    # A later avenant removing it: the years before it keep it.
    _sign_all(_propose(contract, who["cpam"], effective_on=dt.date(2026, 2, 6), optional=[]), who)
    years = _years(contract)
    assert "qualite" in years[3].starts and "qualite" not in years[4].starts


def _insee(project) -> list[str]:
    return sorted(project.communes.values_list("insee", flat=True))


def test_the_territory_change_is_applied_at_the_third_signature(people):
    contract, who = people
    project = contract.project
    old = _insee(project)
    added = CommuneFactory(departement=project.departement, population=100_000)
    new = sorted([*old, added.insee])
    avenant = _propose(contract, who["cpam"], effective_on=dt.date(2024, 6, 1), communes=new)
    expected = summarise(Commune.objects.filter(insee__in=new))
    assert expected.taille == 3
    # No taille given: the new territory brings its own, shown to the signatories.
    assert (avenant.old_size, avenant.new_size) == (2, 3)
    avenants.sign_avenant(avenant, who["leader"], "cpts", SIGN_DAY)
    avenants.sign_avenant(avenant, who["cpam"], "cpam", SIGN_DAY)
    project.refresh_from_db()
    assert _insee(project) == old and project.taille == 2  # two signatures: not yet
    assert not AuditEntry.objects.filter(action="projects.territory.amended").exists()
    avenant = avenants.sign_avenant(avenant, who["ars"], "ars", SIGN_DAY)
    project.refresh_from_db()
    assert _insee(project) == new
    assert (project.population, project.taille) == (expected.population, 3)
    assert avenant.old_communes == old and avenant.new_communes == new
    entry = AuditEntry.objects.get(action="projects.territory.amended")
    assert (entry.actor, entry.project_id) == (who["ars"], project.pk)
    assert (
        entry.label == "Territoire modifié par l'avenant n° 1 au contrat ACI (effet le 01/06/2024)"
    )
    assert [str(v) for v in entry.changes["taille"]] == ["2", "3"]
    assert added.insee in entry.changes["communes ajoutées"][1]
    # Effective in year 2 (from 6 February 2024): years 3 to 5 take the new taille.
    years = _years(contract)
    assert [years[y].size for y in range(1, 6)] == [2, 2, 3, 3, 3]
    assert Contract.objects.get(pk=contract.pk).size == 2  # the signed terms stay as signed
    # The new territory is the one in force: an avenant back to the old one records it as old.
    back = _propose(contract, who["cpam"], communes=old, effective_on=dt.date(2026, 2, 6))
    assert back.old_communes == new and back.old_size == 3
    assert back.new_size == summarise(Commune.objects.filter(insee__in=old)).taille == 1


def test_a_commune_taken_meanwhile_blocks_the_third_signature(people):
    contract, who = people
    project = contract.project
    old = _insee(project)
    added = CommuneFactory(departement=project.departement)
    avenant = _propose(contract, who["cpam"], communes=[*old, added.insee], size=2)
    avenants.sign_avenant(avenant, who["leader"], "cpts", SIGN_DAY)
    avenants.sign_avenant(avenant, who["cpam"], "cpam", SIGN_DAY)
    other, *_ = make_aci_project(project.departement)
    other.communes.add(added)  # an active CPTS took it since the proposal
    with pytest.raises(FundingError, match="ne peut pas entrer en vigueur.*chevauche"):
        avenants.sign_avenant(avenant, who["ars"], "ars", SIGN_DAY)
    avenant.refresh_from_db()
    assert avenant.ars_signed_on is None and avenant.signed_on is None
    project.refresh_from_db()
    assert _insee(project) == old and project.taille == 2
    assert not AuditEntry.objects.filter(action="projects.territory.amended").exists()
    assert AuditEntry.objects.filter(action="funding.avenant.sign").count() == 2


def test_the_territory_of_a_proposal_is_checked(people):
    contract, who = people
    with pytest.raises(FundingError, match="inconnu"):
        _propose(contract, who["cpam"], communes=["9Z999"])
    outside = CommuneFactory(departement=DepartementFactory())
    with pytest.raises(FundingError, match="hors de la région"):
        _propose(contract, who["cpam"], communes=[outside.insee])


def test_the_projects_layer_changes_a_territory_only_after_the_ps_validation(people):
    contract, who = people
    project, leader, ars = project_in_state(State.LI_DEPOSEE)
    codes = _insee(project)
    with pytest.raises(TerritoryError, match="ne peut plus être modifié"):
        apply_amended_territory(project, ars, codes, "Territoire modifié par avenant")
    with pytest.raises(PermissionDenied):
        apply_amended_territory(contract.project, who["urps"], _insee(contract.project), "x")
    assert not AuditEntry.objects.filter(action="projects.territory.amended").exists()


def test_proposal_and_signatures_are_journalled(people):
    contract, who = people
    avenant = _sign_all(_propose(contract, who["cpam"]), who)
    entries = AuditEntry.objects.filter(action__startswith="funding.avenant").order_by("pk")
    assert [e.action for e in entries] == ["funding.avenant.propose"] + ["funding.avenant.sign"] * 3
    assert all(e.project_id == contract.project_id for e in entries)
    proposal, *signatures = entries
    assert proposal.changes["new_size"] == [None, "3"] and proposal.actor == who["cpam"]
    assert signatures[-1].label.endswith("avenant en vigueur")
    assert signatures[-1].changes["signed_on"] == [None, SIGN_DAY.isoformat()]
    assert signatures[-1].target_id == avenant.pk


def test_refusals_write_nothing(people):
    contract, who = people
    avenant = _propose(contract, who["cpam"])
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        avenants.sign_avenant(avenant, who["ars"], "cpam", SIGN_DAY)
    with pytest.raises(FundingError):
        avenants.sign_avenant(avenant, who["cpam"], "notaire", SIGN_DAY)
    assert AuditEntry.objects.count() == before


# --- PDF ---------------------------------------------------------------------------------------


def test_draft_then_stored_pdf(client, people, mail_on_commit):
    contract, who = people
    avenant = _propose(contract, who["cpam"])
    url = reverse("funding:avenant_pdf", args=[contract.pk, avenant.number])
    client.force_login(who["leader"])
    draft = client.get(url)
    assert draft.status_code == 200 and draft.content.startswith(b"%PDF")
    with mail_on_commit(execute=True):
        _sign_all(avenant, who)
    document = IssuedDocument.objects.get(project=contract.project, kind=DocumentKind.ACI_AVENANT)
    stored = client.get(url)
    assert stored.status_code == 200
    with document.file.open("rb") as handle:
        assert stored.content == handle.read() == reproduce(document)  # same bytes again
    assert document.reference == f"{avenant.pk}-{SIGN_DAY:%Y%m%d}"
    client.force_login(who["cpam_other"])
    assert client.get(url).status_code == 404


def test_a_pending_avenant_can_be_withdrawn_by_the_proposing_institutions(people):
    contract, who = people
    avenant = _propose(contract, who["cpam"])
    for role in ("leader", "urps", "other_leader"):
        with pytest.raises(PermissionDenied):
            avenants.withdraw_avenant(avenant, who[role])
    avenant = avenants.withdraw_avenant(avenant, who["ars_siege"])
    assert avenant.withdrawn_at is not None and not avenant.pending
    with pytest.raises(FundingError, match="retiré"):
        avenants.sign_avenant(avenant, who["cpam"], "cpam", SIGN_DAY)
    with pytest.raises(FundingError):
        avenants.withdraw_avenant(avenant, who["cpam"])
    second = _propose(contract, who["cpam"])  # no longer blocked by the first
    assert second.number == 2
    _sign_all(second, who)
    with pytest.raises(FundingError):  # in force: no withdrawal
        avenants.withdraw_avenant(second, who["cpam"])
    assert AuditEntry.objects.filter(action="funding.avenant.withdraw").count() == 1
    assert _years(contract)[3].size == 3


def test_the_demo_avenant_awaits_the_cpam_and_the_ars(people):
    contract, who = people
    avenant = demo_avenant_awaiting_signatures(contract, cpam=who["cpam"], leader=who["leader"])
    assert avenant.pending and avenant.cpts_signed_on and not avenant.cpam_signed_on
    assert avenant.new_members == 45 and avenant.effective_on > timezone.localdate()
