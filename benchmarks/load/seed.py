"""The data of `make bench-load`, beside the 10 000 projects of `make bench-http`: in the région
with the most communes, its institutions, committees with their agendas, signed five-year ACI
contracts with indicators and results, and the simulated people with their sessions."""

import datetime as dt
import os

USERS = int(os.environ.get("BENCH_USERS", "100"))
# Who the people are (shares of USERS), as in a région's working day.
ROLES = {"ars_dd": 0.3, "ars": 0.1, "cpam": 0.2, "urps": 0.1, "leader": 0.3}
YEARS = 5


def seed_region():
    """The région with the most communes: its institutions, committees and contracts."""
    from django.db.models import Count

    from accounts.models import Organisation, OrganisationKind
    from territories.models import Region

    region = Region.objects.annotate(n=Count("departements__communes")).order_by("-n").first()
    departements = list(region.departements.order_by("code"))
    orgs = {
        "ars": [Organisation.objects.create(kind="ars", name="ARS bench", region=region)],
        "urps": [
            Organisation.objects.create(
                kind=OrganisationKind.URPS, name=f"URPS {p}", region=region, profession=p
            )
            for p in ("médecins", "infirmiers")
        ],
        "ars_dd": [
            Organisation.objects.create(kind="ars_dd", name=f"DD {d.code}", departement=d)
            for d in departements
        ],
        "cpam": [
            Organisation.objects.create(kind="cpam", name=f"CPAM {d.code}", departement=d)
            for d in departements
        ],
    }
    seed_committees(departements, orgs["ars_dd"])
    seed_contracts(region)
    return region, orgs


def seed_committees(departements, dds):
    """Per département, an LI and a PS committee in the coming weeks, their projects on the
    agenda (opinions are recorded during the run)."""
    from django.utils import timezone

    from accounts.models import User
    from projects import committees
    from projects.collaboration import Committee, CommitteeKind, CommitteeMember, Seat
    from projects.states import State

    soon = timezone.now() + dt.timedelta(days=10)
    for departement, dd in zip(departements, dds, strict=True):
        author = User.objects.create(username=f"orga-{departement.code}", organisation=dd)
        agendas = ((CommitteeKind.LI, State.LI_DEPOSEE), (CommitteeKind.PS, State.PS_DEPOSE))
        for kind, state in agendas:
            committee = Committee.objects.create(
                kind=kind,
                departement=departement,
                meets_at=soon,
                place="Salle du conseil",
                created_by=author,
            )
            committee.projects.set(departement.projects.filter(state=state)[:20])
            # Every institution of the territory sits (each gives its own opinion).
            seats = [
                CommitteeMember(committee=committee, seat=Seat.ORGANISATION, organisation=o)
                for o in committees.member_organisations(departement)
            ]
            if kind == CommitteeKind.PS:
                seats.append(CommitteeMember(committee=committee, seat=Seat.USAGERS, name="Usager"))
            CommitteeMember.objects.bulk_create(seats)


def seed_contracts(region):
    """Every "ACI signé" project of the région: a contract signed five years ago, its socle
    missions started, three indicators each and their results for every year."""
    from django.utils import timezone

    from funding.grid_store import load_grid_set
    from funding.models import Contract, ContractMission, GridVersion, Indicator, IndicatorResult
    from projects.models import Project

    grid = load_grid_set().in_force(timezone.localdate())
    version = GridVersion.objects.get(code=grid.code)
    signed = timezone.localdate() - dt.timedelta(days=YEARS * 365 - 30)
    projects = Project.objects.filter(departement__region=region, state="aci_signe")
    contracts = Contract.objects.bulk_create(
        Contract(
            project=p,
            grid=version,
            size=p.taille or 1,
            members=40,
            cpts_signed_on=signed,
            cpam_signed_on=signed,
            ars_signed_on=signed,
            signed_on=signed,
        )
        for p in projects
    )
    missions = ContractMission.objects.bulk_create(
        ContractMission(contract=c, mission=code, started_on=signed + dt.timedelta(days=90))
        for c in contracts
        for code in grid.socle_missions
    )
    thresholds = [
        {"level": "socle", "value": "10", "rate": "0.5"},
        {"level": "objectif", "value": "20", "rate": "1"},
    ]
    indicators = Indicator.objects.bulk_create(
        Indicator(mission=m, label=f"Indicateur {i}", weight=1, thresholds=thresholds)
        for m in missions
        for i in range(1, 4)
    )
    IndicatorResult.objects.bulk_create(
        IndicatorResult(indicator=ind, year=year, value=10 + year)
        for ind in indicators
        for year in range(1, YEARS + 1)
    )


def people(region, orgs) -> list[dict]:
    """USERS accounts with their session cookie and what each of them works on."""
    from django.test import Client

    from accounts.models import User
    from funding.models import Contract
    from projects.collaboration import Committee
    from projects.models import Project

    in_region = Project.objects.filter(departement__region=region)
    contracts = Contract.objects.filter(project__departement__region=region)
    committees = Committee.objects.filter(departement__region=region)
    leaders = list(
        in_region.filter(state__in=("emergence", "li_a_modifier"))
        .order_by("pk")
        .values_list("pk", "departement__code")
    )
    # A third of the leaders lead a CPTS under contract: they fill in its yearly evaluation.
    signed = list(contracts.order_by("pk").values_list("project_id", "pk"))
    out = []
    for role, share in ROLES.items():
        for i in range(max(1, round(USERS * share))):
            person = {"role": role}
            if role == "leader" and i % 3 == 0 and signed:
                project_pk, contract_pk = signed[(i // 3) % len(signed)]
                user = User.objects.get(memberships__project_id=project_pk)
                person["projects"] = [project_pk]
                person["contracts"] = [contract_pk]
            elif role == "leader":
                project_pk, _code = leaders[i % len(leaders)]
                user = User.objects.get(memberships__project_id=project_pk)
                person["projects"] = [project_pk]
                person["editable"] = [project_pk]
            else:
                org = orgs[role][i % len(orgs[role])]
                user = User.objects.create(username=f"{role}-{i}", organisation=org)
                scope = org.territory_q()
                person["projects"] = list(
                    in_region.filter(scope).order_by("?").values_list("pk", flat=True)[:50]
                )
                person["committees"] = list(
                    committees.filter(org.territory_q()).values_list("pk", flat=True)
                )
                if role != "urps":  # funding is for the ARS and the Assurance Maladie
                    person["contracts"] = list(
                        contracts.filter(org.territory_q("project__departement"))
                        .order_by("?")
                        .values_list("pk", flat=True)[:20]
                    )
                person["departements"] = list(
                    region.departements.filter(org.territory_q("")).values_list("pk", flat=True)
                )
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            person["session"] = client.cookies["sessionid"].value
            out.append(person)
    return out[:USERS]
