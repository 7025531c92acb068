from django.db import models
from django.db.models import Q
from django.utils import timezone

SUBJECT_MAX = 255
PENDING = Q(sent_at__isnull=True, failed_at__isnull=True)


class Kind(models.TextChoices):
    MAIL = "mail", "Courriel"
    TASK = "task", "Tâche"


class MessageQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(PENDING, next_attempt_at__lte=now or timezone.now())


class Message(models.Model):
    """One e-mail or one Celery task to deliver. Pending until sent; `failed_at` only when it can
    never succeed (a bad header, every recipient refused)."""

    kind = models.CharField("type", max_length=4, choices=Kind.choices)
    subject = models.CharField("objet", max_length=SUBJECT_MAX, blank=True)
    body = models.TextField("texte", blank=True)
    recipients = models.JSONField("destinataires", default=list, blank=True)
    task = models.CharField("tâche", max_length=200, blank=True)
    args = models.JSONField("arguments", default=list, blank=True)
    created_at = models.DateTimeField("écrit le", default=timezone.now)
    attempts = models.PositiveIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    failed_at = models.DateTimeField("abandonné le", null=True, blank=True)
    last_error = models.TextField("dernière erreur", blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = "envoi"
        verbose_name_plural = "envois"
        indexes = [models.Index(fields=["next_attempt_at"], condition=PENDING, name="outbox_due")]

    def __str__(self):
        return self.subject if self.kind == Kind.MAIL else self.task


class Heartbeat(models.Model):
    """Written by a beat task each minute: `/healthz` tells whether beat and the worker run."""

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = "battement"

    def __str__(self):
        return f"{self.name} : {self.at}"
