"""What has been sent, so that no reminder goes out twice; secret calendar feed addresses."""

import secrets

from django.conf import settings
from django.db import models


class ReminderSent(models.Model):
    """One row per (deadline, offset, person): the unique constraint is the 'never twice'."""

    key = models.CharField("échéance", max_length=150)
    offset_days = models.PositiveSmallIntegerField("rappel à J-")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "rappel envoyé"
        verbose_name_plural = "rappels envoyés"
        constraints = [
            models.UniqueConstraint(
                fields=["key", "offset_days", "recipient"],
                name="reminder_sent_once",
                violation_error_message="Ce rappel a déjà été envoyé à cette personne.",
            )
        ]

    def __str__(self):
        return f"{self.key} J-{self.offset_days} → {self.recipient}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private iCalendar address; regenerating the secret revokes the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    secret = models.CharField(max_length=64, unique=True, default=new_secret)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "flux de calendrier"
        verbose_name_plural = "flux de calendrier"

    def __str__(self):
        return f"Calendrier de {self.user}"
