"""The reference data's version (`ReferenceVersion`): changed by every save or delete of a
commune or a département (signals) and by the loader, whose bulk writes send none. A queryset
`update()` of these rows sends no signal either: whoever writes one calls `bump()`."""

import uuid

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Commune, Departement, ReferenceVersion

_ROW = 1  # the only row


def current() -> str:
    """The token; read it before the rows it stands for (a write commits both at once)."""
    version, _ = ReferenceVersion.objects.get_or_create(pk=_ROW)
    return version.token.hex


def bump() -> None:
    ReferenceVersion.objects.update_or_create(pk=_ROW, defaults={"token": uuid.uuid4()})


@receiver([post_save, post_delete], sender=Commune, dispatch_uid="reference_version_commune")
@receiver([post_save, post_delete], sender=Departement, dispatch_uid="reference_version_dept")
def _written(**kwargs) -> None:
    bump()
