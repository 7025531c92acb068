"""API keys: creation (the key is returned once), revocation and lookup by hash."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from audit.services import as_text, record

from .models import ApiToken

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


def authenticate(key: str) -> ApiToken | None:
    """The live token for `key`, with its organisation loaded; None if unknown or revoked."""
    if not key or not key.startswith(PREFIX) or len(key) > 200:
        return None
    try:
        token = ApiToken.objects.select_related("organisation").get(
            key_hash=hash_key(key), revoked_at__isnull=True
        )
    except ApiToken.DoesNotExist:
        return None
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
