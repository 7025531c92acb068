import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone

from accounts.models import OrganisationKind
from common import bounds, model_choices
from territories.models import Departement, Region

from .base import FundingError
from .models import ACI_SIGNED_ON, SIZES
from .services import MAX_MEMBERS, TEXT_LIMIT
from .signatures import PARTY_LABELS, check_mission_date, check_signature_date

OPTIONAL_CHOICES = [
    ("qualite", "Qualité et pertinence des soins"),
    ("accompagnement", "Accompagnement des professionnels de santé"),
]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_input():
    """A date widget of its own (one form's min/max attributes never leak into another's)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SimulatorForm(forms.Form):
    size = forms.TypedChoiceField(label="Taille de la CPTS", choices=SIZES, coerce=int, initial=2)
    members = forms.IntegerField(
        label="Nombre de membres adhérents", min_value=0, max_value=MAX_MEMBERS, initial=30
    )
    signature_date = forms.DateField(
        label="Date de signature envisagée", widget=DATE_INPUT, initial=timezone.localdate
    )
    optional = forms.MultipleChoiceField(
        label="Missions optionnelles",
        choices=OPTIONAL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    snp_dispositif = forms.BooleanField(
        label="Dispositif de traitement et d’orientation des SNP (enveloppe fléchée)",
        required=False,
    )
    crisis = forms.BooleanField(
        label="Une crise sanitaire grave est déclarée par l'ARS dans l'année", required=False
    )

    def clean_signature_date(self):
        day = self.cleaned_data["signature_date"]
        if day < bounds.ACI_START:
            raise forms.ValidationError(
                "Les contrats ACI existent depuis l'accord du 20 juin 2019 : "
                "choisissez une date à partir de celle-ci."
            )
        last = timezone.localdate().replace(month=12, day=31) + dt.timedelta(days=366 * 5)
        if day > last:
            raise forms.ValidationError(
                f"Simulation possible jusqu'au {last:%d/%m/%Y} (cinq ans à venir)."
            )
        return day


class ContractForm(forms.Form):
    members = forms.IntegerField(
        label="Nombre de membres adhérents", min_value=0, max_value=MAX_MEMBERS
    )
    optional = SimulatorForm.base_fields["optional"]
    snp_dispositif = SimulatorForm.base_fields["snp_dispositif"]


class SignatureForm(forms.Form):
    """One party's signature; `parties`: those the person signs for (their own only)."""

    party = forms.ChoiceField(
        label="Signataire",
        choices=[("cpts", "CPTS"), ("cpam", "CPAM"), ("ars", "ARS")],
    )
    signed_on = forms.DateField(label="Date de signature", widget=date_input())

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parties is not None:
            self.fields["party"].choices = [(p, PARTY_LABELS[p]) for p in parties]
        self.fields["signed_on"].widget.attrs.update(
            min=ACI_SIGNED_ON.isoformat(), max=timezone.localdate().isoformat()
        )

    def clean_signed_on(self):
        try:
            return check_signature_date(self.cleaned_data["signed_on"])
        except FundingError as error:
            raise forms.ValidationError(str(error)) from error


class MissionStartForm(forms.Form):
    mission = forms.CharField(widget=forms.HiddenInput)
    started_on = forms.DateField(label="Démarrée le", widget=DATE_INPUT)

    def clean_started_on(self):
        try:  # the contract's own signature date is checked by the service
            return check_mission_date(self.cleaned_data["started_on"], ACI_SIGNED_ON)
        except FundingError as error:
            raise forms.ValidationError(str(error)) from error


class IndicatorForm(forms.Form):
    mission = forms.CharField(widget=forms.HiddenInput)
    label = forms.CharField(label="Indicateur", max_length=300)
    weight = forms.DecimalField(label="Poids dans l'enveloppe", min_value=0, max_value=1, initial=1)
    higher_is_better = forms.BooleanField(label="Plus haut est mieux", required=False, initial=True)
    socle = forms.DecimalField(label="Palier socle (valeur)")
    socle_rate = forms.DecimalField(label="part", min_value=0, max_value=1, initial="0.25")
    intermediaire = forms.DecimalField(label="Palier intermédiaire (valeur)")
    intermediaire_rate = forms.DecimalField(label="part", min_value=0, max_value=1, initial="0.6")
    objectif = forms.DecimalField(label="Objectif (valeur)")
    objectif_rate = forms.DecimalField(label="part", min_value=0, max_value=1, initial=1)

    @staticmethod
    def thresholds_from(d):
        return [(lvl, d[lvl], d[f"{lvl}_rate"]) for lvl in ("socle", "intermediaire", "objectif")]


class TerminationForm(forms.Form):
    terminated_on = forms.DateField(label="Résilié le", widget=DATE_INPUT)
    reason = forms.CharField(
        label="Motif", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )


def bounded_date(label: str, window: bounds.DateWindow) -> forms.DateField:
    """A date field refusing, in French, the days outside `window`."""
    return forms.DateField(label=label, widget=DATE_INPUT, validators=[window.validator])


class CrisisForm(forms.Form):
    declared_on = bounded_date("Crise caractérisée le", bounds.CRISIS)
    label = forms.CharField(label="Crise", max_length=200)
    whole_region = forms.BooleanField(label="Toute la région", required=False)
    departements = model_choices.ModelMultipleChoiceField(
        label="Départements", queryset=Departement.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        org = user.organisation
        if org.kind == OrganisationKind.ARS:
            self.region = Region.objects.get(pk=org.region_id)
            self.fields["departements"].queryset = Departement.objects.filter(region=self.region)
        else:
            self.region = None
            del self.fields["whole_region"]
            self.fields["departements"].queryset = Departement.objects.filter(pk=org.departement_id)


class PreAciForm(forms.Form):
    granted_on = bounded_date("Accordé le", bounds.PRE_ACI_GRANT)


class FirGrantForm(forms.Form):
    granted_on = bounded_date("Accordée le", bounds.FIR_GRANT)
    amount = forms.DecimalField(
        label="Montant (€)",
        min_value=Decimal("0.01"),
        max_value=bounds.MONEY_MAX,
        max_digits=10,
        decimal_places=2,
    )
    note = forms.CharField(label="Objet", max_length=300, required=False)
