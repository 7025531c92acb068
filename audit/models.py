from django.conf import settings
from django.db import models
from django.utils import timezone

from common.append_only import AppendOnly


class AuditEntry(AppendOnly, models.Model):
    """One write: who (person and organisation), when, which action on which object, and the
    fields it changed as {field: [old, new]} (values as text)."""

    at = models.DateTimeField("le", default=timezone.now, db_index=True)
    # Strings, not imports: the audit sits below the apps whose writes it records.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisation",
    )
    action = models.CharField("action", max_length=100)
    label = models.CharField("libellé", max_length=300)
    target_type = models.CharField("objet", max_length=100, blank=True)
    target_id = models.PositiveBigIntegerField("identifiant de l'objet", null=True, blank=True)
    # The project the write concerns, if any: its page (and its contracts' pages) show it.
    project_id = models.PositiveBigIntegerField("projet", null=True, blank=True, db_index=True)
    changes = models.JSONField("modifications", default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal des modifications"
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} – {self.label}"
