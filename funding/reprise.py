"""Bring in the existing CPTS from a file: `manage.py import_cpts` and the upload page.

CSV (`;` or `,`, UTF-8 with or without BOM) or XLSX, one CPTS a line under the headers of
`COLUMNS`. Each line is checked as the online journey would check it (`projects.existing`:
communes, région, overlap with the database and with the other lines), errors name the line
(the header is line 1) and the column. All or nothing: one bad line and nothing is written. A
CPTS already there (same département, same name) is left as it is, so a second run changes
nothing. A signed CPTS gets its contract, signed by the three parties on `aci_signe_le` and
marked as imported, with what it already did (optional columns): each mission's start
(`demarrage_<mission>`) and full deployment (`deploiement_<mission>`), the crisis action plans
and the yearly evaluations of its first years (`plans_crise_remis`, `evaluations_faites`: a
number of years). Left empty, those deadlines stay open on /echeances/ until the CPAM records them.
"""

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from common.bounds import ACI_START, CPTS_LAW
from common.errors import UserError
from projects.existing import (
    CLOCK_STATES,
    REPRISE,
    ExistingCpts,
    existing_projects,
    holders,
    implicit_validation_not_due,
    import_existing,
    may_import,
    overlap_messages,
    territory_errors,
)
from projects.states import ACTIVE_STATES, State
from territories.models import Departement
from territories.services import summarise

from .base import deny_unless, journal
from .deadlines import (
    CONTRACT_YEARS,
    MISSION_DEADLINE_MONTHS,
    contract_anniversary,
    evaluation_dates,
)
from .followup_models import Milestone, MilestoneKind
from .grid_store import load_grid_set
from .models import Contract, ContractMission, GridVersion
from .services import MAX_MEMBERS

# Header → required. Other headers are refused (a typo would otherwise drop a column silently).
COLUMNS = {
    "nom": True,
    "departement": True,
    "communes": True,
    "etat": True,
    "ps_recu_le": False,
    "aci_signe_le": False,
    "membres": False,
    "missions_optionnelles": False,
    "dispositif_snp": False,
}
# What a signed CPTS already did before the portal (all optional, signed CPTS only): a date
# for each mission's start and each full deployment, a number of years for the crisis action
# plans delivered and the yearly evaluations done (years 1 to N).
MISSIONS = ("acces_soins", "parcours", "prevention", "crise_sanitaire", "qualite", "accompagnement")
START, DEPLOYED = "demarrage_", "deploiement_"
START_COLUMNS = {START + code: code for code in MISSIONS}
DEPLOYED_COLUMNS = {DEPLOYED + code: code for code in MISSIONS if code in MISSION_DEADLINE_MONTHS}
PLANS, EVALUATIONS = "plans_crise_remis", "evaluations_faites"
CRISIS_MISSION = "crise_sanitaire"
MILESTONE_COLUMNS = (*START_COLUMNS, *DEPLOYED_COLUMNS, PLANS, EVALUATIONS)
COLUMNS.update(dict.fromkeys(MILESTONE_COLUMNS, False))
MAX_LINES = 5_000
# 5 000 lines weigh well under 1 MB; the checked file waits in the session until confirmed.
MAX_BYTES = 2 * 1024 * 1024
TOO_LARGE = "Le fichier dépasse 2 Mo (5 000 lignes au plus)."
MAX_NAME = 200
ACI_SIGNED = ACI_START  # the ACI of 20 June 2019: no contract signed before
# CPTS_LAW: loi n° 2016-41 du 26 janvier 2016 created the CPTS: no projet de santé received before.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
YES, NO = {"oui", "o", "true", "1"}, {"non", "n", "false", "0", ""}
SIGNED_LABEL = f"{REPRISE} : contrat ACI signé par les trois parties"
CONTRACT_FIELDS = ("size", "members", "snp_dispositif", "grid", "signed_on", "imported")


