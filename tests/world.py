"""The one world builder of the tests: territories, the people of each role on them, projects in
any state, ACI contracts, communes with outlines. Conftests are thin fixtures over it and tests
import what they need from here; the one-row factories it uses are in tests/factories.py.

Where a state matters (history, deadlines, documents), a project is driven there through the
real services; `make_project` and `force_state` put one in a state directly, for tests that
read projects and leave the workflow to tests/projects/."""

import datetime as dt
import io

from django.utils import timezone
from pypdf import PdfWriter

from accounts.models import REGIONAL_KINDS, OrganisationKind
from accounts.tokens import create_token
from funding import services as funding
from projects import services
from projects.deadlines import implicit_validation_date, opposition_deadline
from projects.models import HealthProject, Project
from projects.states import State
from territories.models import SearchKey
from territories.search import search_keys
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    OrganisationFactory,
    UserFactory,
)

INSTITUTIONS = (
    OrganisationKind.ARS_DD,
    OrganisationKind.ARS,
    OrganisationKind.CPAM,
    OrganisationKind.MSA,
    OrganisationKind.URPS,
)


def _one_page_pdf() -> bytes:
    # Uploads are parsed for real (common.uploads): the smallest PDF a reader opens.
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


MINIMAL_PDF = _one_page_pdf()
LI_SECTIONS = dict(
    territory="Communes du canton",
    diagnostic="Manque de médecins traitants",
    actors="MSP, pharmacies",
    orientations="Accès aux soins, parcours",
    calendar="Association en mars",
)
PS_SECTIONS = dict(
    needs="Accès au médecin traitant",
    actions="Cellule SNP",
    territory="Canton",
    commitments="40 professionnels",
    modalities="Concertations mensuelles",
)


def today():
    return timezone.localdate()


# --- Territories: communes with outlines, so maps and overlaps run without the real data -----


def fresh_departement():
    """A new département in a new région (never a real one, see DepartementFactory)."""
    return DepartementFactory()


def square(lon, lat, size=0.05):
    """SVG path data of a square outline in degrees, as the loader stores them."""
    return (
        f"M{lon} {lat} {lon + size} {lat} {lon + size} {lat + size} {lon} {lat + size} {lon} {lat}Z"
    )


def commune(departement, lon=0.0, lat=45.0, **fields):
    """A commune with an outline and its search keys (as the loader makes them)."""
    made = CommuneFactory(
        departement=departement,
        outline=square(lon, lat),
        outline_coarse=square(lon, lat),
        min_lon=lon,
        min_lat=lat,
        max_lon=lon + 0.05,
        max_lat=lat + 0.05,
        **fields,
    )
    SearchKey.objects.bulk_create(search_keys(made))
    return made


def row_of_communes(departement, n, **fields):
    """`n` neighbouring communes, west to east."""
    return [commune(departement, lon=i * 0.05, **fields) for i in range(n)]


# --- People ----------------------------------------------------------------------------------


def organisation(kind, departement=None, region=None, **fields):
    """An organisation of `kind` on its kind's territory: the région (given, or the
    département's) for an ARS siège or a URPS, no territory for a CPTS association, the
    département (a new one unless given) for the others."""
    if kind in REGIONAL_KINDS:
        region = region or (departement or DepartementFactory()).region
        return OrganisationFactory(kind=kind, departement=None, region=region, **fields)
    if kind == OrganisationKind.CPTS:
        return OrganisationFactory(kind=kind, departement=None, **fields)
    return OrganisationFactory(kind=kind, departement=departement or DepartementFactory(), **fields)


def institution_user(kind, departement=None, region=None, **fields):
    """A person of an institution of `kind` acting on `departement` (or `region`)."""
    return UserFactory(organisation=organisation(kind, departement, region), **fields)


def api_key(kind, departement=None, region=None):
    """The clear API key of a new organisation of `kind`."""
    return create_token(organisation(kind, departement, region), f"clé {kind}")[1]


class Territory:
    """A département in a région of its own, a leader without a project yet and one person per
    institution acting on it; `people` by role: "leader", "ars_dd", "ars", "cpam", "msa",
    "urps"."""

    def __init__(self, departement=None):
        self.dept = departement or fresh_departement()
        self.people = {"leader": UserFactory()}
        for kind in INSTITUTIONS:
            self.people[kind.value] = institution_user(kind, self.dept)


