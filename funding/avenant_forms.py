"""The avenant's forms: the proposal (only the terms it changes) and a party's signature."""

from django import forms

from .avenants import MAX_MEMBERS, TEXT_LIMIT, check_effective_date
from .base import FundingError
from .forms import OPTIONAL_CHOICES, SignatureForm, date_input
from .models import SIZES

UNCHANGED = ("", "inchangé(e)")
MAX_COMMUNES_INPUT = 20_000  # characters: about 3 000 INSEE codes


class AvenantForm(forms.Form):
    summary = forms.CharField(
        label="Objet de l'avenant", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )
    effective_on = forms.DateField(
        label="Date d'effet",
        widget=date_input(),
        help_text="L'avenant s'applique aux années de contrat commençant à cette date ou après.",
    )
    size = forms.TypedChoiceField(
        label="Taille", choices=[UNCHANGED, *SIZES], coerce=int, required=False, empty_value=None
    )
    members = forms.IntegerField(
        label="Nombre de membres déclaré", min_value=0, max_value=MAX_MEMBERS, required=False
    )
    change_optional = forms.BooleanField(label="Modifier les missions optionnelles", required=False)
    optional = forms.MultipleChoiceField(
        label="Missions optionnelles (après l'avenant)",
        choices=OPTIONAL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    snp_dispositif = forms.TypedChoiceField(
        label="Dispositif SNP (enveloppe fléchée)",
        choices=[UNCHANGED, ("oui", "avec"), ("non", "sans")],
        coerce=lambda v: v == "oui",
        required=False,
        empty_value=None,
    )
    communes = forms.CharField(
        label="Nouveau territoire (codes INSEE séparés par des espaces)",
        max_length=MAX_COMMUNES_INPUT,
        required=False,
        help_text="Laisser vide si le territoire ne change pas.",
    )

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract

    def clean_effective_on(self):
        try:
            return check_effective_date(self.contract, self.cleaned_data["effective_on"])
        except FundingError as error:
            raise forms.ValidationError(str(error)) from error

    def terms(self) -> dict:
        """The service's keyword arguments: None for what the avenant leaves unchanged."""
        d = self.cleaned_data
        codes = d["communes"].replace(",", " ").split()
        return dict(
            summary=d["summary"],
            effective_on=d["effective_on"],
            size=d["size"],
            members=d["members"],
            optional=d["optional"] if d["change_optional"] else None,
            snp_dispositif=d["snp_dispositif"],
            communes=codes or None,
        )


class AvenantSignatureForm(SignatureForm):
    """A party's signature of an avenant: same date rules as the contract's."""