@dataclass
class LineError:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"Ligne {self.line}" + (f", colonne « {self.column} »" if self.column else "")
        return f"{where} : {self.message}"


class ImportRefused(UserError):
    """The file has errors: nothing was written."""

    def __init__(self, errors: list[LineError]):
        self.errors = errors
        super().__init__(f"{len(errors)} erreur(s) : rien n'a été importé.")


@dataclass
class Line:
    number: int
    cpts: ExistingCpts
    members: int = 0
    optional: list = field(default_factory=list)
    snp: bool = False
    existing: object = None  # the project already in the portal: left unchanged
    started: dict = field(default_factory=dict)  # mission code → start date
    deployed: dict = field(default_factory=dict)  # mission code → full deployment date
    plans: int = 0  # crisis action plans of years 1 to `plans` delivered
    evaluations: int = 0  # evaluations of years 1 to `evaluations` done

    @property
    def done_before(self) -> bool:
        return bool(self.started or self.deployed or self.plans or self.evaluations)

    @property
    def signed(self) -> bool:
        return self.cpts.state == State.ACI_SIGNE

    @property
    def state_label(self) -> str:
        return State(self.cpts.state).label

    @property
    def sizing(self):
        """Population and taille of its communes, as the import will store them."""
        return summarise(self.cpts.communes)


@dataclass
class Report:
    filename: str
    sha256: str
    lines: list[Line] = field(default_factory=list)
    written: bool = False

    @property
    def new(self) -> list[Line]:
        return [line for line in self.lines if line.existing is None]

    @property
    def unchanged(self) -> list[Line]:
        return [line for line in self.lines if line.existing is not None]


# --- Reading the file ------------------------------------------------------------------------


def read_rows(content: bytes, filename: str) -> list[tuple[int, list]]:
    """[(line number, cells)], the header first as line 1; blank lines left out."""
    if content.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        return _xlsx_rows(content)
    return _csv_rows(content)


