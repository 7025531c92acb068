"""Rows read in plain SQL, where the ORM spent more time building and compiling a query than
the database took to answer it, on every request: the session and the person with their
organisation (every signed-in page: about 1.2 ms of CPU, four times the queries' own time,
issue 16), an API key (`accounts.tokens`). The statements are written from the models' own
tables and columns; the values go through the database's and the fields' converters, as in a
queryset, then `Model.from_db`.
"""

import functools

from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone

from .models import Organisation, User

_USER_FIELDS = User._meta.concrete_fields
_ORG_FIELDS = Organisation._meta.concrete_fields
_statements: dict[str, str] = {}  # the person's, by database vendor


def _columns(connection, alias: str, fields) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in fields)


def _user_statement(connection) -> str:
    if connection.vendor not in _statements:
        quote = connection.ops.quote_name
        fk = User._meta.get_field("organisation")
        _statements[connection.vendor] = (
            f"SELECT {_columns(connection, 'u', _USER_FIELDS)}, "
            f"{_columns(connection, 'o', _ORG_FIELDS)} "
            f"FROM {quote(User._meta.db_table)} u "
            f"LEFT JOIN {quote(Organisation._meta.db_table)} o "
            f"ON o.{quote(Organisation._meta.pk.column)} = u.{quote(fk.column)} "
            f"WHERE u.{quote(User._meta.pk.column)} = %s"
        )
    return _statements[connection.vendor]


def converted(connection, fields, values) -> list:
    """What a queryset would hand to `from_db` (SQLite's dates are text, for one)."""
    values = list(values)
    for i, column, functions in _converters(connection, fields):
        for convert in functions:
            values[i] = convert(values[i], column, connection)
    return values


# By database and list of fields (the same list object each time: the models' own, a
# module's): asking the backend at each row cost more than the rest of loading it.
_found: dict[tuple, tuple] = {}


def _converters(connection, fields) -> list:
    """(position, column, converters) of the fields whose values a queryset would convert."""
    key = (connection.alias, id(fields))
    kept = _found.get(key)
    if kept is not None and kept[0] is fields:  # not another list born at the same address
        return kept[1]
    found = []
    for i, field in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        functions = connection.ops.get_db_converters(column)
        functions += field.get_db_converters(connection)
        if functions:
            found.append((i, column, functions))
    _found[key] = (fields, found)
    return found


def loaded(model, db: str, values):
    """A `model` instance from its concrete fields' column values, as a queryset makes it."""
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    return model.from_db(db, names, converted(connections[db], fields, values))


def user_with_organisation(user_id) -> User | None:
    """The person with this id (as kept in the session) and their organisation, or None."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    db = router.db_for_read(User)
    connection = connections[db]
    with connection.cursor() as cursor:
        cursor.execute(_user_statement(connection), [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(_USER_FIELDS)
    user = loaded(User, db, row[:split])
    organisation = None
    if row[split] is not None:  # the organisation's primary key: none when the join missed
        organisation = loaded(Organisation, db, row[split:])
    user._state.fields_cache["organisation"] = organisation
    return user


@functools.cache
def _session_fields(model) -> tuple:
    return tuple(model._meta.get_field(name) for name in ("session_data", "expire_date"))


def live_session(model, session_key: str):
    """The session row with this key if it has not expired, else None."""
    db = router.db_for_read(model)
    connection = connections[db]
    quote = connection.ops.quote_name
    data, expiry = fields = _session_fields(model)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(data.column)}, {quote(expiry.column)} "
            f"FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.pk.column)} = %s AND {quote(expiry.column)} > %s",
            [session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    values = converted(connection, fields, row)
    return model(session_key=session_key, session_data=values[0], expire_date=values[1])
