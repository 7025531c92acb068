"""Funding in the admin: Assurance Maladie staff correct the grids and record avenants, through the
services that journal them; every other funding row is written on the portal's pages and only
read here."""

from django.contrib import admin

from common.admin import ReadOnlyMixin

from . import grid_edits, services
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
    Milestone,
    PaymentRecord,
    PreAciSupport,
    YearEvaluation,
)
from .permissions import can_delete_grids, can_edit_grids


class GridEditsMixin:
    """Grids are Assurance Maladie data: other staff may read them, not change them."""

    def has_add_permission(self, request, *args):
        return can_edit_grids(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return can_edit_grids(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_delete_grids(request.user) and super().has_delete_permission(request, obj)


def _save_inlines(formset, user, save, delete=None):
    """An inline formset's rows through the services (added, changed, deleted). Without `save`
    the inline is read-only: nothing is written, the admin still reads what was posted."""
    rows = formset.save(commit=False)
    if save is None:
        return
    for row in formset.deleted_objects:
        delete(row, user)  # only inlines that allow deletion have deleted rows
    for row in rows:
        save(row, user)
    formset.save_m2m()


class GridCellInline(GridEditsMixin, admin.TabularInline):
    model = GridCell
    extra = 0
    fields = ("mission", "part", "size", "amount", "to_confirm", "source", "signed_before")


class GridAdmin(GridEditsMixin, admin.ModelAdmin):
    """Saves and deletions through the grid services that journal them (`save_row`,
    `delete_row`), list edits and bulk deletions included."""

    save_row = delete_row = None

    def save_model(self, request, obj, form, change):
        self.save_row(obj, request.user)

    def delete_model(self, request, obj):
        self.delete_row(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_row(obj, request.user)


@admin.register(GridVersion)
class GridVersionAdmin(GridAdmin):
    list_display = ("code", "label", "valid_from", "majoration_rate", "majoration_to_confirm")
    inlines = [GridCellInline]
    save_row = staticmethod(grid_edits.save_version)
    delete_row = staticmethod(grid_edits.delete_version)

    def save_formset(self, request, form, formset, change):
        _save_inlines(formset, request.user, grid_edits.save_cell, grid_edits.delete_cell)


@admin.register(GridCell)
class GridCellAdmin(GridAdmin):
    list_display = ("grid", "mission", "part", "size", "amount", "to_confirm", "source")
    list_filter = ("grid", "part", "size", "to_confirm")
    list_editable = ("amount", "to_confirm")
    search_fields = ("mission", "source")
    save_row = staticmethod(grid_edits.save_cell)
    delete_row = staticmethod(grid_edits.delete_cell)


class ContractMissionInline(ReadOnlyMixin, admin.TabularInline):
    model = ContractMission
    extra = 0


class AvenantInline(admin.TabularInline):
    """Avenants are entered here (no page yet), through the service that journals them."""

    model = ContractAvenant
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("project", "size", "members", "grid", "signed_on", "terminated_on")
    list_select_related = ("project", "grid")
    # Creation, signatures, missions and termination go through the contract page's services.
    readonly_fields = [
        field.name for field in Contract._meta.fields if field.name not in ("id", "created_at")
    ]
    inlines = [ContractMissionInline, AvenantInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only: only the avenants inline is saved

    def save_formset(self, request, form, formset, change):
        avenants = formset.model is ContractAvenant  # the missions inline is read-only
        _save_inlines(formset, request.user, services.save_avenant if avenants else None)


class IndicatorResultInline(ReadOnlyMixin, admin.TabularInline):
    model = IndicatorResult
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("label", "mission", "weight")
    inlines = [IndicatorResultInline]


@admin.register(CrisisDeclaration)
class CrisisDeclarationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("label", "declared_on", "region", "declared_by")


@admin.register(PreAciSupport)
class PreAciSupportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("project", "granted_on", "amount", "ps_due_on")


@admin.register(FirGrant)
class FirGrantAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("project", "granted_on", "amount")


# The contract's life is written on its pages (evaluations, payments, milestones): read here.
@admin.register(YearEvaluation)
class YearEvaluationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("contract", "year", "status", "closed_at", "balance")
    list_select_related = ("contract__project",)


@admin.register(PaymentRecord)
class PaymentRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("contract", "year", "kind", "due_on", "paid_on", "amount")
    list_select_related = ("contract__project",)


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("contract", "kind", "mission", "year", "done_on", "done_by")
    list_select_related = ("contract__project", "done_by")
