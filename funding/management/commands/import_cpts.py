"""manage.py import_cpts FILE [--dry-run] [--utilisateur LOGIN]: bring in the existing CPTS."""

import getpass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from common.errors import UserError
from funding.reprise import MAX_BYTES, TOO_LARGE, ImportRefused, import_file


class Command(BaseCommand):
    help = (
        "Importe les CPTS existantes d'un fichier CSV ou XLSX (tout ou rien ; relancer le même "
        "fichier ne change rien)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier .csv (; ou ,) ou .xlsx")
        parser.add_argument(
            "--dry-run", action="store_true", help="vérifie et rend compte sans rien écrire"
        )
        parser.add_argument(
            "--utilisateur",
            help="identifiant de la personne pour qui l'import est fait (son historique)",
        )

    def handle(self, *args, file, dry_run, utilisateur=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(TOO_LARGE)
        actor = self._actor(utilisateur)
        who = None if actor else f"la commande import_cpts (compte système « {getpass.getuser()} »)"
        try:
            report = import_file(
                path.read_bytes(), path.name, actor, dry_run=dry_run, who=who or ""
            )
        except ImportRefused as refused:
            for error in refused.errors:
                self.stderr.write(str(error))
            raise CommandError(str(refused)) from None
        except (UserError, PermissionDenied) as error:
            raise CommandError(str(error) or "Import refusé.") from None
        self._report(report, dry_run)

    def _actor(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Utilisateur inconnu ou inactif : {username}")
        return user

    def _report(self, report, dry_run):
        for line in report.unchanged:
            self.stdout.write(f"Ligne {line.number} : {line.cpts.name} déjà présente, inchangée.")
        verb = "à importer" if dry_run else "importée(s)"
        for line in report.new:
            self.stdout.write(
                f"Ligne {line.number} : {line.cpts.name} ({line.cpts.departement.code}) — "
                f"{line.cpts.state} {verb}."
            )
        summary = f"{len(report.new)} CPTS {verb}, {len(report.unchanged)} déjà présente(s)."
        if dry_run:
            summary += " Vérification seule : rien n'a été écrit."
        self.stdout.write(self.style.SUCCESS(summary))
