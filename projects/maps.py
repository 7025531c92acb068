"""Maps of CPTS territories: a project's territory among its neighbours, and the institutions'
map of every CPTS by state (drawn by `territories.maps`)."""

import hashlib
import logging
import pickle
from collections import namedtuple
from html import escape  # Django's, without its per-call lazy-string check: 1 500 rows
from pathlib import Path

from django.core.cache import cache
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from territories import maps as drawing
from territories import outlines as outline_making
from territories.maps import (
    MAP_FIELDS,
    NEIGHBOUR,
    OTHER_CPTS,
    OUTSIDE,
    OVERLAP,
    TERRITORY,
    Layer,
    _bbox,
    _landscape,
    render,
)
from territories.models import Commune, ReferenceVersion
from territories.templatetags.territories import thousands

from .models import Project
from .states import ACTIVE_STATES, State
from .territory import is_public

logger = logging.getLogger(__name__)

# What a map draws of a commune besides its outline.
Row = namedtuple("Row", MAP_FIELDS)
MAP_CACHE_SECONDS = 24 * 3600  # unused keys go; a used one stays right (see institution_map)
# A deploy that changes how maps are drawn or outlines simplified makes new keys.
_DRAWING_CODE = hashlib.sha256(
    b"".join(Path(m.__file__).read_bytes() for m in (drawing, outline_making))
    + Path(__file__).read_bytes()
).hexdigest()
STATE_LABELS = dict(State.choices)
STATE_LABELS_HTML = {state: escape(str(label)) for state, label in STATE_LABELS.items()}
EMPTY = "—"
PROJECT_FIELDS = ("pk", "name", "state", "population", "taille")

# One colour per state, light to dark along the pipeline; problem states stand out.
STATE_COLOURS = {
    State.EMERGENCE: "#a6cee3",
    State.LI_DEPOSEE: "#fdbf6f",
    State.LI_A_MODIFIER: "#ff7f00",
    State.LI_VALIDEE: "#b2df8a",
    State.ASSOCIATION_CONSTITUEE: "#33a02c",
    State.PS_DEPOSE: "#1f78b4",
    State.PS_INCOMPLET: "#cab2d6",
    State.PS_OPPOSE: "#6a3d9a",
    State.PS_VALIDE: "#17becf",
    State.PS_REPUTE_VALIDE: "#0e7c86",
    State.ACI_PREPARATION: "#8c564b",
    State.ACI_SIGNE: "#000091",
    State.ACI_ECHU: "#7f7f7f",
    State.ACI_RESILIE: "#b34000",
}


def _tip(commune, extra=""):
    return f"{commune.name} ({commune.insee}) – {commune.population:,} hab.{extra}".replace(
        ",", "\u202f"
    )


def _active_memberships(commune_ids, exclude_project=None):
    """commune id -> active projects (other than `exclude_project`) holding it."""
    through = Project.communes.through
    rows = through.objects.filter(
        commune_id__in=commune_ids, project__state__in=ACTIVE_STATES
    ).select_related("project")
    if exclude_project is not None:
        rows = rows.exclude(project_id=exclude_project.pk)
    found = {}
    for row in rows:
        found.setdefault(row.commune_id, []).append(row.project)
    return found


def project_map(project, communes=None) -> SafeString:
    """The territory (saved, or `communes` being edited) with its neighbours and other CPTS."""
    if communes is None:
        communes = list(project.communes.only(*MAP_FIELDS, "outline"))
    territory_ids = {c.pk for c in communes}
    bbox = _bbox(communes, margin=0.25)
    bbox = bbox and _landscape(bbox)
    title = f"Territoire de « {project.name} »"
    if bbox is None:  # nothing chosen yet: show the département to start from
        neighbours = list(
            Commune.objects.filter(departement_id=project.departement_id).only(
                *MAP_FIELDS, "outline"
            )
        )
        bbox = _bbox(neighbours)
        if bbox is None:
            return mark_safe("")
        bbox = _landscape(bbox)
        title += " – aucune commune choisie"
    else:
        x1, y1, x2, y2 = bbox
        neighbours = list(
            Commune.objects.filter(
                min_lon__lte=x2, max_lon__gte=x1, min_lat__lte=y2, max_lat__gte=y1
            )
            .exclude(pk__in=territory_ids)
            .only(*MAP_FIELDS, "outline")
        )
    memberships = _active_memberships(
        [c.pk for c in neighbours] + list(territory_ids), exclude_project=project
    )
    layers = {
        "neighbour": Layer(NEIGHBOUR, "Commune voisine"),
        "other": Layer(OTHER_CPTS, "Autre CPTS active"),
        "territory": Layer(TERRITORY, "Territoire du projet"),
        "overlap": Layer(OVERLAP, "Chevauchement avec une autre CPTS active"),
    }
    for commune in neighbours:
        # Another CPTS's territory is shown once public; before, a neighbour is just a neighbour.
        others = [p for p in memberships.get(commune.pk, []) if is_public(p)]
        if others:
            names = ", ".join(p.name for p in others)
            layers["other"].shapes.append((_tip(commune, f" – {names}"), commune.outline))
        else:
            layers["neighbour"].shapes.append((_tip(commune), commune.outline))
    for commune in communes:
        others = memberships.get(commune.pk)
        if others:  # the leader learns the commune is taken, and by whom only if public
            shown = (p.name if is_public(p) else "une autre CPTS en projet" for p in others)
            names = ", ".join(dict.fromkeys(shown))
            layers["overlap"].shapes.append(
                (_tip(commune, f" – aussi dans {names}"), commune.outline)
            )
        else:
            layers["territory"].shapes.append((_tip(commune), commune.outline))
    return render(list(layers.values()), bbox, title)


