"""The upload page of the existing CPTS, for the ARS siège and the administrators: the file is
checked and previewed with every error, then imported on confirmation without uploading it again.

The checked file waits in the person's session (server side, in the database) under a random
token: only who uploaded it can confirm it, and the confirmation checks it again from scratch
(the portal may have changed meanwhile)."""

import base64
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from common.errors import UserError
from projects.existing import may_import

from ..reprise import COLUMNS, MAX_BYTES, TOO_LARGE, ImportRefused, import_file

SESSION_KEY = "reprise_pending"


class UploadForm(forms.Form):
    file = forms.FileField(label="Fichier CSV (; ou ,) ou XLSX")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        return upload


def _allowed(request) -> None:
    if not may_import(request.user):
        raise PermissionDenied("La reprise de l'existant est réservée à l'ARS (siège).")


def _page(request, **context):
    context.setdefault("form", UploadForm())
    return render(request, "funding/reprise.html", {"columns": list(COLUMNS), **context})


@login_required
def reprise(request):
    _allowed(request)
    if request.method != "POST":
        return _page(request)
    if "token" in request.POST:
        return _confirm(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form)
    upload = form.cleaned_data["file"]
    content, name = upload.read(), (upload.name or "fichier")[-120:]
    request.session.pop(SESSION_KEY, None)
    try:
        report = import_file(content, name, request.user, dry_run=True)
    except ImportRefused as refused:
        return _page(request, errors=refused.errors, filename=name)
    except UserError as error:
        return _page(request, errors=[str(error)], filename=name)
    token = secrets.token_urlsafe(24)
    request.session[SESSION_KEY] = {
        "token": token,
        "name": name,
        "content": base64.b64encode(content).decode(),
    }
    return _page(request, report=report, token=token)


def _confirm(request):
    pending = request.session.get(SESSION_KEY) or {}
    given = request.POST["token"].encode()
    if not pending or not secrets.compare_digest(pending["token"].encode(), given):
        messages.error(request, "Ce fichier n'est plus en attente : déposez-le de nouveau.")
        return redirect("funding:reprise")
    content = base64.b64decode(pending["content"])
    try:
        report = import_file(content, pending["name"], request.user)
    except ImportRefused as refused:
        return _page(request, errors=refused.errors, filename=pending["name"])
    except UserError as error:
        return _page(request, errors=[str(error)], filename=pending["name"])
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        f"{len(report.new)} CPTS importée(s), {len(report.unchanged)} déjà présente(s) "
        "laissée(s) inchangée(s).",
    )
    return redirect("funding:reprise")
