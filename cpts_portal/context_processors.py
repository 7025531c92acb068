"""django-dsfr's site configuration, read once per process instead of twice per request.

django-dsfr's own context processor runs two queries on every page (its configuration in the
current language, then any). The configuration changes a few times a year, in the admin: each
process keeps it, forgets it when it is saved or deleted there (signals), and reads it again
after `MAX_AGE` seconds so that the other processes of the server see the change too.
"""

from time import monotonic

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language
from dsfr.models import DsfrConfig

MAX_AGE = 60  # seconds a process may show a configuration saved by another process
_configs: dict[str, tuple[float, DsfrConfig | None]] = {}


def _read(language: str) -> DsfrConfig | None:
    # As django-dsfr does: the configuration in the language, else the first one.
    return DsfrConfig.objects.filter(language=language).first() or DsfrConfig.objects.first()


def site_config(request):
    language = get_language()
    now = monotonic()
    read_at, config = _configs.get(language, (None, None))
    if read_at is None or now - read_at > MAX_AGE:
        config = _read(language)
        _configs[language] = (now, config)
    return {"SITE_CONFIG": config}


@receiver([post_save, post_delete], sender=DsfrConfig, dispatch_uid="forget_site_config")
def forget(**kwargs) -> None:
    _configs.clear()
