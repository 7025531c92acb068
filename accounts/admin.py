from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from common.errors import UserError

from . import approvals
from .models import ApiToken, Organisation, User
from .tokens import revoke


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "departement", "profession", "siret")
    list_filter = ("kind", "region")
    search_fields = ("name", "siret")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Keys are created with `manage.py create_api_token` (shown once); here they are revoked."""

    list_display = ("name", "organisation", "prefix", "created_at", "last_used_on", "revoked_at")
    list_filter = ("organisation__kind",)
    search_fields = ("name", "organisation__name", "prefix")
    readonly_fields = ("organisation", "prefix", "created_by", "created_at", "last_used_on")
    fields = ("name", *readonly_fields, "revoked_at")
    actions = ["revoke_keys"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Révoquer les clés sélectionnées")
    def revoke_keys(self, request, queryset):
        for token in queryset:
            revoke(token)
