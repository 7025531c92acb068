"""Territory pages: a project's territory (edit for its leaders, view for its institutions) and
the institutions' map of every CPTS."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import ARS_KINDS, REGIONAL_KINDS
from territories.models import Commune, Departement
from territories.principal import principal_departement
from territories.services import summarise

from .. import maps
from .. import permissions as perms
from .. import territory as services
from ..selectors import readable_projects, visible_projects
from ..states import CLOSED_STATES, PS_VALIDATED_STATES

_CODE_SPLIT = re.compile(r"[\s,;]+")
HIDDEN_STATES = tuple(CLOSED_STATES)


def _project(request, pk):
    # Outside the person's territory the project does not exist for them: 404 (a délégation
    # informed of a neighbouring project reads it).
    return get_object_or_404(readable_projects(request.user), pk=pk)


MAX_CODES = 5_000  # more communes than any département holds


def _posted_codes(data) -> list[str]:
    """The codes as typed, at most `MAX_CODES`; control characters (a NUL the database would
    refuse) dropped and each code cut short: an odd code is then reported as unknown."""
    codes = list(data.getlist("insee"))
    codes += [c for c in _CODE_SPLIT.split(data.get("codes", "")) if c]
    cleaned = ("".join(ch for ch in code if ch.isprintable())[:12] for code in codes)
    return [code for code in cleaned if code][:MAX_CODES]


@login_required
@require_http_methods(["GET", "POST"])
def territory(request, pk):
    project = _project(request, pk)
    is_leader = perms.is_leader(project, request.user)
    can_edit = is_leader and services.territory_editable(project)
    communes = list(project.communes.select_related("departement").order_by("name"))
    if request.method == "POST":
        if not is_leader:
            raise PermissionDenied("Seuls les porteurs du projet peuvent modifier son territoire.")
        codes = _posted_codes(request.POST)
        try:
            project, overlaps = services.save_territory(project, request.user, codes)
        except services.TerritoryError as error:
            messages.error(request, str(error))
            # Keep what the person chose (the known codes) so nothing is lost; nothing saved.
            communes = list(
                Commune.objects.filter(insee__in=[c.strip().upper() for c in codes])
                .select_related("departement")
                .order_by("name")
            )
        else:
            messages.success(request, "Territoire enregistré.")
            for overlap in overlaps:
                messages.warning(request, "Attention, chevauchement : " + overlap.message + ".")
            return redirect("projects:territory", pk=project.pk)
    summary = summarise(communes)
    return render(
        request,
        "territories/territory.html",
        {
            "project": project,
            "communes": communes,
            "summary": summary,
            "informed": services.informed_departements(project, communes),
            "edit_refusal": None if can_edit else services.edit_refusal(project),
            "avenant_needed": project.state in PS_VALIDATED_STATES,
            "cross_region_to_confirm": services.CROSS_REGION_REFUSAL_TO_CONFIRM,
            "overlaps": services.find_overlaps(project, communes),
            "map": maps.project_map(project, communes),
            "can_edit": can_edit,
            "is_leader": is_leader,
        },
    )


@login_required
@require_GET
def territory_preview(request, pk):
    """Live population, taille, overlap warnings and map of a selection being edited."""
    project = _project(request, pk)
    communes, errors = services.preview_selection(project, _posted_codes(request.GET))
    summary = summarise(communes)
    principal = principal_departement(communes, project.departement) or project.departement
    return JsonResponse(
        {
            "principal": str(principal),
            "count": summary.count,
            "population": summary.population,
            "taille": summary.taille,
            "boundary_to_confirm": summary.boundary_to_confirm,
            "errors": errors,
            "overlaps": [o.message for o in services.find_overlaps(project, communes)],
            "map": str(maps.project_map(project, communes)),
        }
    )


@login_required
@require_GET
def project_map_svg(request, pk):
    project = _project(request, pk)
    return HttpResponse(maps.project_map(project), content_type="image/svg+xml")


@login_required
@require_GET
def index(request):
    """The "Territoires" menu: institutions get their map, project leaders their projects."""
    user = request.user
    if user.is_institution and user.organisation.has_territory:
        return redirect("projects:institution_map")
    projects = (
        visible_projects(user)
        .exclude(state__in=HIDDEN_STATES)
        .annotate(commune_count=Count("communes"))
        .order_by("name")
    )
    return render(request, "territories/index.html", {"projects": projects})


@login_required
@require_GET
def institution_map(request):
    """ARS, Assurance Maladie, URPS: every CPTS of their département or région by state."""
    user = request.user
    org = user.organisation if user.is_institution else None
    if org is None or not org.has_territory:
        raise PermissionDenied("Carte réservée aux institutions (ARS, Assurance Maladie, URPS).")
    projects = visible_projects(user).exclude(state__in=HIDDEN_STATES).order_by("name")
    departements = []
    if org.kind in REGIONAL_KINDS:
        departements = list(Departement.objects.filter(org.territory_q(departement="")))
        chosen = request.GET.get("departement")
        if chosen:
            departement = next((d for d in departements if d.code == chosen), None)
            if departement is None:
                raise Http404("Département hors de votre région.")
        else:
            departement = None
    else:
        departement = org.departement
    if departement is not None:
        communes = Commune.objects.filter(departement=departement)
        projects = projects.filter(departement=departement)
        title = f"CPTS du département {departement}"
    else:
        communes = Commune.objects.filter(org.territory_q())
        title = f"CPTS de la région {org.region}"
    # Plain rows of what the map and its table show: a région has some 1 500 projects, and
    # building a model instance (django-fsm reads its fields) cost more than its row.
    projects = list(projects.values_list(*maps.PROJECT_FIELDS, named=True))
    rows = maps.project_rows(projects)
    svg = maps.institution_map(projects, communes, title, coarse=departement is None)
    return render(
        request,
        "territories/institution_map.html",
        {
            "title": title,
            "map": svg,
            "rows": rows,
            "departements": departements,
            "departement": departement,
            "overlaps": services.overlaps_in_scope(user) if org.kind in ARS_KINDS else None,
        },
    )
