"""E-mail notifications to the people concerned by a project.

Mails are written to the outbox in the action's transaction, so a rolled-back action never
mails anyone, the request never waits for the mail server, and none is lost while the broker or
the mail server is down (`outbox.services`). Transitions queue `notify_events`
(one task for a whole batch of the sweep), which computes the recipients in the worker.
"""

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.mail import queue_mail
from accounts.models import ARS_KINDS, DEPARTEMENTAL_KINDS, OrganisationKind, covering_q
from outbox.services import enqueue_mail

from .models import ProjectEvent
from .states import State

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_notification(subject: str, body: str, recipients: list[str]) -> None:
    """Tasks queued before the outbox existed still reach their recipients through it."""
    enqueue_mail(subject, body, recipients)


def leader_emails(project) -> set[str]:
    return set(
        get_user_model()
        .objects.filter(memberships__project=project, is_active=True)
        .values_list("email", flat=True)
    )


def institution_emails(project, kinds=None) -> set[str]:
    """People of the institutions that act on the project's territory (optionally some kinds)."""
    scope = covering_q(project.departement, "organisation__")
    qs = get_user_model().objects.filter(scope, is_active=True)
    if kinds is not None:
        qs = qs.filter(organisation__kind__in=kinds)
    return set(qs.values_list("email", flat=True))


def ars_emails(project) -> set[str]:
    return institution_emails(project, ARS_KINDS)


def informed_emails(project) -> set[str]:
    """The ARS délégations of the territory's other départements: informed, not in charge."""
    others = (
        project.communes.exclude(departement_id=project.departement_id)
        .values("departement_id")
        .distinct()
    )
    return set(
        get_user_model()
        .objects.filter(
            is_active=True,
            organisation__kind=OrganisationKind.ARS_DD,
            organisation__departement_id__in=others,
        )
        .values_list("email", flat=True)
    )


def notify_routing_change(project, previous, previous_still_in_territory: bool) -> None:
    """The département principal changed after the LI was filed: the file moves to another
    délégation and CPAM. The leaders and the départemental institutions of both are told."""
    staff = get_user_model().objects.filter(
        is_active=True,
        organisation__kind__in=DEPARTEMENTAL_KINDS,
        organisation__departement__in=[previous, project.departement],
    )
    body = render_to_string(
        "emails/routing.txt",
        {
            "project": project,
            "previous": previous,
            "previous_still_in_territory": previous_still_in_territory,
            "url": project_url(project),
        },
    )
    queue_mail(
        f"{project.name} : instruit désormais en {project.departement}",
        body,
        leader_emails(project) | set(staff.values_list("email", flat=True)),
    )


def project_url(project) -> str:
    return reverse("projects:detail", args=[project.pk])


def notify_transition(project, source: str, target: str) -> None:
    body = render_to_string(
        "emails/transition.txt",
        {
            "project": project,
            "source": State(source).label,
            "target": State(target).label,
            "url": project_url(project),
        },
    )
    queue_mail(
        f"{project.name} : {State(target).label}",
        body,
        leader_emails(project) | institution_emails(project) | informed_emails(project),
    )


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=8,
)
def notify_events(event_ids: list[int]) -> int:
    """Mail the people concerned by each transition (queued on commit by `apply_transition`).
    The batch's mails (one per person and event) are written in one transaction: a retry after
    a database error writes them again from scratch, never twice."""
    events = (
        ProjectEvent.objects.filter(pk__in=event_ids)
        .select_related("project__departement")
        .order_by("pk")
    )
    with transaction.atomic():
        for event in events:
            notify_transition(event.project, event.source, event.target)
    return len(events)


def notify_opinion(opinion) -> None:
    project = opinion.project
    body = render_to_string(
        "emails/opinion.txt", {"opinion": opinion, "project": project, "url": project_url(project)}
    )
    queue_mail(
        f"{project.name} : avis {opinion.get_institution_display()}",
        body,
        leader_emails(project) | ars_emails(project),
    )


def notify_committee(committee) -> None:
    """Convene the member institutions (the whole agenda) and the leaders of each project on
    the agenda (their own project only: one mail per project, never another's name)."""
    seats = committee.participants.select_related("organisation")
    participants = sorted(seats, key=lambda m: m.seat != "organisation")  # organisations first
    context = {
        "committee": committee,
        "participants": participants,
        "url": reverse("projects:committee", args=[committee.pk]),
    }
    subject = f"Convocation : {committee}"
    agenda = list(committee.projects.select_related("departement"))
    organisations = [m.organisation_id for m in participants if m.organisation_id]
    members = set(
        get_user_model()
        .objects.filter(organisation__in=organisations, is_active=True)
        .values_list("email", flat=True)
    )
    body = render_to_string("emails/committee.txt", {**context, "agenda": agenda})
    queue_mail(subject, body, members)
    for project in agenda:
        body = render_to_string(
            "emails/committee.txt", {**context, "agenda": [project], "extract": True}
        )
        queue_mail(subject, body, leader_emails(project) - members)


def notify_message(message) -> None:
    project = message.project
    leaders = leader_emails(project)
    # The other side of the thread is told: leaders when the ARS writes, the ARS otherwise.
    to = ars_emails(project) if message.author.email in leaders else leaders
    body = render_to_string(
        "emails/message.txt",
        {
            "message": message,
            "project": project,
            "url": reverse("projects:messages", args=[project.pk]),
        },
    )
    queue_mail(f"{project.name} : nouveau message", body, to - {message.author.email})


def notify_invitation(invitation, accept_url: str) -> None:
    body = render_to_string(
        "emails/invitation.txt", {"invitation": invitation, "accept_url": accept_url}
    )
    queue_mail(f"Invitation à co-porter {invitation.project.name}", body, [invitation.email])
