"""The yearly evaluation of a contract year: what the CPTS declares (indicator values, activity
report, spending per mission), the CPAM's review, and the amounts frozen when it is closed.

Declared values count for the money only once the CPAM closes the year: they are then written
as the contract's `IndicatorResult`s, which `funding.terms` reads."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organisation
from common.append_only import AppendOnly

MONEY = dict(max_digits=12, decimal_places=2)


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "En cours de saisie par la CPTS"
    SUBMITTED = "submitted", "Transmise à la CPAM"
    CORRECTIONS = "corrections", "Corrections demandées à la CPTS"
    CLOSED = "closed", "Clôturée par la CPAM"


class YearEvaluation(models.Model):
    contract = models.ForeignKey(
        "funding.Contract", on_delete=models.PROTECT, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField("année du contrat")
    status = models.CharField(
        "état", max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    activity_report = models.FileField("rapport d'activité (PDF)", upload_to="evaluations/%Y/")
    submitted_at = models.DateTimeField("transmise le", null=True, blank=True)
    closed_at = models.DateTimeField("clôturée le", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Frozen when the CPAM closes the year (a later grid edit never changes them).
    entitled_total = models.DecimalField("droits de l'année (€)", null=True, blank=True, **MONEY)
    variable_total = models.DecimalField("parts variables (€)", null=True, blank=True, **MONEY)
    balance = models.DecimalField("solde dû (€)", null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["contract", "year"]
        verbose_name = "évaluation annuelle"
        verbose_name_plural = "évaluations annuelles"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year"],
                name="evaluation_unique_year",
                violation_error_message="Ce contrat a déjà une évaluation pour cette année.",
            ),
            models.CheckConstraint(
                name="evaluation_year_1_5",
                condition=models.Q(year__range=(1, 5)),
                violation_error_message="L'année du contrat va de 1 à 5.",
            ),
            models.CheckConstraint(
                name="evaluation_closed_has_amounts",
                condition=~models.Q(status="closed")
                | models.Q(
                    closed_at__isnull=False,
                    entitled_total__gte=0,
                    variable_total__gte=0,
                    balance__isnull=False,
                ),
                violation_error_message="Une évaluation clôturée porte sa date de clôture, son "
                "solde et ses montants de l'année (droits, parts variables), positifs ou nuls.",
            ),
        ]

    def __str__(self):
        return f"Évaluation de l'année {self.year} — {self.contract}"

    @property
    def is_closed(self) -> bool:
        return self.status == EvaluationStatus.CLOSED


class EvaluationValue(models.Model):
    """An indicator's value as the CPTS declares it for the year."""

    evaluation = models.ForeignKey(YearEvaluation, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey("funding.Indicator", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("valeur déclarée", max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = "valeur déclarée"
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"],
                name="evaluation_value_unique",
                violation_error_message="Cet indicateur a déjà sa valeur dans cette évaluation.",
            )
        ]

    def __str__(self):
        return f"{self.indicator_id} : {self.value}"


class EvaluationSpending(models.Model):
    """What the CPTS spent on a mission (or its fonctionnement) during the year."""

    evaluation = models.ForeignKey(
        YearEvaluation, on_delete=models.CASCADE, related_name="spending"
    )
    mission = models.CharField("mission", max_length=40)
    amount = models.DecimalField("dépenses (€)", **MONEY)

    class Meta:
        ordering = ["evaluation", "pk"]
        verbose_name = "dépenses par mission"
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "mission"],
                name="evaluation_spending_unique",
                violation_error_message="Cette mission a déjà ses dépenses dans cette évaluation.",
            ),
            models.CheckConstraint(
                name="evaluation_spending_positive",
                condition=models.Q(amount__gte=0),
                violation_error_message="Les dépenses d'une mission sont positives ou nulles.",
            ),
        ]

    def __str__(self):
        return f"{self.mission} : {self.amount} €"


class EvaluationStep(AppendOnly, models.Model):
    """The evaluation's history: each submission, correction request and closing."""

    evaluation = models.ForeignKey(YearEvaluation, on_delete=models.PROTECT, related_name="steps")
    source = models.CharField("de", max_length=12, choices=EvaluationStatus.choices)
    target = models.CharField("vers", max_length=12, choices=EvaluationStatus.choices)
    comment = models.TextField("commentaire", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "étape de l'évaluation"
        verbose_name_plural = "historique de l'évaluation"

    def __str__(self):
        return f"{self.source} → {self.target}"
