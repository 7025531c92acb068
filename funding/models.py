"""Funding: versioned ACI grids (data, editable in the admin), contracts, indicators, crises.

The arithmetic lives in `funding.calc`; these models only store what it needs.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from common import bounds
from territories.models import Departement, Region

SIZES = [(1, "Taille 1"), (2, "Taille 2"), (3, "Taille 3"), (4, "Taille 4")]
MONEY = dict(max_digits=12, decimal_places=2)
# Absolute bounds of a signature date in the database (the ACI of 20 June 2019; the "not in the
# future" bound moves every day: forms and services check it, see funding.signatures).
ACI_SIGNED_ON = dt.date(2019, 6, 20)
LATEST_DATE = dt.date(2100, 12, 31)


def signature_bounds(name: str, field: str, what: str) -> models.CheckConstraint:
    """`field` is empty or within [ACI of 20 June 2019, 2100-12-31]."""
    return models.CheckConstraint(
        name=name,
        condition=models.Q(**{f"{field}__isnull": True})
        | models.Q(**{f"{field}__range": (ACI_SIGNED_ON, LATEST_DATE)}),
        violation_error_message=bounds.between(what, ACI_SIGNED_ON, LATEST_DATE),
    )


PARTY_DATES = ("cpts_signed_on", "cpam_signed_on", "ars_signed_on", "signed_on")
PARTY_SIGNATURES = {  # what each date is, for the constraints' messages
    "cpts_signed_on": "la date de signature de la CPTS",
    "cpam_signed_on": "la date de signature de la CPAM",
    "ars_signed_on": "la date de signature de l'ARS",
}


class Part(models.TextChoices):
    FIXED = "fixed", "Part fixe (moyens)"
    VARIABLE = "variable", "Part variable (actions et résultats)"
    ONE_OFF = "one_off", "Financement ponctuel"


class GridVersion(models.Model):
    """One version of the ACI funding grid (ACI 2019, avenant 2…), in force from `valid_from`."""

    code = models.SlugField("code", max_length=40, unique=True)
    label = models.CharField("intitulé", max_length=200)
    valid_from = models.DateField(
        "en vigueur à compter du", unique=True, validators=[bounds.DateValidator("GRID_VALID_FROM")]
    )
    source = models.TextField("source", blank=True)
    missions = models.JSONField(
        "missions", help_text="Code → intitulé, nature (base, socle, optional), mission parente."
    )
    majoration_rate = models.DecimalField(
        "majoration taille 4 (taux)",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    majoration_min_size = models.PositiveSmallIntegerField("taille minimale", default=4)
    majoration_min_members = models.PositiveIntegerField(
        "membres minimum", default=100, validators=[MaxValueValidator(bounds.MEMBERS_MAX)]
    )
    majoration_includes_fonctionnement = models.BooleanField(
        "majoration appliquée au fonctionnement de base", default=False
    )
    majoration_source = models.TextField("source de la majoration", blank=True)
    majoration_to_confirm = models.BooleanField("majoration à confirmer", default=False)
    # The day a version takes effect is not always in the sources (avenant 2: published in the
    # JO on 31 March 2022, in force from that day in our reading).
    valid_from_to_confirm = models.BooleanField(
        "date d'entrée en vigueur à confirmer", default=False
    )
    valid_from_note = models.CharField(
        "sur la date d'entrée en vigueur", max_length=300, blank=True
    )

    class Meta:
        ordering = ["valid_from"]
        verbose_name = "version de grille ACI"
        verbose_name_plural = "versions de grille ACI"
        constraints = [
            bounds.range_constraint(
                "grid_version",
                "valid_from",
                bounds.ACI_START,
                bounds.STORED_DATES[1],
                what="la date d'entrée en vigueur de la grille",
            ),
            bounds.range_constraint(
                "grid_version",
                "majoration_rate",
                0,
                1,
                nullable=True,
                what="le taux de majoration de la taille 4",
            ),
            bounds.range_constraint(
                "grid_version",
                "majoration_min_members",
                0,
                bounds.MEMBERS_MAX,
                what="le nombre minimum de membres de la majoration",
            ),
        ]

    def __str__(self):
        return self.label


class GridCell(models.Model):
    """An annual maximum (or one-off amount) for one mission, part and size, with its source."""

    grid = models.ForeignKey(GridVersion, on_delete=models.CASCADE, related_name="cells")
    mission = models.CharField("mission / ligne", max_length=40)
    part = models.CharField("part", max_length=10, choices=Part.choices)
    size = models.PositiveSmallIntegerField("taille", choices=SIZES)
    amount = models.DecimalField(
        "montant annuel maximum (€)",
        **MONEY,
        validators=[MinValueValidator(0), MaxValueValidator(bounds.MONEY_MAX)],
    )
    label = models.CharField("intitulé (ligne ponctuelle)", max_length=200, blank=True)
    earned_by = models.CharField(
        "part variable due sur",
        max_length=20,
        choices=[("indicators", "résultats des indicateurs"), ("crisis", "déclaration de crise")],
        default="indicators",
    )
    signed_before = models.DateField(
        "réservé aux contrats signés avant le",
        null=True,
        blank=True,
        validators=[bounds.DateValidator("GRID_VALID_FROM")],
    )
    source = models.TextField("source", blank=True)
    to_confirm = models.BooleanField("à confirmer", default=False)

    class Meta:
        ordering = ["grid", "pk"]
        verbose_name = "cellule de grille"
        verbose_name_plural = "cellules de grille"
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "mission", "part", "size"],
                name="grid_cell_unique",
                violation_error_message="Cette grille a déjà une cellule pour cette mission, "
                "cette part et cette taille.",
            ),
            models.CheckConstraint(
                name="grid_cell_size_1_4",
                condition=models.Q(size__range=(1, 4)),
                violation_error_message=bounds.between("la taille", 1, 4),
            ),
            bounds.money_constraint(
                "grid_cell", "amount", allow_zero=True, what="le montant annuel maximum"
            ),
            bounds.date_constraint(
                "grid_cell", "signed_before", what="la date limite de signature des contrats"
            ),
        ]

    def __str__(self):
        return f"{self.grid.code} · {self.mission} · {self.part} · T{self.size}"


class Contract(models.Model):
    """A tripartite ACI contract (CPTS, CPAM, ARS), 5 years, signed by all three.

    A CPTS lives through a sequence of contracts: number 1, then each renewal after five years
    (or after a termination) adds the next one; the earlier ones stay as history."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="contracts"
    )
    sequence = models.PositiveSmallIntegerField("numéro du contrat pour cette CPTS", default=1)
    grid = models.ForeignKey(
        GridVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Grille en vigueur à la date de signature (fixée quand les trois ont signé).",
    )
    size = models.PositiveSmallIntegerField(
        "taille", choices=SIZES, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    members = models.PositiveIntegerField("nombre de membres adhérents", default=0)
    snp_dispositif = models.BooleanField("dispositif SNP (enveloppe fléchée)", default=False)
    cpts_signed_on = models.DateField("signé par la CPTS le", null=True, blank=True)
    cpam_signed_on = models.DateField("signé par la CPAM le", null=True, blank=True)
    ars_signed_on = models.DateField("signé par l'ARS le", null=True, blank=True)
    signed_on = models.DateField("contrat signé le", null=True, blank=True)
    terminated_on = models.DateField("résilié le", null=True, blank=True)
    # Brought in by `funding.reprise` (signed before the portal): its signatures are the file's.
    imported = models.BooleanField("repris de l'existant", default=False)
    termination_reason = models.TextField("motif de résiliation", blank=True)
    # Set when the five years are over (the scheduler) or when the next contract is signed.
    ended_on = models.DateField("échu le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project__name", "sequence"]
        verbose_name = "contrat ACI"
        verbose_name_plural = "contrats ACI"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "sequence"],
                name="contract_project_sequence_unique",
                violation_error_message="Cette CPTS a déjà un contrat portant ce numéro.",
            ),
            models.CheckConstraint(
                name="contract_sequence_positive",
                condition=models.Q(sequence__gte=1),
                violation_error_message="Les contrats d'une CPTS sont numérotés à partir de 1.",
            ),
            *(
                signature_bounds(f"contract_{field}_bounds", field, what)
                for field, what in {
                    **PARTY_SIGNATURES,
                    "signed_on": "la date de signature du contrat",
                }.items()
            ),  # fmt: skip
            models.CheckConstraint(
                name="contract_ended_after_signature",
                condition=models.Q(ended_on__isnull=True)
                | models.Q(signed_on__isnull=False, ended_on__gte=models.F("signed_on")),
                violation_error_message="Un contrat échoit une fois signé, et pas avant sa "
                "signature.",
            ),
            models.CheckConstraint(
                name="contract_terminated_in_domain",
                condition=models.Q(terminated_on__isnull=True)
                | models.Q(terminated_on__gte="2019-06-20", terminated_on__lte="2100-12-31"),
                violation_error_message=bounds.between(
                    "la date de résiliation", ACI_SIGNED_ON, LATEST_DATE
                ),
            ),
        ]

    def __str__(self):
        suffix = f" (n° {self.sequence})" if self.sequence > 1 else ""
        return f"Contrat ACI — {self.project}{suffix}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None

    @classmethod
    def current_of(cls, project) -> "Contract | None":
        """The project's latest contract (being prepared, running or ended), or None."""
        return cls.objects.filter(project=project).order_by("-sequence").first()


