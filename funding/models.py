"""Funding: versioned ACI grids (data, editable in the admin), contracts, indicators, crises.

The arithmetic lives in `funding.calc`; these models only store what it needs.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

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
    valid_from = models.DateField("en vigueur à compter du", unique=True)
    source = models.TextField("source", blank=True)
    missions = models.JSONField(
        "missions", help_text="Code → intitulé, nature (base, socle, optional), mission parente."
    )
    majoration_rate = models.DecimalField(
        "majoration taille 4 (taux)", max_digits=5, decimal_places=4, null=True, blank=True
    )
    majoration_min_size = models.PositiveSmallIntegerField("taille minimale", default=4)
    majoration_min_members = models.PositiveIntegerField("membres minimum", default=100)
    majoration_includes_fonctionnement = models.BooleanField(
        "majoration appliquée au fonctionnement de base", default=False
    )
    majoration_source = models.TextField("source de la majoration", blank=True)
    majoration_to_confirm = models.BooleanField("majoration à confirmer", default=False)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = "version de grille ACI"
        verbose_name_plural = "versions de grille ACI"

    def __str__(self):
        return self.label


class GridCell(models.Model):
    """An annual maximum (or one-off amount) for one mission, part and size, with its source."""

    grid = models.ForeignKey(GridVersion, on_delete=models.CASCADE, related_name="cells")
    mission = models.CharField("mission / ligne", max_length=40)
    part = models.CharField("part", max_length=10, choices=Part.choices)
    size = models.PositiveSmallIntegerField("taille", choices=SIZES)
    amount = models.DecimalField("montant annuel maximum (€)", **MONEY)
    label = models.CharField("intitulé (ligne ponctuelle)", max_length=200, blank=True)
    earned_by = models.CharField(
        "part variable due sur",
        max_length=20,
        choices=[("indicators", "résultats des indicateurs"), ("crisis", "déclaration de crise")],
        default="indicators",
    )
    signed_before = models.DateField("réservé aux contrats signés avant le", null=True, blank=True)
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project__name", "sequence"]
        verbose_name = "contrat ACI"
        verbose_name_plural = "contrats ACI"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "sequence"], name="contract_project_sequence_unique"
            ),
            models.CheckConstraint(
                name="contract_sequence_positive", condition=models.Q(sequence__gte=1)
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

    def __str__(self):
        return f"FIR {self.amount} € — {self.project}"
