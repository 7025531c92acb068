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
from .deadlines import (
    EARLIEST_REQUEST,
    ITEMS_DUE_MAX,
    ITEMS_DUE_MIN,
    implicit_validation_date,
    opposition_deadline,
)
from .states import (
    CONTRACT_STATES,
    FINAL_STATES,
    SANS_SUITE_SOURCES,
    DecisionKind,
    OppositionGround,
    State,
)
from .validators import RNA_RE


class Project(ConcurrentTransitionMixin, models.Model):
    name = models.CharField("nom du projet", max_length=200)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="département principal",
        help_text="Déduit des communes du territoire (le plus peuplé) ; détermine la délégation "
        "ARS et la CPAM compétentes.",
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
    # When the leaders last saved the territory: a PS opposed on the territory is refiled only
    # once the territory changed (projects.territory.save_territory).
    territory_changed_at = models.DateTimeField("territoire modifié le", null=True, blank=True)

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
            # The lists' order (API, open data): a page read in this order stops at its last
            # row instead of sorting every project of the territory.
            models.Index(fields=["name", "id"], name="project_name_order"),
        ]
        # Absolute ranges; "not in the future" is the services' (it moves every day).
        constraints = [
            *(
                bounds.date_constraint("project", name, what=what)
                for name, what in (
                    ("ps_received_on", "la date de réception du projet de santé complet"),
                    ("ps_deadline", "la date limite d'opposition au projet de santé"),
                    ("ps_implicit_on", "la date de validation implicite du projet de santé"),
                    ("ps_decided_on", "la date de décision sur le projet de santé"),
                    ("aci_signed_on", "la date de signature de l'ACI"),
                )
            ),  # fmt: skip
            *(
                bounds.datetime_constraint("project", name, what=what)
                for name, what in (
                    ("li_submitted_at", "la date de dépôt de la lettre d'intention"),
                    ("li_decided_at", "la date de décision sur la lettre d'intention"),
                    ("ps_submitted_at", "la date de dépôt du projet de santé"),
                )
            ),  # fmt: skip
            bounds.range_constraint(
                "project", "taille", 1, 4, what="la taille du projet", nullable=True
            ),
            bounds.range_constraint(
                "project",
                "population",
                0,
                bounds.POPULATION_MAX,
                what="la population du territoire",
                nullable=True,
            ),  # fmt: skip
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

    def opposed_at(self):
        """When the latest opposition was recorded (None if never opposed)."""
        event = self.events.filter(transition="oppose_ps").order_by("pk").last()
        return event.created_at if event else None

    def revised_since_opposition(self) -> bool:
        """What the opposition was about changed since: the territory after an opposition on
        "territoire non pertinent", the projet de santé after one on the PRS objectives."""
        opposed = self.opposed_at()
        if opposed is None:
            return False
        if self.opposition_ground == OppositionGround.TERRITORY:
            return self.territory_changed_at is not None and self.territory_changed_at > opposed
        ps = getattr(self, "health_project", None)
        return ps is not None and ps.updated_at > opposed

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
        source=State.ASSOCIATION_CONSTITUEE,
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
        source=State.PS_OPPOSE,
        target=State.PS_DEPOSE,
        conditions=[association_is_valid, ps_is_complete, revised_since_opposition],
        permission=perms.is_leader,
    )
    def refile_ps(self):
        """After an opposition the leaders revise and file again: a new file, a new two-month
        clock from its receipt (L.1434-12 CSP); the opposition stays in the history."""
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

    def has_signed_contract(self) -> bool:
        """The "ACI signé" state follows a contract's third signature (recorded by funding),
        never a button: no signed contract, no transition."""
        return self.contracts.filter(signed_on__isnull=False, terminated_on__isnull=True).exists()

    @transition(
        state,
        source=State.ACI_PREPARATION,
        target=State.ACI_SIGNE,
        conditions=[has_signed_contract],
        permission=perms.contract_party,
        custom={"admin": False},
    )
    def sign_aci(self, signed_on):
        self.aci_signed_on = signed_on

    @transition(
        state,
        source=CONTRACT_STATES,
        target=State.ACI_SIGNE,
        permission=perms.ars_or_assurance_maladie,
    )
    def renew_aci(self, signed_on):
        """The next contract in the sequence is signed by the three parties."""
        self.aci_signed_on = signed_on

    @transition(state, source=State.ACI_SIGNE, target=State.ACI_ECHU, permission=perms.is_system)
    def end_aci(self):
        """The contract reached the end of its five years with no renewal signed."""

    @transition(
        state,
        source=State.ACI_SIGNE,
        target=State.ACI_RESILIE,
        permission=perms.is_assurance_maladie_of,
    )
    def terminate_aci(self):
        pass

    @transition(
        state,
        source=[s for s in State if s not in FINAL_STATES],
        target=State.ABANDONNE,
        permission=perms.is_leader,  # only the leaders give up their project
    )
    def abandon(self):
        pass

    @transition(
        state,
        source=SANS_SUITE_SOURCES,
        target=State.CLASSE_SANS_SUITE,
        permission=perms.is_ars_of,
    )
    def close_without_follow_up(self):
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
            models.UniqueConstraint(
                fields=["project", "user"],
                name="unique_project_member",
                violation_error_message="Cette personne porte déjà ce projet.",
            )
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
        constraints = [
            bounds.date_constraint(
                "association", "general_assembly_on", nullable=False,
                what="la date de l'assemblée générale constitutive",
            )
        ]  # fmt: skip

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
    """The ARS's request for the items missing from a PS (CRPA L.114-5): the items, one per
    line, and the date by which to provide them. One open request per project; the clock starts
    again on the day the leaders confirm the items are provided."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="item_requests")
    items = models.TextField("pièces manquantes", help_text="Une pièce par ligne.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_on = models.DateField("demandées le", default=timezone.localdate)
    due_on = models.DateField("à fournir au plus tard le")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="fournies par",
    )

    class Meta:
        verbose_name = "demande de pièces"
        verbose_name_plural = "demandes de pièces"
        ordering = ["-requested_at"]
        constraints = [
            # A request that lists nothing would only restart the two-month clock.
            models.CheckConstraint(
                condition=models.Q(items__regex=r"\w"),
                name="items_listed",
                violation_error_message="Listez au moins une pièce manquante.",
            ),
            models.CheckConstraint(
                condition=models.Q(requested_on__gte=EARLIEST_REQUEST),
                name="items_requested_on",
                violation_error_message="Une demande de pièces date au plus tôt du "
                f"{EARLIEST_REQUEST:%d/%m/%Y} (ACI des CPTS).",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("requested_on") + ITEMS_DUE_MIN),
                name="items_due_after_request",
                violation_error_message="Les pièces sont à fournir au plus tôt "
                f"{ITEMS_DUE_MIN.days} jour après la demande.",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__lte=models.F("requested_on") + ITEMS_DUE_MAX),
                name="items_due_within_limit",
                violation_error_message="Les pièces sont à fournir au plus tard "
                f"{ITEMS_DUE_MAX.days} jours après la demande.",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True)
                | models.Q(completed_at__gte=models.F("requested_at")),
                name="items_completed_after_request",
                violation_error_message="Des pièces ne sont pas fournies avant d'être demandées.",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(completed_at__isnull=True),
                name="one_open_items_request",
                violation_error_message="Une demande de pièces est déjà en cours pour ce "
                "projet : une seule à la fois.",
            ),
        ]

    def __str__(self):
        return f"Pièces demandées – {self.project}"

    @property
    def item_list(self) -> list[str]:
        return [line for line in self.items.splitlines() if line.strip()]

    @property
    def is_open(self) -> bool:
        return self.completed_at is None

    def is_overdue(self) -> bool:
        return self.is_open and timezone.localdate() > self.due_on


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
    CommitteeDocument,
    CommitteeMember,
    DecisionCommittee,
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
    MISSING_ITEMS = "missing_items", "Demande de pièces manquantes"
    CLOSING = "closing", "Décision de classement sans suite"
    ACI_CONTRACT = "aci_contract", "Contrat ACI signé"
    ACI_AVENANT = "aci_avenant", "Avenant au contrat ACI signé"


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
                fields=["project", "kind", "reference"],
                name="one_document_per_reference",
                violation_error_message="Ce document est déjà délivré pour ce projet sous "
                "cette référence.",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.project}"


class RosterMember(models.Model):
    """A member of the CPTS (a professional or a structure), kept by the CPTS itself.

    The roster's count on the first day of a contract year is the member count the taille-4
    majoration uses (`projects.roster.member_count_on`)."""

    class Kind(models.TextChoices):
        PROFESSIONAL = "professionnel", "Professionnel de santé"
        STRUCTURE = "structure", "Structure"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="roster")
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    name = models.CharField("nom", max_length=200)
    profession = models.CharField("profession ou type de structure", max_length=120, blank=True)
    rpps = models.CharField("RPPS", max_length=11, blank=True)
    finess = models.CharField("FINESS", max_length=9, blank=True)
    joined_on = models.DateField("adhésion le")
    left_on = models.DateField("départ le", null=True, blank=True)

    class Meta:
        ordering = ["project", "name", "pk"]
        verbose_name = "membre de la CPTS"
        verbose_name_plural = "membres de la CPTS"
        constraints = [
            models.CheckConstraint(
                name="roster_left_after_joined",
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                violation_error_message="Le départ d'un membre ne peut pas précéder son adhésion.",
            ),
            models.CheckConstraint(
                name="roster_dates_in_domain",
                condition=models.Q(joined_on__gte="1900-01-01", joined_on__lte="2100-12-31"),
                violation_error_message="La date d'adhésion doit se situer entre le 01/01/1900 "
                "et le 31/12/2100.",
            ),
            # As `common.validators` writes them (the Luhn key is the service's check).
            models.CheckConstraint(
                name="roster_rpps_format",
                condition=models.Q(rpps__regex=r"^([0-9]{11})?$"),
                violation_error_message="Un numéro RPPS compte 11 chiffres.",
            ),
            models.CheckConstraint(
                name="roster_finess_format",
                condition=models.Q(finess__regex=r"^(([0-9]{2}|2[AB])[0-9]{7})?$"),
                violation_error_message="Un numéro FINESS compte 9 caractères : le département "
                "(2 chiffres, 2A ou 2B) puis 7 chiffres.",
            ),
        ]

    def __str__(self):
        return self.name


class SavedFilter(models.Model):
    """A dashboard filter a person named and keeps (« Mes PS de Gironde à échéance »)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField("nom", max_length=80)
    query = models.CharField("filtres", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "filtre enregistré"
        verbose_name_plural = "filtres enregistrés"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                name="saved_filter_name_unique",
                violation_error_message="Vous avez déjà un filtre de ce nom.",
            ),
            models.CheckConstraint(
                name="saved_filter_name_not_blank",
                condition=~models.Q(name=""),
                violation_error_message="Donnez un nom au filtre.",
            ),
        ]

    def __str__(self):
        return self.name