class ContractMission(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="missions")
    mission = models.CharField("mission", max_length=40)
    started_on = models.DateField("démarrée le", null=True, blank=True)

    class Meta:
        ordering = ["contract", "pk"]
        verbose_name = "mission du contrat"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "mission"],
                name="contract_mission_unique",
                violation_error_message="Cette mission figure déjà au contrat.",
            ),
            signature_bounds(
                "contract_mission_started_on_bounds",
                "started_on",
                "la date de démarrage de la mission",
            ),
        ]

    def __str__(self):
        return self.mission


class Indicator(models.Model):
    """A negotiated indicator: thresholds (socle, intermédiaire, objectif) → share earned."""

    mission = models.ForeignKey(
        ContractMission, on_delete=models.CASCADE, related_name="indicators"
    )
    label = models.CharField("indicateur", max_length=300)
    weight = models.DecimalField(
        "poids dans l'enveloppe variable", max_digits=5, decimal_places=4, default=1
    )
    higher_is_better = models.BooleanField("plus haut est mieux", default=True)
    thresholds = models.JSONField(
        "paliers", help_text='Liste de {"level": "objectif", "value": "80", "rate": "1"}.'
    )

    class Meta:
        ordering = ["mission", "pk"]
        verbose_name = "indicateur"

    def __str__(self):
        return self.label

    def threshold_pairs(self) -> list[tuple[Decimal, Decimal]]:
        # Stored as strings in JSON so that no amount ever passes through a float.
        return [(Decimal(str(t["value"])), Decimal(str(t["rate"]))) for t in self.thresholds]


