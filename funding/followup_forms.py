"""Forms of the contract's life: the yearly evaluation (built from the contract's indicators
and missions), the CPAM's correction request, payments and milestones. Every number bounded,
every date in its legal domain; an invalid form saves nothing."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from common.uploads import validate_pdf

from .deadlines import CONTRACT_YEARS
from .evaluations import COMMENT_LIMIT
from .followup_models import ACI_DATE, MilestoneKind
from .forms import DATE_INPUT
from .payments import NOTE_LIMIT

FIRST_DAY = dt.date.fromisoformat(ACI_DATE)
VALUE_MAX = Decimal("9999999999.9999")
MONEY_MAX = Decimal("9999999999.99")


def bounded_date(label: str) -> forms.DateField:
    """A date between the ACI (20 June 2019) and today."""
    return forms.DateField(
        label=label,
        widget=DATE_INPUT,
        validators=[
            MinValueValidator(FIRST_DAY, "Pas de date antérieure à l'ACI du 20 juin 2019."),
            MaxValueValidator(timezone.localdate, "La date ne peut pas être dans le futur."),
        ],
    )


def indicator_field(name: str) -> str:
    return f"ind_{name}"


def spending_field(mission: str) -> str:
    return f"dep_{mission}"


class EvaluationForm(forms.Form):
    """`indicators`: the contract's Indicator rows; `missions`: [(code, label)] for spending.
    Every field optional (a draft may be saved in parts); submitting checks completeness."""

    activity_report = forms.FileField(
        label="Rapport d'activité de l'année (PDF, 10 Mo au plus)", required=False
    )

    def __init__(self, *args, indicators, missions, **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            self.fields[indicator_field(indicator.pk)] = forms.DecimalField(
                label=indicator.label,
                required=False,
                max_digits=14,
                decimal_places=4,
                min_value=-VALUE_MAX,
                max_value=VALUE_MAX,
            )
        for code, label in missions:
            self.fields[spending_field(code)] = forms.DecimalField(
                label=f"Dépenses de l'année — {label} (€)",
                required=False,
                max_digits=12,
                decimal_places=2,
                min_value=0,
                max_value=MONEY_MAX,
            )
        self.indicators, self.missions = list(indicators), list(missions)

    def clean_activity_report(self):
        upload = self.cleaned_data.get("activity_report")
        if upload:
            validate_pdf(upload)
        return upload

    def values(self) -> dict:
        d = self.cleaned_data
        return {
            i: d[indicator_field(i.pk)]
            for i in self.indicators
            if d.get(indicator_field(i.pk)) is not None
        }

    def spending(self) -> dict:
        d = self.cleaned_data
        return {
            code: d[spending_field(code)]
            for code, _ in self.missions
            if d.get(spending_field(code)) is not None
        }

    def indicator_fields(self):
        return [self[indicator_field(i.pk)] for i in self.indicators]

    def spending_fields(self):
        return [self[spending_field(code)] for code, _ in self.missions]


class CorrectionsForm(forms.Form):
    comment = forms.CharField(
        label="Ce que la CPTS doit corriger",
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PaymentForm(forms.Form):
    line = forms.ChoiceField(label="Échéance de l'échéancier")
    paid_on = bounded_date("Versé le")
    amount = forms.DecimalField(
        label="Montant versé (€)",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MONEY_MAX,
    )
    note = forms.CharField(label="Référence (facultatif)", max_length=NOTE_LIMIT, required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = list(lines)


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label="Jalon", choices=MilestoneKind.markable())
    mission = forms.ChoiceField(label="Mission", required=False)
    year = forms.TypedChoiceField(
        label="Année du contrat (plan crises)",
        coerce=int,
        required=False,
        empty_value=0,
        choices=[("", "—")] + [(y, str(y)) for y in range(1, CONTRACT_YEARS + 1)],
    )
    done_on = bounded_date("Réalisé le")

    def __init__(self, *args, missions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].choices = [("", "—"), *missions]


class TerminationPreviewForm(forms.Form):
    terminated_on = bounded_date("Résiliation envisagée le")
