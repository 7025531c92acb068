from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from accounts.models import Organisation
from common import bounds, model_choices
from common.labels import CHOOSE
from common.uploads import validate_pdf
from common.validators import validate_siret
from territories.models import Departement

from . import committees, missing_items
from .collaboration import (
    COMMITTEE_EARLIEST,
    COMMITTEE_HORIZON,
    AttachmentKind,
    CommitteeKind,
    CommitteeMember,
    OpinionValue,
)
from .deadlines import ITEMS_DUE_DEFAULT, items_due_bounds
from .errors import WorkflowError
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
    departement = model_choices.ModelChoiceField(
        label="Département envisagé",
        queryset=Departement.objects.order_by("code"),
        empty_label=CHOOSE,
        help_text="Provisoire : dès que vous choisissez les communes, le département principal "
        "est déduit du territoire (le plus peuplé) ; c'est lui qui désigne la délégation ARS et "
        "la CPAM qui instruiront le projet.",
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

    # An LI decision says in which committee it was taken, or why without one (issue 15).
    committee = model_choices.ModelChoiceField(
        label="Comité dans lequel la décision a été prise",
        queryset=committees.Committee.objects.none(),
        required=False,
        empty_label="Aucun : décision prise hors comité",
    )
    without_committee = forms.CharField(
        label="Si hors comité : pourquoi",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    LI_FIELDS = ("committee", "without_committee")
    FIELDS = {
        "validate_li": ("reason", *LI_FIELDS),
        "request_li_changes": ("reason", *LI_FIELDS),
        "reject_li": ("reason", *LI_FIELDS),
        "request_ps_items": ("items",),
        "validate_ps": ("reason",),
        "oppose_ps": ("ground", "reason"),
        "start_aci": (),
        "abandon": ("reason",),
        "close_without_follow_up": ("reason",),
    }
    OPTIONAL_REASON = {"validate_li", "validate_ps"}

    def __init__(self, *args, action: str, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.FIELDS[action]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "committee" in self.fields and project is not None:
            self.fields["committee"].queryset = committees.decision_committees(project)
        if "reason" in self.fields and action in self.OPTIONAL_REASON:
            self.fields["reason"].required = False
            self.fields["reason"].label = "Observations (facultatif)"
        for name in ("items", "ground"):
            if name in self.fields:
                self.fields[name].required = True

    def clean(self):
        data = super().clean()
        if "committee" in self.fields:
            committee, why = data.get("committee"), data.get("without_committee", "").strip()
            if committee is None and not why:
                self.add_error(
                    "without_committee",
                    "Choisissez le comité de la décision, ou dites pourquoi elle est prise "
                    "sans comité.",
                )
            elif committee is not None and why:
                self.add_error("without_committee", "Décision prise en comité : laissez vide.")
        return data


def _default_items_due_on():
    return timezone.localdate() + ITEMS_DUE_DEFAULT


class MissingItemsForm(DsfrBaseForm):
    """The ARS's request for missing items: the list and the date to provide them by."""

    items = forms.CharField(
        label="Pièces manquantes",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Une pièce par ligne. Au moins une pièce : une demande sans pièce ne peut "
        "servir à faire repartir le délai.",
    )
    due_on = forms.DateField(
        label="À fournir au plus tard le",
        initial=_default_items_due_on,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Au plus tôt demain, au plus tard dans six mois. Les porteurs reçoivent un "
        "rappel avant cette date.",
    )

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        earliest, latest = items_due_bounds(timezone.localdate())
        self.fields["due_on"].widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())

    def clean_items(self):
        try:
            return "\n".join(missing_items.parse_items(self.cleaned_data["items"]))
        except WorkflowError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        try:
            missing_items.check_due_on(due_on, timezone.localdate())
        except WorkflowError as error:
            raise forms.ValidationError(str(error)) from error
        return due_on


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
    departement = model_choices.ModelChoiceField(
        label="Département", queryset=Departement.objects.none(), empty_label=CHOOSE
    )
    meets_at = forms.DateTimeField(
        label="Date et heure",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="À partir du 1er janvier 2019, au plus deux ans à l'avance.",
    )
    place = forms.CharField(label="Lieu", max_length=200)
    organisations = model_choices.ModelMultipleChoiceField(
        label="Organisations membres",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Chaque URPS, la CPAM, la MSA… : chacune rend son propre avis.",
    )
    user_representative = forms.CharField(
        label="Représentant des usagers : nom et prénom",
        max_length=200,
        required=False,
        help_text="Obligatoire pour un comité du projet de santé.",
    )
    user_representative_quality = forms.CharField(
        label="Représentant des usagers : association qu'il représente",
        max_length=200,
        required=False,
    )
    invited = forms.CharField(
        label="Personnes invitées",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Une par ligne : « Nom Prénom — qualité ».",
    )
    members = forms.CharField(
        label="Précisions sur la composition (facultatif)",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    projects = model_choices.ModelMultipleChoiceField(
        label="Ordre du jour (projets)",
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    INVITED_MAX = 30

    def __init__(self, *args, departements, projects, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = departements
        self.fields["projects"].queryset = projects
        self.fields["organisations"].queryset = organisations
        self.fields["organisations"].label_from_instance = _organisation_label

    def clean_meets_at(self):
        meets_at = self.cleaned_data["meets_at"]
        if meets_at < COMMITTEE_EARLIEST:
            raise forms.ValidationError("Un comité ne peut pas se tenir avant le 1er janvier 2019.")
        if meets_at > timezone.now() + COMMITTEE_HORIZON:
            raise forms.ValidationError("Un comité se programme au plus deux ans à l'avance.")
        return meets_at

    def clean_invited(self):
        people = []
        for line in self.cleaned_data["invited"].splitlines():
            if not line.strip():
                continue
            name, _, quality = line.replace(" - ", " — ").partition("—")
            if not name.strip() or len(name.strip()) > 200 or len(quality.strip()) > 200:
                raise forms.ValidationError(
                    "Une personne invitée par ligne : « Nom Prénom — qualité », 200 caractères "
                    "au plus pour chacun."
                )
            people.append((name.strip(), quality.strip()))
        if len(people) > self.INVITED_MAX:
            raise forms.ValidationError(f"{self.INVITED_MAX} personnes invitées au plus.")
        return people

    def clean(self):
        data = super().clean()
        if data.get("kind") == CommitteeKind.PS and not data.get("user_representative", "").strip():
            self.add_error(
                "user_representative",
                "Le comité du projet de santé comprend un représentant des usagers.",
            )
        departement, organisations = data.get("departement"), data.get("organisations")
        if departement and organisations:
            outside = [o for o in organisations if not o.covers(departement)]
            if outside:
                self.add_error(
                    "organisations",
                    "N'agissent pas sur ce département : " + ", ".join(map(str, outside)),
                )
        return data


def _organisation_label(organisation) -> str:
    return f"{organisation.get_kind_display()} — {organisation.name}"


class OpinionForm(DsfrBaseForm):
    """No value is chosen in advance: the member picks one (issue 15)."""

    institution = forms.ChoiceField(label="Au nom de")
    value = forms.ChoiceField(label="Avis", choices=OpinionValue.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Observations",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        field.choices = institutions
        if len(institutions) == 1:  # one seat: nothing to choose, said in the label
            field.widget = forms.HiddenInput()
            field.initial = institutions[0][0]
            field.required = False
            label = f"Avis au nom de : {institutions[0][1]}"
            # DsfrBaseForm has already bound its fields: the bound field keeps its own label.
            self.fields["value"].label = self["value"].label = label
        else:
            field.widget = forms.RadioSelect(choices=institutions)

    def clean_institution(self):
        choices = self.fields["institution"].choices
        return self.cleaned_data["institution"] or (choices[0][0] if len(choices) == 1 else "")


class MemberForm(DsfrBaseForm):
    """One more member: an organisation of the territory, or an invited person."""

    organisation = model_choices.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="— Aucune : une personne invitée —",
    )
    name = forms.CharField(
        label="Ou personne invitée : nom et prénom", max_length=200, required=False
    )
    quality = forms.CharField(label="Sa qualité", max_length=200, required=False)

    def __init__(self, *args, committee, seats=None, **kwargs):
        """`seats`: the committee's members (`committees.members`) if the page has read them."""
        super().__init__(*args, **kwargs)
        if seats is None:
            seated = committee.participants.exclude(organisation=None).values("organisation")
        else:
            seated = [m.organisation_id for m in seats if m.organisation_id is not None]
        field = self.fields["organisation"]
        field.queryset = committees.member_organisations(committee.departement).exclude(
            pk__in=seated
        )
        field.label_from_instance = _organisation_label

    def clean(self):
        data = super().clean()
        if (data.get("organisation") is None) == (not data.get("name", "").strip()):
            raise forms.ValidationError(
                "Choisissez une organisation, ou donnez le nom d'une personne invitée."
            )
        return data


class AttendanceForm(DsfrBaseForm):
    present = model_choices.ModelMultipleChoiceField(
        label="Présents",
        queryset=CommitteeMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Les membres non cochés sont notés absents.",
    )

    def __init__(self, *args, committee, seats=None, **kwargs):
        """`seats`: the committee's members (`committees.members`) if the page has read them."""
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.queryset = committee.participants.select_related("organisation")
        field.listed = seats = list(field.queryset) if seats is None else seats
        field.label_from_instance = lambda member: member.label
        field.initial = [m.pk for m in seats if m.attended]


class CommitteeDocumentForm(DsfrBaseForm):
    title = forms.CharField(label="Intitulé", max_length=200)
    file = forms.FileField(label="Fichier (PDF, 10 Mo au plus)")
    project = model_choices.ModelChoiceField(
        label="Concerne",
        queryset=Project.objects.none(),
        required=False,
        empty_label="Tout le comité",
        help_text="Un document sur un projet n'est montré qu'à ses porteurs et aux institutions.",
    )

    def __init__(self, *args, committee, agenda=None, **kwargs):
        """`agenda`: the committee's projects if the page has read them."""
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = committee.projects.all()
        self.fields["project"].listed = agenda

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_pdf(upload)
        return upload
