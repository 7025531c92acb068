from django.core.management.base import BaseCommand
from django.db import transaction

from funding.grid_store import grid_files, read_grid_file, store_grid
from funding.models import GridCell, GridVersion


class Command(BaseCommand):
    help = "Charge les grilles ACI (funding/grids/*.json) ; --overwrite écrase les corrections."

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true")

    def handle(self, *args, overwrite=False, **options):
        with transaction.atomic():
            for path in grid_files():
                version, written = store_grid(
                    read_grid_file(path), GridVersion, GridCell, overwrite=overwrite
                )
                self.stdout.write(f"{version.code} : {written} cellule(s) écrite(s)")
