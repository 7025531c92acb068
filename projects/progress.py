"""Where a project stands: who has the hand and the next deadline (shown to everyone)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from .deadlines import pre_aci_ps_deadline
from .states import State

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


@dataclass
class Deadline:
    label: str
    on: dt.date
    legal: bool

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


def next_deadline(project, next_committee=None) -> Deadline | None:
    """The legal deadline when one runs, else the next committee or an indicative date."""
    if project.state == State.PS_DEPOSE and project.ps_deadline:
        return Deadline(
            "Date limite d'opposition de l'ARS (au-delà, le projet est réputé validé)",
            project.ps_deadline,
            legal=True,
        )
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
        )
    return None
