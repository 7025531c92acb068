"""Models around a project's file: committees and opinions, messages, attachments, invitations.

Imported at the end of `projects.models` so that Django registers them in the `projects` app.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from territories.models import Departement


class CommitteeKind(models.TextChoices):
    LI = "li", "Comité de validation de la lettre d'intention"
    PS = "ps", "Comité du projet de santé"


class Institution(models.TextChoices):
    """Who gives an opinion in a committee (domain.md §2 steps 3 and 8)."""

    ARS = "ars", "ARS"
    CPAM = "cpam", "CPAM"
    MSA = "msa", "MSA"
    URPS = "urps", "URPS"
    USAGERS = "usagers", "Représentant des usagers"


class OpinionValue(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVES = "reserves", "Favorable avec réserves"
    DEFAVORABLE = "defavorable", "Défavorable"


class Committee(models.Model):
    kind = models.CharField("type", max_length=2, choices=CommitteeKind.choices)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="committees", verbose_name="département"
    )
    meets_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=200)
    members = models.TextField(
        "membres",
        help_text="ARS, CPAM, MSA, URPS, représentant des usagers (PS), porteurs : un par ligne.",
    )
    user_representative = models.CharField(
        "représentant des usagers",
        max_length=200,
        blank=True,
        help_text="Obligatoire pour un comité du projet de santé.",
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="committees", verbose_name="ordre du jour"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Closing freezes the opinions and issues the minutes once (`committees.close_committee`).
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes = models.FileField("compte rendu définitif", upload_to="committees/%Y/", blank=True)
    minutes_sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)

    class Meta:
        ordering = ["-meets_at"]
        verbose_name = "comité"

    def __str__(self):
        return f"{self.get_kind_display()} – {self.departement} – {self.meets_at:%d/%m/%Y}"


class Opinion(models.Model):
    """One institution's opinion on one project at one committee (the latest one counts)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="opinions")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="opinions"
    )
    institution = models.CharField("institution", max_length=10, choices=Institution.choices)
    value = models.CharField("avis", max_length=12, choices=OpinionValue.choices)
    comment = models.TextField("observations", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = "avis"
        verbose_name_plural = "avis"
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "project", "institution"], name="one_opinion_per_institution"
            )
        ]

    def __str__(self):
        return f"{self.get_institution_display()} : {self.get_value_display()}"


class Message(models.Model):
    """The thread between the project leaders and the ARS."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("message")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = "message"

    def __str__(self):
        return f"Message de {self.author} – {self.project}"


class AttachmentKind(models.TextChoices):
    LI = "li", "Lettre d'intention"
    PS = "ps", "Projet de santé"
    OTHER = "autre", "Autre"


class Attachment(models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField("rattachée à", max_length=5, choices=AttachmentKind.choices)
    title = models.CharField("intitulé", max_length=200)
    file = models.FileField("fichier (PDF)", upload_to="attachments/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"

    def __str__(self):
        return self.title


def _token():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A co-leader invited by e-mail; accepting makes the person a member of the project."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("adresse électronique")
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "invitation"

    def __str__(self):
        return f"Invitation de {self.email} – {self.project}"
