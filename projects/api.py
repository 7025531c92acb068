"""API routers for projects and committees, limited to the key's organisation territory."""

import datetime as dt
import re
from collections import defaultdict
from typing import Literal

from django.db import connections
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from accounts.api_auth import acting_organisation
from common.api import Out, Pages, UtcText, as_json, json_date, json_time, paginated_rows
from common.bounds import DEADLINE_WITHIN_MAX_DAYS
from territories.models import Commune
from territories.schemas import CommuneOut, DepartementOut

from .api_list import PROJECT_COLUMNS, TIMES, ProjectListing
from .collaboration import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    Institution,
    Opinion,
    OpinionValue,
    Seat,
)
from .models import Project
from .states import OppositionGround, State

projects_router = Router(tags=["projets"])
committees_router = Router(tags=["comités"])


def organisation_projects(org, projects=None):
    """The projects an organisation acts on (as `visible_projects` does for its members),
    among `projects` if given (a queryset of them, e.g. `PROJECT_ROWS`)."""
    qs = Project.objects.select_related("departement") if projects is None else projects
    scope = org.territory_q()
    return qs.filter(scope) if scope is not None else qs.none()


# --- Projects -----------------------------------------------------------------------------

# Times as their UTC text, for `json_time`.
PROJECT_TIMES = {f"{name}_utc": UtcText(name) for name in TIMES}
# The rows' columns, resolved once: each request filters a copy (setting up `values()` cost
# nearly as much as compiling the query).
PROJECT_ROWS = Project.objects.values(*PROJECT_COLUMNS, **PROJECT_TIMES)
STATE_LABELS = dict(State.choices)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def communes_by_project(project_ids) -> dict[int, list[dict]]:
    """INSEE code and name of each project's communes, in one query (no commune outlines).

    Written from the models' tables and columns: through the ORM, compiling the join and
    preparing each of the page's ids one by one cost several times the query itself."""
    out = defaultdict(list)
    if not project_ids:
        return out
    db = Project.objects.db
    connection = connections[db]
    q = connection.ops.quote_name
    links = Project.communes.through._meta
    commune = Commune._meta
    project_id = q(links.get_field("project").column)
    insee, name = q(commune.get_field("insee").column), q(commune.get_field("name").column)
    sql = (
        f"SELECT l.{project_id}, c.{insee}, c.{name} FROM {q(links.db_table)} l "
        f"INNER JOIN {q(commune.db_table)} c "
        f"ON c.{q(commune.pk.column)} = l.{q(links.get_field('commune').column)} "
        f"WHERE l.{project_id} IN ({', '.join(['%s'] * len(project_ids))}) ORDER BY c.{insee}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [int(pk) for pk in project_ids])
        for pk, code, commune_name in cursor.fetchall():
            out[pk].append({"insee": code, "name": commune_name})
    return out


def project_rows(rows: list[dict]) -> list[dict]:
    """`PROJECT_ROWS` rows → API rows with their communes, in
    `ProjectOut`'s order, dates and times already as their JSON text (see `common.api.as_json`)."""
    communes = communes_by_project([r["id"] for r in rows])
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "state": r["state"],
            "state_label": STATE_LABELS[r["state"]],
            "departement": {"code": r["departement__code"], "name": r["departement__name"]},
            "communes": communes[r["id"]],
            "population": r["population"],
            "taille": r["taille"],
            "li_submitted_at": json_time(r["li_submitted_at_utc"]),
            "li_decided_at": json_time(r["li_decided_at_utc"]),
            "ps_submitted_at": json_time(r["ps_submitted_at_utc"]),
            "ps_received_on": json_date(r["ps_received_on"]),
            "ps_deadline": json_date(r["ps_deadline"]),
            "ps_implicit_on": json_date(r["ps_implicit_on"]),
            "ps_decided_on": json_date(r["ps_decided_on"]),
            "opposition_ground": r["opposition_ground"] or None,
            "aci_signed_on": json_date(r["aci_signed_on"]),
        }
        for r in rows
    ]


class ProjectOut(Out):
    id: int
    name: str
    state: State
    state_label: str
    departement: DepartementOut
    communes: list[CommuneOut]
    population: int | None
    taille: int | None
    li_submitted_at: dt.datetime | None
    li_decided_at: dt.datetime | None
    ps_submitted_at: dt.datetime | None
    ps_received_on: dt.date | None = Field(..., description="PS reçu complet : départ du délai")
    ps_deadline: dt.date | None = Field(..., description="Dernier jour pour s'opposer")
    ps_implicit_on: dt.date | None = Field(..., description="Réputé validé à compter du")
    ps_decided_on: dt.date | None
    opposition_ground: OppositionGround | None
    aci_signed_on: dt.date | None


