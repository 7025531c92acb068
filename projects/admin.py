from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django_fsm.admin import FSMAdminMixin

from common.admin import ReadOnlyAdmin

from . import services
from .models import (
    Association,
    HealthProject,
    IssuedDocument,
    LetterOfIntent,
    MissingItemsRequest,
    Project,
    ProjectEvent,
    ProjectMember,
)
from .states import OppositionGround


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Motif", widget=forms.Textarea)


class LetterDecisionForm(ReasonForm):
    """The admin decides an LI outside any committee: it says why (issue 15)."""

    without_committee = forms.CharField(label="Motif de la décision hors comité")


class LetterValidationForm(LetterDecisionForm):
    reason = forms.CharField(label="Observations", widget=forms.Textarea, required=False)


class OppositionForm(ReasonForm):
    ground = forms.ChoiceField(label="Motif légal", choices=OppositionGround.choices)


class ItemsForm(forms.Form):
    items = forms.CharField(label="Pièces manquantes (une par ligne)", widget=forms.Textarea)
    due_on = forms.DateField(label="À fournir au plus tard le")


class MemberInline(admin.TabularInline):
    """Members come and go through the services (creation, invitations), journaled."""

    model = ProjectMember
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = ProjectEvent
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in ProjectEvent._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(FSMAdminMixin, admin.ModelAdmin):
    fsm_fields = ["state"]
    fsm_forms = {
        "validate_li": LetterValidationForm,
        "request_li_changes": LetterDecisionForm,
        "reject_li": LetterDecisionForm,
        "oppose_ps": OppositionForm,
        "request_ps_items": ItemsForm,
        "abandon": ReasonForm,
        "close_without_follow_up": ReasonForm,
    }
    list_display = ("name", "departement", "state", "taille", "ps_deadline")
    list_filter = ("state", "departement__region", "taille")
    search_fields = ("name",)
    list_select_related = ("departement",)
    inlines = [MemberInline, EventInline]

    # Read here; changed only by the transitions below, through the services (journaled).
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Project._meta.fields if f.name != "id"] + ["communes"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only: nothing to save

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None):
        # Route every admin transition through the business services (rules + history).
        try:
            services.run_action(obj, transition_name, request.user, **(kwargs or {}))
        except (services.WorkflowError, PermissionDenied) as err:
            self.message_user(request, str(err), level=messages.ERROR)
            return False
        self.message_user(request, "Action enregistrée.", level=messages.SUCCESS)
        return True


@admin.register(ProjectEvent)
class ProjectEventAdmin(ReadOnlyAdmin):
    """Append-only: readable, never editable or deletable."""

    list_display = (
        "project",
        "transition",
        "source",
        "target",
        "actor",
        "decision_kind",
        "created_at",
    )
    list_filter = ("decision_kind", "transition")
    list_select_related = ("project", "actor")


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    """Issued documents are a record: readable, never edited."""

    list_display = ("project", "kind", "reference", "issued_at", "sha256")
    list_filter = ("kind",)
    list_select_related = ("project",)


# Written by the leaders' and the ARS's services only, which journal every change.
for model in (LetterOfIntent, HealthProject, Association, MissingItemsRequest, ProjectMember):
    admin.site.register(model, ReadOnlyAdmin)
