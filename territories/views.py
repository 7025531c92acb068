"""The commune search behind the as-you-type territory field."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import search
from .models import Epci


def _commune_json(commune) -> dict:
    return {
        "insee": commune.insee,
        "name": commune.name,
        "population": commune.population,
        "postal_codes": commune.postal_codes,
        "departement": commune.departement.code,
        "epci": commune.epci.name if commune.epci_id else "",
    }


@login_required
@require_GET
def commune_search(request):
    query = request.GET.get("q", "")
    communes = search.search_communes(query)
    epcis = search.search_epcis(query)
    return JsonResponse(
        {
            "communes": [_commune_json(c) for c in communes],
            "epcis": [
                {
                    "id": e.pk,
                    "name": e.name,
                    "url": reverse("territories:epci_communes", args=[e.pk]),
                }
                for e in epcis
            ],
        }
    )


@login_required
@require_GET
def epci_communes(request, pk):
    epci = get_object_or_404(Epci, pk=pk)
    communes = epci.communes.select_related("departement", "epci").order_by("name")
    return JsonResponse({"name": epci.name, "communes": [_commune_json(c) for c in communes]})
