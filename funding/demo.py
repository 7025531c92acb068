"""Demo data of the funding layer: signed CPTS brought in through the import of the existing
ones (the demo proves the import), in contract years 1 to 5, their first leader invited by the
ARS, their socle missions started (recorded by the CPAM), a member roster for some.

`seed_closed_cpts()` adds, in each région, a CPTS whose contract ended (the end sweep) and one
whose contract the CPAM terminated (the termination service).

`seed_signed_cpts()` returns the demo contracts by contract year; each later demo situation
(an avenant awaiting signatures, an evaluation awaiting the CPAM, payments, a renewal due) is one
function of this module taking that contract, called by `cpts_portal`'s seed_demo
(`evaluation_awaiting_cpam`, `payments_made`; a renewal due needs no call: a contract signed
more than four and a half years ago shows it).
"""

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import timezone
from pypdf import PdfWriter
from stdnum import luhn

from projects import exchanges, roster
from projects.deadlines import add_months
from projects.existing import invite_first_leader
from projects.models import Project
from projects.states import State
from territories.models import Epci

from . import evaluations, payments, renewal
from .avenants import effective_window, propose_avenant, sign_avenant
from .deadlines import CONTRACT_YEARS, contract_anniversary, mission_start_deadline
from .models import Contract, Indicator
from .reprise import COLUMNS, import_file
from .services import create_contract, record_signature, start_mission, terminate_contract

DEMO_LEADERS = ("porteur", "porteur-31")
# (département, contract year today, leader, importing ARS siège, members on the roster or None
# for a count declared on the contract only, members declared, optional missions, SNP)
SIGNED = [
    ("33", 1, "porteur", "ars-na", 14, 20, "qualite", "oui"),
    ("24", 2, "porteur", "ars-na", None, 35, "", "non"),
    ("31", 3, "porteur-31", "ars-occ", 24, 60, "qualite,accompagnement", "oui"),
    ("34", 4, "porteur-31", "ars-occ", None, 80, "accompagnement", "non"),
    ("33", 5, "porteur", "ars-na", 8, 110, "", "oui"),
]
# CPTS whose contract is over, one of each fate in each région: (département, months since the
# signature, leader, importing ARS siège, members declared, fate). Signed more than five years
# ago with no renewal, the contract has ended ("ACI échu": a renewal to prepare); the CPAM
# terminated the other a month ago ("ACI résilié": advances to recover).
ENDED, TERMINATED = "echu", "resilie"
CLOSED = [
    ("24", 62, "porteur", "ars-na", 30, ENDED),
    ("34", 64, "porteur-31", "ars-occ", 45, ENDED),
    ("33", 28, "porteur", "ars-na", 25, TERMINATED),
    ("31", 40, "porteur-31", "ars-occ", 50, TERMINATED),
]
TERMINATION_REASON = (
    "Dissolution de l'association décidée par son assemblée générale : la CPTS cesse ses "
    "missions (données de démonstration)."
)
PROFESSIONS = ["médecin généraliste", "infirmier", "pharmacien", "kinésithérapeute", "sage-femme"]


def signed_on_for_year(year: int, today: dt.date) -> dt.date:
    """A signature that puts today in the middle of contract year `year` (0.5 to 4.5 years)."""
    return add_months(today, -(12 * (year - 1) + 6))


def signed_cpts_exist() -> bool:
    return Contract.objects.filter(
        imported=True, project__members__user__username__in=DEMO_LEADERS
    ).exists()


def _free_epci(dept: str, taken: set) -> Epci:
    """The most populous EPCI of `dept` (under 300 000 inhabitants) that no demo project took
    (not even an abandoned one: the import would find its name and leave it as it is)."""
    busy = Project.objects.exclude(communes=None).values("communes")
    candidates = (
        Epci.objects.filter(communes__departement__code=dept)
        .exclude(communes__in=busy)
        .exclude(pk__in=taken)
        .annotate(pop=Sum("communes__population"))
        .filter(pop__lt=300_000)
        .order_by("-pop", "pk")
    )
    epci = candidates.first()
    taken.add(epci.pk)
    return epci