# What follows a project's name in its table row, per state: its colour and label.
_STATE_CELLS = {
    state: f'</a></td><td><span class="legend-swatch" style="background: '
    f'{STATE_COLOURS.get(state, OUTSIDE)}"></span>{label}</td><td>'
    for state, label in STATE_LABELS_HTML.items()
}


def project_rows(projects) -> SafeString:
    """The table beside an institution's map, one row per project, as HTML: a région has about
    1 500 projects, and a template loop over them cost more than the rest of the page. Only
    the name is free text; the rest are numbers and this module's own labels and colours."""
    head, tail = reverse("projects:territory", args=[0]).split("/0/")
    return mark_safe(
        "\n".join(
            [
                f'<tr><td><a href="{head}/{p.pk}/{tail}">{escape(p.name)}{_STATE_CELLS[p.state]}'
                f"{EMPTY if p.population is None else thousands(p.population)}</td>"
                f"<td>{p.taille or EMPTY}</td></tr>"
                for p in projects
            ]
        )
    )


def institution_map(projects, communes, title: str, coarse: bool) -> SafeString:
    """Every CPTS of a département or région, coloured by state; overlaps in red.

    A région's map draws some 5 000 communes (1.4 MB): it is kept in the cache under a digest of
    all it is drawn from, so that any change makes another key and nothing has to be forgotten:
    the reference data's version and the query of `communes` (which communes, and their rows
    and outlines), the projects' names and states, which commune each holds, the title, the
    drawing code. The communes themselves are read only on a miss."""
    outline = "outline_coarse" if coarse else "outline"
    version = ReferenceVersion.current()  # first: rows read after it are at least as new
    projects = sorted((p for p in projects if p.state in STATE_COLOURS), key=lambda p: p.pk)
    through = Project.communes.through
    # Every link of these communes (also of projects not shown: they are in the key for
    # nothing but cost no filtering), as two integers, in a stable order.
    links = list(
        through.objects.filter(commune__in=communes.values("pk"))
        .order_by("project_id", "commune_id")
        .values_list("project_id", "commune_id")
    )
    key = _digest(
        outline,
        title,
        version,
        communes.query.sql_with_params(),
        [(p.pk, p.name, p.state) for p in projects],
        links,
    )
    svg = _cache_get(key)
    if svg is None:
        svg = _drawn(projects, communes, links, title, outline)
        _cache_set(key, svg)
    return mark_safe(svg)  # drawn by `render`, which escapes every text


def _drawn(projects, communes, links, title, outline) -> str:
    values = list(communes.values_list(*MAP_FIELDS, outline).order_by("pk"))
    rows = [Row(*v[:-1]) for v in values]
    bbox = _bbox(rows, margin=0.02)
    if bbox is None:
        return ""
    by_id = {p.pk: p for p in projects}
    shown = [(project_id, commune_id) for project_id, commune_id in links if project_id in by_id]
    paths = {v[0]: v[-1] for v in values}
    return _draw(rows, paths, projects, shown, bbox, title)


def _draw(communes, paths, projects, links, bbox, title) -> str:
    by_commune = {}
    for project_id, commune_id in links:
        by_commune.setdefault(commune_id, []).append(project_id)
    by_id = {p.pk: p for p in projects}
    background = Layer(OUTSIDE, "Commune hors CPTS")
    per_project = {
        p.pk: Layer(STATE_COLOURS[p.state], "", group_title=f"{p.name} – {STATE_LABELS[p.state]}")
        for p in sorted(projects, key=lambda p: p.name)
    }
    overlap = Layer(OVERLAP, "Chevauchement entre CPTS actives")
    for commune in communes:
        path = paths.get(commune.pk, "")
        holders = [by_id[pk] for pk in by_commune.get(commune.pk, [])]
        active = [p for p in holders if p.state in ACTIVE_STATES]
        if len(active) > 1:
            names = ", ".join(p.name for p in active)
            overlap.shapes.append((_tip(commune, f" – {names}"), path))
        elif holders:
            project = active[0] if active else holders[0]
            per_project[project.pk].shapes.append((_tip(commune), path))
        else:
            background.shapes.append(("", path))
    # Legend: one entry per state present, then the background and overlaps.
    present = [s for s in STATE_COLOURS if any(p.state == s for p in projects)]
    legend = [(STATE_COLOURS[s], STATE_LABELS[s]) for s in present]
    layers = [background, *per_project.values(), overlap]
    return str(
        render(layers, bbox, title, note="Survolez une commune pour voir sa CPTS.", legend=legend)
    )


def _digest(*parts) -> str:
    # pickle: the same rows give the same bytes, several times faster than repr() for floats.
    data = pickle.dumps((_DRAWING_CODE, *parts), protocol=5)
    return "cpts-map:" + hashlib.sha256(data).hexdigest()


def _cache_get(key):
    try:
        return cache.get(key)
    except Exception:  # the map is drawn without its cache (e.g. Redis down)
        logger.warning("map cache unavailable", exc_info=True)
        return None


def _cache_set(key, svg) -> None:
    try:
        cache.set(key, svg, MAP_CACHE_SECONDS)
    except Exception:
        logger.warning("map cache unavailable", exc_info=True)
