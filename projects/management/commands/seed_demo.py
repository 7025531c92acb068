"""Demo data: institutions, one account per role and territory, projects in every state.

Projects are driven through the real services, so their history is genuine. Dates that need to
be in the past (a PS received over two months ago) are backdated explicitly, for demo only.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from projects import services
from projects.deadlines import implicit_validation_date, opposition_deadline
from projects.models import Association, HealthProject, Project, ProjectEvent
from projects.states import CONTRACT_STATES, OppositionGround, State
from territories.models import Commune, Departement, Epci, Region
from territories.sizing import taille_for_population

# The demo decides its letters without convening committees: it says so on each decision.
NO_COMMITTEE = "Données de démonstration : décision enregistrée sans comité."

DEMO_PASSWORD = "cpts-demo-2026"
LI_TEXT = {
    "territory": "Communes de l'EPCI, bassin de vie autour du pôle de santé.",
    "diagnostic": "Difficultés d'accès au médecin traitant, forte part de plus de 75 ans.",
    "actors": "Maison de santé, pharmacies, cabinet infirmier ; à impliquer : EHPAD, hôpital.",
    "orientations": "Accès aux soins, parcours, prévention, crises sanitaires graves.",
    "calendar": "Association au trimestre prochain, projet de santé dans l'année.",
}
PS_TEXT = {
    "needs": "Patients sans médecin traitant ; soins non programmés saturés.",
    "actions": "Cellule d'orientation SNP ; parcours personne âgée ; dépistage.",
    "territory": "Territoire de l'EPCI.",
    "commitments": "Adhésion de 45 professionnels ; charte d'engagement.",
    "modalities": "Concertations mensuelles, protocoles, messagerie sécurisée.",
}

# (state to reach, departement code, how many). Signed CPTS have real contracts: the funding
# layer brings them in (`funding.demo`, run by cpts_portal's seed_demo after this one).
PLAN = [(s, dept, 1) for s in State if s not in CONTRACT_STATES for dept in ("33", "31")]
PLAN += [(State.PS_DEPOSE, "24", 2), (State.LI_DEPOSEE, "24", 1)]


DEMO_LEADERS = ("porteur", "porteur-31")


def demo_projects():
    return Project.objects.filter(members__user__username__in=DEMO_LEADERS).distinct()


class Command(BaseCommand):
    help = "Crée les comptes et projets de démonstration (idempotent)."

    def handle(self, *args, **options):
        if not Commune.objects.exists():
            raise CommandError("Chargez d'abord le référentiel : manage.py load_communes")
        if demo_projects().exists():
            self.stdout.write("Données de démonstration déjà présentes.")
            return
        with transaction.atomic():
            users = self._accounts()
            epcis = self._epcis_by_departement()
            for state, dept, count in PLAN:
                for _ in range(count):
                    self._project(state, dept, users, epcis)
        self.stdout.write(self.style.SUCCESS(f"{demo_projects().count()} projets créés."))

    def _accounts(self):
        User = get_user_model()
        na, occ = Region.objects.get(code="75"), Region.objects.get(code="76")
        dep = {c: Departement.objects.get(code=c) for c in ("33", "24", "31", "34")}

        def org(kind, name, region=None, departement=None, profession=""):
            return Organisation.objects.get_or_create(
                kind=kind,
                name=name,
                defaults={"region": region, "departement": departement, "profession": profession},
            )[0]

        orgs = {
            "ars-na": org(OrganisationKind.ARS, "ARS Nouvelle-Aquitaine", region=na),
            "ars-dd-33": org(OrganisationKind.ARS_DD, "ARS NA – DD Gironde", departement=dep["33"]),
            "ars-dd-24": org(
                OrganisationKind.ARS_DD, "ARS NA – DD Dordogne", departement=dep["24"]
            ),
            "cpam-33": org(OrganisationKind.CPAM, "CPAM de la Gironde", departement=dep["33"]),
            "cpam-24": org(OrganisationKind.CPAM, "CPAM de la Dordogne", departement=dep["24"]),
            "msa-33": org(OrganisationKind.MSA, "MSA Gironde", departement=dep["33"]),
            "urps-na": org(
                OrganisationKind.URPS, "URPS Médecins libéraux NA", region=na, profession="médecins"
            ),
            "ars-occ": org(OrganisationKind.ARS, "ARS Occitanie", region=occ),
            "ars-dd-31": org(
                OrganisationKind.ARS_DD, "ARS Occitanie – DD Haute-Garonne", departement=dep["31"]
            ),
            "ars-dd-34": org(
                OrganisationKind.ARS_DD, "ARS Occitanie – DD Hérault", departement=dep["34"]
            ),
            "cpam-31": org(
                OrganisationKind.CPAM, "CPAM de la Haute-Garonne", departement=dep["31"]
            ),
            "cpam-34": org(OrganisationKind.CPAM, "CPAM de l'Hérault", departement=dep["34"]),
            "urps-occ": org(
                OrganisationKind.URPS,
                "URPS Infirmiers Occitanie",
                region=occ,
                profession="infirmiers",
            ),
        }
        users = {}
        for username, organisation in [("porteur", None), ("porteur-31", None), *orgs.items()]:
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={"organisation": organisation, "email": f"{username}@demo.cpts.local"},
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            users[username] = user
        admin, _ = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        return users

    def _epcis_by_departement(self):
        by_dept = {}
        for code in ("33", "24", "31", "34"):
            by_dept[code] = list(
                Epci.objects.filter(communes__departement__code=code)
                .annotate(pop=Sum("communes__population"))
                .filter(pop__lt=300_000)
                .order_by("pop")
                .distinct()
            )
        return by_dept

    def _project(self, state, dept, users, epcis):
        departement = Departement.objects.get(code=dept)
        epci = epcis[dept].pop()
        leader = users["porteur-31"] if departement.region.code == "76" else users["porteur"]
        ars, cpam = users[f"ars-dd-{dept}"], users.get(f"cpam-{dept}")
        project = services.create_project(leader, f"CPTS {epci.name}", departement)
        communes = list(epci.communes.filter(departement=departement))
        project.communes.set(communes)
        population = sum(c.population for c in communes)
        Project.objects.filter(pk=project.pk).update(
            population=population,
            taille=taille_for_population(population),
            population_source=communes[0].source,
        )
        self._advance(project, state, leader, ars, cpam)

    def _advance(self, project, goal, leader, ars, cpam):  # noqa: C901 – a straight script
        if goal == State.EMERGENCE:
            return
        project.letter.__dict__.update(LI_TEXT)
        project.letter.save()
        services.submit_letter(project, leader)
        if goal == State.LI_DEPOSEE:
            return
        if goal in (State.LI_A_MODIFIER, State.LI_REJETEE):
            decision = "changes" if goal == State.LI_A_MODIFIER else "reject"
            services.decide_letter(
                project, ars, decision, "Territoire à préciser.", without_committee=NO_COMMITTEE
            )
            return
        services.decide_letter(project, ars, "validate", without_committee=NO_COMMITTEE)
        if goal == State.ABANDONNE:
            services.abandon(project, leader, "L'équipe projet s'est dissoute.")
            return
        if goal == State.CLASSE_SANS_SUITE:
            reason = "Aucune nouvelle des porteurs depuis la validation de la lettre d'intention."
            services.close_without_follow_up(project, ars, reason)
            return
        if goal == State.LI_VALIDEE:
            return
        services.constitute_association(
            project,
            leader,
            name=project.name,
            rna=f"W33{project.pk:07d}",
            # The same day as the LI's validation (both moved back with a backdated receipt).
            general_assembly_on=timezone.localdate(),
        )
        if goal == State.ASSOCIATION_CONSTITUEE:
            return
        HealthProject.objects.create(project=project, **PS_TEXT)
        services.submit_health_project(project, leader)
        if goal == State.PS_DEPOSE:
            # Backdated receipt so that the scheduler's implicit validation is visible soon,
            # but within two months (59 days at the shortest): the sweep run for the "réputé
            # validé" demo projects must not take these too.
            self._backdate_receipt(project, days=50 + project.pk % 8)
            return
        if goal == State.PS_INCOMPLET:
            services.request_missing_items(
                project,
                ars,
                "Liste des professionnels signataires.",
                timezone.localdate() + dt.timedelta(days=21),
            )
            return
        if goal == State.PS_OPPOSE:
            services.oppose_health_project(
                project, ars, OppositionGround.TERRITORY, "Chevauchement avec une CPTS voisine."
            )
            return
        if goal == State.PS_REPUTE_VALIDE:
            self._backdate_receipt(project, days=70)
            services.sweep_implicit_validations()
            return
        services.validate_health_project(project, ars, "Projet conforme au PRS.")
        if goal == State.PS_VALIDE:
            return
        services.start_aci(project, cpam or ars)

    def _backdate_receipt(self, project, days):
        """As if the PS had been filed and received `days` ago, and the earlier steps a month
        before that: the receipt's "déposé le" and "reçu complet le" are the same day, and the
        history and letters keep their order (demo data only: history rows are moved by update)."""
        before_ps, after = dt.timedelta(days=days + 30), dt.timedelta(days=days)
        received = timezone.localdate() - after
        deadline = opposition_deadline(received)
        project = Project.objects.get(pk=project.pk)
        Project.objects.filter(pk=project.pk).update(
            li_submitted_at=_earlier(project.li_submitted_at, before_ps),
            li_decided_at=_earlier(project.li_decided_at, before_ps),
            ps_submitted_at=_earlier(project.ps_submitted_at, after),
            ps_received_on=received,
            ps_deadline=deadline,
            ps_implicit_on=implicit_validation_date(deadline),
        )
        Association.objects.filter(project=project).update(  # the day its event says
            general_assembly_on=received - dt.timedelta(days=30)
        )
        events = list(ProjectEvent.objects.filter(project=project).order_by("pk"))
        filed = next(e.pk for e in events if e.transition == "submit_ps")
        for event in events:  # in Python: SQLite (make run) has no date arithmetic
            delta = before_ps if event.pk < filed else after
            ProjectEvent.objects.filter(pk=event.pk).update(
                created_at=_earlier(event.created_at, delta),
                effective_on=event.effective_on - delta,
            )


def _earlier(moment, delta):
    """The same time of day in Paris, `delta` days earlier: across a change of clocks, 24 hours
    back from 23:30 in winter is 00:30 in summer, the next day (a receipt filed "the day after")."""
    return timezone.make_aware(timezone.make_naive(moment) - delta)
