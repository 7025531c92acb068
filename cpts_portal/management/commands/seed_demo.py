"""manage.py seed_demo: the demo of every layer (idempotent).

It takes the place of `projects`' command of the same name (Django runs the command of the app
listed first in INSTALLED_APPS, and cpts_portal comes before projects): that one makes the
accounts and the projects of every state but those of a contract (signed, ended, terminated);
the signed CPTS, with their contracts, and those whose contract ended or was terminated come
from `funding.demo`, which only the wiring layer may call after the workflow's.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from funding import demo
from projects import committees
from projects.collaboration import CommitteeKind
from projects.management.commands.seed_demo import Command as ProjectsSeed
from territories.models import Departement


def _committee_to_hold(ars_dd):
    """Next week's PS committee in Gironde, the filed PS on its agenda: the ARS holds it, the
    CPAM, the MSA and the URPS give their opinions."""
    gironde = Departement.objects.get(code="33")
    agenda = list(committees.agenda_candidates(gironde, CommitteeKind.PS))
    meets_at = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    committees.create_committee(
        ars_dd,
        kind=CommitteeKind.PS,
        departement=gironde,
        meets_at=meets_at + dt.timedelta(days=7),
        place="Délégation départementale de la Gironde, salle 2",
        projects=agenda,
        user_representative="Mme Hélène Durand",
        user_representative_quality="France Assos Santé Nouvelle-Aquitaine",
    )


def _people(*usernames) -> dict:
    return {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}


class Command(ProjectsSeed):
    help = "Crée les comptes, projets et contrats de démonstration (idempotent)."

    def handle(self, *args, **options):
        super().handle(*args, **options)
        if demo.signed_cpts_exist():
            self.stdout.write("Contrats de démonstration déjà présents.")
        else:
            self._signed()
        if demo.closed_cpts_exist():
            self.stdout.write("Contrats échus et résiliés de démonstration déjà présents.")
        else:
            with transaction.atomic():
                closed = demo.seed_closed_cpts()
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(closed[demo.ENDED])} CPTS à l'ACI échu, "
                    f"{len(closed[demo.TERMINATED])} à l'ACI résilié."
                )
            )

    def _signed(self):
        with transaction.atomic():
            contracts = demo.seed_signed_cpts()  # {contract year today (1-5): contract}
            people = _people("porteur", "porteur-31", "cpam-24", "cpam-31", "cpam-34", "ars-dd-33")
            # Work waiting for each role on day one: the CPTS of year 2 has submitted its first
            # year's evaluation (the CPAM reviews it), the CPAM has paid the CPTS of year 4 but
            # its latest line (the late list), an avenant awaits the CPAM's and the ARS's
            # signatures on the CPTS of year 3; the CPTS of year 5 is due for renewal.
            demo.evaluation_awaiting_cpam(contracts[2], people["porteur"])
            demo.payments_made(contracts[4], people["cpam-34"])
            demo.demo_avenant_awaiting_signatures(
                contracts[3], cpam=people["cpam-31"], leader=people["porteur-31"]
            )
            _committee_to_hold(people["ars-dd-33"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(contracts)} CPTS signées reprises de l'existant (années de contrat 1 à 5)."
            )
        )
