"""Create an API key for an organisation and print it once (only its hash is kept)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation, OrganisationKind
from accounts.tokens import create_token


class Command(BaseCommand):
    help = "Crée une clé d'API pour une organisation et l'affiche une seule fois."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="identifiant ou nom exact de l'organisation")
        parser.add_argument("--name", required=True, help="usage de la clé (ex. « SI régional »)")

    def handle(self, *args, organisation, name, **options):
        orgs = Organisation.objects.all()
        found = orgs.filter(pk=organisation) if organisation.isdigit() else orgs.none()
        found = found or orgs.filter(name=organisation)
        if len(found) != 1:
            raise CommandError(f"Organisation introuvable ou ambiguë : {organisation!r}")
        org = found[0]
        if org.kind == OrganisationKind.CPTS or not org.has_territory:
            raise CommandError("Seules les institutions (ARS, CPAM, MSA, URPS) ont une clé d'API.")
        token, key = create_token(org, name)
        self.stderr.write(
            f"Clé « {token.name} » créée pour {org} ({token.prefix}…). "
            "Notez-la maintenant : elle ne sera plus affichée."
        )
        self.stdout.write(key)
