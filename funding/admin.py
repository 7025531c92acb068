"""Funding in the admin: Assurance Maladie staff correct the grids through the services that
journal them, while no started contract year is paid on them (`grid_freeze`); every other
funding row (contracts, avenants, signatures) is written on the portal's pages and only read
here."""

from django import forms
from django.contrib import admin

from common.admin import ReadOnlyMixin

from . import grid_edits
from .base import FundingError
from .grid_freeze import check_editable, check_new_validity, frozen_codes
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
        if obj is not None and _grid_code(obj) in frozen_codes():
            return False  # frozen: read-only, corrections go to a new version
        return can_edit_grids(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _grid_code(obj) in frozen_codes():
            return False
        return can_delete_grids(request.user) and super().has_delete_permission(request, obj)


def _grid_code(obj) -> str:
    return obj.code if isinstance(obj, GridVersion) else obj.grid.code


class GridVersionForm(forms.ModelForm):
    """The service's refusals as form errors: a frozen version, a date reaching back."""

    def clean(self):
        data = super().clean()
        stored = GridVersion.objects.filter(pk=self.instance.pk).first()
        try:
            if stored is not None:
                check_editable(stored.code)
            valid_from = data.get("valid_from")
            if valid_from and (stored is None or stored.valid_from != valid_from):
                check_new_validity(valid_from)
        except FundingError as error:
            raise forms.ValidationError(str(error)) from error
        return data


class GridCellForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        stored = GridCell.objects.filter(pk=self.instance.pk).select_related("grid").first()
        grids = {stored.grid if stored else None, data.get("grid")}
        try:
            for grid in grids - {None}:
                check_editable(grid.code)
        except FundingError as error:
            raise forms.ValidationError(str(error)) from error
        return data


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
    form = GridCellForm
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
    form = GridVersionForm
    list_display = (
        "code",
        "label",
        "valid_from",
        "valid_from_to_confirm",
        "majoration_rate",
        "majoration_to_confirm",
        "versioning",
    )
    readonly_fields = ("versioning",)
    inlines = [GridCellInline]
    save_row = staticmethod(grid_edits.save_version)
    delete_row = staticmethod(grid_edits.delete_version)

    @admin.display(description="versionnement")
    def versioning(self, obj):
        if obj is not None and obj.pk and obj.code in frozen_codes():
            return (
                "Figée : elle paie des années de contrat commencées. Une correction est une "
                "nouvelle version, en vigueur à une date à venir."
            )
        return "Modifiable : aucune année de contrat commencée n'est payée sur cette version."

    def save_formset(self, request, form, formset, change):
        _save_inlines(formset, request.user, grid_edits.save_cell, grid_edits.delete_cell)


@admin.register(GridCell)
class GridCellAdmin(GridAdmin):
    list_display = ("grid", "mission", "part", "size", "amount", "to_confirm", "source")
    list_filter = ("grid", "part", "size", "to_confirm")
    list_editable = ("amount", "to_confirm")
    search_fields = ("mission", "source")
    form = GridCellForm
    save_row = staticmethod(grid_edits.save_cell)
    delete_row = staticmethod(grid_edits.delete_cell)

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=GridCellForm, **kwargs)


class ContractMissionInline(ReadOnlyMixin, admin.TabularInline):
    model = ContractMission
    extra = 0


class AvenantInline(ReadOnlyMixin, admin.TabularInline):
    """Avenants are proposed and signed on the contract page (funding.avenants)."""

    model = ContractAvenant
    extra = 0
    fields = ("number", "summary", "effective_on", "signed_on")


@admin.register(Contract)
class ContractAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Creation, signatures, missions, avenants and termination go through the contract page's
    services: read here."""

    list_display = ("project", "size", "members", "grid", "signed_on", "terminated_on")
    list_select_related = ("project", "grid")
    inlines = [ContractMissionInline, AvenantInline]


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
