"""Open data: the CPTS whose projet de santé is validated (or later), public, without a key.

Nothing personal: no leader, no member, no message; only what the ARS publishes anyway."""

import datetime as dt
from collections import defaultdict

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from common import exports
from common.api import Out, Pages

from .models import Project
from .states import PS_VALIDATED_STATES, State

router = Router(tags=["données ouvertes"], auth=None)

COLUMNS = (
    "id",
    "name",
    "departement__code",
    "population",
    "taille",
    "state",
    "li_submitted_at",
    "ps_received_on",
    "ps_decided_on",
    "aci_signed_on",
)
CSV_HEADER = [
    "id",
    "nom",
    "departement",
    "communes_insee",
    "population",
    "taille",
    "etat",
    "etat_libelle",
    "li_deposee_le",
    "ps_recu_le",
    "ps_decide_le",
    "aci_signe_le",
]
STATE_LABELS = dict(State.choices)
CSV_CHUNK = 1000


def published_projects():
    return (
        Project.objects.filter(state__in=PS_VALIDATED_STATES)
        .order_by("name", "pk")
        .values(*COLUMNS)
    )


def open_rows(rows: list[dict]) -> list[dict]:
    """Published fields only, with the communes' INSEE codes (one query for the page)."""
    codes = defaultdict(list)
    links = (
        Project.communes.through.objects.filter(project_id__in=[r["id"] for r in rows])
        .order_by("commune__insee")
        .values_list("project_id", "commune__insee")
    )
    for project_id, insee in links:
        codes[project_id].append(insee)
    for r in rows:
        r["departement"] = r.pop("departement__code")
        r["communes"] = codes[r["id"]]
        r["state_label"] = STATE_LABELS[r["state"]]
        # Only the day is published (Paris time), not the minute someone pressed the button.
        moment = r.pop("li_submitted_at")
        r["li_submitted_on"] = timezone.localdate(moment) if moment else None
    return rows


class OpenProjectOut(Out):
    id: int
    name: str
    departement: str
    communes: list[str]
    population: int | None
    taille: int | None
    state: State
    state_label: str
    li_submitted_on: dt.date | None
    ps_received_on: dt.date | None
    ps_decided_on: dt.date | None
    aci_signed_on: dt.date | None


# Public and slow-moving: shared caches (a reverse proxy, a browser) may keep it 5 minutes.
CACHE_CONTROL = "public, max-age=300"


@router.get("/cpts", response=list[OpenProjectOut], summary="CPTS au projet de santé validé")
@paginate(Pages, rows=open_rows)
def open_projects(request, response: HttpResponse):
    response["Cache-Control"] = CACHE_CONTROL
    return published_projects()


def _csv_rows():
    # Keyset chunks: memory stays flat and each chunk costs two queries, whatever the volume.
    last = None
    while True:
        chunk = published_projects()
        if last is not None:
            chunk = chunk.filter(name__gte=last[0]).exclude(name=last[0], pk__lte=last[1])
        rows = open_rows(list(chunk[:CSV_CHUNK]))
        for r in rows:
            yield [
                r["id"],
                r["name"],
                r["departement"],
                " ".join(r["communes"]),
                r["population"],
                r["taille"],
                r["state"],
                r["state_label"],
                r["li_submitted_on"],
                r["ps_received_on"],
                r["ps_decided_on"],
                r["aci_signed_on"],
            ]
        if len(rows) < CSV_CHUNK:
            return
        last = (rows[-1]["name"], rows[-1]["id"])


# `;` and a BOM like every export of the portal: a French spreadsheet opens it as is; programs
# read it with `delimiter=";"` and the `utf-8-sig` encoding. Formulas are neutralised too.
@router.get(
    "/cpts.csv",
    summary="CPTS au projet de santé validé (CSV)",
    openapi_extra={
        "responses": {
            200: {
                "description": "CSV (UTF-8 avec BOM, séparateur point-virgule)",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def open_projects_csv(request):
    response = exports.stream_csv(CSV_HEADER, _csv_rows(), "cpts-projets-sante-valides")
    response["Cache-Control"] = CACHE_CONTROL
    return response