class IndicatorResult(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="results")
    year = models.PositiveSmallIntegerField(
        "année du contrat", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    value = models.DecimalField("valeur constatée", max_digits=14, decimal_places=4)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "résultat d'indicateur"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="indicator_result_unique",
                violation_error_message="Cet indicateur a déjà son résultat pour cette année "
                "du contrat.",
            )
        ]

    def __str__(self):
        return f"{self.indicator} — année {self.year} : {self.value}"


class ContractAvenant(models.Model):
    """An avenant: proposed by the CPAM or the ARS of the territory, signed by each of the three
    parties for itself, in force at the third signature. It changes the terms set here (a
    `new_*` left empty changes nothing) for the contract years starting on or after
    `effective_on`; `old_*` are the terms it replaced (taken when it comes into force)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="avenants")
    number = models.PositiveSmallIntegerField("numéro")
    summary = models.TextField("objet")
    effective_on = models.DateField("date d'effet", null=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField("proposé le", null=True)
    new_size = models.PositiveSmallIntegerField("nouvelle taille", choices=SIZES, null=True)
    new_members = models.PositiveIntegerField("nouveau nombre de membres déclaré", null=True)
    new_optional = models.JSONField("nouvelles missions optionnelles", null=True)
    new_snp_dispositif = models.BooleanField("dispositif SNP", null=True)
    new_communes = models.JSONField("nouveau territoire (codes INSEE)", null=True)
    old_size = models.PositiveSmallIntegerField("ancienne taille", choices=SIZES, null=True)
    old_members = models.PositiveIntegerField("ancien nombre de membres", null=True)
    old_optional = models.JSONField("anciennes missions optionnelles", null=True)
    old_snp_dispositif = models.BooleanField("ancien dispositif SNP", null=True)
    old_communes = models.JSONField("ancien territoire (codes INSEE)", null=True)
    cpts_signed_on = models.DateField("signé par la CPTS le", null=True, blank=True)
    cpam_signed_on = models.DateField("signé par la CPAM le", null=True, blank=True)
    ars_signed_on = models.DateField("signé par l'ARS le", null=True, blank=True)
    signed_on = models.DateField("en vigueur depuis le (troisième signature)", null=True)
    withdrawn_at = models.DateTimeField("retiré le", null=True, blank=True)

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = "avenant au contrat"
        verbose_name_plural = "avenants au contrat"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"],
                name="avenant_number_unique",
                violation_error_message="Ce contrat a déjà un avenant portant ce numéro.",
            ),
            models.CheckConstraint(
                name="avenant_size_1_4",
                condition=models.Q(new_size__range=(1, 4)) | models.Q(new_size__isnull=True),
                violation_error_message=bounds.between("la nouvelle taille", 1, 4),
            ),
            models.CheckConstraint(
                name="avenant_members_bounded",
                condition=models.Q(new_members__lte=100_000) | models.Q(new_members__isnull=True),
                violation_error_message="Le nouveau nombre de membres ne peut pas dépasser "
                "100\u202f000.",
            ),
            models.CheckConstraint(
                name="avenant_effective_on_bounds",
                condition=models.Q(effective_on__isnull=True)
                | models.Q(effective_on__range=(ACI_SIGNED_ON, LATEST_DATE)),
                violation_error_message=bounds.between(
                    "la date d'effet de l'avenant", ACI_SIGNED_ON, LATEST_DATE
                ),
            ),
            *(
                signature_bounds(f"avenant_{field}_bounds", field, what)
                for field, what in {
                    **PARTY_SIGNATURES,
                    "signed_on": "la date d'entrée en vigueur de l'avenant",
                }.items()
            ),  # fmt: skip
        ]

    def __str__(self):
        return f"Avenant n° {self.number} — {self.contract}"

    @property
    def in_force(self) -> bool:
        return self.signed_on is not None

    @property
    def pending(self) -> bool:
        return self.signed_on is None and self.withdrawn_at is None


class CrisisDeclaration(models.Model):
    """A serious sanitary crisis characterised by the ARS, on a région or some départements."""

    declared_on = models.DateField("crise caractérisée le")
    label = models.CharField("crise", max_length=200)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Toute la région (laisser vide pour des départements).",
    )
    departements = models.ManyToManyField(Departement, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-declared_on"]
        verbose_name = "déclaration de crise sanitaire grave"
        verbose_name_plural = "déclarations de crise sanitaire grave"
        constraints = [
            bounds.date_constraint(
                "crisis", "declared_on", nullable=False,
                what="la date de caractérisation de la crise",
            )
        ]  # fmt: skip

    def __str__(self):
        return f"{self.label} ({self.declared_on:%d/%m/%Y})"


class PreAciSupport(models.Model):
    """Assurance Maladie pre-contract accompaniment (avenant 2, annexe 6), with its PS deadline."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="pre_aci_support"
    )
    granted_on = models.DateField("accordé le")
    amount = models.DecimalField("montant (€)", **MONEY)
    ps_due_on = models.DateField("projet de santé à déposer avant le")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "accompagnement pré-ACI"
        verbose_name_plural = "accompagnements pré-ACI"
        constraints = [
            bounds.date_constraint(
                "pre_aci",
                "granted_on",
                nullable=False,
                what="la date d'accord de l'accompagnement pré-ACI",
            ),
            bounds.date_constraint(
                "pre_aci",
                "ps_due_on",
                nullable=False,
                what="la date limite de dépôt du projet de santé",
            ),
            bounds.money_constraint("pre_aci", "amount", what="le montant de l'accompagnement"),
        ]

    def __str__(self):
        return f"Accompagnement pré-ACI — {self.project}"


class FirGrant(models.Model):
    """ARS FIR start-up grant: one-off, amount set by the ARS."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="fir_grants"
    )
    granted_on = models.DateField("accordé le")
    amount = models.DecimalField("montant (€)", **MONEY)
    note = models.CharField("objet", max_length=300, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-granted_on"]
        verbose_name = "subvention FIR (ARS)"
        verbose_name_plural = "subventions FIR (ARS)"
        constraints = [
            bounds.date_constraint(
                "fir_grant",
                "granted_on",
                nullable=False,
                what="la date d'accord de la subvention FIR",
            ),
            bounds.money_constraint("fir_grant", "amount", what="le montant de la subvention"),
        ]

    def __str__(self):
        return f"FIR {self.amount} € — {self.project}"


# The contract's life after signature, in their own modules: evaluations, payments, milestones.
from .evaluation_models import (  # noqa: E402, F401
    EvaluationSpending,
    EvaluationStep,
    EvaluationValue,
    YearEvaluation,
)
from .followup_models import Milestone, PaymentRecord  # noqa: E402, F401
