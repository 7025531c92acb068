"""The Python-written inputs, selects and radio options are the templates' markup, byte for
byte."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

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