class ProjectFilters(Schema):
    """The dashboard's filters."""

    state: State | None = None
    departement: str | None = Field(None, pattern=r"^[0-9][0-9AB][0-9]?$", description="code")
    taille: int | None = Field(None, ge=1, le=4)
    deadline_within: int | None = Field(
        None,
        ge=0,
        le=DEADLINE_WITHIN_MAX_DAYS,
        description="PS déposés dont l'échéance d'opposition tombe sous N jours",
    )
    name: str | None = Field(None, max_length=100, pattern=r"^[^\x00]*$")
    order: Literal["name", "ps_deadline"] = Field(
        "name", description="tri : nom, ou échéance d'opposition (la plus proche d'abord)"
    )


@projects_router.get("", response=list[ProjectOut], summary="Projets du territoire")
@paginated_rows(project_rows)
def project_list(request, filters: Query[ProjectFilters]):
    return ProjectListing(acting_organisation(request), filters)


@projects_router.get("/{project_id}", response=ProjectOut, summary="Un projet")
def project_detail(request, project_id: int):
    queryset = organisation_projects(acting_organisation(request), PROJECT_ROWS)
    rows = project_rows(list(queryset.filter(pk=project_id)))
    if not rows:
        raise Http404("Projet inconnu sur ce territoire.")
    return as_json(rows[0])  # the list's row, word for word


# --- Committees ---------------------------------------------------------------------------


class AgendaItemOut(Schema):
    id: int
    name: str


class OpinionOut(Schema):
    project_id: int
    institution: Institution
    member: str = Field(
        description="au nom de qui (l'organisation, ou le représentant des usagers)"
    )
    value: OpinionValue
    value_label: str
    recorded_at: dt.datetime
    amended: bool = Field(description="l'avis en vigueur modifie un avis antérieur")

    @staticmethod
    def resolve_value_label(obj):
        return obj.get_value_display()

    @staticmethod
    def resolve_member(obj):
        # Organisations by name; people (the user representative) by their seat only.
        member = obj.member
        return member.organisation.name if member.organisation_id else member.get_seat_display()

    @staticmethod
    def resolve_amended(obj):
        return obj.amends_id is not None


class MemberOut(Schema):
    """A seat: the organisation's name, never a person's (as everywhere in the API)."""

    seat: Seat
    organisation: str | None = Field(description="l'organisation membre ; vide pour une personne")
    attended: bool | None = Field(description="présent ; vide tant que non relevé")

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.name if obj.organisation_id else None


class CommitteeOut(Schema):
    id: int
    kind: CommitteeKind
    kind_label: str
    departement: DepartementOut
    meets_at: dt.datetime
    place: str
    agenda: list[AgendaItemOut]
    members: list[MemberOut]
    opinions: list[OpinionOut]

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_agenda(obj):
        return obj.projects.all()

    @staticmethod
    def resolve_members(obj):
        return obj.participants.all()

    @staticmethod
    def resolve_opinions(obj):
        return obj.opinions.all()


def organisation_committees(org):
    scope = org.territory_q()  # a Committee has a `departement` too: the same lookup applies
    if scope is None:
        return Committee.objects.none()
    # Only opinions and agenda items on projects of the territory (never another one's).
    # `state` stays loaded: django-fsm reads it when building each project.
    projects = organisation_projects(org)
    return (
        Committee.objects.filter(scope)
        .select_related("departement")
        .prefetch_related(
            Prefetch(
                "projects",
                queryset=projects.select_related(None).only("id", "name", "state").order_by("name"),
            ),
            Prefetch(
                "participants", queryset=CommitteeMember.objects.select_related("organisation")
            ),
            Prefetch(
                "opinions",
                queryset=Opinion.objects.filter(project__in=projects).select_related(
                    "member__organisation"
                ),
            ),
        )
    )


class CommitteeFilters(Schema):
    kind: CommitteeKind | None = None
    departement: str | None = Field(None, pattern=r"^[0-9][0-9AB][0-9]?$", description="code")
    after: dt.date | None = Field(None, description="comités se tenant à partir de cette date")

    @field_validator("after", mode="before")
    @classmethod
    def iso_date_only(cls, value):
        # pydantic would also read "0" or "1700000000" as a Unix timestamp: not a date here.
        if isinstance(value, str) and not ISO_DATE.match(value):
            raise ValueError("date attendue au format AAAA-MM-JJ")
        return value


@committees_router.get("", response=list[CommitteeOut], summary="Comités du territoire")
@paginate(Pages)
def committee_list(request, filters: Query[CommitteeFilters]):
    queryset = organisation_committees(acting_organisation(request))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.departement:
        queryset = queryset.filter(departement__code=filters.departement)
    if filters.after:
        queryset = queryset.filter(meets_at__date__gte=filters.after)
    return queryset.order_by("-meets_at", "pk")


@committees_router.get("/{committee_id}", response=CommitteeOut, summary="Un comité")
def committee_detail(request, committee_id: int):
    return get_object_or_404(organisation_committees(acting_organisation(request)), pk=committee_id)
