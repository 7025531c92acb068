"""A committee with two projects on its agenda, two URPS of the région, a named user
representative and an invited person: what the committee tests share."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import OrganisationKind
from projects import committees, exchanges, services
from projects.collaboration import CommitteeKind, Institution
from projects.models import Project, ProjectMember
from projects.states import State
from tests.factories import UserFactory
from tests.world import MINIMAL_PDF, institution_user, project_in_state

ALPHA, BETA = "CPTS Alpha", "CPTS Bêta Confidentielle"
BETA_SECRET = "Réserve confidentielle sur Bêta"


def pdf_upload(name="doc.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


class TwoItems:
    """`alpha` and `beta` (with their leaders) on one committee of `world.dept`; `urps2` is a
    second URPS of the région (its own organisation), seated like every institution."""

    def __init__(self, world, kind=CommitteeKind.PS, meets_at=None):
        state = State.PS_DEPOSE if kind == CommitteeKind.PS else State.LI_DEPOSEE
        self.world = world
        self.alpha, self.leader_alpha, _ = project_in_state(state, world.dept)
        self.beta, self.leader_beta, _ = project_in_state(state, world.dept)
        Project.objects.filter(pk=self.alpha.pk).update(name=ALPHA)
        Project.objects.filter(pk=self.beta.pk).update(name=BETA)
        self.alpha.refresh_from_db()
        self.beta.refresh_from_db()
        self.urps2 = institution_user(OrganisationKind.URPS, region=world.dept.region)
        self.committee = committees.create_committee(
            world.ars_dd,
            kind=kind,
            departement=world.dept,
            meets_at=meets_at or timezone.now() + dt.timedelta(days=7),
            place="Délégation, salle 2",
            projects=[self.alpha, self.beta],
            user_representative="Jeanne Lefort",
            user_representative_quality="France Assos Santé",
            invited=[("Dr Claire Martin", "médecin conseil")],
        )

    def seat_of(self, user):
        return self.committee.participants.get(organisation=user.organisation)


def busy_project(world) -> TwoItems:
    """A PS on a committee's agenda (in a week) with the CPAM's opinion, a co-leader "Ada", an
    attachment "Carte", then asked for missing items: every list of its page has rows."""
    met = TwoItems(world, meets_at=timezone.now() + dt.timedelta(days=7))
    project = met.alpha
    committees.record_opinion(
        met.committee, project, world.cpam, institution=Institution.CPAM, value="favorable"
    )
    ProjectMember.objects.create(project=project, user=UserFactory(first_name="Ada"))
    pdf = SimpleUploadedFile("carte.pdf", MINIMAL_PDF, "application/pdf")
    exchanges.add_attachment(project, met.leader_alpha, kind="ps", title="Carte", file=pdf)
    due_on = timezone.localdate() + dt.timedelta(days=30)
    services.request_missing_items(project, world.ars_dd, "Charte signée", due_on)
    return met
