"""One territory with something at every stage, so that every form of the portal shows to
someone: projects from émergence to a signed contract, committees, a thread, files."""

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import OrganisationKind
from funding import services as funding
from projects import committees, exchanges
from projects.collaboration import CommitteeKind
from projects.models import ProjectMember
from projects.states import State
from tests.factories import UserFactory
from tests.world import (
    MINIMAL_PDF,
    Territory,
    make_aci_project,
    new_project,
    project_in_state,
    signed_contract,
)


class FuzzWorld:
    """`people` by role (one leader, member of every project; one person per institution)."""

    def __init__(self):
        territory = Territory()
        self.dept = territory.dept
        self.people = dict(territory.people)
        self.people["admin"] = UserFactory(is_superuser=True, is_staff=True)
        leader, ars = self.people["leader"], self.people["ars_dd"]
        today = timezone.localdate()
        self.projects = {"emergence": new_project(self.dept, leader=leader)[0]}
        for state in (
            State.LI_DEPOSEE,
            State.LI_VALIDEE,
            State.ASSOCIATION_CONSTITUEE,
            State.PS_DEPOSE,
        ):
            self.projects[state.value] = project_in_state(state, self.dept)[0]
        prepared, _, _ = make_aci_project(self.dept, taille=3)
        signed, _, _ = make_aci_project(self.dept, taille=4)
        self.projects.update(aci_preparation=prepared, aci_signe=signed)
        for project in self.projects.values():
            ProjectMember.objects.get_or_create(project=project, user=leader)
        cpam = self.people[OrganisationKind.CPAM.value]
        self.contract = funding.create_contract(prepared, cpam, members=40)
        self.signed, _ = signed_contract(
            signed, ars, members=120, signed_on=today - dt.timedelta(days=400), cpam=cpam
        )
        mission = funding.start_mission(
            self.signed, cpam, "parcours", today - dt.timedelta(days=300)
        )
        funding.add_indicator(
            mission, cpam, label="Patients sans médecin traitant",
            thresholds=[("socle", 10, "0.25"), ("intermediaire", 20, "0.6"), ("objectif", 30, 1)],
        )  # fmt: skip
        ps = self.projects[State.PS_DEPOSE.value]
        self.committee = committees.create_committee(
            ars, kind=CommitteeKind.PS, departement=self.dept,
            meets_at=timezone.now() + dt.timedelta(days=10), place="Salle du conseil",
            members="ARS, CPAM, URPS", projects=[ps], user_representative="France Assos Santé",
        )  # fmt: skip
        exchanges.post_message(ps, leader, "Bonjour")
        exchanges.add_attachment(
            ps, leader, kind="ps", title="Annexe", file=ContentFile(MINIMAL_PDF, name="a.pdf")
        )
        self.ids = sorted(
            {p.pk for p in self.projects.values()}
            | {self.contract.pk, self.signed.pk, self.committee.pk, 1, 2}
        )
