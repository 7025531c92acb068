"""The CPTS's member roster: who counts as a member on a given day."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import changes, record
from common.validators import validate_finess, validate_rpps

from . import permissions as perms
from .errors import WorkflowError
from .journal import named
from .models import Project, RosterMember


def members_on_q(day: dt.date) -> Q:
    """Members who had joined by `day` and had not left before it."""
    return Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


def member_count_on(project_id: int, day: dt.date) -> int | None:
    """The roster's count on `day`, or None when the CPTS keeps no roster (a declared count
    then applies)."""
    roster = RosterMember.objects.filter(project_id=project_id)
    if not roster.exists():
        return None
    return roster.filter(members_on_q(day)).count()


# --- Keeping the roster: the CPTS's leaders; read by the ARS and the Assurance Maladie ------

# Loi n° 2016-41 du 26 janvier 2016 created the CPTS: nobody joined one before.
FIRST_ADHESION = dt.date(2016, 1, 26)
MEMBER_FIELDS = ("kind", "name", "profession", "rpps", "finess", "joined_on", "left_on")
MAX_NAME, MAX_PROFESSION = 200, 120


def can_keep_roster(project, user) -> bool:
    return perms.is_leader(project, user)


def can_read_roster(project, user) -> bool:
    return bool(
        getattr(user, "is_superuser", False)
        or perms.is_leader(project, user)
        or perms.is_ars_of(project, user)
        or perms.is_assurance_maladie_of(project, user)
    )


def _date(value, label: str, low: dt.date, low_label: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise WorkflowError(f"Indiquez la date {label}.")
    if value > timezone.localdate():
        raise WorkflowError(f"La date {label} ne peut pas être dans le futur.")
    if value < low:
        raise WorkflowError(f"La date {label} ne peut pas précéder {low_label}.")
    return value


def _identifier(validate, value: str) -> str:
    if not (value or "").strip():
        return ""
    try:
        return validate(value)
    except ValidationError as error:
        raise WorkflowError(error.messages[0]) from None


def _clean(fields: dict) -> dict:
    """The member's fields checked and normalised; a WorkflowError names the first bad one."""
    kind, name = fields.get("kind"), (fields.get("name") or "").strip()
    if kind not in RosterMember.Kind.values:
        raise WorkflowError("Indiquez s'il s'agit d'un professionnel ou d'une structure.")
    if not name or len(name) > MAX_NAME:
        raise WorkflowError(f"Indiquez le nom ({MAX_NAME} caractères au plus).")
    profession = (fields.get("profession") or "").strip()
    if len(profession) > MAX_PROFESSION:
        raise WorkflowError(f"La profession compte {MAX_PROFESSION} caractères au plus.")
    joined = _date(
        fields.get("joined_on"), "d'adhésion", FIRST_ADHESION, "la création des CPTS (2016)"
    )
    left = fields.get("left_on")
    if left is not None:
        left = _date(left, "de départ", joined, "l'adhésion")
    return {
        "kind": kind,
        "name": name,
        "profession": profession,
        "rpps": _identifier(validate_rpps, fields.get("rpps")),
        "finess": _identifier(validate_finess, fields.get("finess")),
        "joined_on": joined,
        "left_on": left,
    }


def _lock_for(project, user):
    locked = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    if not can_keep_roster(locked, user):
        raise PermissionDenied("Seuls les porteurs de la CPTS tiennent la liste de ses membres.")
    return locked


def _no_duplicate(project, values: dict, member_pk=None) -> None:
    """One row per professional (RPPS) or structure (FINESS) among the current members."""
    current = RosterMember.objects.filter(project=project, left_on__isnull=True)
    current = current.exclude(pk=member_pk)
    for field, label in (("rpps", "RPPS"), ("finess", "FINESS")):
        if values[field] and current.filter(**{field: values[field]}).exists():
            raise WorkflowError(f"Ce numéro {label} est déjà celui d'un membre actuel.")


def add_member(project, user, **fields) -> RosterMember:
    values = _clean(fields)
    with transaction.atomic():
        locked = _lock_for(project, user)
        _no_duplicate(locked, values)
        member = RosterMember.objects.create(project=locked, **values)
        record(
            user,
            "projects.roster.add",
            f"Membre ajouté à la CPTS : {member.name}",
            member,
            project=locked,
            changes=changes({}, named(member, MEMBER_FIELDS)),
        )
    return member


def edit_member(member, user, **fields) -> RosterMember:
    """Correct a member's row (the departure too: `record_departure` is the usual way)."""
    values = _clean(fields)
    with transaction.atomic():
        locked = _lock_for(member.project, user)
        row = RosterMember.objects.select_for_update().get(pk=member.pk, project=locked)
        if values["left_on"] is None:
            _no_duplicate(locked, values, member_pk=row.pk)
        before = named(row, MEMBER_FIELDS)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        changed = changes(before, named(row, MEMBER_FIELDS))
        if changed:
            record(
                user,
                "projects.roster.edit",
                f"Membre modifié : {row.name}",
                row,
                project=locked,
                changes=changed,
            )
    return row


def record_departure(member, user, left_on: dt.date) -> RosterMember:
    with transaction.atomic():
        locked = _lock_for(member.project, user)
        row = RosterMember.objects.select_for_update().get(pk=member.pk, project=locked)
        if row.left_on is not None:
            raise WorkflowError("Ce membre a déjà quitté la CPTS.")
        before = named(row, ["left_on"])
        row.left_on = _date(left_on, "de départ", row.joined_on, "l'adhésion")
        row.save(update_fields=["left_on"])
        record(
            user,
            "projects.roster.leave",
            f"Départ d'un membre : {row.name}",
            row,
            project=locked,
            changes=changes(before, named(row, ["left_on"])),
        )
    return row
