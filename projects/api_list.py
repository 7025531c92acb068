"""The API's project list (`GET /api/projects/`) read in plain SQL (issue 16).

Through the ORM, filtering, ordering and compiling the list's query took about a third of the
request's CPU, more than the database took to answer it, on every call. The statement is
written from the models' tables and columns, as `page_reads` does for the project page; its
rows are the dicts that `api.PROJECT_ROWS` (`.values()`) gives, with the filters of
`api.ProjectFilters` and the scope of `Organisation.territory`: the tests compare both, the
filters written with the ORM, for every kind of organisation, filter, order and page
(tests/api/test_list_reads.py).
"""

from django.db import connections, router

from accounts.plain_reads import converted
from common.api import Listing, utc_text
from territories.models import Departement

from .models import Project
from .selectors import deadline_limit
from .states import State

# The rows' keys, as `.values(*PROJECT_COLUMNS, **times)` names them.
PROJECT_COLUMNS = (
    "id",
    "name",
    "state",
    "population",
    "taille",
    "ps_received_on",
    "ps_deadline",
    "ps_implicit_on",
    "ps_decided_on",
    "opposition_ground",
    "aci_signed_on",
    "departement__code",
    "departement__name",
)
TIMES = ("li_submitted_at", "li_decided_at", "ps_submitted_at")  # read as "<name>_utc" text
KEYS = (*PROJECT_COLUMNS, *(f"{name}_utc" for name in TIMES))


def _field(name: str):
    """PROJECT_COLUMNS' field and its column under the statement's aliases."""
    model, alias = (Departement, "d") if "__" in name else (Project, "p")
    field = model._meta.get_field(name.split("__")[-1])
    return field, f'{alias}."{field.column}"'


_FIELDS = [_field(name)[0] for name in PROJECT_COLUMNS]  # their values go through converters
P = {name: _field(name)[1] for name in (*PROJECT_COLUMNS, *TIMES, "departement")}
D = {name: _field(f"departement__{name}")[1] for name in ("id", "region", "code")}
TABLES = (
    f'"{Project._meta.db_table}" p INNER JOIN "{Departement._meta.db_table}" d '
    f"ON {D['id']} = {P['departement']}"
)


class ProjectListing(Listing):
    """The projects of `org`'s territory kept by `filters` (`api.ProjectFilters`), in their
    order; none for an organisation without a territory."""

    def __init__(self, org, filters):
        self.connection = connections[router.db_for_read(Project)]
        self.where, self.params = _where(self.connection, org, filters)
        self.order = ORDERS[filters.order]

    def page(self, offset: int, limit: int) -> tuple[list[dict], int]:
        if self.where is None:
            return [], 0
        columns = [P[name] for name in PROJECT_COLUMNS]
        columns += [utc_text(self.connection, P[name]) for name in TIMES]
        rows = self._read(
            f"SELECT {', '.join(columns)}, "
            f"(SELECT COUNT(*) FROM {TABLES} WHERE {self.where}) AS _count "
            f"FROM {TABLES} WHERE {self.where} ORDER BY {self.order} LIMIT %s OFFSET %s",
            [*self.params, *self.params, limit, offset],
        )
        if not rows:  # past the last row: nothing carries the count
            count = 0 if offset == 0 else self._read(self._count_sql(), self.params)[0][0]
            return [], count
        return [self._item(row) for row in rows], rows[0][-1]

    def _item(self, row) -> dict:
        width = len(_FIELDS)
        values = converted(self.connection, _FIELDS, row[:width]) + list(row[width:-1])
        return dict(zip(KEYS, values, strict=True))

    def _count_sql(self) -> str:
        return f"SELECT COUNT(*) FROM {TABLES} WHERE {self.where}"

    def _read(self, sql: str, params) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


ORDERS = {
    "name": f"{P['name']}, {P['id']}",
    # The dashboard's: nearest deadline first.
    "ps_deadline": f"{P['ps_deadline']} ASC NULLS LAST, {P['name']}, {P['id']}",
}


def _where(connection, org, filters) -> tuple[str | None, list]:
    """The conditions and their values; None for no project at all."""
    if org.territory is None:
        return None, []
    level, pk = org.territory
    conditions = [f"{D['region'] if level == 'region' else P['departement']} = %s"]
    params = [pk]
    if filters.state:
        conditions.append(f"{P['state']} = %s")
        params.append(str(filters.state))  # the value (psycopg writes an Enum's name)
    if filters.departement:
        conditions.append(f"{D['code']} = %s")
        params.append(filters.departement)
    if filters.taille:
        conditions.append(f"{P['taille']} = %s")
        params.append(filters.taille)
    if filters.deadline_within is not None:
        conditions.append(f"{P['state']} = %s AND {P['ps_deadline']} <= %s")
        limit = connection.ops.adapt_datefield_value(deadline_limit(filters.deadline_within))
        params += [str(State.PS_DEPOSE), limit]
    if filters.name:  # `name__icontains` as the ORM writes it for this database
        name = connection.ops.lookup_cast("icontains", "CharField") % P["name"]
        conditions.append(f"{name} {connection.operators['icontains'] % '%s'}")
        params.append(f"%{connection.ops.prep_for_like_query(filters.name)}%")
    return " AND ".join(conditions), params
