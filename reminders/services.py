"""E-mail reminders before each deadline, at configurable offsets, never twice."""

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import OrganisationKind, User
from audit.services import record
from outbox.services import enqueue_mail
from projects.models import Project, ProjectMember
from projects.states import CLOSED_STATES

from .collect import ARS, ASSURANCE_MALADIE, CPTS, deadlines_for
from .models import CalendarFeed, ReminderSent, new_secret

logger = logging.getLogger(__name__)
HOLDER_KINDS = {
    ARS: [OrganisationKind.ARS_DD],
    ASSURANCE_MALADIE: [OrganisationKind.CPAM, OrganisationKind.MSA],
}
# A missed pre-ACI commitment is flagged to the Assurance Maladie (domain.md §4, to confirm).
MISSED_NOTICE_KINDS = {"pre_aci_ps"}
MISSED = 0  # offset recorded for the "deadline missed" notice


def offset_reached(days_left: int, offsets: list[int]) -> int | None:
    """The tightest offset already reached: J-7 is sent late at J-5 if the server was down."""
    reached = [o for o in offsets if o >= days_left >= 0]
    return min(reached) if reached else None


class Recipients:
    """Who is concerned by a deadline, loaded in two queries for all projects at once."""

    def __init__(self, projects):
        self.leaders = defaultdict(list)
        for member in ProjectMember.objects.filter(
            project__in=projects, user__is_active=True
        ).select_related("user"):
            self.leaders[member.project_id].append(member.user)
        departements = {p.departement_id for p in projects}
        regions = {p.departement.region_id for p in projects}
        self.staff = defaultdict(list)
        for user in User.objects.filter(
            Q(organisation__departement_id__in=departements)
            | Q(organisation__kind=OrganisationKind.ARS, organisation__region_id__in=regions),
            is_active=True,
        ).select_related("organisation"):
            org = user.organisation
            self.staff[(org.kind, org.departement_id or org.region_id)].append(user)

    def institution(self, holder, departement_id):
        return [u for kind in HOLDER_KINDS[holder] for u in self.staff[(kind, departement_id)]]

    def for_deadline(self, deadline, project):
        if deadline.holder == CPTS:
            return self.leaders[project.pk]
        people = self.institution(deadline.holder, project.departement_id)
        if deadline.holder == ARS:
            # The DG ARS (siège) takes the legal decision (opposition, L.1434-12 CSP): reminded
            # as well as the délégation that prepares it.
            people += self.staff[(OrganisationKind.ARS, project.departement.region_id)]
        return people


def _send_once(deadline, offset, user, today) -> bool:
    """Record it and write its mail to the outbox in one transaction: recorded once, sent once."""
    key = deadline.key + (":missed" if offset == MISSED else "")
    try:
        with transaction.atomic():
            ReminderSent.objects.create(key=key, offset_days=offset, recipient=user)
            context = {"deadline": deadline, "days_left": deadline.days_left(today), "user": user}
            enqueue_mail(
                render_to_string("reminders/email_subject.txt", context),
                render_to_string("reminders/email_body.txt", context),
                [user.email],
            )
    except IntegrityError:  # already sent, by an earlier or a concurrent run
        return False
    return True


def send_reminders(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    offsets = sorted(settings.CPTS_REMINDER_OFFSETS)
    projects = list(Project.objects.exclude(state__in=CLOSED_STATES).select_related("departement"))
    by_id = {p.pk: p for p in projects}
    recipients = Recipients(projects)
    sent = 0
    for deadline in deadlines_for(projects):
        if not deadline.open:
            continue
        project = by_id[deadline.project_id]
        days_left = deadline.days_left(today)
        offset = offset_reached(days_left, offsets)
        if offset is not None:
            for user in recipients.for_deadline(deadline, project):
                sent += _send_once(deadline, offset, user, today)
        elif days_left < 0 and deadline.kind in MISSED_NOTICE_KINDS:
            for user in recipients.institution(ASSURANCE_MALADIE, project.departement_id):
                sent += _send_once(deadline, MISSED, user, today)
    logger.info("deadline reminders: %s sent", sent)
    return sent


def renew_feed(user) -> CalendarFeed:
    """The person's private calendar address, new: the old one stops working at once."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)  # two clicks: one feed, renewed twice
        feed = CalendarFeed.objects.filter(user=user).first()
        if feed is None:
            feed = CalendarFeed.objects.create(user=user)
            label = "Adresse privée du calendrier créée"
        else:
            feed.secret = new_secret()
            feed.save(update_fields=["secret"])
            label = "Adresse privée du calendrier renouvelée (l'ancienne ne fonctionne plus)"
        # Never the secret itself: the journal is not the place for a password.
        record(user, "reminders.feed", label, feed)
    return feed
