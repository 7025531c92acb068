"""Writes to the ACI grids: Assurance Maladie edits in the admin and loading the data files, each
journalled old → new in its transaction. The grids concern no project: their entries are filed
without one. A version paying a started contract year is frozen (`grid_freeze`): refused here."""

from django.core.exceptions import ValidationError
from django.db import transaction

from audit import services as audit

from .base import FundingError, deny_unless, journal
from .grid_freeze import check_editable, check_new_validity, check_reaches_no_started_year
from .grid_store import grid_files, read_grid_file, store_grid
from .models import GridCell, GridVersion
from .permissions import can_delete_grids, can_edit_grids

VERSION_FIELDS = (
    "code",
    "label",
    "valid_from",
    "source",
    "missions",
    "majoration_rate",
    "majoration_min_size",
    "majoration_min_members",
    "majoration_includes_fonctionnement",
    "majoration_source",
    "majoration_to_confirm",
)
CELL_VALUES = ("amount", "label", "earned_by", "signed_before", "source", "to_confirm")
CELL_FIELDS = ("grid", "mission", "part", "size", *CELL_VALUES)


def _save(model, instance, user, fields, action, noun, check=None):
    deny_unless(can_edit_grids(user))
    try:  # the admin's form checked the same bounds; other callers meet them here
        instance.full_clean()
    except ValidationError as exc:
        raise FundingError(" ".join(exc.messages)) from None
    with transaction.atomic():
        GridVersion.objects.select_for_update().order_by("pk").first()  # one grid edit at a time
        stored = model.objects.select_for_update().filter(pk=instance.pk).first()
        if check:
            check(stored, instance)
        before = audit.snapshot(stored, fields) if stored else {}
        instance.save()
        verb = "modifiée" if stored else "ajoutée"
        journal(user, action, f"{noun} « {instance} » {verb}", instance, fields, before)
    return instance


def _delete(instance, user, fields, action, noun, code):
    deny_unless(can_delete_grids(user))
    with transaction.atomic():
        check_editable(code)
        gone = {name: [value, None] for name, value in audit.snapshot(instance, fields).items()}
        audit.record(user, action, f"{noun} « {instance} » supprimée", instance, changes=gone)
        instance.delete()


def _check_version(stored, version) -> None:
    if stored is not None:
        check_editable(stored.code)
    if stored is None or stored.valid_from != version.valid_from:
        check_new_validity(version.valid_from)


def _check_cell(stored, cell) -> None:
    if stored is not None:
        check_editable(stored.grid.code)
    check_editable(GridVersion.objects.get(pk=cell.grid_id).code)


def save_version(version: GridVersion, user) -> GridVersion:
    return _save(
        GridVersion, version, user, VERSION_FIELDS, "funding.grid.save", "Grille", _check_version
    )


def delete_version(version: GridVersion, user) -> None:
    _delete(version, user, VERSION_FIELDS, "funding.grid.delete", "Grille", version.code)


def save_cell(cell: GridCell, user) -> GridCell:
    action, noun = "funding.grid_cell.save", "Cellule de grille"
    return _save(GridCell, cell, user, CELL_FIELDS, action, noun, _check_cell)


def delete_cell(cell: GridCell, user) -> None:
    code = GridVersion.objects.get(pk=cell.grid_id).code
    _delete(cell, user, CELL_FIELDS, "funding.grid_cell.delete", "Cellule de grille", code)


def _stored_state(code: str) -> dict:
    """A version and its cells as the journal writes them (cells keyed 'mission part Tsize')."""
    version = GridVersion.objects.select_for_update().filter(code=code).first()
    if version is None:
        return {}
    state = audit.snapshot(version, VERSION_FIELDS)
    for cell in GridCell.objects.select_for_update().filter(grid=version).order_by("pk"):
        key = f"{cell.mission} {cell.part} T{cell.size}"
        for name, value in audit.snapshot(cell, CELL_VALUES).items():
            state[f"{key} {name}"] = value
    return state


def load_grids(*, overwrite: bool = False) -> list[tuple[GridVersion, int]]:
    """Store every data file's grid version (funding/grids/*.json); without `overwrite`, cells
    edited in the admin keep their values, and `overwrite` may not change a frozen version.
    Journalled as the system's, when anything changed. Returns (version, cells written) per
    file."""
    loaded = []
    with transaction.atomic():
        for path in grid_files():
            data = read_grid_file(path)
            before = _stored_state(data["code"])
            version, written = store_grid(data, GridVersion, GridCell, overwrite=overwrite)
            changed = audit.changes(before, _stored_state(version.code))
            if changed and before:
                check_editable(version.code)  # rolls the whole load back
            if not before:
                check_reaches_no_started_year(version.code)
            if changed:
                label = f"Grille « {version} » chargée depuis {path.name}"
                audit.record(None, "funding.grid.load", label, version, changes=changed)
            loaded.append((version, written))
    return loaded
