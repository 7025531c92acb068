"""PDF documents with legal weight, rendered by WeasyPrint from templates.

Acknowledgment of receipt (CRPA L.112-3, R.112-5), decision letters on the LI and the PS,
attestation of implicit validation (CRPA L.232-3), committee minutes. Documents issued to a
file are stored once (`IssuedDocument`) with their SHA-256; rendering them again from the same
data and issue date gives the same bytes (`reproduce`), which the tests check.

Transitions queue `issue_documents` on commit; pages only serve what is stored (`stored`).
"""

import hashlib

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.signatories import signatory
from common.pdf import render_pdf

from .committees import minutes_items, participants
from .deadlines import li_implicit_decision_date
from .models import DocumentKind, IssuedDocument, Project
from .states import DecisionKind, State

ACK_KINDS = ("li", "ps")


def acknowledgment_context(project, kind: str) -> dict | None:
    """What the acknowledgment states; None while nothing was received."""
    if kind == "li":
        if project.li_submitted_at is None:
            return None
        received = timezone.localtime(project.li_submitted_at).date()
        return {
            "project": project,
            "kind": kind,
            "title": "Accusé de réception de la lettre d'intention",
            "received": received,
            "li_implicit_on": li_implicit_decision_date(received),
        }
    if kind == "ps":
        if project.ps_submitted_at is None:
            return None
        return {
            "project": project,
            "kind": kind,
            "title": "Accusé de réception du projet de santé",
            "received": project.ps_received_on,
            "submitted": timezone.localtime(project.ps_submitted_at).date(),
            "deadline": project.ps_deadline,
            "implicit_on": project.ps_implicit_on,
            "incomplete": project.state == State.PS_INCOMPLET,
            "item_request": project.item_requests.first(),
        }
    return None


def implicit_event(project):
    return project.events.filter(
        transition="deem_ps_validated", decision_kind=DecisionKind.IMPLICIT
    ).last()


def minutes_pdf(committee, projects=None) -> bytes:
    """The minutes of the whole agenda; with `projects`, an extract naming only those (what a
    project leader receives: never another project's item or opinions)."""
    extract = projects is not None
    agenda = list(committee.projects.all() if projects is None else projects)
    return render_pdf(
        "projects/pdf/minutes.html",
        {
            "committee": committee,
            "items": minutes_items(committee, agenda),
            "participants": participants(committee),
            "documents": committee.documents.filter(
                Q(project__isnull=True) | Q(project__in=agenda)
            ),
            "extract": extract,
        },
        committee.closed_at,  # issued when closed; a draft until then
    )


# --- Documents issued to the file ----------------------------------------------------------

LI_DECISIONS = ("validate_li", "request_li_changes", "reject_li")
PS_DECISIONS = ("validate_ps", "oppose_ps")
# Each decision letter and the transitions it documents (a new decision: a new letter).
DECISION_LETTERS = {
    DocumentKind.LI_DECISION: LI_DECISIONS,
    DocumentKind.PS_DECISION: PS_DECISIONS,
    DocumentKind.MISSING_ITEMS: ("request_ps_items",),
    DocumentKind.CLOSING: ("close_without_follow_up",),
}


def _decision(project, transitions, reference=None):
    events = project.events.filter(transition__in=transitions).select_related(
        "actor", "organisation"
    )
    return events.filter(pk=reference).first() if reference else events.order_by("pk").last()


# Documents of other apps (the signed ACI contract): kind -> source(project, reference).
EXTRA_SOURCES = {}


def register_source(kind, source) -> None:
    EXTRA_SOURCES[kind] = source


def _source(project, kind, reference=None):
    """(reference, template, context) of document `kind` of the project; None if not due.

    Without `reference`, the current one (the latest receipt or decision).
    """
    if kind in EXTRA_SOURCES:
        return EXTRA_SOURCES[kind](project, reference)
    if kind in (DocumentKind.ACK_LI, DocumentKind.ACK_PS):
        ack = "li" if kind == DocumentKind.ACK_LI else "ps"
        context = acknowledgment_context(project, ack)
        if context is None:
            return None
        submitted = project.li_submitted_at if ack == "li" else project.ps_submitted_at
        current = f"{submitted:%Y%m%dT%H%M%S}-{context['received'] or 'incomplet'}"
        if reference not in (None, current):
            return None  # a superseded receipt: its stored copy is the record
        return current, "projects/pdf/acknowledgment.html", context
    if kind == DocumentKind.IMPLICIT_ATTESTATION:
        event = implicit_event(project)
        template = "projects/pdf/implicit_attestation.html"
    else:
        event = _decision(project, DECISION_LETTERS[kind], reference)
        template = "projects/pdf/decision_letter.html"
    if event is None:
        return None
    return str(event.pk), template, decision_context(project, event, kind)


def decision_context(project, event, kind) -> dict:
    """What a decision letter states: the decision, its signatory (name, quality, delegation
    valid on the decision's day), and for a request for items the items and their due date."""
    decided_on = timezone.localtime(event.created_at).date()
    context = {
        "project": project,
        "event": event,
        "kind": kind,
        "decided_on": decided_on,
        "signatory": signatory(event.actor, event.organisation, decided_on),
    }
    if kind == DocumentKind.MISSING_ITEMS:
        asked = project.item_requests.filter(requested_at__gte=event.created_at)
        request = asked.order_by("requested_at", "pk").first()
        items = getattr(request, "items", None) or event.reason
        if hasattr(items, "all"):  # a list of items rather than one text
            items = "\n".join(str(item) for item in items.all())
        context["items"] = items
        # The due date belongs to the missing-items rules (another module): used when present.
        context["items_due_on"] = getattr(request, "due_on", None)
    return context


def stored(project, kind) -> tuple[bool, IssuedDocument | None]:
    """Whether the file calls for document `kind` now, and its stored copy if already issued."""
    source = _source(project, kind)
    if source is None:
        return False, None
    return True, IssuedDocument.objects.filter(
        project=project, kind=kind, reference=source[0]
    ).first()


def issue(project, kind) -> IssuedDocument | None:
    """The stored document `kind` for the project as it is now, issued if not yet stored."""
    source = _source(project, kind)
    if source is None:
        return None
    reference, template, context = source
    existing = IssuedDocument.objects.filter(project=project, kind=kind, reference=reference)
    if document := existing.first():
        return document
    issued_at = timezone.now()
    content = render_pdf(template, context, issued_at)
    document = IssuedDocument(
        project=project,
        kind=kind,
        reference=reference,
        sha256=hashlib.sha256(content).hexdigest(),
        issued_at=issued_at,
    )
    document.file.save(f"{kind}-{project.pk}-{reference}.pdf", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:  # issued at the same moment by another request: keep theirs
        document.file.delete(save=False)
        return existing.get()
    return document


def reproduce(document: IssuedDocument) -> bytes | None:
    """Render the document again from the file's data and its issue date."""
    source = _source(document.project, document.kind, document.reference)
    if source is None:
        return None
    _, template, context = source
    return render_pdf(template, context, document.issued_at)


def issue_all(project) -> list[IssuedDocument]:
    """Issue every document the project's file now calls for (after each transition)."""
    return [doc for kind in DocumentKind if (doc := issue(project, kind)) is not None]


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=8,
)
def issue_documents(project_ids: list[int]) -> int:
    """Issue the documents the files now call for (queued on commit by each transition).

    Idempotent: a document already stored for its reference is kept, so a re-delivered task
    only renders what is missing."""
    projects = Project.objects.filter(pk__in=project_ids).select_related("departement__region")
    return sum(len(issue_all(project)) for project in projects.order_by("pk"))
