from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, Organisation, User
from .tokens import revoke


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "departement", "profession")
    list_filter = ("kind", "region")
    search_fields = ("name",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "organisation", "is_staff")
    list_filter = ("organisation__kind", "is_staff", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Organisation", {"fields": ("organisation",)}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Organisation", {"fields": ("organisation",)}))


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
