"""Funding values in French on the pages: shares as percentages, indicator thresholds."""

from django import template

from .. import presentation

register = template.Library()


@register.filter
def percent(rate) -> str:
    return presentation.percent(rate)


@register.filter
def thresholds_fr(indicator) -> str:
    return presentation.thresholds_text(indicator)
