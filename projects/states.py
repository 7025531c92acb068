"""The states of a CPTS project (domain.md §2)."""

from django.db import models


class State(models.TextChoices):
    EMERGENCE = "emergence", "Émergence"
    LI_DEPOSEE = "li_deposee", "Lettre d'intention déposée"
    LI_A_MODIFIER = "li_a_modifier", "Lettre d'intention à modifier"
    LI_REJETEE = "li_rejetee", "Lettre d'intention rejetée"
    LI_VALIDEE = "li_validee", "Lettre d'intention validée"
    ASSOCIATION_CONSTITUEE = "association_constituee", "Association constituée"
    PS_DEPOSE = "ps_depose", "Projet de santé déposé"
    PS_INCOMPLET = "ps_incomplet", "Projet de santé incomplet (pièces demandées)"
    PS_VALIDE = "ps_valide", "Projet de santé validé"
    PS_REPUTE_VALIDE = "ps_repute_valide", "Projet de santé réputé validé"
    PS_OPPOSE = "ps_oppose", "Opposition au projet de santé"
    ACI_PREPARATION = "aci_preparation", "ACI en préparation"
    ACI_SIGNE = "aci_signe", "ACI signé (contrat en cours)"
    # The contract's life after signature: ACI_SIGNE is a running contract.
    ACI_ECHU = "aci_echu", "ACI échu (contrat arrivé à son terme)"
    ACI_RESILIE = "aci_resilie", "ACI résilié"
    ABANDONNE = "abandonne", "Abandonné"
    # The ARS closes a file that no longer moves (its leaders no longer answer): a decision,
    # with its reason, distinct from the leaders' own abandonment.
    CLASSE_SANS_SUITE = "classe_sans_suite", "Classé sans suite"


# Signed CPTS: their contract runs, has ended (five years) or was terminated. A new contract
# (renewal) moves any of them back to ACI_SIGNE; they are never "abandoned".
CONTRACT_STATES = [State.ACI_SIGNE, State.ACI_ECHU, State.ACI_RESILIE]
FINAL_STATES = {State.LI_REJETEE, State.ABANDONNE, State.CLASSE_SANS_SUITE, *CONTRACT_STATES}
# Closed without a contract: no territory, no reminder.
CLOSED_STATES = [State.LI_REJETEE, State.ABANDONNE, State.CLASSE_SANS_SUITE]
# Projects whose territory counts (overlap rules): LI deposited or later, not closed. A CPTS
# whose contract ended or was terminated still exists (its projet de santé stays validated).
ACTIVE_STATES = [s for s in State if s != State.EMERGENCE and s not in CLOSED_STATES]
# Where the ARS may close a file "sans suite": the file waits on its leaders. Never while the
# ARS must decide (LI or PS under review: the two-month rule runs) nor once the PS is validated
# (that decision created rights; withdrawing it is another legal act).
SANS_SUITE_SOURCES = [
    State.LI_A_MODIFIER,
    State.LI_VALIDEE,
    State.ASSOCIATION_CONSTITUEE,
    State.PS_INCOMPLET,
    State.PS_OPPOSE,
]
PS_VALIDATED_STATES = [
    State.PS_VALIDE,
    State.PS_REPUTE_VALIDE,
    State.ACI_PREPARATION,
    *CONTRACT_STATES,
]


class OppositionGround(models.TextChoices):
    """The only two grounds on which the DG ARS may oppose a PS (L.1434-12 CSP)."""

    PRS = "prs", "Le projet ne respecte pas les objectifs du projet régional de santé"
    TERRITORY = "territoire", "Le territoire d'action n'est pas pertinent"


class DecisionKind(models.TextChoices):
    EXPLICIT = "explicit", "Explicite"
    IMPLICIT = "implicit", "Implicite (silence de l'administration)"
