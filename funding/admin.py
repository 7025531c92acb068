from django.contrib import admin

from .models import (
    Contract,
    ContractAvenant,
    ContractMission,
    CrisisDeclaration,
    FirGrant,
    GridCell,
    GridVersion,
    Indicator,
    IndicatorResult,
    PreAciSupport,
)


class AssuranceMaladieEditsMixin:
    """Grids are Assurance Maladie data: other staff may read them, not change them."""

    def _may_edit(self, request):
        return request.user.is_superuser or request.user.is_assurance_maladie

    def has_add_permission(self, request, *args):
        return self._may_edit(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class GridCellInline(AssuranceMaladieEditsMixin, admin.TabularInline):
    model = GridCell
    extra = 0
    fields = ("mission", "part", "size", "amount", "to_confirm", "source", "signed_before")


@admin.register(GridVersion)
class GridVersionAdmin(AssuranceMaladieEditsMixin, admin.ModelAdmin):
    list_display = ("code", "label", "valid_from", "majoration_rate", "majoration_to_confirm")
    inlines = [GridCellInline]


@admin.register(GridCell)
class GridCellAdmin(AssuranceMaladieEditsMixin, admin.ModelAdmin):
    list_display = ("grid", "mission", "part", "size", "amount", "to_confirm", "source")
    list_filter = ("grid", "part", "size", "to_confirm")
    list_editable = ("amount", "to_confirm")
    search_fields = ("mission", "source")


class ContractMissionInline(admin.TabularInline):
    model = ContractMission
    extra = 0


class AvenantInline(admin.TabularInline):
    model = ContractAvenant
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("project", "size", "members", "grid", "signed_on", "terminated_on")
    list_select_related = ("project", "grid")
    # Signatures go through the service (it moves the project to "ACI signé").
    readonly_fields = ("cpts_signed_on", "cpam_signed_on", "ars_signed_on", "signed_on", "grid")
    raw_id_fields = ("project",)
    inlines = [ContractMissionInline, AvenantInline]


class IndicatorResultInline(admin.TabularInline):
    model = IndicatorResult
    extra = 0
    raw_id_fields = ("entered_by",)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("label", "mission", "weight")
    raw_id_fields = ("mission",)
    inlines = [IndicatorResultInline]


@admin.register(CrisisDeclaration)
class CrisisDeclarationAdmin(admin.ModelAdmin):
    list_display = ("label", "declared_on", "region", "declared_by")
    raw_id_fields = ("declared_by",)


@admin.register(PreAciSupport)
class PreAciSupportAdmin(admin.ModelAdmin):
    list_display = ("project", "granted_on", "amount", "ps_due_on")
    raw_id_fields = ("project", "granted_by")


@admin.register(FirGrant)
class FirGrantAdmin(admin.ModelAdmin):
    list_display = ("project", "granted_on", "amount")
    raw_id_fields = ("project", "granted_by")