class World:
    """Two territories in two régions, `dept` and `other_dept`; their people are attributes
    (`world.cpam`, and `world.cpam_other` for the other territory)."""

    def __init__(self):
        here, there = Territory(), Territory()
        self.dept, self.other_dept = here.dept, there.dept
        self.users = {**here.people, **{f"{r}_other": u for r, u in there.people.items()}}

    def __getattr__(self, name):
        try:
            return self.__dict__["users"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


# --- Projects --------------------------------------------------------------------------------


def new_project(departement=None, leader=None, name="CPTS du Val"):
    """A project in émergence, created by its leader (a new person unless given)."""
    departement = departement or fresh_departement()
    leader = leader or UserFactory()
    return services.create_project(leader, name, departement), leader


def fill_letter(project):
    """A complete letter and, if it has none, a territory: what an LI needs to be filed."""
    project.letter.__dict__.update(LI_SECTIONS)
    project.letter.save()
    if not project.communes.exists():
        project.communes.add(CommuneFactory(departement=project.departement))


def _file_letter(project, leader, ars):
    fill_letter(project)
    return services.submit_letter(project, leader)


# An LI decision names its committee or says why none (tests that need one convene it).
WITHOUT_COMMITTEE = "Décision prise hors comité (jeu d'essai)"


def _validate_letter(project, leader, ars):
    return services.decide_letter(project, ars, "validate", without_committee=WITHOUT_COMMITTEE)


def _constitute_association(project, leader, ars):
    return services.constitute_association(
        project,
        leader,
        name="Association CPTS",
        rna="W123456789",
        general_assembly_on=dt.date(2026, 1, 10),
    )


def _file_health_project(project, leader, ars):
    HealthProject.objects.create(project=project, **PS_SECTIONS)
    return services.submit_health_project(project, leader)


def _validate_health_project(project, leader, ars):
    return services.validate_health_project(project, ars)


def _start_aci(project, leader, ars):
    return services.start_aci(project, ars)


# The main path, one service call per step.
_PATH = (
    _file_letter,
    _validate_letter,
    _constitute_association,
    _file_health_project,
    _validate_health_project,
    _start_aci,
)


def project_in_state(state, departement=None, received=None):
    """A project driven through the real services along the main path up to `state` (from
    "LI déposée" to "ACI en préparation"), with its leader and the ARS DD agent who decided.
    `received`: the day a filed PS was received (its deadlines follow)."""
    project, leader = new_project(departement)
    ars = institution_user(OrganisationKind.ARS_DD, project.departement)
    for step in _PATH:
        project = step(project, leader, ars)
        if project.state == state:
            break
    else:
        raise ValueError(f"{state} is not on the main path")
    if received is not None:
        assert state == State.PS_DEPOSE, "only a filed PS has a receipt date"
        backdate_receipt(project, received)
    return Project.objects.get(pk=project.pk), leader, ars


def backdate_receipt(project, received):
    """As if the PS had been received on `received`: its deadlines move with it."""
    deadline = opposition_deadline(received)
    Project.objects.filter(pk=project.pk).update(
        ps_received_on=received,
        ps_deadline=deadline,
        ps_implicit_on=implicit_validation_date(deadline),
    )


def make_project(name, departement, state, communes=(), **fields):
    """A project row created directly in `state`, for tests that read projects."""
    project = Project.objects.create(name=name, departement=departement, state=state, **fields)
    project.communes.set(communes)
    return project


def force_state(project, state):
    """Put a project in `state` directly."""
    Project.objects.filter(pk=project.pk).update(state=state)
    return Project.objects.get(pk=project.pk)


# --- Funding ---------------------------------------------------------------------------------


def make_aci_project(departement=None, taille=2):
    """A project at "ACI en préparation" (taille given, 50 000 inhabitants), with its leader
    and ARS DD agent."""
    project, leader, ars = project_in_state(State.ACI_PREPARATION, departement)
    Project.objects.filter(pk=project.pk).update(taille=taille, population=50_000)
    return Project.objects.get(pk=project.pk), leader, ars


def signed_contract(project, ars, *, members, signed_on, cpam=None, **terms):
    """A contract (`terms`: optional missions, SNP dispositif) signed by the three parties on
    `signed_on`, each for itself (the CPTS by its lead leader); returns it with its CPAM
    agent."""
    cpam = cpam or institution_user(OrganisationKind.CPAM, project.departement)
    leader = project.members.order_by("-is_lead", "pk").first().user
    contract = funding.create_contract(project, cpam, members=members, **terms)
    for party, user in (("cpts", leader), ("cpam", cpam), ("ars", ars)):
        contract = funding.record_signature(contract, user, party, signed_on)
    return contract, cpam
