"""Funding values in French on the pages: amounts in euros, shares as percentages, indicator
thresholds."""

from decimal import Decimal

from django import template
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
