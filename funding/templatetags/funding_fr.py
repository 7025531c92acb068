"""Funding values in French on the pages: amounts in euros, shares as percentages, indicator
thresholds."""

from decimal import Decimal

from django import template
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .. import presentation

register = template.Library()


@register.filter(is_safe=True)
def euros(amount) -> str:
    """As `floatformat:"2g"`: « 146 250,00 » (a Decimal's: digits and marks only, safe)."""
    text = presentation.euros(amount)
    return mark_safe(text) if isinstance(amount, Decimal) else text


@register.filter(expects_localtime=True)
def dmy(day) -> str:
    """As `date:"d/m/Y"` (« 06/02/2023 »), without its format parser: for the cells of long
    tables (a contract's schedule)."""
    if day in (None, ""):
        return ""
    try:
        return day.strftime("%d/%m/%Y")
    except AttributeError:  # not a date: nothing, as the `date` filter
        return ""


@register.filter
def percent(rate) -> str:
    return presentation.percent(rate)


@register.filter
def thresholds_fr(indicator) -> str:
    return presentation.thresholds_text(indicator)


@register.filter
def field_group(field) -> str:
    """`{% include "funding/_field.html" %}` written in Python, byte for byte (a template and
    widget_tweaks' `render_field` per field cost the evaluation form most of its render); a
    list of checkboxes, or a field that shows its initial value hidden, goes to the template."""
    widget, choices = field.field.widget, getattr(field.field, "choices", None)
    input_type = getattr(widget, "input_type", "")
    if (input_type == "checkbox" and choices) or field.field.show_hidden_initial:
        return get_template("funding/_field.html").render({"field": field})
    label = conditional_escape(field.label)
    target = conditional_escape(field.id_for_label)
    if input_type == "checkbox":
        return mark_safe(
            f'\n\n<div class="fr-checkbox-group fr-mb-2w">\n  {field}\n'
            f'  <label class="fr-label" for="{target}">{label}</label>\n</div>\n\n'
        )
    errors = field.errors
    css = "fr-select" if input_type == "select" else "fr-input"
    messages = "".join(f'<p class="fr-error-text">{conditional_escape(e)}</p>' for e in errors)
    return mark_safe(
        f'\n\n<div class="fr-input-group{" fr-input-group--error" if errors else ""}">\n'
        f'  <label class="fr-label" for="{target}">{label}</label>\n'
        f"  {field.as_widget(attrs={'class': css})}\n  {messages}\n</div>\n\n"
    )
