"""PDF documents with legal weight, rendered by WeasyPrint from templates.

Acknowledgment of receipt (CRPA L.112-3, R.112-5), attestation of implicit validation (CRPA
L.232-3), committee minutes. They are rebuilt from the file's data on each request, so a
document always matches the history.
"""

import logging

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from .committees import decisions_after
from .states import DecisionKind, State

ACK_KINDS = ("li", "ps")
# WeasyPrint logs each rendering step at INFO: keep the application log readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _no_fetch(url, *args, **kwargs):
    """Documents are self-contained: nothing is fetched (no file://, no network)."""
    raise ValueError(f"Ressource externe refusée : {url}")


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, {**context, "issued_at": timezone.now()})
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def acknowledgment_context(project, kind: str) -> dict | None:
    """What the acknowledgment states; None while nothing was received."""
    if kind == "li":
        if project.li_submitted_at is None:
            return None
        return {
            "project": project,
            "kind": kind,
            "title": "Accusé de réception de la lettre d'intention",
            "received": timezone.localtime(project.li_submitted_at).date(),
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


def acknowledgment_pdf(project, kind: str) -> bytes | None:
    context = acknowledgment_context(project, kind)
    return render_pdf("projects/pdf/acknowledgment.html", context) if context else None


def implicit_event(project):
    return project.events.filter(
        transition="deem_ps_validated", decision_kind=DecisionKind.IMPLICIT
    ).last()


def implicit_attestation_pdf(project) -> bytes | None:
    event = implicit_event(project)
    if event is None:
        return None
    return render_pdf(
        "projects/pdf/implicit_attestation.html", {"project": project, "event": event}
    )


def minutes_pdf(committee) -> bytes:
    items = [
        {
            "project": p,
            "opinions": [o for o in committee.opinions.all() if o.project_id == p.pk],
            "decisions": list(decisions_after(committee, p)),
        }
        for p in committee.projects.all()
    ]
    return render_pdf("projects/pdf/minutes.html", {"committee": committee, "items": items})
