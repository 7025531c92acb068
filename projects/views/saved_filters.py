"""Saving and removing the dashboard's filters (POST only; the list shows on the dashboard)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from common.messages import attempt

from .. import saved_filters


@login_required
@require_POST
def save(request):
    query = request.POST.get("query", "")
    name = request.POST.get("name", "")
    attempt(
        request,
        lambda: saved_filters.save_filter(request.user, name, query),
        "Filtre enregistré.",
    )
    return redirect(_dashboard(saved_filters.clean_query(query)))


@login_required
@require_POST
def delete(request, pk):
    attempt(request, lambda: saved_filters.delete_filter(request.user, pk), "Filtre supprimé.")
    return redirect("projects:list")


def _dashboard(query: str) -> str:
    return reverse("projects:list") + (f"?{query}" if query else "")
