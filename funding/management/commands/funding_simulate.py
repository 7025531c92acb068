import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from funding.calc import NoGridInForce, annual_maximum, total
from funding.deadlines import CONTRACT_YEARS
from funding.grid_store import load_grid_set
from funding.presentation import line_label


class Command(BaseCommand):
    help = (
        "Montant annuel maximum d'une année de contrat ACI (la première par défaut), selon la "
        "grille en vigueur au premier jour de cette année (règle à confirmer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--members", type=int, required=True)
        parser.add_argument("--signature-date", type=dt.date.fromisoformat, required=True)
        parser.add_argument("--optional", default="", help="ex. qualite,accompagnement")
        parser.add_argument("--snp-dispositif", action="store_true")
        parser.add_argument("--crisis", action="store_true")
        parser.add_argument("--year", type=int, default=1, choices=range(1, CONTRACT_YEARS + 1))
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **o):
        optional = [m.strip() for m in o["optional"].split(",") if m.strip()]
        try:
            grid, lines = annual_maximum(
                load_grid_set(),
                o["size"],
                o["members"],
                o["signature_date"],
                optional=optional,
                snp_dispositif=o["snp_dispositif"],
                crisis=o["crisis"],
                year=o["year"],
            )
        except (NoGridInForce, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if o["json"]:
            payload = {
                "grid": grid.code,
                "size": o["size"],
                "lines": [
                    {"mission": line.mission, "part": line.part, "amount": str(line.amount)}
                    for line in lines
                ],
                "total": str(total(lines)),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(
            f"Année {o['year']} du contrat — grille : {grid.label} ({grid.code}), celle en "
            f"vigueur au premier jour de l'année (à confirmer) — taille {o['size']}"
        )
        for line in lines:
            flag = "  (à confirmer)" if line.to_confirm else ""
            label = line_label(grid, line.mission, line.part)
            self.stdout.write(f"{label:<75} {line.amount:>12} €{flag}")
        self.stdout.write(f"{'Total':<75} {total(lines):>12} €")
