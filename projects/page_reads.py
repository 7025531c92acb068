"""What the project page shows, read in plain SQL (issue 16).

Through the ORM, building and compiling the page's eight small queries (joins, deferred
fields, prefetches) cost about four times what the database took to answer them, on every
render. Each statement here is written from the models' tables and columns (no compiling);
its rows become model instances as a queryset makes them (`Model.from_db`, the fields'
converters), with their related rows cached as `select_related` and `prefetch_related` would,
so the template and the permission checks read them unchanged. The prefetched rows are lists
(`project.members.all()` iterates them; `.filter()` on them fails rather than query again).
"""

from functools import cache

from django.db import connections, router

from accounts.models import Organisation, User
from accounts.plain_reads import converted
from audit.models import AuditEntry
from territories.models import Departement, Region

from .collaboration import Attachment, Committee, CommitteeMember, Opinion
from .journal import SHOWN  # entries on the page
from .models import Association, HealthProject, LetterOfIntent, Project, ProjectEvent, ProjectMember

PERSON = ("id", "first_name", "last_name", "username")  # a name: get_full_name, else username


class Shape:
    """Some of a model's fields, in its order, as one slice of a row under a table alias."""

    def __init__(self, model, alias: str, names=None):
        self.model, self.alias = model, alias
        meta = model._meta
        fields = meta.concrete_fields
        if names is not None:  # in the model's order, the one `Model.from_db` expects
            wanted = {meta.get_field(name) for name in names}
            fields = [field for field in fields if field in wanted]
        assert fields[0] == meta.pk, "the primary key first: a missed left join reads None"
        self.fields = fields
        self.attnames = [field.attname for field in self.fields]
        self.columns = ", ".join(f'{alias}."{field.column}"' for field in fields)
        self.table = meta.db_table

    def load(self, connection, values):
        """The instance, or None when a left join found no row (no primary key)."""
        if values[0] is None:
            return None
        return self.model.from_db(
            connection.alias, self.attnames, converted(connection, self.fields, values)
        )


