"""manage.py seed_demo: the demo of every layer (idempotent).

It takes the place of `projects`' command of the same name (Django runs the command of the app
listed first in INSTALLED_APPS, and cpts_portal comes before projects): that one makes the
accounts and the projects of every state but "ACI signé"; the signed CPTS, with their contracts,
come from `funding.demo`, which only the wiring layer may call after the workflow's.
"""

from django.db import transaction

from funding import demo
from projects.management.commands.seed_demo import Command as ProjectsSeed


class Command(ProjectsSeed):
    help = "Crée les comptes, projets et contrats de démonstration (idempotent)."

    def handle(self, *args, **options):
        super().handle(*args, **options)
        if demo.signed_cpts_exist():
            self.stdout.write("Contrats de démonstration déjà présents.")
            return
        with transaction.atomic():
            contracts = demo.seed_signed_cpts()  # {contract year today (1-5): contract}
            # One call each, with the functions the contracts' life brings to funding.demo:
            # an avenant awaiting signatures, an evaluation awaiting the CPAM, payments, a
            # renewal due (e.g. `demo.renewal_due(contracts[5])`).
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(contracts)} CPTS signées reprises de l'existant (années de contrat 1 à 5)."
            )
        )
