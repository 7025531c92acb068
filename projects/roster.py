"""The CPTS's member roster: who counts as a member on a given day."""

import datetime as dt

from django.db.models import Q

from .models import RosterMember


def members_on_q(day: dt.date) -> Q:
    """Members who had joined by `day` and had not left before it."""
    return Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


def member_count_on(project_id: int, day: dt.date) -> int | None:
    """The roster's count on `day`, or None when the CPTS keeps no roster (a declared count
    then applies)."""
    roster = RosterMember.objects.filter(project_id=project_id)
    if not roster.exists():
        return None
    return roster.filter(members_on_q(day)).count()