def _rows(sql: str, params, *shapes) -> list[list]:
    """Each row of `sql` (selecting the shapes' columns in order) as one instance per shape."""
    connection = connections[router.db_for_read(shapes[0].model)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = []
    for row in rows:
        start, instances = 0, []
        for shape in shapes:
            end = start + len(shape.fields)
            instances.append(shape.load(connection, row[start:end]))
            start = end
        out.append(instances + list(row[start:]))  # then any extra column, as read
    return out


def _cache(instance, name, related) -> None:
    """As `select_related` leaves it: the related row (or None) read without a query."""
    instance._state.fields_cache[name] = related


def _person(alias):
    return Shape(User, alias, PERSON)


# --- The project and its files ----------------------------------------------------------------

_PROJECT = (
    Shape(Project, "p"),
    Shape(Departement, "d", ("id", "code", "name", "region")),
    Shape(Region, "r", ("id", "code", "name")),
    Shape(LetterOfIntent, "l"),
    Shape(Association, "a"),
    Shape(HealthProject, "h"),
)
FILES = ("letter", "association", "health_project")  # the reverse one-to-ones of _PROJECT[3:]


def project(pk) -> Project | None:
    """The project with its département and région, its LI, association and PS (or None)."""
    p, d, r, *files = _PROJECT
    joins = " ".join(
        f'LEFT JOIN "{f.table}" {f.alias} ON {f.alias}."project_id" = p."id"' for f in files
    )
    sql = (
        f'SELECT {", ".join(s.columns for s in _PROJECT)} FROM "{p.table}" p '
        f'INNER JOIN "{d.table}" d ON d."id" = p."departement_id" '
        f'INNER JOIN "{r.table}" r ON r."id" = d."region_id" {joins} WHERE p."id" = %s'
    )
    found = _rows(sql, [pk], *_PROJECT)
    if not found:
        return None
    instance, departement, region, *file_rows = found[0]
    _cache(departement, "region", region)
    _cache(instance, "departement", departement)
    for name, row in zip(FILES, file_rows, strict=True):
        _cache(instance, name, row)  # None: the project has none yet
        if row is not None:
            _cache(row, "project", instance)
    return instance


# --- Lists of the page ---------------------------------------------------------------------------

_MEMBER = (Shape(ProjectMember, "m", ("id", "project", "user", "is_lead")), _person("u"))


def members(project) -> list:
    """Its leaders, with their names; also what `permissions.is_leader` reads."""
    m, u = _MEMBER
    sql = (
        f'SELECT {m.columns}, {u.columns} FROM "{m.table}" m '
        f'INNER JOIN "{u.table}" u ON u."id" = m."user_id" WHERE m."project_id" = %s'
    )
    out = []
    for member, user in _rows(sql, [project.pk], *_MEMBER):
        _cache(member, "user", user)
        out.append(member)
    project._prefetched_objects_cache = {"members": out}
    return out


_EVENT = (
    Shape(
        ProjectEvent,
        "e",
        (
            *("id", "project", "transition", "source", "target", "actor", "organisation"),
            *("decision_kind", "legal_ground", "reason", "effective_on", "created_at"),
        ),
    ),
    _person("u"),
    Shape(Organisation, "g", ("id", "name")),
)


def events(project) -> list:
    """Its history, oldest first, with each author and their organisation."""
    e, u, g = _EVENT
    sql = (
        f'SELECT {e.columns}, {u.columns}, {g.columns} FROM "{e.table}" e '
        f'LEFT JOIN "{u.table}" u ON u."id" = e."actor_id" '
        f'LEFT JOIN "{g.table}" g ON g."id" = e."organisation_id" '
        f'WHERE e."project_id" = %s ORDER BY e."created_at", e."id"'
    )
    out = []
    for event, actor, organisation in _rows(sql, [project.pk], *_EVENT):
        _cache(event, "actor", actor)
        _cache(event, "organisation", organisation)
        out.append(event)
    return out


_COMMITTEE = (
    Shape(Committee, "c", ("id", "kind", "departement", "meets_at", "place")),
    Shape(Departement, "d", ("id", "code", "name", "region")),
    Shape(Opinion, "o", ("id", "committee", "member", "value")),
    Shape(CommitteeMember, "m", ("id", "seat", "organisation", "name", "quality")),
    Shape(Organisation, "g", ("id", "kind", "name")),
)


def committees(project) -> list:
    """The committees that had it on their agenda, latest first, each with its opinions in force
    on the project (none amends them: `CurrentOpinions`) as `committee.opinions.all`, oldest
    first: one row per opinion, or one for a committee without any."""
    c, d, o, m, g = _COMMITTEE
    agenda = Committee.projects.through._meta.db_table
    sql = (
        f'SELECT {", ".join(s.columns for s in _COMMITTEE)} FROM "{c.table}" c '
        f'INNER JOIN "{agenda}" a ON a."committee_id" = c."id" '
        f'INNER JOIN "{d.table}" d ON d."id" = c."departement_id" '
        f'LEFT JOIN "{o.table}" o ON o."committee_id" = c."id" AND o."project_id" = a."project_id" '
        f'AND NOT EXISTS (SELECT 1 FROM "{o.table}" n WHERE n."amends_id" = o."id") '
        f'LEFT JOIN "{m.table}" m ON m."id" = o."member_id" '
        f'LEFT JOIN "{g.table}" g ON g."id" = m."organisation_id" '
        f'WHERE a."project_id" = %s '
        f'ORDER BY c."meets_at" DESC, c."id", o."recorded_at", o."id"'
    )
    found = {}
    for committee, departement, opinion, member, organisation in _rows(
        sql, [project.pk], *_COMMITTEE
    ):
        if committee.pk not in found:
            _cache(committee, "departement", departement)
            committee._prefetched_objects_cache = {"opinions": []}
            found[committee.pk] = committee
        if opinion is not None:
            _cache(member, "organisation", organisation)
            _cache(opinion, "member", member)
            found[committee.pk]._prefetched_objects_cache["opinions"].append(opinion)
    return list(found.values())


_ATTACHMENT = (Shape(Attachment, "a", ("id", "project", "kind", "title", "uploaded_at")),)


def attachments(project) -> list:
    (a,) = _ATTACHMENT
    sql = (
        f'SELECT {a.columns} FROM "{a.table}" a WHERE a."project_id" = %s '
        f'ORDER BY a."uploaded_at", a."id"'
    )
    return [row[0] for row in _rows(sql, [project.pk], *_ATTACHMENT)]


_DEPARTEMENT = (Shape(Departement, "d", ("id", "code", "name", "region")),)


def informed_departements(project) -> list:
    """As `territory.informed_departements`: the territory's other départements, by code."""
    (d,) = _DEPARTEMENT
    communes = Project.communes.through._meta.db_table
    commune = Project.communes.field.related_model._meta.db_table
    sql = (
        f'SELECT DISTINCT {d.columns} FROM "{d.table}" d '
        f'INNER JOIN "{commune}" c ON c."departement_id" = d."id" '
        f'INNER JOIN "{communes}" pc ON pc."commune_id" = c."id" '
        f'WHERE pc."project_id" = %s AND d."id" <> %s ORDER BY d."code"'
    )
    return [row[0] for row in _rows(sql, [project.pk, project.departement_id], *_DEPARTEMENT)]


_ENTRY = (
    Shape(AuditEntry, "j", ("id", "at", "actor", "organisation", "label", "changes")),
    _person("u"),
    Shape(Organisation, "g", ("id", "name")),
)


def journal(project) -> tuple[list, int]:
    """The newest entries of its journal and how many there are in all (a window over the
    whole journal, on each row), as `audit/journal.html` reads them."""
    j, u, g = _ENTRY
    sql = (
        f"SELECT {j.columns}, {u.columns}, {g.columns}, COUNT(*) OVER () "
        f'FROM "{j.table}" j LEFT JOIN "{u.table}" u ON u."id" = j."actor_id" '
        f'LEFT JOIN "{g.table}" g ON g."id" = j."organisation_id" '
        f'WHERE j."project_id" = %s ORDER BY j."at" DESC, j."id" DESC LIMIT {SHOWN}'
    )
    rows = _rows(sql, [project.pk], *_ENTRY)
    for entry, actor, organisation, _total in rows:
        _cache(entry, "actor", actor)
        _cache(entry, "organisation", organisation)
    return [row[0] for row in rows], rows[0][3] if rows else 0


@cache
def _contract_shape() -> Shape:
    # Funding sits above projects: its model through the reverse relation, not an import.
    contract = Project._meta.get_field("contracts").related_model
    return Shape(contract, "c", ("id", "project", "sequence", "signed_on"))


def contracts(project) -> list:
    """Its ACI contracts, by number (`is_signed`, `signed_on` and `sequence` are what is shown)."""
    c = _contract_shape()
    sql = f'SELECT {c.columns} FROM "{c.table}" c WHERE c."project_id" = %s ORDER BY c."sequence"'
    return [row[0] for row in _rows(sql, [project.pk], c)]
