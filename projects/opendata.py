"""Open data: the CPTS whose projet de santé is validated (or later), public, without a key.

Nothing personal: no leader, no member, no message; only what the ARS publishes anyway."""

import csv
import datetime as dt
from itertools import chain

from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from cpts_portal.api_base import Pages
from territories.models import Commune

from .models import Project
from .states import PS_VALIDATED_STATES, State

router = Router(tags=["données ouvertes"], auth=None)

CSV_COLUMNS = [
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


def published_projects():
    communes = Commune.objects.only("id", "insee").order_by("insee")
    return (
        Project.objects.filter(state__in=PS_VALIDATED_STATES)
        .select_related("departement")
        .only(
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
        .prefetch_related(Prefetch("communes", queryset=communes))
        .order_by("name", "pk")
    )


class OpenProjectOut(Schema):
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

    @staticmethod
    def resolve_departement(obj):
        return obj.departement.code

    @staticmethod
    def resolve_communes(obj):
        return [c.insee for c in obj.communes.all()]

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_li_submitted_on(obj):
        return _day(obj.li_submitted_at)


def _day(moment):
    # Only the day is published (Paris time), not the minute someone pressed the button.
    return timezone.localdate(moment) if moment else None


@router.get("/cpts", response=list[OpenProjectOut], summary="CPTS au projet de santé validé")
@paginate(Pages)
def open_projects(request):
    return published_projects()


def _rows(projects):
    for p in projects:
        yield [
            p.pk,
            p.name,
            p.departement.code,
            " ".join(c.insee for c in p.communes.all()),
            "" if p.population is None else p.population,
            "" if p.taille is None else p.taille,
            p.state,
            p.get_state_display(),
            _day(p.li_submitted_at) or "",
            p.ps_received_on or "",
            p.ps_decided_on or "",
            p.aci_signed_on or "",
        ]


class _Echo:
    def write(self, value):
        return value


@router.get(
    "/cpts.csv",
    summary="CPTS au projet de santé validé (CSV)",
    openapi_extra={
        "responses": {
            200: {
                "description": "CSV (UTF-8, séparateur virgule)",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def open_projects_csv(request):
    writer = csv.writer(_Echo())
    # Streamed in chunks (communes prefetched per chunk): memory stays flat at any volume.
    lines = (writer.writerow(row) for row in _rows(published_projects().iterator(chunk_size=500)))
    response = StreamingHttpResponse(
        chain([writer.writerow(CSV_COLUMNS)], lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="cpts-projets-sante-valides.csv"'
    return response
