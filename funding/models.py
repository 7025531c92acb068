"""Funding: versioned ACI grids (data, editable in the admin), contracts, indicators, crises.

The arithmetic lives in `funding.calc`; these models only store what it needs.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from common import bounds
from territories.models import Departement, Region

SIZES = [(1, "Taille 1"), (2, "Taille 2"), (3, "Taille 3"), (4, "Taille 4")]
MONEY = dict(max_digits=12, decimal_places=2)


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

    class Meta:
        ordering = ["valid_from"]
        verbose_name = "version de grille ACI"
        verbose_name_plural = "versions de grille ACI"
        constraints = [
            bounds.range_constraint(
                "grid_version", "valid_from", bounds.ACI_START, bounds.STORED_DATES[1]
            ),
            bounds.range_constraint("grid_version", "majoration_rate", 0, 1, nullable=True),
            bounds.range_constraint(
                "grid_version", "majoration_min_members", 0, bounds.MEMBERS_MAX
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
                fields=["grid", "mission", "part", "size"], name="grid_cell_unique"
            ),
            models.CheckConstraint(
                name="grid_cell_size_1_4", condition=models.Q(size__range=(1, 4))
            ),
            bounds.money_constraint("grid_cell", "amount", allow_zero=True),
            bounds.date_constraint("grid_cell", "signed_before"),
        ]

    def __str__(self):
        return f"{self.grid.code} · {self.mission} · {self.part} · T{self.size}"


class Contract(models.Model):
    """The tripartite ACI contract (CPTS, CPAM, ARS) of a project, 5 years, signed by all three."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="aci_contract"
    )
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
    termination_reason = models.TextField("motif de résiliation", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project__name"]
        verbose_name = "contrat ACI"
        verbose_name_plural = "contrats ACI"

    def __str__(self):
        return f"Contrat ACI — {self.project}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None


class ContractMission(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="missions")
    mission = models.CharField("mission", max_length=40)
    started_on = models.DateField("démarrée le", null=True, blank=True)

    class Meta:
        ordering = ["contract", "pk"]
        verbose_name = "mission du contrat"
        constraints = [
            models.UniqueConstraint(fields=["contract", "mission"], name="contract_mission_unique")
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
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_result_unique")
        ]

    def __str__(self):
        return f"{self.indicator} — année {self.year} : {self.value}"


class ContractAvenant(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="avenants")
    number = models.PositiveSmallIntegerField("numéro")
    signed_on = models.DateField("signé le")
    summary = models.TextField("objet")

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = "avenant au contrat"

    def __str__(self):
        return f"Avenant n° {self.number} — {self.contract}"


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
        constraints = [bounds.date_constraint("crisis", "declared_on", nullable=False)]

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
            bounds.date_constraint("pre_aci", "granted_on", nullable=False),
            bounds.date_constraint("pre_aci", "ps_due_on", nullable=False),
            bounds.money_constraint("pre_aci", "amount"),
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
            bounds.date_constraint("fir_grant", "granted_on", nullable=False),
            bounds.money_constraint("fir_grant", "amount"),
        ]

    def __str__(self):
        return f"FIR {self.amount} € — {self.project}"
