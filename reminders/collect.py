"""Every deadline in the life of a CPTS, computed from the projects and their contracts.

The dates themselves come from funding/deadlines.py (one tested function each); this module
only says which apply to which project, who has the hand, and whether they are still open.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from funding import deadlines
from funding.models import Contract, PreAciSupport
from projects.states import State

# Who must act before the deadline.
CPTS, ARS, ASSURANCE_MALADIE = "cpts", "ars", "assurance_maladie"
HOLDER_LABELS = {CPTS: "Porteurs (CPTS)", ARS: "ARS", ASSURANCE_MALADIE: "Assurance Maladie"}

MISSION_LABELS = {
    "acces_soins": "accès aux soins",
    "crise_sanitaire": "crises sanitaires graves",
    "parcours": "parcours pluriprofessionnels",
    "prevention": "prévention",
}


@dataclass(frozen=True)
class Deadline:
    project_id: int
    project_name: str
    kind: str
    label: str
    due: dt.date
    holder: str
    # An open deadline is one whose obligation is not yet known to be met.
    open: bool = True

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.project_id}:{self.due.isoformat()}"

    @property
    def holder_label(self) -> str:
        return HOLDER_LABELS[self.holder]

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days

    def is_overdue(self, today: dt.date) -> bool:
        return self.open and self.due < today


def _opposition(project) -> list[Deadline]:
    if project.state != State.PS_DEPOSE or project.ps_deadline is None:
        return []
    label = "Fin du délai d'opposition au projet de santé (réputé validé le lendemain)"
    return [Deadline(project.pk, project.name, "opposition", label, project.ps_deadline, ARS)]


def _pre_aci(project, support) -> list[Deadline]:
    if support is None:
        return []
    label = "Dépôt du projet de santé (engagement de l'accompagnement pré-ACI)"
    still_due = project.ps_submitted_at is None
    return [
        Deadline(project.pk, project.name, "pre_aci_ps", label, support.ps_due_on, CPTS, still_due)
    ]


def _contract(project, contract) -> list[Deadline]:
    if contract is None or contract.signed_on is None or contract.terminated_on:
        return []
    signed, items = contract.signed_on, []
    started = {m.mission: m.started_on for m in contract.missions.all()}
    for mission, name in MISSION_LABELS.items():
        if mission not in started:
            continue
        items.append(Deadline(
            project.pk, project.name, f"start_{mission}", f"Démarrage de la mission {name}",
            deadlines.mission_start_deadline(signed, mission), CPTS, started[mission] is None,
        ))  # fmt: skip
        items.append(Deadline(
            project.pk, project.name, f"deploy_{mission}",
            f"Déploiement complet de la mission {name}",
            deadlines.mission_deployment_deadline(signed, mission), CPTS,
        ))  # fmt: skip
    if "crise_sanitaire" in started:
        for year, due in enumerate(deadlines.crisis_plan_dates(signed), start=1):
            label = "Plan d'action crises sanitaires" + (" (mise à jour)" if year > 1 else "")
            items.append(Deadline(project.pk, project.name, "crisis_plan", label, due, CPTS))
    for year, due in enumerate(deadlines.evaluation_dates(signed), start=1):
        label = f"Évaluation annuelle des indicateurs (année {year})"
        items.append(
            Deadline(project.pk, project.name, "evaluation", label, due, ASSURANCE_MALADIE)
        )
    end = deadlines.contract_end(signed)
    items.append(
        Deadline(
            project.pk, project.name, "contract_end", "Fin du contrat ACI", end, ASSURANCE_MALADIE
        )
    )
    return items


def deadlines_for(projects) -> list[Deadline]:
    """All deadlines of the given projects (a queryset), sorted by date. Four queries in all."""
    # A queryset's rows are matched by a subquery: binding some 1 500 ids (a regional ARS)
    # cost more than the rest of its page.
    ids = projects.values("pk") if isinstance(projects, QuerySet) else [p.pk for p in projects]
    projects = list(projects)
    supports = {s.project_id: s for s in PreAciSupport.objects.filter(project_id__in=ids)}
    contracts = {
        c.project_id: c
        for c in Contract.objects.filter(project_id__in=ids).prefetch_related("missions")
    }
    items = []
    for project in projects:
        items += _opposition(project)
        items += _pre_aci(project, supports.get(project.pk))
        items += _contract(project, contracts.get(project.pk))
    return sorted(items, key=lambda d: (d.due, d.project_name, d.kind))


def current(items, today: dt.date, horizon_days: int = 90) -> list[Deadline]:
    """What a person should see: open deadlines already passed, and those within the horizon."""
    limit = today + dt.timedelta(days=horizon_days)
    return [d for d in items if d.is_overdue(today) or today <= d.due <= limit]
