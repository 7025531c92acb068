from django.core.management.base import BaseCommand

from funding.grid_edits import load_grids


class Command(BaseCommand):
    help = "Charge les grilles ACI (funding/grids/*.json) ; --overwrite écrase les corrections."

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true")

    def handle(self, *args, overwrite=False, **options):
        for version, written in load_grids(overwrite=overwrite):
            self.stdout.write(f"{version.code} : {written} cellule(s) écrite(s)")
