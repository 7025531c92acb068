"""Serious sanitary crises: declared by the ARS on its territory (after a confirmation step:
a declaration cannot be undone), listed for it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from common.messages import attempt

from .. import crises as services
from ..forms import CrisisForm
from ..permissions import can_declare_crisis, visible_crises


@login_required
def crises(request):
    if not can_declare_crisis(request.user):
        raise PermissionDenied("Seule l'ARS caractérise une crise sanitaire grave.")
    form = CrisisForm(request.POST or None, user=request.user)

    def declare():
        d = form.cleaned_data
        services.declare_crisis(
            request.user,
            declared_on=d["declared_on"],
            label=d["label"],
            region=form.region if d.get("whole_region") else None,
            departements=list(d["departements"]),
        )

    declared = "Crise sanitaire grave déclarée."
    if request.method == "POST" and form.is_valid():
        if not request.POST.get("confirmed"):  # a declaration is final: a confirmation first
            return render(request, "funding/crisis_confirm.html", {"form": form})
        if attempt(request, declare, declared):
            return redirect("funding:crises")
    ctx = {"form": form, "crises": visible_crises(request.user)}
    return render(request, "funding/crises.html", ctx)
