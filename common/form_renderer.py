"""The form renderer: django-dsfr's, with its commonest templates written in Python.

Django renders a select through two templates per option (the option and its attributes): a
dashboard filter of four selects, ~40 options, spent 7 ms there, more than the rest of the
filter form; a radio option takes three (django-dsfr's, the input, its attributes): the
committee page's eight opinion forms spent 4 ms in them, and as much again in the form and
field templates around them (django-dsfr's form, input and radio list snippets, Django's
inputs and text areas). The markup below is the templates' own, byte for byte (tests compare
the two); any other template, or an option with a template or a label of its own, goes to the
templates.
"""

from html import escape as html_escape

from django.utils.functional import Promise
from dsfr.forms import DsfrDjangoTemplates
from dsfr.templatetags.dsfr_tags import dsfr_mark_optionnal_fields
from dsfr.utils import dsfr_input_class_attr

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
RADIO_OPTION = "django/forms/widgets/radio_option.html"  # django-dsfr's own
TEXTAREA = "django/forms/widgets/textarea.html"
# Django's input widgets whose template is only `{% include "django/forms/widgets/input.html" %}`.
INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox color date datetime email file hidden number password search tel text time url"
    ).split()
}
FORM = "dsfr/form_snippet.html"
INPUT_FIELD = "dsfr/form_field_snippets/input_snippet.html"
RADIO_FIELD = "dsfr/form_field_snippets/radioselect_snippet.html"


def _escape(value) -> str:
    """Django's conditional_escape, without its per-call lazy-string check (what is written
    here is joined into one string at once)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))


def attrs_html(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_escape(name)}")
        else:
            out.append(f' {_escape(name)}="{_escape(value)}"')
    return "".join(out)


def _option(option: dict) -> str:
    value = _escape(option["value"])
    label = _escape(option["label"])
    return f'\n  <option value="{value}"{attrs_html(option["attrs"])}>{label}</option>\n'


def select_html(widget: dict) -> str | None:
    """The select's markup, or None when an option has a template of its own."""
    parts = [f'<select name="{_escape(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_escape(group_name)}">')
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
    shown = "" if value is None else f' value="{_escape(value)}"'
    return (
        f'<input type="{_escape(widget["type"])}" '
        f'name="{_escape(widget["name"])}"{shown}{attrs_html(widget["attrs"])}>'
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
        target = f'for="{_escape(id_)}"' if id_ else ""
        html += (
            f'\n    <label class="fr-label"\n           {target}>\n      '
            f"\n        {_escape(label)}\n      \n    </label>\n  "
        )
    return html + "\n</div>"


def textarea_html(widget: dict) -> str:
    """As django/forms/widgets/textarea.html."""
    value = widget["value"]
    return (
        f'<textarea name="{_escape(widget["name"])}"{attrs_html(widget["attrs"])}>\n'
        f"{_escape(value) if value else ''}</textarea>"
    )


def form_html(form) -> str:
    """As django-dsfr's form_snippet.html: the form's errors, then each field."""
    html = "\n"
    if form.non_field_errors():
        html += (
            '\n  <section class="fr-my-4v fr-input-group fr-input-group--error">\n    '
            f"{_escape(form.non_field_errors())}\n  </section>\n"
        )
    html += "\n"
    for field in form:
        shown = field.as_hidden() if field.is_hidden else field.as_field_group()
        html += f"\n  \n    {_escape(shown)}\n  \n"
    return (html + "\n").strip()


def _label_html(field, help_id) -> str:
    """The inside of a field's label or legend in django-dsfr's field snippets."""
    help_text = ""
    if field.help_text:
        help_text = (
            f'\n      <span class="fr-hint-text" id="{_escape(help_id)}_helptext">'
            f"{field.help_text}</span>\n    "
        )
    marker = _escape(dsfr_mark_optionnal_fields(field))
    return f"    \n    {_escape(field.label)}{marker}\n    {help_text}\n    \n"


def input_field_html(field) -> str | None:
    """As django-dsfr's input_snippet.html, or None for a label that is not text."""
    if not isinstance(field.label, str | Promise):
        return None
    errors = field.errors
    group = _escape(getattr(field.field.widget, "group_class", "") or "fr-input-group")
    css = group + (f" {group}--error" if errors else "")
    css += " fr-input-group--disabled" if field.field.disabled else ""
    id_for_label = field.id_for_label
    html = (
        f'<div class="{css}">\n  <label for="{_escape(id_for_label)}" class="fr-label">'
        f"\n{_label_html(field, id_for_label)}  </label>\n  "
        f"{_escape(dsfr_input_class_attr(field))}\n  "
    )
    if errors:
        html += (
            f'\n    <div id="{_escape(field.auto_id)}-desc-error">\n      '
            f"{_escape(errors)}\n    </div>\n  "
        )
    return html + "\n</div>"


def radio_field_html(field) -> str | None:
    """As django-dsfr's radioselect_snippet.html, or None for a label that is not text."""
    if not isinstance(field.label, str | Promise):
        return None
    errors = field.errors
    auto_id = _escape(field.auto_id)
    html = (
        f'<fieldset class="fr-fieldset{" fr-fieldset--error" if errors else ""}"\n'
        f'          id="radio-{auto_id}"\n'
        f'          aria-labelledby="{auto_id}-legend'
        f'{f" {auto_id}-desc-error" if errors else ""}">\n'
        '  <legend class="fr-fieldset__legend fr-fieldset__legend--regular"\n'
        f'          id="{auto_id}-legend">\n{_label_html(field, field.auto_id)}'
        "  </legend>\n  \n    "
    )
    field = dsfr_input_class_attr(field)
    inline = " fr-fieldset__element--inline" if getattr(field.field.widget, "inline", "") else ""
    for subwidget in field.subwidgets:
        html += (
            f'\n      <div class="fr-fieldset__element{inline}">\n        '
            f"{_escape(subwidget)}\n      </div>\n    "
        )
    html += "\n  \n  "
    if field.errors:
        html += (
            f'\n    <div class="fr-messages-group" id="{auto_id}-desc-error">\n      '
            f"{_escape(field.errors)}\n    </div>\n  "
        )
    return html + "\n</fieldset>"


# Template name -> (what its context holds, the markup in Python or None for the template).
IN_PYTHON = {
    SELECT: ("widget", select_html),
    RADIO_OPTION: ("widget", radio_option_html),
    TEXTAREA: ("widget", textarea_html),
    **{name: ("widget", input_html) for name in INPUTS},
    FORM: ("form", form_html),
    INPUT_FIELD: ("field", input_field_html),
    RADIO_FIELD: ("field", radio_field_html),
}


class FormRenderer(DsfrDjangoTemplates):
    """One per process (FORM_RENDERER); the templates above in Python, others by template."""

    def render(self, template_name, context, request=None):
        if template_name in IN_PYTHON:
            key, write = IN_PYTHON[template_name]
            html = write(context[key])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