def _csv(lines) -> bytes:
    return "\n".join([";".join(COLUMNS), *lines]).encode()


def _bring_in(rows) -> list[Contract]:
    """Import `rows` (département, signature date, leader, importing ARS siège, members
    declared, optional missions, SNP), one small CSV per ARS; then each CPTS's first leader is
    invited and its socle missions started. The contracts, in the order of `rows`."""
    names = {
        name for row in rows for name in (row[2], row[3], f"ars-dd-{row[0]}", f"cpam-{row[0]}")
    }
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    taken, files, names = set(), {}, []
    for dept, signed, _leader, ars, declared, optional, snp in rows:
        epci = _free_epci(dept, taken)
        communes = epci.communes.filter(departement__code=dept).order_by("insee")
        codes = " ".join(communes.values_list("insee", flat=True))
        line = f"CPTS {epci.name};{dept};{codes};aci_signe;;{signed};{declared};{optional};{snp}"
        files.setdefault(ars, []).append(line)
        names.append((dept, f"CPTS {epci.name}"))
    for ars, lines in files.items():
        import_file(_csv(lines), f"reprise-demo-{ars}.csv", users[ars])
    contracts = []
    for (dept, _signed, leader, *_), (_, name) in zip(rows, names, strict=True):
        contract = Contract.objects.select_related("project").get(
            project__departement__code=dept, project__name=name
        )
        _first_leader(contract.project, users[f"ars-dd-{dept}"], users[leader])
        _start_missions(contract, users[f"cpam-{dept}"])
        contracts.append(contract)
    return contracts


def seed_signed_cpts() -> dict[int, Contract]:
    """The signed demo CPTS, imported by each région's ARS from a small CSV: {year: contract}."""
    today = timezone.localdate()
    rows = [
        (dept, signed_on_for_year(year, today), leader, ars, declared, optional, snp)
        for dept, year, leader, ars, _members, declared, optional, snp in SIGNED
    ]
    contracts = {}
    for contract, row in zip(_bring_in(rows), SIGNED, strict=True):
        year, leader, members = row[1], row[2], row[4]
        if members:
            _keep_roster(contract, _people(leader)[leader], members)
        contracts[year] = contract
    return contracts


def closed_cpts_exist() -> bool:
    return Contract.objects.filter(
        imported=True,
        project__members__user__username__in=DEMO_LEADERS,
        project__state__in=[State.ACI_ECHU, State.ACI_RESILIE],
    ).exists()


def seed_closed_cpts() -> dict[str, list[Contract]]:
    """CPTS whose contract is over, brought in as running ones then closed by the real
    services: the end sweep (the beat's task) ends those signed more than five years ago, the
    CPAM terminates the others. {fate: contracts}."""
    today = timezone.localdate()
    rows = [
        (dept, add_months(today, -months), leader, ars, declared, "", "non")
        for dept, months, leader, ars, declared, _fate in CLOSED
    ]
    contracts = _bring_in(rows)
    renewal.sweep_ended_contracts(today)
    closed = {ENDED: [], TERMINATED: []}
    for contract, (dept, *_, fate) in zip(contracts, CLOSED, strict=True):
        if fate == TERMINATED:
            cpam = _people(f"cpam-{dept}")[f"cpam-{dept}"]
            contract = terminate_contract(
                contract, cpam, today - dt.timedelta(days=30), TERMINATION_REASON
            )
        contract.refresh_from_db()
        contract.project.refresh_from_db()
        closed[fate].append(contract)
    return closed


def _people(*usernames) -> dict:
    return {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}


def _first_leader(project, ars_dd, leader) -> None:
    """The ARS invites the imported CPTS's first leader, who accepts."""
    invitation = invite_first_leader(
        project, ars_dd, leader.email, lambda inv: f"/projets/invitation/{inv.token}/"
    )
    exchanges.accept_invitation(invitation.token, leader)


