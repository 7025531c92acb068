"""Funding values in French on the pages: amounts in euros, shares as percentages, indicator
thresholds."""

from decimal import Decimal

from django import template
from django.template.loader import get_template
from django.utils.formats import localize
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
    widget_tweaks' `render_field` per field cost the contract page's forms more than their
    widgets); a field that shows its initial value hidden goes to the template."""
    if field.field.show_hidden_initial:
        return get_template("funding/_field.html").render({"field": field})
    input_type = getattr(field.field.widget, "input_type", "")
    label, target = conditional_escape(field.label), conditional_escape(field.id_for_label)
    if input_type == "checkbox" and getattr(field.field, "choices", None):
        return mark_safe(_checkbox_list(field, label))
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


def _checkbox_list(field, label) -> str:
    """The checkboxes of a multiple choice (each box still by its widget's template)."""
    esc = conditional_escape
    boxes = "".join(
        '\n  <div class="fr-fieldset__element"><div class="fr-checkbox-group">\n'
        f'    {choice.tag()}<label class="fr-label" for="{esc(choice.id_for_label)}">'
        f"{esc(choice.choice_label)}</label>\n  </div></div>\n  "
        for choice in field
    )
    return (
        '\n\n<fieldset class="fr-fieldset fr-mb-2w">\n'
        f'  <legend class="fr-fieldset__legend fr-text--regular">{label}</legend>\n'
        f"  {boxes}\n</fieldset>\n\n"
    )


# The contract page's long tables, row markup in Python: the template engine spent some 150
# function calls per cell row (variables, filters, conditions), more than the rest of the page's
# tables together. Same markup as the loops they replace (tests compare).


def _money(amount) -> str:
    return conditional_escape(euros(amount))


@register.filter
def entitlement_rows(rows) -> str:
    """A contract year's entitlement rows (`views.base.table_rows`)."""
    badge = '<span class="fr-badge fr-badge--warning fr-badge--sm">à confirmer</span>'
    return mark_safe(
        "".join(
            f"<tr><td>{conditional_escape(row['label'])}</td>"
            f'<td class="fr-cell--right">{_money(row["amount"])}</td>'
            f'<td class="fr-cell--right">{_money(row["maximum"])}</td>\n'
            f"      <td>{badge if row['to_confirm'] else ''}</td></tr>"
            for row in rows
        )
    )


SOLDE_BADGE = (
    ' <span class="fr-badge fr-badge--warning fr-badge--sm to-confirm" title="Versé à'
    " l'anniversaire du contrat, après l'évaluation : aucune source ne précise ce jour.\">"
    "date à confirmer</span>"
)


@register.filter
def schedule_rows(payments) -> str:
    """The schedule's rows (`calc.schedule`'s payments)."""
    return mark_safe(
        "".join(
            f"<tr><td>{conditional_escape(dmy(p.due_on))}</td><td>{p.year}</td>"
            f"<td>{conditional_escape(p.label)}{SOLDE_BADGE if p.kind == 'solde' else ''}</td>"
            f'<td class="fr-cell--right">{_money(p.amount)}</td></tr>'
            for p in payments
        )
    )


@register.filter
def summary_rows(years) -> str:
    """The contract life's summary per year (`payments.YearRow`): due, paid, outstanding."""
    cell = '<td class="fr-cell--right">'
    return mark_safe(
        "".join(
            f"<tr><td>{y.year}</td>{cell}{_money(y.scheduled)}</td>{cell}{_money(y.due)}</td>"
            f"{cell}{_money(y.paid)}</td>{cell}{_money(y.outstanding)}</td></tr>"
            for y in years
        )
    )


@register.filter
def chart_bars(year) -> str:
    """A year's two bars in the contract page's chart (`year_chart.Year`)."""
    return mark_safe(
        "".join(
            f'<rect class="bar bar-{conditional_escape(b.kind)}" x="{b.x}" y="{b.y}" width="32"'
            f' height="{b.height}" fill="{"#000091" if b.kind == "paid" else "#cacafb"}">'
            f"<title>Année {year.year}, {'versé' if b.kind == 'paid' else 'échéancier'} : "
            f"{_money(b.amount)} €</title></rect>"
            for b in year.bars
        )
    )


@register.filter
def indicator_list(indicators) -> str:
    """A mission's indicators, « label (poids 0,5) ; … », or « — » (the missions table)."""
    return mark_safe(
        " ; ".join(
            f"{conditional_escape(i.label)} (poids {conditional_escape(localize(i.weight))})"
            for i in indicators
        )
        or "—"
    )
