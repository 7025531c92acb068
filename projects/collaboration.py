"""Models around a project's file: committees and opinions, messages, attachments, invitations.

Imported at the end of `projects.models` so that Django registers them in the `projects` app.
"""

import datetime as dt
import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import OrganisationKind
from common.append_only import AppendOnly
from territories.models import Departement

# When a committee may meet (issue 17): not before the CPTS committees existed (2019), and
# not more than COMMITTEE_HORIZON after it is convened. The form, the service and the database
# (CheckConstraints below) all hold it: a committee in year 1 or 9999 cannot exist.
COMMITTEE_EARLIEST = dt.datetime(2019, 1, 1, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
COMMITTEE_HORIZON = dt.timedelta(days=731)  # about two years


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


# Organisations whose seat gives an opinion (the user representative's seat too, see Seat).
OPINION_KINDS = {
    OrganisationKind.ARS: Institution.ARS,
    OrganisationKind.ARS_DD: Institution.ARS,
    OrganisationKind.CPAM: Institution.CPAM,
    OrganisationKind.MSA: Institution.MSA,
    OrganisationKind.URPS: Institution.URPS,
}


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
    # Free text from before the members were listed one by one (CommitteeMember): kept as
    # written, shown as notes on the composition.
    members = models.TextField("précisions sur la composition", blank=True)
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
        constraints = [
            models.CheckConstraint(
                name="committee_meets_after_2019",
                condition=Q(meets_at__gte=COMMITTEE_EARLIEST),
                violation_error_message="Un comité se réunit au plus tôt le "
                f"{COMMITTEE_EARLIEST:%d/%m/%Y}.",
            ),
            models.CheckConstraint(
                name="committee_meets_within_horizon",
                condition=Q(meets_at__lte=F("created_at") + COMMITTEE_HORIZON),
                violation_error_message="Un comité se réunit au plus tard deux ans après sa "
                "convocation.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.departement} – {self.meets_at:%d/%m/%Y}"

    @property
    def user_representative(self):
        """The seat of the représentant des usagers (a named person), if any."""
        return next((m for m in self.participants.all() if m.seat == Seat.USAGERS), None)


class Seat(models.TextChoices):
    ORGANISATION = "organisation", "Organisation membre"
    USAGERS = "usagers", "Représentant des usagers"
    INVITED = "invite", "Personne invitée"


class CommitteeMember(models.Model):
    """Who sits in a committee: an organisation (each URPS, the CPAM, the MSA, the ARS…), the
    représentant des usagers (a named person) or an invited person; and whether they attended."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="participants")
    seat = models.CharField("siège", max_length=12, choices=Seat.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_seats",
    )
    name = models.CharField("nom et prénom", max_length=200, blank=True)
    quality = models.CharField("qualité", max_length=200, blank=True)
    # None until the ARS records the attendance after the meeting.
    attended = models.BooleanField("présent", null=True, blank=True)

    class Meta:
        ordering = ["seat", "organisation__kind", "organisation__name", "name", "pk"]
        verbose_name = "membre du comité"
        verbose_name_plural = "membres du comité"
        constraints = [
            models.CheckConstraint(
                name="committee_member_is_an_organisation_or_a_person",
                condition=Q(seat="organisation", organisation__isnull=False)
                | (Q(organisation__isnull=True) & ~Q(seat="organisation") & ~Q(name="")),
                violation_error_message="Un membre du comité est soit une organisation qui y "
                "siège, soit une personne nommée (représentant des usagers, invité).",
            ),
            models.UniqueConstraint(
                fields=["committee", "organisation"],
                condition=Q(organisation__isnull=False),
                name="one_seat_per_organisation",
                violation_error_message="Cette organisation siège déjà à ce comité.",
            ),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(seat="usagers"),
                name="one_user_representative_per_committee",
                violation_error_message="Ce comité a déjà son représentant des usagers.",
            ),
        ]

    def __str__(self):
        if self.organisation_id:
            return str(self.organisation)
        return f"{self.name} ({self.quality})" if self.quality else self.name

    @property
    def label(self) -> str:
        """As pages and minutes name the member: the kind of institution, then its name."""
        if self.organisation_id:
            kind = OPINION_KINDS.get(self.organisation.kind)
            kind = kind.label if kind else self.organisation.get_kind_display()
            name = self.organisation.name
            return name if name.startswith(kind) else f"{kind} – {name}"
        if self.seat == Seat.USAGERS:
            return f"{Seat.USAGERS.label} – {self}"
        return str(self)

    @property
    def institution(self) -> str | None:
        """The institution this seat gives an opinion for; None for a seat without one."""
        if self.seat == Seat.USAGERS:
            return Institution.USAGERS
        if self.organisation_id:
            return OPINION_KINDS.get(self.organisation.kind)
        return None


class CurrentOpinions(models.Manager):
    """The opinions in force: those no later version amends."""

    def get_queryset(self):
        return super().get_queryset().filter(amended_by__isnull=True)


class Opinion(AppendOnly, models.Model):
    """One seat's opinion on one project at one committee. Never changed: an amendment is a new
    row pointing at the version it amends, so the history stays (`Opinion.versions`); the
    default manager (and `committee.opinions`) give the opinions in force."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="opinions")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="opinions"
    )
    member = models.ForeignKey(
        CommitteeMember,
        on_delete=models.PROTECT,
        related_name="opinions",
        verbose_name="au nom de",
    )
    amends = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amended_by",
        verbose_name="modifie l'avis",
    )
    institution = models.CharField("institution", max_length=10, choices=Institution.choices)
    value = models.CharField("avis", max_length=12, choices=OpinionValue.choices)
    comment = models.TextField("observations", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Who recorded it (the ARS for the user representative), not the seat.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CurrentOpinions()
    versions = models.Manager()  # noqa: DJ012 - a manager, not a field: every version

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = "avis"
        verbose_name_plural = "avis"
        base_manager_name = "versions"
        constraints = [
            # A seat gives one first opinion per project; later ones amend it, one after the
            # other (`amends` is one-to-one: two amendments of one version cannot both land).
            models.UniqueConstraint(
                fields=["committee", "project", "member"],
                condition=Q(amends__isnull=True),
                name="one_first_opinion_per_seat",
                violation_error_message="Ce membre a déjà donné son avis sur ce projet dans ce "
                "comité : un changement est une nouvelle version de cet avis.",
            )
        ]

    def __str__(self):
        return f"{self.member} : {self.get_value_display()}"

    def history(self) -> list:
        """This opinion and the versions it amends, oldest first."""
        chain, version = [], self
        while version is not None:
            chain.append(version)
            version = version.amends
        return chain[::-1]


class DecisionCommittee(AppendOnly, models.Model):
    """Where an LI decision was taken: the committee, or why it was taken without one."""

    event = models.OneToOneField(
        "projects.ProjectEvent", on_delete=models.PROTECT, related_name="committee_record"
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    without_committee = models.TextField("motif de la décision hors comité", blank=True)

    class Meta:
        verbose_name = "comité de la décision"
        verbose_name_plural = "comités des décisions"
        constraints = [
            models.CheckConstraint(
                name="decision_has_a_committee_or_says_why",
                condition=(Q(committee__isnull=False) & Q(without_committee=""))
                | (Q(committee__isnull=True) & ~Q(without_committee="")),
                violation_error_message="Une décision sur la lettre d'intention nomme le comité "
                "où elle a été prise, ou dit pourquoi elle est prise hors comité : l'un ou "
                "l'autre.",
            )
        ]

    def __str__(self):
        return str(self.committee) if self.committee_id else "Hors comité"


class CommitteeDocument(models.Model):
    """A document sent with the convocation; `project` set: about that project only (its
    leaders see it, the other projects' leaders do not)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="documents")
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="projet concerné",
    )
    title = models.CharField("intitulé", max_length=200)
    file = models.FileField("fichier (PDF)", upload_to="committees/documents/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "document de convocation"
        verbose_name_plural = "documents de convocation"

    def __str__(self):
        return self.title


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