def _csv_rows(content: bytes) -> list[tuple[int, list]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([LineError(1, "", "le fichier doit être encodé en UTF-8.")]) from None
    if "\x00" in text:
        raise ImportRefused([LineError(1, "", "fichier illisible (caractère nul).")])
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, start = [], 1
    try:
        for row in reader:  # a quoted field may span lines: number records by their first
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportRefused([LineError(reader.line_num, "", f"CSV illisible ({error}).")]) from None
    return [(n, row) for n, row in rows if any(str(c).strip() for c in row)]


def _xlsx_rows(content: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook  # only for XLSX files

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = []
        for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if n > MAX_LINES + 1:
                break
            if any(c is not None and str(c).strip() for c in row):
                rows.append((n, ["" if c is None else c for c in row]))
        book.close()
    except Exception:  # a parser of untrusted bytes fails in many ways: all mean "unreadable"
        raise ImportRefused([LineError(1, "", "fichier XLSX illisible.")]) from None
    return rows


def _header(rows) -> list[str]:
    if not rows or rows[0][0] != 1:
        raise ImportRefused([LineError(1, "", "la ligne 1 doit porter les en-têtes de colonnes.")])
    header = [str(c).strip().lstrip("\ufeff").lower() for c in rows[0][1]]
    errors = [
        LineError(1, name, "colonne inconnue.") for name in header if name and name not in COLUMNS
    ]
    errors += [
        LineError(1, name, "colonne obligatoire absente.")
        for name, required in COLUMNS.items()
        if required and name not in header
    ]
    errors += [
        LineError(1, name, "colonne en double.")
        for name in set(header)
        if header.count(name) > 1 and name
    ]
    if errors:
        raise ImportRefused(errors)
    return header


# --- Checking values -------------------------------------------------------------------------


class _Bad(Exception):
    """One cell's error (its column and message)."""

    def __init__(self, column, message):
        self.column, self.message = column, message


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(cells, column, low: dt.date, low_label: str) -> dt.date | None:
    value = cells.get(column, "")
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = _text(value)
        if not text:
            return None
        for fmt in DATE_FORMATS:
            try:
                value = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise _Bad(column, f"date « {text[:40]} » illisible (AAAA-MM-JJ ou JJ/MM/AAAA).")
    if value > timezone.localdate():
        raise _Bad(column, f"date dans le futur ({value:%d/%m/%Y}).")
    if value < low:
        raise _Bad(column, f"date antérieure {low_label} ({value:%d/%m/%Y}).")
    return value


def _members(cells) -> int:
    text = _text(cells.get("membres", ""))
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_MEMBERS:  # "²" is a digit
        raise _Bad("membres", f"nombre de membres de 0 à {MAX_MEMBERS} attendu (« {text[:20]} »).")
    return int(text)


def _state(cells, states) -> str:
    text = _text(cells.get("etat", ""))
    state = states.get(text.casefold())
    if state is None:
        raise _Bad("etat", f"état « {text[:60]} » inconnu (code ou libellé de projects/states.py).")
    return state


def _optional(cells, known) -> list[str]:
    codes = [c.strip().lower() for c in _text(cells.get("missions_optionnelles", "")).split(",")]
    codes = [c for c in codes if c]
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise _Bad(
            "missions_optionnelles",
            f"mission(s) inconnue(s) : {', '.join(unknown)[:80]} "
            f"(possibles : {', '.join(sorted(known))}).",
        )
    return list(dict.fromkeys(codes))


def _snp(cells) -> bool:
    value = cells.get("dispositif_snp", "")
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise _Bad("dispositif_snp", f"« oui » ou « non » attendu (« {text[:20]} »).")


def _departement(cells, departements, actor):
    code = _text(cells.get("departement", "")).upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code  # a spreadsheet drops the leading zero of 01 to 09
    departement = departements.get(code)
    if departement is None:
        raise _Bad("departement", f"département « {code[:10]} » inconnu.")
    org = getattr(actor, "organisation", None)
    if actor is not None and not actor.is_superuser and not (org and org.covers(departement)):
        raise _Bad("departement", f"le département {code} n'est pas dans votre région.")
    return departement


def _codes(cells) -> list[str]:
    value = cells.get("communes", "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [_text(value).zfill(5)]  # one code read as a number by a spreadsheet
    return _text(value).replace(",", " ").split()


def _name(cells) -> str:
    name = _text(cells.get("nom", ""))
    if not name or len(name) > MAX_NAME:
        raise _Bad("nom", f"nom obligatoire, {MAX_NAME} caractères au plus.")
    return name


def _consistent(state, received, signed) -> None:
    """The dates the state needs, and only those."""
    if state == State.PS_DEPOSE and received is None:
        raise _Bad("ps_recu_le", "obligatoire pour un projet de santé déposé.")
    if state == State.ACI_SIGNE and signed is None:
        raise _Bad("aci_signe_le", "obligatoire pour un ACI signé.")
    if signed is not None and state != State.ACI_SIGNE:
        raise _Bad("aci_signe_le", "réservée à l'état « ACI signé ».")
    if received is not None and state not in CLOCK_STATES:
        raise _Bad(
            "ps_recu_le", "sans objet avant le dépôt du projet de santé ou quand il est incomplet."
        )
    if arises := implicit_validation_not_due(state, received):
        raise _Bad(
            "ps_recu_le", f"délai de deux mois en cours : réputé validé le {arises:%d/%m/%Y}."
        )
    if received and signed and received > signed:
        raise _Bad("ps_recu_le", "postérieure à la signature de l'ACI.")


def _contract_missions(grid_set, signed: dt.date, optional) -> set[str]:
    """The missions an imported contract may start: its grid's socle and chosen optional
    missions, and a socle mission a later grid adds during its five years (`start_mission`)."""
    grid = grid_set.in_force(signed)
    later = {
        code
        for year in range(1, CONTRACT_YEARS + 1)
        for code in grid_set.in_force(contract_anniversary(signed, year)).socle_missions
    }
    return {*grid.socle_missions, *(m for m in grid.optional_missions if m in optional), *later}


def _after_signature(cells, column, signed: dt.date) -> dt.date | None:
    day = _date(cells, column, ACI_START, "à l'ACI du 20 juin 2019")
    if day is not None and day < signed:
        raise _Bad(column, f"date antérieure à la signature de l'ACI ({signed:%d/%m/%Y}).")
    return day


def _years(cells, column, most: int, what: str) -> int:
    text = _text(cells.get(column, ""))
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()) or int(text) > most:
        raise _Bad(
            column,
            f"nombre d'années de 0 à {most} attendu ({what} ; « {text[:20]} »).",
        )
    return int(text)


def _done_before(cells, state, signed, optional, context, take) -> dict:
    """What a signed CPTS already did, each cell checked (errors through `take`)."""
    filled = [c for c in MILESTONE_COLUMNS if _text(cells.get(c, ""))]
    if state != State.ACI_SIGNE:
        for column in filled:
            take(_refuse, column, "réservée à l'état « ACI signé ».")
        return {}
    if signed is None or optional is None or not filled:
        return {}  # the signature's or the missions' error is already reported
    missions = _contract_missions(context["grid_set"], signed, optional)
    today = timezone.localdate()
    started, deployed = {}, {}
    for column, code in START_COLUMNS.items():
        day = take(_after_signature, cells, column, signed)
        if day is not None and code not in missions:
            take(_refuse, column, "mission absente du contrat (voir missions_optionnelles).")
        elif day is not None:
            started[code] = day
    for column, code in DEPLOYED_COLUMNS.items():
        day = take(_after_signature, cells, column, signed)
        if day is None:
            continue
        if code not in missions:
            take(_refuse, column, "mission absente du contrat.")
        elif code not in started or started[code] > day:
            take(_refuse, column, f"déploiement sans démarrage antérieur ({START}{code}).")
        else:
            deployed[code] = day
    begun = sum(contract_anniversary(signed, y) <= today for y in range(1, CONTRACT_YEARS + 1))
    ended = sum(day <= today for day in evaluation_dates(signed))
    plans = take(_years, cells, PLANS, begun, "années du contrat commencées") or 0
    if plans and CRISIS_MISSION not in missions:
        take(_refuse, PLANS, "ce contrat n'a pas de mission crises sanitaires graves.")
    evaluations = take(_years, cells, EVALUATIONS, ended, "années du contrat achevées") or 0
    return {"started": started, "deployed": deployed, "plans": plans, "evaluations": evaluations}


def _refuse(column, message):
    raise _Bad(column, message)


def _line(number, cells, context) -> tuple[Line | None, list[_Bad]]:
    """One line's values, every cell checked: (the line, or None, and its cells' errors)."""
    bad = []

    def take(parse, *args):
        try:
            return parse(*args)
        except _Bad as error:
            bad.append(error)
            return None

    name = take(_name, cells)
    departement = take(_departement, cells, context["departements"], context["actor"])
    state = take(_state, cells, context["states"])
    received = take(_date, cells, "ps_recu_le", CPTS_LAW, "à la loi du 26 janvier 2016 (CPTS)")
    signed = take(_date, cells, "aci_signe_le", ACI_SIGNED, "à l'ACI du 20 juin 2019")
    members = take(_members, cells)
    optional = take(_optional, cells, context["optional"])
    snp = take(_snp, cells)
    if state is not None and not any(b.column in ("ps_recu_le", "aci_signe_le") for b in bad):
        take(_consistent, state, received, signed)
    done = _done_before(cells, state, signed, optional, context, take) if state else {}
    if bad:
        return None, bad
    cpts = ExistingCpts(
        name=name,
        departement=departement,
        state=state,
        ps_received_on=received,
        aci_signed_on=signed,
    )
    line = Line(number=number, cpts=cpts, members=members, optional=optional, snp=snp, **done)
    return line, []


def _context(actor) -> dict:
    states = {s.value.casefold(): s.value for s in State}
    states.update({s.label.casefold(): s.value for s in State})
    grid_set = load_grid_set()
    grids = grid_set.grids
    return {
        "actor": actor,
        "grid_set": grid_set,
        "states": states,
        "departements": {d.code: d for d in Departement.objects.select_related("region")},
        "optional": {code for grid in grids for code in grid.optional_missions},
    }


def check(content: bytes, filename: str, actor) -> Report:
    """Read and check the whole file; raise ImportRefused with every error found."""
    report = Report(filename=filename, sha256=hashlib.sha256(content).hexdigest())
    rows = read_rows(content, filename)
    header = _header(rows)
    if len(rows) - 1 > MAX_LINES:
        raise ImportRefused([LineError(1, "", f"{MAX_LINES} lignes au plus par fichier.")])
    if len(rows) == 1:
        raise ImportRefused([LineError(1, "", "aucune ligne sous les en-têtes.")])
    context, errors, seen, taken = _context(actor), [], {}, {}
    lines = _lines(rows[1:], header, context, errors)
    existing = existing_projects({line.cpts.departement.pk for line, _ in lines})
    held = holders({c.pk for line, _ in lines for c in line.cpts.communes})
    for line, problems in lines:
        key = (line.cpts.departement.pk, line.cpts.name.casefold())
        if key in seen:
            errors.append(LineError(line.number, "nom", f"même CPTS que la ligne {seen[key]}."))
            continue
        seen[key] = line.number
        line.existing = existing.get(key)
        if line.existing is None and line.cpts.state in ACTIVE_STATES and not problems:
            errors += _overlaps(line, taken, held)
        report.lines.append(line)
    if errors:
        raise ImportRefused(sorted(errors, key=lambda e: e.line))
    return report


def _lines(rows, header, context, errors) -> list[tuple[Line, list[str]]]:
    """Each line's values and communes, checked; [(line, its territory problems)]."""
    lines = []
    for number, values in rows:
        cells = dict(zip(header, values, strict=False))
        line, bad = _line(number, cells, context)
        errors += [LineError(number, b.column, b.message) for b in bad]
        if line is None:
            continue
        communes, problems = territory_errors(line.cpts.departement, _codes(cells))
        errors += [LineError(number, "communes", p) for p in problems]
        line.cpts.communes = communes
        lines.append((line, problems))
    return lines


def _overlaps(line: Line, taken: dict, held: dict) -> list[LineError]:
    """Communes held by an active CPTS of the database or of an earlier line of the file."""
    messages = overlap_messages(line.cpts.communes, held)
    errors = [LineError(line.number, "communes", m) for m in messages]
    shared = {}
    for commune in line.cpts.communes:
        if commune.pk in taken:
            shared.setdefault(taken[commune.pk], []).append(f"{commune.name} ({commune.insee})")
        else:
            taken[commune.pk] = line.number
    errors += [
        LineError(line.number, "communes", f"{', '.join(names)} : déjà à la ligne {other}.")
        for other, names in shared.items()
    ]
    return errors


# --- Writing ---------------------------------------------------------------------------------


def import_file(content: bytes, filename: str, actor, *, dry_run=False, who: str = "") -> Report:
    """Check the file, then (unless `dry_run`) write every new CPTS and its contract in one
    transaction. `actor`: the person (None from the command line, `who` then says who ran it).
    Raises ImportRefused (nothing written) when a line is wrong."""
    deny_unless(
        actor is None or may_import(actor), "La reprise de l'existant est réservée à l'ARS (siège)."
    )
    with transaction.atomic():
        # `import_existing` checks the overlaps again under the communes' locks: a submission
        # made online meanwhile cannot take the same communes.
        report = check(content, filename, actor)
        if dry_run or not report.new:
            return report
        who = who or (actor.get_full_name() or actor.username if actor else "la ligne de commande")
        source = f"fichier « {filename} » (SHA-256 {report.sha256[:16]}…), importé par {who}"
        projects = import_existing([line.cpts for line in report.new], actor, source=source)
        signed = [(p, line) for p, line in zip(projects, report.new, strict=True) if line.signed]
        _contracts(signed, actor)
        report.written = True
    return report


def _contracts(signed, actor) -> None:
    """Each signed CPTS's contract, signed by the three parties on its signature date, under
    the grid in force that day, marked as imported, with its missions' starts and the
    milestones it already reached (recorded by whoever imports, on the import day for the
    yearly ones, whose day the file does not give)."""
    grid_set, versions = load_grid_set(), {v.code: v for v in GridVersion.objects.all()}
    contracts, missions = [], []
    for project, line in signed:
        day = line.cpts.aci_signed_on
        grid = grid_set.in_force(day)
        contracts.append(
            Contract(
                project=project,
                sequence=1,
                grid=versions[grid.code],
                size=project.taille,
                members=line.members,
                snp_dispositif=line.snp,
                cpts_signed_on=day,
                cpam_signed_on=day,
                ars_signed_on=day,
                signed_on=day,
                imported=True,
            )
        )
        chosen = [*grid.socle_missions, *(m for m in grid.optional_missions if m in line.optional)]
        # A socle mission of a later grid (crises, avenant 2) joins the contract when it started.
        chosen += [code for code in line.started if code not in chosen]
        missions.append(chosen)
    Contract.objects.bulk_create(contracts)
    lines = [line for _, line in signed]
    ContractMission.objects.bulk_create(
        ContractMission(contract=contract, mission=code, started_on=line.started.get(code))
        for contract, chosen, line in zip(contracts, missions, lines, strict=True)
        for code in chosen
    )
    Milestone.objects.bulk_create(
        milestone
        for contract, line in zip(contracts, lines, strict=True)
        for milestone in _milestones(contract, line, actor)
    )
    for contract, chosen, line in zip(contracts, missions, lines, strict=True):
        extra = {"missions": [None, ", ".join(chosen)]}
        if line.done_before:
            extra["jalons repris"] = [None, _done_summary(line)]
        journal(
            actor, "funding.contract.import", SIGNED_LABEL, contract, CONTRACT_FIELDS,
            project=contract.project_id, extra=extra,
        )  # fmt: skip


def _milestones(contract, line, actor) -> list[Milestone]:
    today, kind = timezone.localdate(), MilestoneKind
    rows = [
        Milestone(contract=contract, kind=kind.MISSION_STARTED, mission=code, done_on=day)
        for code, day in line.started.items()
    ]
    rows += [
        Milestone(contract=contract, kind=kind.MISSION_DEPLOYED, mission=code, done_on=day)
        for code, day in line.deployed.items()
    ]
    rows += [
        Milestone(contract=contract, kind=kind.CRISIS_PLAN, year=year, done_on=today)
        for year in range(1, line.plans + 1)
    ]
    rows += [
        Milestone(contract=contract, kind=kind.EVALUATION_BEFORE, year=year, done_on=today)
        for year in range(1, line.evaluations + 1)
    ]
    for row in rows:
        row.done_by = actor
    return rows


def _done_summary(line) -> str:
    parts = [f"démarrage {code} le {day:%d/%m/%Y}" for code, day in line.started.items()]
    parts += [f"déploiement {code} le {day:%d/%m/%Y}" for code, day in line.deployed.items()]
    if line.plans:
        parts.append(f"plans crises des années 1 à {line.plans}")
    if line.evaluations:
        parts.append(f"évaluations des années 1 à {line.evaluations}")
    return " ; ".join(parts)
