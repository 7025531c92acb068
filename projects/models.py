"""A CPTS project, its files (LI, association, PS) and its append-only history."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Organisation
from common import bounds
from common.append_only import AppendOnly
from territories.models import Commune, Departement

from . import permissions as perms
from .deadlines import implicit_validation_date, opposition_deadline
from .states import FINAL_STATES, DecisionKind, OppositionGround, State
from .validators import RNA_RE


class Project(ConcurrentTransitionMixin, models.Model):
    name = models.CharField("nom du projet", max_length=200)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="département principal",
        help_text="Détermine la délégation ARS et la CPAM compétentes.",
    )
    communes = models.ManyToManyField(Commune, blank=True, related_name="projects")
    population = models.PositiveIntegerField("population", null=True, blank=True)
    taille = models.PositiveSmallIntegerField("taille", null=True, blank=True)
    population_source = models.CharField("source de la population", max_length=50, blank=True)

    state = FSMField("état", default=State.EMERGENCE, choices=State.choices, protected=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    li_submitted_at = models.DateTimeField("LI déposée le", null=True, blank=True)
    li_decided_at = models.DateTimeField("décision sur la LI le", null=True, blank=True)
    ps_submitted_at = models.DateTimeField("PS déposé le", null=True, blank=True)
    ps_received_on = models.DateField("PS reçu complet le", null=True, blank=True)
    ps_deadline = models.DateField("date limite d'opposition", null=True, blank=True)
    ps_implicit_on = models.DateField("réputé validé à compter du", null=True, blank=True)
    ps_decided_on = models.DateField("décision sur le PS le", null=True, blank=True)
    opposition_ground = models.CharField(
        "motif légal d'opposition", max_length=20, choices=OppositionGround.choices, blank=True
    )
    aci_signed_on = models.DateField("ACI signé le", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "projet de CPTS"
        verbose_name_plural = "projets de CPTS"
        indexes = [
            # The implicit-validation sweep and the deadline filters: only PS under review
            # (partial: a row leaving the state leaves the index, so the sweep writes less).
            models.Index(
                fields=["ps_deadline"],
                name="project_ps_under_review",
                condition=models.Q(state="ps_depose"),
            ),
        ]
        # Absolute ranges; "not in the future" is the services' (it moves every day).
        constraints = [
            *(
                bounds.date_constraint("project", name)
                for name in (
                    "ps_received_on",
                    "ps_deadline",
                    "ps_implicit_on",
                    "ps_decided_on",
                    "aci_signed_on",
                )
            ),  # fmt: skip
            *(
                bounds.datetime_constraint("project", name)
                for name in ("li_submitted_at", "li_decided_at", "ps_submitted_at")
            ),
            bounds.range_constraint("project", "taille", 1, 4, nullable=True),
            bounds.range_constraint(
                "project", "population", 0, bounds.POPULATION_MAX, nullable=True
            ),
        ]

    def __str__(self):
        return self.name

    # --- conditions --------------------------------------------------------------------
    def li_is_complete(self) -> bool:
        li = getattr(self, "letter", None)
        return li is not None and li.is_complete()

    def association_is_valid(self) -> bool:
        assoc = getattr(self, "association", None)
        return assoc is not None and assoc.is_valid()

    def ps_is_complete(self) -> bool:
        ps = getattr(self, "health_project", None)
        return ps is not None and ps.is_complete()

    def opposition_possible(self) -> bool:
        """The ARS may decide explicitly up to and including the deadline day (Paris)."""
        return self.ps_deadline is not None and timezone.localdate() <= self.ps_deadline

    def implicit_validation_due(self) -> bool:
        return self.ps_deadline is not None and timezone.localdate() > self.ps_deadline

    def _start_clock(self, received):
        self.ps_received_on = received
        self.ps_deadline = opposition_deadline(received)
        self.ps_implicit_on = implicit_validation_date(self.ps_deadline)

    def _stop_clock(self):
        self.ps_received_on = self.ps_deadline = self.ps_implicit_on = None

    # --- transitions (state changes only; services save, log and notify) --------------
    @transition(
        state,
        source=[State.EMERGENCE, State.LI_A_MODIFIER],
        target=State.LI_DEPOSEE,
        conditions=[li_is_complete],
        permission=perms.is_leader,
    )
    def submit_li(self):
        self.li_submitted_at = timezone.now()

    @transition(state, source=State.LI_DEPOSEE, target=State.LI_VALIDEE, permission=perms.is_ars_of)
    def validate_li(self):
        self.li_decided_at = timezone.now()

    @transition(
        state, source=State.LI_DEPOSEE, target=State.LI_A_MODIFIER, permission=perms.is_ars_of
    )
    def request_li_changes(self):
        self.li_decided_at = timezone.now()

    @transition(state, source=State.LI_DEPOSEE, target=State.LI_REJETEE, permission=perms.is_ars_of)
    def reject_li(self):
        self.li_decided_at = timezone.now()

    @transition(
        state,
        source=State.LI_VALIDEE,
        target=State.ASSOCIATION_CONSTITUEE,
        conditions=[association_is_valid],
        permission=perms.is_leader,
    )
    def constitute_association(self):
        pass

    @transition(
        state,
        source=[State.ASSOCIATION_CONSTITUEE, State.PS_OPPOSE],
        target=State.PS_DEPOSE,
        conditions=[association_is_valid, ps_is_complete],
        permission=perms.is_leader,
    )
    def submit_ps(self):
        self.ps_submitted_at = timezone.now()
        self.opposition_ground = ""
        self.ps_decided_on = None
        self._start_clock(timezone.localdate())

    @transition(
        state,
        source=State.PS_DEPOSE,
        target=State.PS_INCOMPLET,
        conditions=[opposition_possible],
        permission=perms.is_ars_of,
    )
    def request_ps_items(self):
        # CRPA L.114-5: the clock starts again only when the missing items arrive.
        self._stop_clock()

    @transition(
        state,
        source=State.PS_INCOMPLET,
        target=State.PS_DEPOSE,
        conditions=[ps_is_complete],
        permission=perms.is_leader,
    )
    def complete_ps(self):
        self._start_clock(timezone.localdate())

    @transition(
        state,
        source=State.PS_DEPOSE,
        target=State.PS_VALIDE,
        conditions=[opposition_possible],
        permission=perms.is_ars_of,
    )
    def validate_ps(self):
        self.ps_decided_on = timezone.localdate()

    @transition(
        state,
        source=State.PS_DEPOSE,
        target=State.PS_OPPOSE,
        conditions=[opposition_possible],
        permission=perms.is_ars_of,
    )
    def oppose_ps(self, ground):
        if ground not in OppositionGround.values:
            raise ValueError("Une opposition doit indiquer l'un des deux motifs légaux.")
        self.opposition_ground = ground
        self.ps_decided_on = timezone.localdate()

    @transition(
        state,
        source=State.PS_DEPOSE,
        target=State.PS_REPUTE_VALIDE,
        conditions=[implicit_validation_due],
        permission=perms.is_system,
    )
    def deem_ps_validated(self):
        self.ps_decided_on = self.ps_implicit_on

    @transition(
        state,
        source=[State.PS_VALIDE, State.PS_REPUTE_VALIDE],
        target=State.ACI_PREPARATION,
        permission=perms.ars_or_assurance_maladie,
    )
    def start_aci(self):
        pass

    @transition(
        state,
        source=State.ACI_PREPARATION,
        target=State.ACI_SIGNE,
        permission=perms.ars_or_assurance_maladie,
    )
    def sign_aci(self, signed_on):
        self.aci_signed_on = signed_on

    @transition(
        state,
        source=[s for s in State if s not in FINAL_STATES],
        target=State.ABANDONNE,
        permission=perms.leader_or_ars,
    )
    def abandon(self):
        pass


class ProjectMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    is_lead = models.BooleanField("porteur principal", default=False)

    class Meta:
        verbose_name = "porteur du projet"
        verbose_name_plural = "porteurs du projet"
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="unique_project_member")
        ]

    def __str__(self):
        return f"{self.user} – {self.project}"


class CompletenessMixin:
    """A file is complete when every listed section is filled in."""

    REQUIRED_FIELDS: tuple[str, ...] = ()

    def missing_sections(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.REQUIRED_FIELDS
            if not (getattr(self, name) or "").strip()
        ]

    def is_complete(self) -> bool:
        return not self.missing_sections()


class LetterOfIntent(CompletenessMixin, models.Model):
    """Lettre d'intention: the five sections domain.md §2 requires."""

    REQUIRED_FIELDS = ("territory", "diagnostic", "actors", "orientations", "calendar")

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="letter")
    territory = models.TextField("territoire envisagé", blank=True)
    diagnostic = models.TextField("premiers éléments de diagnostic", blank=True)
    actors = models.TextField("acteurs et partenaires impliqués et à impliquer", blank=True)
    orientations = models.TextField("orientations liées aux missions socles", blank=True)
    calendar = models.TextField("calendrier prévisionnel", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "lettre d'intention"
        verbose_name_plural = "lettres d'intention"

    def __str__(self):
        return f"LI – {self.project}"


class Association(models.Model):
    """The association loi 1901 that carries the CPTS (ordonnance du 12 mai 2021)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="association")
    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="association"
    )
    name = models.CharField("nom de l'association", max_length=200)
    rna = models.CharField("numéro RNA", max_length=10, help_text="W suivi de 9 chiffres")
    siret = models.CharField("SIRET", max_length=14, blank=True)
    general_assembly_on = models.DateField(
        "date de l'assemblée générale constitutive",
        validators=[bounds.DateValidator("GENERAL_ASSEMBLY")],
    )
    statutes = models.FileField("statuts (PDF)", upload_to="statutes/", blank=True)

    class Meta:
        verbose_name = "association"
        constraints = [bounds.date_constraint("association", "general_assembly_on", nullable=False)]

    def __str__(self):
        return self.name

    def is_valid(self) -> bool:
        return bool(RNA_RE.match(self.rna or "")) and self.general_assembly_on is not None


class HealthProject(CompletenessMixin, models.Model):
    """Projet de santé: contents listed in domain.md §2 step 7."""

    REQUIRED_FIELDS = ("needs", "actions", "territory", "commitments", "modalities")

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="health_project")
    needs = models.TextField("besoins identifiés", blank=True)
    actions = models.TextField("actions proposées par mission", blank=True)
    territory = models.TextField("territoire d'action", blank=True)
    commitments = models.TextField("engagements des professionnels", blank=True)
    modalities = models.TextField("modalités de travail pluriprofessionnel", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "projet de santé"
        verbose_name_plural = "projets de santé"

    def __str__(self):
        return f"PS – {self.project}"


class MissingItemsRequest(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="item_requests")
    items = models.TextField("pièces manquantes")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "demande de pièces"
        verbose_name_plural = "demandes de pièces"
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Pièces demandées – {self.project}"


class ProjectEvent(AppendOnly, models.Model):
    """Append-only history: who did what, when, from which state to which, and why."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField("transition", max_length=50)
    source = models.CharField("de", max_length=30, choices=State.choices)
    target = models.CharField("vers", max_length=30, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
        db_index=False,  # partial index below
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisation",
        db_index=False,  # partial index below
    )
    decision_kind = models.CharField(
        "nature", max_length=10, choices=DecisionKind.choices, default=DecisionKind.EXPLICIT
    )
    legal_ground = models.CharField("fondement", max_length=200, blank=True)
    reason = models.TextField("motif", blank=True)
    effective_on = models.DateField("date d'effet")
    created_at = models.DateTimeField("enregistré le", default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "événement"
        verbose_name_plural = "historique"
        # Implicit decisions (the bulk of the sweep) have no actor: index only explicit ones.
        indexes = [
            models.Index(
                fields=["actor"], name="event_actor", condition=models.Q(actor__isnull=False)
            ),
            models.Index(
                fields=["organisation"],
                name="event_organisation",
                condition=models.Q(organisation__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.project_id}: {self.source} → {self.target}"


# Committees, opinions, messages, attachments, invitations live in their own module.
from .collaboration import (  # noqa: E402, F401
    Attachment,
    Committee,
    Invitation,
    Message,
    Opinion,
)


class DocumentKind(models.TextChoices):
    ACK_LI = "ack_li", "Accusé de réception de la lettre d'intention"
    ACK_PS = "ack_ps", "Accusé de réception du projet de santé"
    LI_DECISION = "li_decision", "Décision sur la lettre d'intention"
    PS_DECISION = "ps_decision", "Décision sur le projet de santé"
    IMPLICIT_ATTESTATION = "implicit", "Attestation de validation implicite"
    ACI_CONTRACT = "aci_contract", "Contrat ACI signé"


class IssuedDocument(models.Model):
    """A PDF issued to the file, stored once; re-rendering it from the data gives the same bytes."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("document", max_length=20, choices=DocumentKind.choices)
    # What it documents (a receipt date, a decision event): a new decision is a new document.
    reference = models.CharField("référence", max_length=60)
    file = models.FileField("fichier", upload_to="documents/%Y/")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    issued_at = models.DateTimeField("délivré le")

    class Meta:
        verbose_name = "document délivré"
        verbose_name_plural = "documents délivrés"
        ordering = ["issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "reference"], name="one_document_per_reference"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.project}"
