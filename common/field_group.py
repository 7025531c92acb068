"""django-dsfr's field group (`dsfr/form_field_snippets/input_snippet.html`: label, hint,
widget, errors) written in Python, byte for byte: the dashboard's filter form spent a third of
its rendering there, in template tags and lookups. Its tag and filter are django-dsfr's own,
called in the template's order (the filter sets the classes the widget then shows).
"""

from django.utils.html import conditional_escape
from dsfr.templatetags.dsfr_tags import dsfr_mark_optionnal_fields
from dsfr.utils import dsfr_input_class_attr

INPUT_GROUP = "dsfr/form_field_snippets/input_snippet.html"


def input_group_html(field) -> str:
    """The group of this bound field."""
    widget = field.field.widget
    group = conditional_escape(getattr(widget, "group_class", "") or "fr-input-group")
    classes = group
    if field.errors:
        classes += f" {group}--error"
    if field.field.disabled:
        classes += " fr-input-group--disabled"
    label_for = conditional_escape(field.id_for_label)
    mark = conditional_escape(dsfr_mark_optionnal_fields(field))
    hint = ""
    if field.help_text:
        hint = (
            f'\n      <span class="fr-hint-text" id="{label_for}_helptext">'
            f"{field.help_text}</span>\n    "
        )
    html = (
        f'<div class="{classes}">\n  <label for="{label_for}" class="fr-label">\n    \n'
        f"    {conditional_escape(field.label)}{mark}\n    {hint}\n    \n  </label>\n"
        f"  {conditional_escape(dsfr_input_class_attr(field))}\n  "
    )
    if field.errors:
        auto_id = conditional_escape(field.auto_id)
        html += (
            f'\n    <div id="{auto_id}-desc-error">\n'
            f"      {conditional_escape(field.errors)}\n    </div>\n  "
        )
    return html + "\n</div>"  # as Django's renderer strips a template's output
