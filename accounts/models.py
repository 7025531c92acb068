"""Organisations (institutions and CPTS associations) and the people who act for them."""

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from common.validators import validate_siret
from territories.models import Departement, Region


class OrganisationKind(models.TextChoices):
    ARS = "ars", "ARS (siège régional)"
    ARS_DD = "ars_dd", "ARS – délégation départementale"
    CPAM = "cpam", "CPAM"
    MSA = "msa", "MSA"
    URPS = "urps", "URPS"
    CPTS = "cpts", "Association CPTS"


# Which territory each kind of institution acts on (domain.md §1).
REGIONAL_KINDS = {OrganisationKind.ARS, OrganisationKind.URPS}
DEPARTEMENTAL_KINDS = {OrganisationKind.ARS_DD, OrganisationKind.CPAM, OrganisationKind.MSA}
ARS_KINDS = {OrganisationKind.ARS, OrganisationKind.ARS_DD}
ASSURANCE_MALADIE_KINDS = {OrganisationKind.CPAM, OrganisationKind.MSA}


class Organisation(models.Model):
    kind = models.CharField("type", max_length=10, choices=OrganisationKind.choices)
    name = models.CharField("nom", max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    profession = models.CharField("profession (URPS)", max_length=100, blank=True)
    # ProConnect sends the agent's SIRET: it finds the organisation (see accounts.oidc).
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text="Celui que ProConnect transmet pour les agents de cet établissement.",
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "organisation"
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="organisation_siret_unique",
                violation_error_message="Une autre organisation a déjà ce numéro SIRET.",
            ),
            models.CheckConstraint(
                name="regional_org_has_region",
                condition=~Q(kind__in=["ars", "urps"]) | Q(region__isnull=False),
                violation_error_message="Une ARS (siège) ou une URPS agit sur une région : "
                "indiquez-la.",
            ),
            models.CheckConstraint(
                name="departemental_org_has_departement",
                condition=~Q(kind__in=["ars_dd", "cpam", "msa"]) | Q(departement__isnull=False),
                violation_error_message="Une délégation départementale de l'ARS, une CPAM ou "
                "une MSA agit sur un département : indiquez-le.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # Under the field, in French (the database constraints would only name themselves).
        if self.kind in REGIONAL_KINDS and self.region_id is None:
            raise ValidationError({"region": "Une ARS ou une URPS est rattachée à sa région."})
        if self.kind in DEPARTEMENTAL_KINDS and self.departement_id is None:
            raise ValidationError(
                {"departement": "Une délégation ARS, une CPAM ou une MSA a son département."}
            )

    @property
    def has_territory(self) -> bool:
        """Institutions act on a région or a département; CPTS associations on none."""
        return self.kind in REGIONAL_KINDS | DEPARTEMENTAL_KINDS

    @property
    def territory(self) -> tuple[str, int] | None:
        """The one scope rule: ("region", id) or ("departement", id), the territory this
        institution acts on; None for an organisation without one."""
        if self.kind in REGIONAL_KINDS:
            return "region", self.region_id
        if self.kind in DEPARTEMENTAL_KINDS:
            return "departement", self.departement_id
        return None

    def territory_q(self, departement: str = "departement") -> Q | None:
        """Rows whose `departement` path lies in this institution's `territory`; None for an
        organisation without one. An empty path filters Departement rows themselves."""
        if self.territory is None:
            return None
        level, pk = self.territory
        if level == "region":
            return Q(**{f"{departement}__region_id" if departement else "region_id": pk})
        return Q(**{f"{departement}_id" if departement else "pk": pk})

    def covers(self, departement: Departement) -> bool:
        if self.kind in REGIONAL_KINDS:
            return departement.region_id == self.region_id
        if self.kind in DEPARTEMENTAL_KINDS:
            return departement.pk == self.departement_id
        return False


def covering_q(departement: Departement, organisation: str = "") -> Q:
    """The reverse of `Organisation.territory_q`: organisations (through the `organisation`
    path, e.g. "organisation__" for users) whose territory holds `departement`."""
    return Q(
        **{
            f"{organisation}kind__in": REGIONAL_KINDS,
            f"{organisation}region_id": departement.region_id,
        }
    ) | Q(
        **{
            f"{organisation}kind__in": DEPARTEMENTAL_KINDS,
            f"{organisation}departement_id": departement.pk,
        }
    )


class Approval(models.TextChoices):
    """An agent's first ProConnect login asks for an account; an administrator decides."""

    PENDING = "pending", "en attente de validation"
    REFUSED = "refused", "refusé"


class User(AbstractUser):
    """A person. Institution staff belong to an organisation; project leaders may not (yet)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    # As Pro Santé Connect sends it (its SubjectNameID: "8" + RPPS, or the ADELI number).
    rpps = models.CharField(
        "identifiant national (RPPS)",
        max_length=30,
        blank=True,
        help_text="Identifiant national du professionnel de santé transmis par Pro Santé Connect.",
    )
    is_organisation_admin = models.BooleanField(
        "administrateur de son organisation",
        default=False,
        help_text="Valide les demandes de compte des agents de son organisation.",
    )
    approval = models.CharField(
        "demande de compte", max_length=10, choices=Approval.choices, blank=True
    )

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            models.UniqueConstraint(
                fields=["rpps"],
                condition=~Q(rpps=""),
                name="user_rpps_unique",
                violation_error_message="Une autre personne a déjà ce numéro RPPS.",
            ),
            # One person per address, whatever its case: sign-up, invitations and ProConnect
            # find a person by e-mail (migration 0004 names any duplicates and stops).
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_email_ci_unique",
                violation_error_message="Une autre personne a déjà cette adresse électronique.",
            ),
        ]

    @property
    def kind(self) -> str | None:
        return self.organisation.kind if self.organisation_id else None

    @property
    def is_institution(self) -> bool:
        return self.organisation_id is not None and self.kind != OrganisationKind.CPTS

    @property
    def is_ars(self) -> bool:
        return self.kind in ARS_KINDS

    @property
    def is_assurance_maladie(self) -> bool:
        return self.kind in ASSURANCE_MALADIE_KINDS


class ApiToken(models.Model):
    """A key for the JSON API: it acts for an organisation, on that organisation's territory.

    Only a SHA-256 of the key is stored (the key is random, so no salt or slow hash is needed);
    the key itself is shown once, when created."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("usage", max_length=100)
    prefix = models.CharField("début de la clé", max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    last_used_on = models.DateField("dernière utilisation", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = "clé d'API"
        verbose_name_plural = "clés d'API"

    def __str__(self):
        return f"{self.name} ({self.organisation}, {self.prefix}…)"


# ARS were created on 1 April 2010 (loi HPST): no delegation of an ARS signature before.
ARS_CREATED_ON = dt.date(2010, 4, 1)


class SignatureDelegation(models.Model):
    """Who signs an institution's decisions, in which quality, by which act of delegation.

    Editable data (admin): the decision letters name the deciding agent with the quality and
    delegation valid on the decision's day, or say "à compléter" when none is recorded."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="signature_delegations",
        limit_choices_to={"kind__in": [OrganisationKind.ARS, OrganisationKind.ARS_DD]},
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="signature_delegations", verbose_name="agent"
    )
    quality = models.CharField(
        "qualité",
        max_length=200,
        help_text="Par exemple : directrice de la délégation départementale de la Gironde.",
    )
    delegated_by = models.CharField(
        "délégant",
        max_length=200,
        blank=True,
        help_text="Par exemple : le directeur général de l'ARS Nouvelle-Aquitaine. "
        "Vide si l'agent signe en son nom propre (le directeur général lui-même).",
    )
    act = models.CharField(
        "acte de délégation",
        max_length=300,
        blank=True,
        help_text="Référence et date de la décision portant délégation de signature.",
    )
    starts_on = models.DateField("à compter du")
    ends_on = models.DateField("jusqu'au", null=True, blank=True)

    class Meta:
        ordering = ["organisation", "-starts_on"]
        verbose_name = "délégation de signature"
        verbose_name_plural = "délégations de signature"
        constraints = [
            models.CheckConstraint(
                name="delegation_after_ars_creation",
                condition=Q(starts_on__gte=ARS_CREATED_ON),
                violation_error_message="Une délégation de signature commence au plus tôt le "
                "1er avril 2010, création des ARS.",
            ),
            models.CheckConstraint(
                name="delegation_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                violation_error_message="La fin de la délégation ne peut pas précéder son début.",
            ),
            models.CheckConstraint(
                name="delegation_names_its_act",
                condition=Q(delegated_by="") | ~Q(act=""),
                violation_error_message="Une délégation reçue d'un délégant cite l'acte qui la "
                "porte.",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.quality}"

    def clean(self):
        # Each error under its field: the form shows it there, and Django then skips the
        # database constraint on that field (whose message only names the constraint).
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La fin de la délégation précède son début."})
        if self.delegated_by and not self.act:
            raise ValidationError({"act": "Une délégation de signature cite l'acte qui la donne."})
        if self.starts_on and self.starts_on < ARS_CREATED_ON:
            raise ValidationError({"starts_on": "Les ARS existent depuis le 1er avril 2010."})
        if (
            self.user_id
            and self.organisation_id
            and self.user.organisation_id != self.organisation_id
        ):
            raise ValidationError("L'agent signe pour sa propre organisation.")
