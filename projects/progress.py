"""Where a project stands: who has the hand and the next deadline (shown to everyone)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from common.dates_fr import date_fr

from .deadlines import pre_aci_ps_deadline
from .states import OppositionGround, State

LEADERS = "Les porteurs du projet"
ARS = "L'ARS (délégation départementale)"
ARS_AM = "L'ARS et l'Assurance Maladie"
CLOSED = "Personne : le dossier est clos"

HAND = {
    State.EMERGENCE: LEADERS,
    State.LI_A_MODIFIER: LEADERS,
    State.LI_VALIDEE: LEADERS,
    State.ASSOCIATION_CONSTITUEE: LEADERS,
    State.PS_INCOMPLET: LEADERS,
    State.PS_OPPOSE: LEADERS,
    State.LI_DEPOSEE: ARS,
    State.PS_DEPOSE: ARS,
    State.PS_VALIDE: ARS_AM,
    State.PS_REPUTE_VALIDE: ARS_AM,
    State.ACI_PREPARATION: ARS_AM,
    State.ACI_ECHU: ARS_AM,  # a renewal to prepare
}
HAND_CHOICES = [("porteurs", LEADERS), ("ars", ARS), ("ars_am", ARS_AM)]


def states_in_hand_of(key: str) -> list[str]:
    label = dict(HAND_CHOICES)[key]
    return [state for state, who in HAND.items() if who == label]


NEAR_DAYS = 15
# No source sets a deadline to deposit the PS without the pre-ACI accompaniment: the 9 months
# of annexe 6 are shown as a guide only, counted from the LI validation.
INDICATIVE_PS_DEADLINE = (
    "Aucune source ne fixe ce délai sans accompagnement pré-ACI : les 9 mois de l'annexe 6 "
    "sont comptés ici depuis la validation de la LI, à titre indicatif."
)


@dataclass
class Deadline:
    label: str
    on: dt.date
    legal: bool
    # Why the date is not settled, when no source gives it: shown "à confirmer".
    to_confirm: str = ""

    @property
    def days_left(self) -> int:
        return (self.on - timezone.localdate()).days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def near(self) -> bool:
        return 0 <= self.days_left <= NEAR_DAYS


def who_has_the_hand(project) -> str:
    return HAND.get(project.state, CLOSED)


def next_deadline(project, next_committee=None, open_request=None) -> Deadline | None:
    """The legal deadline when one runs, else the next committee or an indicative date.
    `open_request`: the project's open request for missing items, if any (the page has them)."""
    if project.state == State.PS_DEPOSE and project.ps_deadline:
        return Deadline(
            "Date limite d'opposition de l'ARS (au-delà, le projet est réputé validé)",
            project.ps_deadline,
            legal=True,
        )
    if project.state == State.PS_INCOMPLET and open_request is not None:
        return Deadline("Pièces demandées par l'ARS à fournir", open_request.due_on, legal=False)
    if next_committee is not None and project.state in (State.LI_DEPOSEE, State.PS_INCOMPLET):
        return Deadline(
            f"{next_committee.get_kind_display()} ({next_committee.place})",
            timezone.localtime(next_committee.meets_at).date(),
            legal=False,
        )
    if project.state == State.ASSOCIATION_CONSTITUEE and project.li_decided_at:
        # Indicative only: counted from the LI validation, pending the pre-ACI support date.
        start = timezone.localtime(project.li_decided_at).date()
        return Deadline(
            "Dépôt du projet de santé (indicatif : 9 mois, avenant 2 annexe 6)",
            pre_aci_ps_deadline(start),
            legal=False,
            to_confirm=INDICATIVE_PS_DEADLINE,
        )
    return None


# --- What the page says about the projet de santé: it follows the state ---------------------


@dataclass(frozen=True)
class Notice:
    level: str  # DSFR notice/alert level: info, warning, success, error
    text: str

    @property
    def html(self) -> str:
        """Escaped, apostrophes kept as typed (harmless in a text node; pages and tests read
        "l'ARS" rather than "l&#x27;ARS")."""
        return mark_safe(conditional_escape(self.text).replace("&#x27;", "'"))


def _last(events, *transitions):
    return next((e for e in reversed(events) if e.transition in transitions), None)


def ps_status(project, events) -> Notice | None:
    """The projet de santé's situation in one sentence: the running two-month clock while the ARS
    may oppose, and once decided the decision only (never "à défaut d'opposition…" again).
    `events`: the project's history, oldest first."""
    state = project.state
    if state == State.PS_DEPOSE and project.ps_deadline:
        return Notice(
            "info",
            f"Projet de santé reçu complet le {date_fr(project.ps_received_on)}. "
            f"Date limite d'opposition : {date_fr(project.ps_deadline)}. "
            "À défaut d'opposition, le projet est réputé validé à compter du "
            f"{date_fr(project.ps_implicit_on)}.",
        )
    if state == State.PS_INCOMPLET:
        return Notice(
            "warning",
            "Pièces demandées par l'ARS : le délai de deux mois ne court qu'à compter de leur "
            "réception.",
        )
    if state == State.PS_OPPOSE:
        ground = (
            OppositionGround(project.opposition_ground).label if project.opposition_ground else ""
        )
        return Notice(
            "error",
            f"Opposition de l'ARS au projet de santé le {date_fr(project.ps_decided_on)}"
            + (f" : {ground[0].lower()}{ground[1:]}" if ground else "")
            + ". Les porteurs peuvent déposer un projet de santé modifié.",
        )
    decision = _last(events, "validate_ps", "deem_ps_validated")
    if decision is not None and state in (
        State.PS_VALIDE,
        State.PS_REPUTE_VALIDE,
        State.ACI_PREPARATION,
        State.ACI_SIGNE,
    ):
        if decision.transition == "deem_ps_validated":
            return Notice(
                "success",
                f"Projet de santé réputé validé à compter du {date_fr(decision.effective_on)} : "
                "l'ARS ne s'y est pas opposée dans les deux mois (art. L.1434-12 du code de la "
                "santé publique).",
            )
        return Notice(
            "success", f"Projet de santé validé par l'ARS le {date_fr(decision.effective_on)}."
        )
    closing = _last(events, "abandon", "close_without_follow_up")
    if closing is not None and state in (State.ABANDONNE, State.CLASSE_SANS_SUITE):
        who = (
            "abandonné par ses porteurs"
            if state == State.ABANDONNE
            else "classé sans suite par l'ARS"
        )
        return Notice("info", f"Dossier {who} le {date_fr(closing.effective_on)}.")
    return None
