"""The Python-written selects, radio options, inputs and django-dsfr snippets are the
templates' markup, byte for byte."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates
from dsfr.widgets import InlineRadioSelect

from common.form_renderer import FormRenderer

pytestmark = pytest.mark.rules

CHOICES = [
    ("", "Choisir…"),
    (1, "Un"),
    ("a&b", 'Guillemets " et <balises>'),
    ("Groupe <1>", [("x", "Dans le groupe"), ("y", "Autre")]),
    (None, "Aucun"),
]


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    required = forms.ChoiceField(choices=CHOICES)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    maybe = forms.NullBooleanField(required=False)
    typed = forms.TypedChoiceField(
        choices=[(1, "Un"), (2, "Deux")],
        coerce=int,
        widget=forms.Select(
            attrs={"class": "fr-select", "data-x": mark_safe("<b>"), "hidden": True}
        ),
    )
    disabled = forms.ChoiceField(choices=CHOICES, disabled=True)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "a&b", "required": "x", "many": ["1", "y"], "maybe": "true", "typed": "2"},
        {"plain": "nope", "required": "", "maybe": "false"},
    ],
)
def test_selects_render_as_the_templates_do(data):
    ours, theirs = (
        Sample(data, renderer=FormRenderer()),
        Sample(data, renderer=DsfrDjangoTemplates()),
    )
    for name in Sample.base_fields:
        assert str(ours[name]) == str(theirs[name]), name
    assert "<option" in str(ours["plain"])


def test_an_option_with_its_own_template_goes_to_the_templates():
    class OwnOption(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    field = forms.ChoiceField(choices=[("a", "A")], widget=OwnOption)
    ours = forms.Form(renderer=FormRenderer())
    ours.fields["f"] = field
    theirs = forms.Form(renderer=DsfrDjangoTemplates())
    theirs.fields["f"] = field
    assert str(ours["f"]) == str(theirs["f"])
    assert "<option" not in str(ours["f"])


class Radios(forms.Form):
    plain = forms.ChoiceField(
        choices=[("a", "Favorable"), ("b", 'Réservé <"&">')], widget=forms.RadioSelect
    )
    no_id = forms.ChoiceField(choices=[(1, "Un"), (2, "Deux")], widget=forms.RadioSelect)
    hinted = forms.ChoiceField(
        choices=[("x", {"label": "Avec aide", "help_text": "Une aide"})], widget=forms.RadioSelect
    )


@pytest.mark.parametrize("data", [None, {"plain": "b", "no_id": "2", "hinted": "x"}])
def test_radio_options_render_as_the_templates_do(data):
    ours = Radios(data, renderer=FormRenderer(), auto_id="id_%s")
    theirs = Radios(data, renderer=DsfrDjangoTemplates(), auto_id="id_%s")
    for name in Radios.base_fields:
        assert str(ours[name]) == str(theirs[name]), name
        for mine, other in zip(ours[name].subwidgets, theirs[name].subwidgets, strict=True):
            assert str(mine) == str(other), name
            assert mine.tag(wrap_label=False) == other.tag(wrap_label=False), name
    no_ids = Radios(data, renderer=FormRenderer(), auto_id=False)
    reference = Radios(data, renderer=DsfrDjangoTemplates(), auto_id=False)
    assert str(no_ids["plain"]) == str(reference["plain"])
    assert 'class="fr-radio-group"' in str(ours["plain"])


class Grouped(DsfrBaseForm):
    name = forms.CharField(label="Nom <b>", help_text=mark_safe("Aide <em>riche</em>"))
    optional = forms.CharField(required=False)
    days = forms.IntegerField(min_value=0, max_value=365, required=False)
    state = forms.ChoiceField(choices=CHOICES, required=False)
    locked = forms.CharField(disabled=True, required=False, initial="figé")
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(required=False)
    hour = forms.TimeField(required=False)
    email = forms.EmailField(required=False, initial="a&b@example.org")
    site = forms.URLField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput)
    phone = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    kept = forms.CharField(required=False, widget=forms.HiddenInput, initial='"<x>"')
    marked = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"data-x": mark_safe("<b>"), "readonly": True})
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "x", "days": "12", "state": "1", "at": "2026-12-03 10:00", "kept": "<&>"},
        {"name": "", "days": "-4", "when": "bad", "email": "x", "hour": "25:00"},
    ],
)
def test_field_groups_render_as_django_dsfr_s_template(data):
    ours = Grouped(data, renderer=FormRenderer())
    theirs = Grouped(data, renderer=DsfrDjangoTemplates())
    for name in Grouped.base_fields:
        assert ours[name].as_field_group() == theirs[name].as_field_group(), name
    assert str(ours) == str(theirs)
    if data and data["days"] == "-4":
        assert 'aria-invalid="true"' in ours["days"].as_field_group()


class Inputs(forms.Form):
    text = forms.CharField(required=False, widget=forms.TextInput(attrs={"class": "fr-input"}))
    number = forms.DecimalField(required=False, widget=forms.NumberInput(attrs={"step": "0.01"}))
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(required=False)
    hour = forms.TimeField(required=False)
    checked = forms.BooleanField(required=False)
    document = forms.FileField(required=False, widget=forms.FileInput)
    marked = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"data-x": mark_safe("<b>"), "hidden": True, "off": False, "n": 3}
        ),
    )
    disabled = forms.CharField(required=False, disabled=True, initial='a "b" <c>')


class Fields(DsfrBaseForm):
    """What django-dsfr's form, input and radio list snippets meet: help texts (with markup),
    labels to escape, optional, disabled and hidden fields, selects, inline radios, errors."""

    name = forms.CharField(label='Nom <"&">', help_text="Une <b>aide</b>", max_length=5)
    lazy = forms.CharField(label=gettext_lazy("Nom"), required=False)
    email = forms.EmailField(required=False, disabled=True, initial="a@b.fr")
    count = forms.IntegerField(required=False, initial=12)
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], help_text="Choisir")
    value = forms.ChoiceField(
        label="Avis", choices=[("f", "Favorable"), ("d", "Défavorable")], widget=forms.RadioSelect
    )
    inline = forms.ChoiceField(
        choices=[("1", "Un"), ("2", "Deux")],
        widget=InlineRadioSelect,
        required=False,
        help_text="En ligne",
    )
    agree = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False, initial="x<y")
    document = forms.FileField(required=False)

    def clean(self):
        if self.cleaned_data.get("name") == "non":
            raise forms.ValidationError("Pas « non » <ici>.")
        return self.cleaned_data


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": 'Guillemets " et <balises> & co',
            "number": "12.50",
            "email": "a@b.fr",
            "url": "https://x.fr/?a=1&b=2",
            "password": "<secret>",
            "hidden": "1",
            "day": "2026-02-30",
            "moment": "2026-01-02 03:04",
            "hour": "25:00",
            "checked": "on",
            "marked": "x",
        },
    ],
)
def test_inputs_render_as_the_templates_do(data):
    ours = Inputs(data, renderer=FormRenderer(), initial={"number": 3, "day": "2026-01-02"})
    theirs = Inputs(
        data, renderer=DsfrDjangoTemplates(), initial={"number": 3, "day": "2026-01-02"}
    )
    for name in Inputs.base_fields:
        assert str(ours[name]) == str(theirs[name]), name
    assert "<input" in str(ours["text"])


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "trop long", "email": "x", "count": "a", "kind": "z", "inline": "3"},
        {"name": "non", "kind": "a", "value": "f", "comment": "<b>é</b>", "agree": "on"},
        {"name": "oui", "kind": "b", "value": "d", "inline": "2", "secret": "s"},
    ],
)
@pytest.mark.parametrize("options", [{}, {"auto_id": False}, {"prefix": "p7"}])
@pytest.mark.parametrize("mark_optional", [False, True])
def test_forms_and_fields_render_as_the_templates_do(data, options, mark_optional, settings):
    settings.DSFR_MARK_OPTIONAL_FIELDS = mark_optional
    ours = Fields(data, renderer=FormRenderer(), **options)
    theirs = Fields(data, renderer=DsfrDjangoTemplates(), **options)
    assert str(ours) == str(theirs)
    for name in Fields.base_fields:
        assert ours[name].as_field_group() == theirs[name].as_field_group(), name
        assert str(ours[name]) == str(theirs[name]), name
    assert '<fieldset class="fr-fieldset' in str(ours)


def test_a_field_with_a_template_of_its_own_goes_to_the_templates():
    class Own(DsfrBaseForm):
        name = forms.CharField(template_name="django/forms/field.html")

    assert str(Own(renderer=FormRenderer())) == str(Own(renderer=DsfrDjangoTemplates()))
    assert "fr-input-group" not in str(Own(renderer=FormRenderer()))
