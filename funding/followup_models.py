"""What the Assurance Maladie actually paid, against the lines of `calc.schedule`, and the
deployment milestones marked done (who and when)."""

from django.conf import settings
from django.db import models

MONEY = dict(max_digits=12, decimal_places=2)
# No payment, milestone or termination before the ACI of 20 June 2019.
ACI_DATE = "2019-06-20"
DATE_LIMIT = "2100-12-31"


class PaymentRecord(models.Model):
    """One payment made, settling (part of) one line of the contract's schedule, identified by
    its contract year, kind and due date."""

    contract = models.ForeignKey(
        "funding.Contract", on_delete=models.PROTECT, related_name="payments"
    )
    year = models.PositiveSmallIntegerField("année du contrat")
    kind = models.CharField("nature de l'échéance", max_length=20)
    due_on = models.DateField("échéance du")
    paid_on = models.DateField("versé le")
    amount = models.DecimalField("montant versé (€)", **MONEY)
    note = models.CharField("référence", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "paid_on", "pk"]
        verbose_name = "versement"
        constraints = [
            models.CheckConstraint(
                name="payment_amount_positive",
                condition=models.Q(amount__gt=0),
                violation_error_message="Le montant versé doit être positif.",
            ),
            models.CheckConstraint(
                name="payment_year_1_5",
                condition=models.Q(year__range=(1, 5)),
                violation_error_message="L'année du contrat va de 1 à 5.",
            ),
            models.CheckConstraint(
                name="payment_dates_in_domain",
                condition=models.Q(
                    paid_on__gte=ACI_DATE,
                    paid_on__lte=DATE_LIMIT,
                    due_on__gte=ACI_DATE,
                    due_on__lte=DATE_LIMIT,
                ),
                violation_error_message="L'échéance et la date de versement doivent se situer "
                "entre le 20/06/2019 et le 31/12/2100.",
            ),
        ]

    def __str__(self):
        return f"Versement de {self.amount} € le {self.paid_on:%d/%m/%Y} — {self.contract}"


class MilestoneKind(models.TextChoices):
    MISSION_STARTED = "mission_started", "Mission démarrée"
    MISSION_DEPLOYED = "mission_deployed", "Mission entièrement déployée"
    CRISIS_PLAN = "crisis_plan", "Plan d'action crises sanitaires remis"
    # Brought in with an existing CPTS (funding.reprise): the year's evaluation happened before
    # the portal, so it is no deadline still open; the portal holds no values nor amounts for it.
    EVALUATION_BEFORE = "evaluation_before", "Évaluation annuelle faite avant le portail"

    @classmethod
    def markable(cls) -> list[tuple[str, str]]:
        """What the Assurance Maladie marks on the contract page (not the imported kind)."""
        return [(k, label) for k, label in cls.choices if k != cls.EVALUATION_BEFORE]


class Milestone(models.Model):
    """A deployment milestone done: which, for which mission or contract year, who and when.
    (The yearly evaluation's closing is the evaluation itself.)"""

    contract = models.ForeignKey(
        "funding.Contract", on_delete=models.PROTECT, related_name="milestones"
    )
    kind = models.CharField("jalon", max_length=20, choices=MilestoneKind.choices)
    mission = models.CharField("mission", max_length=40, blank=True)
    year = models.PositiveSmallIntegerField("année du contrat", default=0)  # 0: not per year
    done_on = models.DateField("réalisé le")
    # Empty only for a milestone brought in by `manage.py import_cpts` run without a person.
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "done_on", "pk"]
        verbose_name = "jalon de déploiement"
        verbose_name_plural = "jalons de déploiement"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "mission", "year"],
                name="milestone_unique",
                violation_error_message="Ce jalon est déjà enregistré pour ce contrat (même "
                "mission, même année).",
            ),
            models.CheckConstraint(
                name="milestone_year_0_5",
                condition=models.Q(year__range=(0, 5)),
                violation_error_message="L'année d'un jalon va de 1 à 5 (0 : jalon sans année).",
            ),
            models.CheckConstraint(
                name="milestone_done_in_domain",
                condition=models.Q(done_on__gte=ACI_DATE, done_on__lte=DATE_LIMIT),
                violation_error_message="La date de réalisation doit se situer entre le "
                "20/06/2019 et le 31/12/2100.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.contract}"
