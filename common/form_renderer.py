"""The form renderer: django-dsfr's, with selects, inputs, radio options and field groups
written in Python.

Django renders a select through two templates per option (the option and its attributes): a
dashboard filter of four selects, ~40 options, spent 7 ms there, more than the rest of the
filter form; a radio option takes three (django-dsfr's, the input, its attributes): the
committee page's eight opinion forms spent 4 ms in them. The markup below is the templates'
own, byte for byte (tests compare the two); any other template, or an option with a template
or a label of its own, goes to the templates.
"""

from django.utils.functional import Promise
from django.utils.html import conditional_escape
from dsfr.forms import DsfrDjangoTemplates

from .field_group import INPUT_GROUP, input_group_html

# Django's templates of these input widgets are all `{% include "…/input.html" %}`: a form of
# ten fields spent 3 ms in them and their attributes' template (a contract page's forms).
INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number",
        "password", "search", "tel", "text", "time", "url",
    )
}  # fmt: skip
SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
RADIO_OPTION = "django/forms/widgets/radio_option.html"  # django-dsfr's own


def attrs_html(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(out)


def _option(option: dict) -> str:
    value = conditional_escape(option["value"])
    label = conditional_escape(option["label"])
    return f'\n  <option value="{value}"{attrs_html(option["attrs"])}>{label}</option>\n'


def select_html(widget: dict) -> str | None:
    """The select's markup, or None when an option has a template of its own."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION:
                return None
            parts.append(_option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def input_html(widget: dict) -> str:
    """As django/forms/widgets/input.html."""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{attrs_html(widget["attrs"])}>'
    )


def radio_option_html(widget: dict) -> str | None:
    """As django-dsfr's radio_option.html, or None for a label with a hint (a dict or an
    object: the template's own markup)."""
    label = widget["label"]
    if not isinstance(label, str | Promise):
        return None
    html = f'<div class="fr-radio-group">\n  {input_html(widget)}\n\n  '
    if widget.get("wrap_label"):
        id_ = widget["attrs"].get("id")
        target = f'for="{conditional_escape(id_)}"' if id_ else ""
        html += (
            f'\n    <label class="fr-label"\n           {target}>\n      '
            f"\n        {conditional_escape(label)}\n      \n    </label>\n  "
        )
    return html + "\n</div>"


class FormRenderer(DsfrDjangoTemplates):
    """One per process (FORM_RENDERER); field groups, inputs, selects and radio options in
    Python, everything else by template."""

    def render(self, template_name, context, request=None):
        if template_name == INPUT_GROUP:
            return input_group_html(context["field"])
        if template_name in INPUTS:
            return input_html(context["widget"])
        fast = {SELECT: select_html, RADIO_OPTION: radio_option_html}.get(template_name)
        if fast is not None:
            html = fast(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
