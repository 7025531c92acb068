"""API keys: creation (the key is returned once), revocation and lookup by hash."""

import hashlib
import secrets

from django.db import connections, transaction
from django.utils import timezone

from audit.services import as_text, record

from .models import ApiToken, Organisation
from .plain_reads import loaded

PREFIX = "cpts_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(organisation, name: str, created_by=None) -> tuple[ApiToken, str]:
    """A new key for `organisation`; the clear key is returned here and never stored."""
    key = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            organisation=organisation,
            name=name,
            prefix=key[: len(PREFIX) + 6],
            key_hash=hash_key(key),
            created_by=created_by,
        )
        record(
            created_by,
            "accounts.token.create",
            f"Clé d'API « {token.name} » créée",
            token,
            changes={
                "organisation": [None, str(organisation)],
                "début de la clé": [None, token.prefix],
            },
        )
    return token, key


def _live_token_query(connection) -> str:
    """One indexed query for a live key and its organisation, written from the models' own
    tables and columns: the ORM spent more time compiling it at each request than the
    database answering it (the query is the same for every key: one parameter, the hash)."""
    q = connection.ops.quote_name
    token, org = ApiToken._meta, Organisation._meta
    columns = [f"t.{q(f.column)}" for f in token.concrete_fields]
    columns += [f"o.{q(f.column)}" for f in org.concrete_fields]
    return (
        f"SELECT {', '.join(columns)} FROM {q(token.db_table)} t "
        f"INNER JOIN {q(org.db_table)} o ON o.{q(org.pk.column)} = "
        f"t.{q(token.get_field('organisation').column)} "
        f"WHERE t.{q(token.get_field('key_hash').column)} = %s "
        f"AND t.{q(token.get_field('revoked_at').column)} IS NULL"
    )


def authenticate(key: str) -> ApiToken | None:
    """The live token for `key`, with its organisation loaded; None if unknown or revoked."""
    if not key or not key.startswith(PREFIX) or len(key) > 200:
        return None
    db = ApiToken.objects.db
    with connections[db].cursor() as cursor:
        cursor.execute(_live_token_query(connections[db]), [hash_key(key)])
        row = cursor.fetchone()  # key_hash is unique: one row at most
    if row is None:
        return None
    width = len(ApiToken._meta.concrete_fields)
    token = loaded(ApiToken, db, row[:width])
    token.organisation = loaded(Organisation, db, row[width:])
    today = timezone.localdate()
    if token.last_used_on != today:
        # One write per key and day at most: enough to spot unused keys, cheap under load.
        # Bookkeeping, not journaled: it changes no right and would drown the real writes.
        ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
        token.last_used_on = today
    return token


def revoke(token: ApiToken, actor=None) -> bool:
    """Revoke the key at once; False if it already was."""
    now = timezone.now()
    with transaction.atomic():
        if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
            return False
        record(
            actor,
            "accounts.token.revoke",
            f"Clé d'API « {token.name} » révoquée",
            token,
            changes={"révoquée le": [None, as_text(now)]},
        )
    return True