def _start_missions(contract, cpam) -> None:
    """The CPAM records each socle mission's start, halfway to its legal deadline, when that
    day has come (the imported file carries no mission dates)."""
    today = timezone.localdate()
    for mission in contract.missions.all():
        deadline = mission_start_deadline(contract.signed_on, mission.mission)
        if deadline is None:
            continue
        started = contract.signed_on + (deadline - contract.signed_on) / 2
        if started <= today:
            start_mission(contract, cpam, mission.mission, started)


def _rpps(n: int) -> str:
    body = f"100{n:07d}"
    return body + luhn.calc_check_digit(body)


def _keep_roster(contract, leader, count: int) -> None:
    """`count` members who joined before the signature (two of them after), one who left."""
    project, signed = contract.project, contract.signed_on
    for i in range(count):
        joined = signed - dt.timedelta(days=30 + i) if i >= 2 else signed + dt.timedelta(days=20)
        member = roster.add_member(
            project,
            leader,
            kind="professionnel",
            name=f"Dr {chr(65 + i % 26)}. Membre {project.pk}-{i}",
            profession=PROFESSIONS[i % len(PROFESSIONS)],
            rpps=_rpps(project.pk * 1000 + i),
            joined_on=min(joined, timezone.localdate()),
        )
        if i == count - 1:
            roster.record_departure(member, leader, timezone.localdate())


def sign_demo_contract(project, *, leader, cpam, ars, signed_on, members=30):
    contract = create_contract(project, cpam, members=members)
    for party, user in (("cpts", leader), ("cpam", cpam), ("ars", ars)):
        contract = record_signature(contract, user, party, signed_on)
    return contract


def _one_page_pdf() -> SimpleUploadedFile:
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return SimpleUploadedFile("rapport.pdf", out.getvalue(), content_type="application/pdf")


def evaluation_awaiting_cpam(contract, leader, year: int = 1):
    """The CPTS (`leader`, one of its leaders) declares every indicator at its objective and
    some spending per mission, attaches its report and submits year `year`."""
    values = {}
    for indicator in Indicator.objects.filter(mission__contract=contract):
        pairs = indicator.threshold_pairs()
        values[indicator] = max(v for v, _ in pairs) if pairs else 0
    spending = dict.fromkeys(evaluations.spending_missions(contract), "12500.00")
    evaluations.save_evaluation(
        contract, leader, year, values=values, spending=spending, report=_one_page_pdf()
    )
    return evaluations.submit_evaluation(contract, leader, year)


def payments_made(contract, cpam, *, leave_last_unpaid: bool = True) -> int:
    """The CPAM pays every line due by today on its due date, but the latest one (so that the
    late payments list has something). Returns the number of payments recorded."""
    today = timezone.localdate()
    lines = payments.standing(Contract.objects.filter(pk=contract.pk))[contract.pk]
    due = [x for x in lines if x.outstanding > 0 and not x.waiting and x.due_on <= today]
    if leave_last_unpaid and due:
        due = due[:-1]
    for line in due:
        paid_on = max(line.due_on, contract.signed_on)
        payments.record_payment(
            contract, cpam, line=line.key, paid_on=paid_on, amount=line.outstanding
        )
    return len(due)


def demo_avenant_awaiting_signatures(contract, *, cpam, leader, added_members=15):
    """More members from the next anniversary (or the last year's first day), proposed by the
    CPAM and signed by the CPTS: it awaits the CPAM's and the ARS's signatures."""
    today = timezone.localdate()
    _, last = effective_window(contract)
    starts = [contract_anniversary(contract.signed_on, y) for y in range(2, CONTRACT_YEARS + 1)]
    effective_on = next((day for day in starts if day > today), last)
    avenant = propose_avenant(
        contract,
        cpam,
        summary="Nouveaux membres adhérents : mise à jour du nombre déclaré.",
        effective_on=effective_on,
        members=contract.members + added_members,
    )
    return sign_avenant(avenant, leader, "cpts", max(today, contract.signed_on))
