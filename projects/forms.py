from django import forms
from django.core.validators import MaxLengthValidator
from dsfr.forms import DsfrBaseForm

from common import bounds
from common.uploads import validate_pdf
from common.validators import validate_siret
from territories.models import Departement

from .collaboration import AttachmentKind, CommitteeKind, OpinionValue
from .models import HealthProject, LetterOfIntent, Project
from .states import OppositionGround
from .validators import normalise_rna, validate_rna

TEXT_MAX = bounds.TEXT_MAX  # a reason, an opinion, a message: bounded like every input
SECTION_MAX = bounds.SECTION_MAX  # one section of the LI or the PS


class FileForm(forms.ModelForm, DsfrBaseForm):
    """A file's sections as text areas, bounded (the model's TextFields are not)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.max_length = SECTION_MAX
            field.validators.append(MaxLengthValidator(SECTION_MAX))
            field.widget.attrs["maxlength"] = SECTION_MAX


class ProjectCreateForm(DsfrBaseForm):
    name = forms.CharField(
        label="Nom du projet", max_length=bounds.LINE_MAX, validators=[bounds.single_line]
    )
    departement = forms.ModelChoiceField(
        label="Département principal",
        queryset=Departement.objects.order_by("code"),
        help_text="Il détermine la délégation ARS et la CPAM qui instruiront le projet.",
    )


class LetterForm(FileForm):
    class Meta:
        model = LetterOfIntent
        fields = LetterOfIntent.REQUIRED_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}


class HealthProjectForm(FileForm):
    class Meta:
        model = HealthProject
        fields = HealthProject.REQUIRED_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}


class AssociationForm(DsfrBaseForm):
    name = forms.CharField(
        label="Nom de l'association", max_length=bounds.LINE_MAX, validators=[bounds.single_line]
    )
    rna = forms.CharField(
        label="Numéro RNA", max_length=12, help_text="La lettre W suivie de 9 chiffres."
    )
    siret = forms.CharField(
        label="SIRET", max_length=17, required=False, help_text="14 chiffres, s'il est connu."
    )
    general_assembly_on = forms.DateField(
        label="Date de l'assemblée générale constitutive",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[bounds.GENERAL_ASSEMBLY.validator],
    )
    statutes = forms.FileField(label="Statuts (PDF)", required=False)
    confirm = forms.BooleanField(
        label="Je certifie ces informations exactes ; je sais qu'elles ne seront plus "
        "modifiables en ligne une fois l'association enregistrée."
    )

    def __init__(self, *args, statutes_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statutes"].required = statutes_required

    def clean_rna(self):
        value = normalise_rna(self.cleaned_data["rna"])
        validate_rna(value)
        return value

    def clean_siret(self):
        value = self.cleaned_data["siret"]
        return validate_siret(value) if value else ""

    def clean_statutes(self):
        upload = self.cleaned_data.get("statutes")
        if upload:
            validate_pdf(upload)
        return upload


class ActionForm(DsfrBaseForm):
    """The fields an ARS (or leader) decision needs; built per transition."""

    reason = forms.CharField(
        label="Motif", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    items = forms.CharField(
        label="Pièces manquantes",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    ground = forms.ChoiceField(
        label="Motif légal d'opposition",
        choices=OppositionGround.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    FIELDS = {
        "validate_li": ("reason",),
        "request_li_changes": ("reason",),
        "reject_li": ("reason",),
        "request_ps_items": ("items",),
        "validate_ps": ("reason",),
        "oppose_ps": ("ground", "reason"),
        "start_aci": (),
        "abandon": ("reason",),
    }
    OPTIONAL_REASON = {"validate_li", "validate_ps"}

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.FIELDS[action]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "reason" in self.fields and action in self.OPTIONAL_REASON:
            self.fields["reason"].required = False
            self.fields["reason"].label = "Observations (facultatif)"
        for name in ("items", "ground"):
            if name in self.fields:
                self.fields[name].required = True


class MessageForm(DsfrBaseForm):
    body = forms.CharField(
        label="Votre message", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class AttachmentForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Rattachée à", choices=AttachmentKind.choices)
    title = forms.CharField(
        label="Intitulé", max_length=bounds.LINE_MAX, validators=[bounds.single_line]
    )
    file = forms.FileField(label="Fichier (PDF, 10 Mo au plus)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_pdf(upload)
        return upload


class InvitationForm(DsfrBaseForm):
    email = forms.EmailField(label="Adresse électronique du co-porteur", max_length=254)


class CommitteeForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Type de comité", choices=CommitteeKind.choices)
    departement = forms.ModelChoiceField(label="Département", queryset=Departement.objects.none())
    meets_at = forms.DateTimeField(
        label="Date et heure",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label="Lieu", max_length=200)
    members = forms.CharField(
        label="Membres",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="ARS, CPAM, MSA, URPS, représentant des usagers (comité PS), porteurs.",
    )
    user_representative = forms.CharField(
        label="Représentant des usagers",
        max_length=200,
        required=False,
        help_text="Obligatoire pour un comité du projet de santé.",
    )
    projects = forms.ModelMultipleChoiceField(
        label="Ordre du jour (projets)",
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, departements, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = departements
        self.fields["projects"].queryset = projects

    def clean(self):
        data = super().clean()
        if data.get("kind") == CommitteeKind.PS and not data.get("user_representative", "").strip():
            self.add_error(
                "user_representative",
                "Le comité du projet de santé comprend un représentant des usagers.",
            )
        return data


class OpinionForm(DsfrBaseForm):
    institution = forms.ChoiceField(label="Au nom de")
    value = forms.ChoiceField(label="Avis", choices=OpinionValue.choices)
    comment = forms.CharField(
        label="Observations",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = institutions
