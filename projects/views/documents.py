"""Documents issued to the file: acknowledgments, decision letters, attestation."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .. import documents
from ..models import DocumentKind
from .base import _project, _stored_pdf

# The decision letters by their address (…/decision/<kind>.pdf).
DECISION_LETTERS = {
    "li": DocumentKind.LI_DECISION,
    "ps": DocumentKind.PS_DECISION,
    "pieces": DocumentKind.MISSING_ITEMS,
    "classement": DocumentKind.CLOSING,
}


def _issued(request, pk, kind, filename):
    """The stored copy of a document issued to the file. A task issues it after the transition
    that calls for it: until then, a page saying it is being prepared (nothing written on GET)."""
    project = _project(request, pk)
    due, document = documents.stored(project, kind)
    if not due:
        raise Http404("Ce document n'a pas encore lieu d'être délivré.")
    if document is None:
        return render(request, "projects/document_pending.html", {"project": project}, status=404)
    return _stored_pdf(document.file, filename)


@login_required
def acknowledgment(request, pk, kind):
    project = _project(request, pk)
    context = documents.acknowledgment_context(project, kind)
    if context is None:
        raise Http404("Rien n'a encore été reçu.")
    return render(request, "projects/acknowledgment.html", context)


@login_required
def acknowledgment_pdf(request, pk, kind):
    kinds = {"li": DocumentKind.ACK_LI, "ps": DocumentKind.ACK_PS}
    if kind not in kinds:
        raise Http404
    return _issued(request, pk, kinds[kind], f"accuse-reception-{kind}-{pk}.pdf")


@login_required
def implicit_attestation_pdf(request, pk):
    return _issued(request, pk, DocumentKind.IMPLICIT_ATTESTATION, f"attestation-{pk}.pdf")


@login_required
def decision_letter_pdf(request, pk, kind):
    if kind not in DECISION_LETTERS:
        raise Http404
    return _issued(request, pk, DECISION_LETTERS[kind], f"decision-{kind}-{pk}.pdf")
