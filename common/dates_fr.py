"""French dates as they are written in administrative letters: "1er décembre 2026".

Django's `date` filter follows the active language and writes "1 décembre"; a decision or a
receipt needs the ordinal "1er" whatever the request's language. Template library `dates_fr`
(registered in settings.TEMPLATES): `{{ day|date_fr }}`, `{{ moment|date_fr:"heure" }}`.
"""

import datetime as dt

from django import template
from django.utils import timezone

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

register = template.Library()


def date_fr(value, with_time: bool = False) -> str:
    """The date as in a letter, "1er décembre 2026"; with the time in Paris: "… à 9 h 05".

    None gives "" (a letter shows nothing rather than "None")."""
    if value is None or value == "":
        return ""
    moment = None
    if isinstance(value, dt.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        value = moment.date()
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {MONTHS[value.month - 1]} {value.year}"
    if with_time and moment is not None:
        text += f" à {moment.hour} h {moment.minute:02d}"
    return text


@register.filter(name="date_fr")
def date_fr_filter(value, arg=""):
    return date_fr(value, with_time=arg == "heure")
