"""The markup the funding pages write in Python (funding_fr's `field_group`, `entitlement_rows`,
`schedule_rows`, `chart_bars`) is the markup of the templates they replace, byte for byte."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.template import Context, Template

from funding.followup_forms import CorrectionsForm, EvaluationForm, MilestoneForm, PaymentForm
from funding.forms import IndicatorForm, MissionStartForm, SignatureForm, SimulatorForm
from funding.payments import YearRow
from funding.templatetags import funding_fr
from funding.year_chart import year_chart


def _include(field) -> str:
    return Template('{% include "funding/_field.html" %}').render(Context({"field": field}))


def _forms():
    yield SignatureForm(parties=["cpts", "cpam"])
    yield SignatureForm({"party": "ars", "signed_on": "demain"}, parties=["cpts"])
    yield IndicatorForm()
    yield IndicatorForm({"label": "<b>Patients</b> & co", "weight": "2"})
    yield MissionStartForm()
    yield MilestoneForm(missions=[("parcours", "Parcours « pluripro »")])
    yield MilestoneForm({"kind": "?"}, missions=[("parcours", "Parcours")])
    yield SimulatorForm()  # a select, a number, a date, a list of checkboxes, two checkboxes
    yield SimulatorForm({"size": "9", "optional": ["nope"]})
    yield PaymentForm(lines=[("a", "Avance <1>")])
    yield CorrectionsForm({"comment": ""})
    indicators = [SimpleNamespace(pk=7, label="Taux d'<i>inclusion</i>")]
    missions = [("fonctionnement", "Fonctionnement"), ("parcours", "Parcours")]
    yield EvaluationForm(indicators=indicators, missions=missions, initial={"ind_7": "1.5"})
    yield EvaluationForm({"ind_7": "x", "dep_parcours": "-1"}, indicators=indicators,
                         missions=missions)  # fmt: skip


def test_field_group_is_the_field_template():
    fields = [field for form in _forms() for field in form]
    assert len(fields) > 40
    for field in fields:
        assert funding_fr.field_group(field) == _include(field), field.name


ROWS_LOOP = (
    '{% load funding_fr %}{% for row in rows %}<tr><td>{{ row.label }}</td><td class="fr-cell--'
    'right">{{ row.amount|euros }}</td><td class="fr-cell--right">{{ row.maximum|euros }}</td>\n'
    '      <td>{% if row.to_confirm %}<span class="fr-badge fr-badge--warning fr-badge--sm">à '
    "confirmer</span>{% endif %}</td></tr>{% endfor %}"
)
SCHEDULE_LOOP = (
    "{% load funding_fr %}{% for p in payments %}<tr><td>{{ p.due_on|dmy }}</td><td>{{ p.year }}"
    '</td><td>{{ p.label }}{% if p.kind == "solde" %} <span class="fr-badge fr-badge--warning '
    "fr-badge--sm to-confirm\" title=\"Versé à l'anniversaire du contrat, après l'évaluation : "
    'aucune source ne précise ce jour.">date à confirmer</span>{% endif %}</td><td class="fr-cell'
    '--right">{{ p.amount|euros }}</td></tr>{% endfor %}'
)
BARS_LOOP = (
    '{% load funding_fr %}{% for b in y.bars %}<rect class="bar bar-{{ b.kind }}" x="{{ b.x }}" '
    'y="{{ b.y }}" width="32" height="{{ b.height }}" fill="{% if b.kind == \'paid\' %}#000091{% '
    "else %}#cacafb{% endif %}\"><title>Année {{ y.year }}, {% if b.kind == 'paid' %}versé{% "
    "else %}échéancier{% endif %} : {{ b.amount|euros }} €</title></rect>{% endfor %}"
)


def _loop(source, **context) -> str:
    return Template(source).render(Context(context))


def test_entitlement_rows_are_the_loop():
    rows = [
        {"label": "Parcours <pluri> & co", "amount": Decimal("146250.5"),
         "maximum": Decimal("-0.001"), "to_confirm": True},
        {"label": "Fonctionnement", "amount": Decimal("0"), "maximum": Decimal("1234567.891"),
         "to_confirm": False},
    ]  # fmt: skip
    assert funding_fr.entitlement_rows(rows) == _loop(ROWS_LOOP, rows=rows)
    assert funding_fr.entitlement_rows([]) == ""


def test_schedule_rows_are_the_loop():
    payments = [
        SimpleNamespace(due_on=dt.date(2024, 2, 6), year=1, label="Avance <75 %>", kind="avance",
                        amount=Decimal("12345.675")),
        SimpleNamespace(due_on=dt.date(2025, 2, 6), year=2, label="Solde", kind="solde",
                        amount=Decimal("-500")),
    ]  # fmt: skip
    assert funding_fr.schedule_rows(payments) == _loop(SCHEDULE_LOOP, payments=payments)


def test_chart_bars_are_the_loop():
    rows = [
        SimpleNamespace(year=1, scheduled=Decimal("50000"), paid=Decimal("37500.5")),
        SimpleNamespace(year=2, scheduled=Decimal("0"), paid=Decimal("-10")),
    ]
    for year in year_chart(rows)["years"]:
        assert funding_fr.chart_bars(year) == _loop(BARS_LOOP, y=year)


SUMMARY_LOOP = (
    '{% load funding_fr %}{% for y in years %}<tr><td>{{ y.year }}</td><td class="fr-cell--right">'
    '{{ y.scheduled|euros }}</td><td class="fr-cell--right">{{ y.due|euros }}</td><td class="fr-'
    'cell--right">{{ y.paid|euros }}</td><td class="fr-cell--right">{{ y.outstanding|euros }}</td>'
    "</tr>{% endfor %}"
)


def test_summary_rows_are_the_loop():
    years = [
        YearRow(1, Decimal("146250.5"), Decimal("100000"), Decimal("0.004")),
        YearRow(2, Decimal("0"), Decimal("-12.345"), Decimal("1000000")),
    ]
    assert funding_fr.summary_rows(years) == _loop(SUMMARY_LOOP, years=years)
