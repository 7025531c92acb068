"""Model choice fields whose choices are read with one plain query.

Django lists a ModelChoiceField's choices with `QuerySet.iterator()`, which on PostgreSQL opens
a server-side cursor (DECLARE, FETCH, CLOSE: three round trips) for lists of a few rows; the
committee page paid that for each of its forms. The field's queryset is a fresh copy per form,
so reading it whole is as current as Django's way.
"""

from django import forms
from django.forms.models import ModelChoiceIterator


class ListedChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        listed = self.field.listed
        for obj in self.queryset.all() if listed is None else listed:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator
    # The queryset's rows when the page has read them already: shown without a query (what is
    # posted is still checked against the queryset).
    listed = None


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator
    listed = None
