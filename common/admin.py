"""What several apps' admins share (`common` is no Django app: nothing here is registered).

`AdminSite` is the portal's admin site (`cpts_portal.admin_app` makes it Django's default
`admin.site`): every ModelAdmin registered on it, ours and the libraries', and their inlines,
speak French in their selects, « Choisir… » rather than Django's « --------- », and their list
filters offer « Tous »."""

from functools import cache

from django import forms
from django.contrib import admin
from django.db.models import BLANK_CHOICE_DASH
from django.utils.choices import BlankChoiceIterator
from django.utils.translation import gettext

from .labels import ALL, CHOOSE

DASHES = BLANK_CHOICE_DASH[0][1]  # "---------"


def choose_placeholder(field):
    """`field` (a form field, or None) with « Choisir… » as its empty choice."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = CHOOSE
    elif isinstance(field, forms.ChoiceField):
        choices = field.choices
        if isinstance(choices, BlankChoiceIterator):  # a model field's choices, kept lazy
            if list(choices.blank_choice) == BLANK_CHOICE_DASH:
                field.choices = BlankChoiceIterator(choices.choices, [("", CHOOSE)])
        elif isinstance(choices, list):
            field.choices = [
                (value, CHOOSE if value == "" and label == DASHES else label)
                for value, label in choices
            ]
    if field is not None and isinstance(field.widget, forms.NullBooleanSelect):
        field.widget.choices = [
            ("unknown", CHOOSE) if value == "unknown" else (value, label)
            for value, label in field.widget.choices
        ]
    return field


class ChoosePlaceholderMixin:
    """For ModelAdmins and inlines: every form field built from a model field."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return choose_placeholder(super().formfield_for_dbfield(db_field, request, **kwargs))


class FrenchChoicesMixin(ChoosePlaceholderMixin):
    """For ModelAdmins: their forms, their inlines, the action select and the list filters."""

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        return [_with(inline, ChoosePlaceholderMixin) for inline in inlines]

    def get_action_choices(self, request, default_choices=None):
        return super().get_action_choices(request, default_choices=[("", CHOOSE)])

    def get_changelist(self, request, **kwargs):
        return _french_changelist(super().get_changelist(request, **kwargs))


@cache
def _with(cls, mixin):
    """`cls` with `mixin` first in its bases (`cls` itself when it has it already)."""
    if issubclass(cls, mixin):
        return cls
    attrs = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
    return type(cls.__name__, (mixin, cls), attrs)


@cache
def _french_changelist(changelist):
    class FrenchChangeList(changelist):
        def get_filters(self, request):
            specs, *rest = super().get_filters(request)
            for spec in specs:
                spec.choices = _all_in_french(spec.choices)
            return (specs, *rest)

    return FrenchChangeList


def _all_in_french(choices):
    def french(changelist):
        everything = gettext("All")  # Django's « Tout »
        for choice in choices(changelist):
            if choice.get("display") == everything:
                choice = {**choice, "display": ALL}
            yield choice

    return french


class AdminSite(admin.AdminSite):
    """Every ModelAdmin registered here gets `FrenchChoicesMixin`, whoever wrote it."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = _with(admin_class or admin.ModelAdmin, FrenchChoicesMixin)
        super().register(model_or_iterable, admin_class, **options)


class ReadOnlyMixin:
    """Readable, never added, edited or deleted here: the application's services write these
    rows (and journal them), or a loader imports them. Works for inlines too."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass
