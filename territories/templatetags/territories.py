from django import template

register = template.Library()


@register.filter
def thousands(value):
    """157451 → « 157 451 » (French thousands separator, a narrow no-break space)."""
    try:
        return f"{int(value):,}".replace(",", "\u202f")
    except (TypeError, ValueError):
        return value
