from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django_fsm.admin import FSMAdminMixin

from common.admin import ReadOnlyMixin

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


class OppositionForm(ReasonForm):
    ground = forms.ChoiceField(label="Motif légal", choices=OppositionGround.choices)


class ItemsForm(forms.Form):
    items = forms.CharField(label="Pièces manquantes", widget=forms.Textarea)


class SignatureForm(forms.Form):
    signed_on = forms.DateField(label="Date de signature")


class MemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    raw_id_fields = ("user",)


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
        "request_li_changes": ReasonForm,
        "reject_li": ReasonForm,
        "oppose_ps": OppositionForm,
        "request_ps_items": ItemsForm,
        "sign_aci": SignatureForm,
        "abandon": ReasonForm,
    }
    list_display = ("name", "departement", "state", "taille", "ps_deadline")
    list_filter = ("state", "departement__region", "taille")
    search_fields = ("name",)
    list_select_related = ("departement",)
    raw_id_fields = ("communes",)
    readonly_fields = (
        "li_submitted_at",
        "li_decided_at",
        "ps_submitted_at",
        "ps_received_on",
        "ps_deadline",
        "ps_implicit_on",
        "ps_decided_on",
        "opposition_ground",
        "aci_signed_on",
    )
    inlines = [MemberInline, EventInline]

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None):
        # Route every admin transition through the business services (rules + history).
        try:
            services.run_action(obj, transition_name, request.user, **(kwargs or {}))
        except (services.WorkflowError, PermissionDenied) as err:
            self.message_user(request, str(err), level=messages.ERROR)
            return False
        self.message_user(request, "Action enregistrée.", level=messages.SUCCESS)
        return True


class RecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A record: readable, never added, edited or deleted through the admin."""


@admin.register(ProjectEvent)
class ProjectEventAdmin(RecordAdmin):
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
class IssuedDocumentAdmin(RecordAdmin):
    """Issued documents are a record: readable, never edited."""

    list_display = ("project", "kind", "reference", "issued_at", "sha256")
    list_filter = ("kind",)
    list_select_related = ("project",)


for model in (LetterOfIntent, HealthProject, Association, MissingItemsRequest, ProjectMember):
    admin.site.register(model)
