"""What funding pages say is French: errors under the field's label, never its code
(« signed_on »); missions by name, never « acces_soins »; shares as « 25 % », never « 0.25 »."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.urls import reverse

from common.messages import form_errors_text
from funding import services
from funding.grid_store import load_grid_set
from funding.presentation import mission_label, percent

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    "rate, shown",
    [("0.25", "25 %"), (Decimal("0.125"), "12,5 %"), ("1", "100 %"), ("0.10", "10 %"), ("x", "x")],
)
def test_percent(rate, shown):
    assert percent(rate) == shown.replace(" ", "\u00a0")


@pytest.mark.parametrize(
    "amount",
    [
        *map(Decimal, ("0", "0.00", "-0.00", "-0.004", "0.005", "-0.005", "7", "999.995")),
        *map(Decimal, ("1000", "-1200.50", "146250.00", "1234567.891", "-9999999999.99")),
        Decimal("1E+3"),
        Decimal("12.3456789012345678901234567"),
    ],
)
def test_euros_writes_what_floatformat_writes(amount):
    """`euros` (filter and messages) writes Decimals in plain Python: as Django's filter."""
    from django.template.defaultfilters import floatformat
    from django.utils import translation

    from funding.presentation import euros

    with translation.override("fr"):
        assert euros(amount) == floatformat(amount, "2g")
    assert euros(None) == "" and euros("x") == ""


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2023, 2, 6),
        dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC),  # already 1 January in Paris
        dt.datetime(2025, 6, 30, 12, 0),
        None,
        "",
        "06/02/2023",
    ],
)
def test_dmy_writes_what_the_date_filter_writes(value):
    from django.template import engines

    render = engines["django"].from_string
    ours = render('{% load funding_fr %}{{ v|dmy|default:"—" }}').render({"v": value})
    assert ours == render('{{ v|date:"d/m/Y"|default:"—" }}').render({"v": value})


def test_form_errors_are_named_by_their_label():
    class Form(forms.Form):
        signed_on = forms.DateField(label="Date de signature")

        def clean(self):
            raise forms.ValidationError("Contrat déjà signé.")

    text = form_errors_text(Form({"signed_on": "30/02/2026"}))
    assert text.startswith("Date de signature : ")
    assert "Contrat déjà signé." in text and "signed_on" not in text and "__all__" not in text


def test_a_bad_signature_date_is_reported_under_its_label(client, signed):
    contract, cpam, *_ = signed
    client.force_login(cpam)
    url = reverse("funding:contract_sign", args=[contract.pk])
    response = client.post(url, {"party": "cpam", "signed_on": ""})
    (message,) = _messages(response)
    assert "Date de signature : " in message and "signed_on" not in message


def test_results_page_names_missions_and_shows_percentages(client, signed):
    contract, cpam, *_ = signed
    mission = contract.missions.get(mission="acces_soins")
    services.add_indicator(
        mission, cpam, label="SAS", thresholds=[("socle", 5, Decimal("0.25")), ("objectif", 9, 1)]
    )
    client.force_login(cpam)
    html = client.get(reverse("funding:results", args=[contract.pk, 1])).content.decode()
    assert "acces_soins" not in html  # no code shown to the person
    assert "Accès aux soins" in html
    assert "socle : 5 → 25\u00a0% ; objectif : 9 → 100\u00a0%" in html
    assert "0.25" not in html


def test_schedule_exports_name_the_nature_of_each_payment(client, signed):
    from funding.presentation import PAYMENT_KIND_LABELS

    contract, cpam, *_ = signed
    client.force_login(cpam)
    for url in (
        reverse("funding:contract", args=[contract.pk]),
        reverse("funding:payments", args=[contract.pk]),
    ):
        body = client.get(url, {"_export": "csv"}).content.decode("utf-8-sig")
        cells = {cell for line in body.splitlines()[1:] for cell in line.split(";")}
        assert cells & set(PAYMENT_KIND_LABELS.values()), url
        assert not cells & set(PAYMENT_KIND_LABELS), url  # no code (« avance_mission »)


def test_grids_page_shows_the_majoration_as_a_percentage(client):
    html = client.get(reverse("funding:grids")).content.decode()
    assert "Majoration taille 4 : +10\u00a0%" in html and "0.10" not in html


def test_evaluation_page_names_missions_and_fields_in_french(client):
    from funding import evaluations
    from tests.funding.contract_life import contract_in_life, full_declaration, report_pdf
    from tests.world import World

    life = contract_in_life(World().dept)
    url = reverse("funding:evaluation", args=[life.contract.pk, 1])
    client.force_login(life.leader)
    # A bad value: the message names the field by its label, never « dep_parcours ».
    response = client.post(url, {f"ind_{life.indicator.pk}": "75", "dep_parcours": "-3"})
    (message,) = _messages(response)
    assert message.startswith("Formulaire incomplet : ") and "dep_parcours" not in message
    evaluations.save_evaluation(
        life.contract, life.leader, 1, report=report_pdf(), **full_declaration(life)
    )
    client.force_login(life.cpam)  # reads the declared values
    html = client.get(url).content.decode()
    values = html[html.index('id="evaluation-values"') :]
    values = values[: values.index("</table>")]
    code = life.indicator.mission.mission
    label = mission_label(load_grid_set().by_code(life.contract.grid.code), code)
    assert f"<td>{label}</td>" in values and f"<td>{code}</td>" not in values
