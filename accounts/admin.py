from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Organisation, User


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
