from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from audit.services import changes, record, snapshot
from common.errors import UserError

from . import approvals
from .models import ApiToken, Organisation, SignatureDelegation, User
from .tokens import revoke


class JournaledAdmin(admin.ModelAdmin):
    """Admin writes are journaled like the services' writes, in the admin's own transaction
    (Django runs the add and change forms and the deletions inside one)."""

    def _fields(self, form):
        # Plain columns only; the password never goes to the journal, even hashed.
        concrete = {f.name for f in self.model._meta.concrete_fields} - {"password"}
        return [name for name in form.changed_data if name in concrete]

    def save_model(self, request, obj, form, change):
        fields = self._fields(form)
        before = snapshot(type(obj).objects.get(pk=obj.pk), fields) if change else {}
        super().save_model(request, obj, form, change)
        verb = "modifié(e)" if change else "créé(e)"
        self._record(request, obj, verb, changes(before, snapshot(obj, fields)))

    def delete_model(self, request, obj):
        self._record(request, obj, "supprimé(e)")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record(request, obj, "supprimé(e)")
        super().delete_queryset(request, queryset)

    def _record(self, request, obj, verb, changed=None):
        opts = self.model._meta
        label = f"Administration : {opts.verbose_name} « {obj} » {verb}"
        record(request.user, f"admin.{opts.model_name}", label[:300], obj, changes=changed)


@admin.register(Organisation)
class OrganisationAdmin(JournaledAdmin):
    list_display = ("name", "kind", "region", "departement", "profession", "siret")
    list_filter = ("kind", "region")
    search_fields = ("name", "siret")


@admin.register(User)
class UserAdmin(JournaledAdmin, BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "organisation", "is_staff")
    list_filter = ("organisation__kind", "is_staff", "is_active", "approval")
    search_fields = (*BaseUserAdmin.search_fields, "rpps")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Organisation", {"fields": ("organisation", "is_organisation_admin", "rpps", "approval")}),
    )
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Organisation", {"fields": ("organisation",)}))
    readonly_fields = ("approval",)
    actions = ["approve_requests", "refuse_requests"]

    @admin.action(description="Valider les demandes de compte sélectionnées")
    def approve_requests(self, request, queryset):
        self._decide(request, queryset, approvals.approve)

    @admin.action(description="Refuser les demandes de compte sélectionnées")
    def refuse_requests(self, request, queryset):
        self._decide(request, queryset, approvals.refuse)

    def _decide(self, request, queryset, decide):
        for user in queryset:
            try:
                decide(request.user, user.pk)
            except UserError as exc:
                self.message_user(request, f"{user} : {exc}", messages.WARNING)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:  # changed
                self._record(request, self.get_object(request, id), "modifié(e) : mot de passe")
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Keys are created with `manage.py create_api_token` (shown once); here they are revoked,
    by the action, which journals it (the form itself changes nothing)."""

    list_display = ("name", "organisation", "prefix", "created_at", "last_used_on", "revoked_at")
    list_filter = ("organisation__kind",)
    search_fields = ("name", "organisation__name", "prefix")
    readonly_fields = (
        "name",
        "organisation",
        "prefix",
        "created_by",
        "created_at",
        "last_used_on",
        "revoked_at",
    )
    actions = ["revoke_keys"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Révoquer les clés sélectionnées")
    def revoke_keys(self, request, queryset):
        for token in queryset.select_related("organisation"):
            revoke(token, actor=request.user)


@admin.register(SignatureDelegation)
class SignatureDelegationAdmin(JournaledAdmin):
    """Named in the decision letters: kept by the administrators of the institutions."""

    list_display = ("user", "organisation", "quality", "delegated_by", "starts_on", "ends_on")
    list_filter = ("organisation__kind",)
    search_fields = ("user__last_name", "user__username", "organisation__name", "quality")
    autocomplete_fields = ("user",)
