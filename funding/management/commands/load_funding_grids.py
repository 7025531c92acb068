from django.core.management.base import BaseCommand, CommandError

from funding.base import FundingError
from funding.grid_edits import load_grids


class Command(BaseCommand):
    help = "Charge les grilles ACI (funding/grids/*.json) ; --overwrite écrase les corrections."

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true")

    def handle(self, *args, overwrite=False, **options):
        try:
            loaded = load_grids(overwrite=overwrite)
        except FundingError as error:  # a frozen version: nothing was written
            raise CommandError(str(error)) from error
        for version, written in loaded:
            self.stdout.write(f"{version.code} : {written} cellule(s) écrite(s)")
