"""Grid versions between the data files (funding/grids/*.json), the database and `calc.Grid`.

A future avenant is a new data file: `load_funding_grids` (or the data migration) stores it and
Assurance Maladie staff can then correct any cell in the admin (both journalled: grid_edits).
"""

import json
from collections import namedtuple
from pathlib import Path

from .calc import FONCTIONNEMENT, GridSet, grid_from_dict
from .models import GridCell, GridVersion

GRID_DIR = Path(__file__).resolve().parent / "grids"


def grid_files() -> list[Path]:
    return sorted(GRID_DIR.glob("*.json"))


def read_grid_file(path: Path) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    grid_from_dict(data)  # validate the whole file before touching the database
    return data


def store_grid(data: dict, GridVersion, GridCell, *, overwrite: bool = False) -> tuple[object, int]:
    """Create (or with `overwrite`, reset) a grid version from its data; returns (version, cells
    written). Without `overwrite`, cells already present keep their admin-edited values.
    Model classes are passed in so that the data migration can use its historical models."""
    maj = data.get("majoration_taille4") or {}
    defaults = dict(
        label=data["label"],
        valid_from=data["valid_from"],
        source=data.get("source", ""),
        missions=data["missions"],
        majoration_rate=maj.get("rate"),
        majoration_min_size=maj.get("min_size", 4),
        majoration_min_members=maj.get("min_members", 100),
        majoration_includes_fonctionnement=maj.get("includes_fonctionnement", False),
        majoration_source=maj.get("source", ""),
        majoration_to_confirm=maj.get("to_confirm", False),
        valid_from_to_confirm=data.get("valid_from_to_confirm", False),
        valid_from_note=data.get("valid_from_note", ""),
    )
    # An earlier migration's historical model lacks the later columns (0003 fills them).
    known = {f.name for f in GridVersion._meta.get_fields()}
    defaults = {name: value for name, value in defaults.items() if name in known}
    if overwrite:
        version, _ = GridVersion.objects.update_or_create(code=data["code"], defaults=defaults)
    else:
        version, _ = GridVersion.objects.get_or_create(code=data["code"], defaults=defaults)
    rows = []
    for line in data["lines"]:
        for size, amount in line["amounts"].items():
            rows.append(
                dict(
                    mission=line["mission"],
                    part=line["part"],
                    size=int(size),
                    amount=amount,
                    earned_by=line.get("earned_by") or "indicators",
                    source=line.get("source", ""),
                    to_confirm=line.get("to_confirm", False),
                )
            )
    for one_off in data.get("one_offs", ()):
        for size, amount in one_off["amounts"].items():
            rows.append(
                dict(
                    mission=one_off["code"],
                    part="one_off",
                    size=int(size),
                    amount=amount,
                    label=one_off["label"],
                    signed_before=one_off.get("signed_before"),
                    source=one_off.get("source", ""),
                    to_confirm=one_off.get("to_confirm", False),
                )
            )
    written = 0
    for row in rows:
        key = dict(grid=version, mission=row.pop("mission"), part=row.pop("part"))
        key["size"] = row.pop("size")
        if overwrite:
            GridCell.objects.update_or_create(**key, defaults=row)
            written += 1
        else:
            _, created = GridCell.objects.get_or_create(**key, defaults=row)
            written += created
    return version, written


def grid_data(version, cells) -> dict:
    """The data-file shape of a stored version (admin edits included)."""
    lines: dict[tuple, dict] = {}
    one_offs: dict[str, dict] = {}
    for cell in cells:
        if cell.part == "one_off":
            entry = one_offs.setdefault(
                cell.mission,
                dict(
                    code=cell.mission,
                    label=cell.label,
                    amounts={},
                    signed_before=cell.signed_before and cell.signed_before.isoformat(),
                    source=cell.source,
                    to_confirm=False,
                ),
            )
        else:
            entry = lines.setdefault(
                (cell.mission, cell.part),
                dict(
                    mission=cell.mission,
                    part=cell.part,
                    amounts={},
                    source=cell.source,
                    to_confirm=False,
                    earned_by=cell.earned_by,
                ),
            )
        entry["amounts"][cell.size] = cell.amount
        # A line is to confirm as soon as one of its cells is.
        entry["to_confirm"] = entry["to_confirm"] or cell.to_confirm
    majoration = None
    if version.majoration_rate is not None:
        majoration = dict(
            rate=str(version.majoration_rate),
            min_size=version.majoration_min_size,
            min_members=version.majoration_min_members,
            includes_fonctionnement=version.majoration_includes_fonctionnement,
            source=version.majoration_source,
            to_confirm=version.majoration_to_confirm,
        )
    return dict(
        code=version.code,
        label=version.label,
        valid_from=version.valid_from.isoformat(),
        valid_from_to_confirm=version.valid_from_to_confirm,
        valid_from_note=version.valid_from_note,
        missions=version.missions,
        majoration_taille4=majoration,
        lines=list(lines.values()),
        one_offs=list(one_offs.values()),
    )


# What `grid_data` reads of a version and of its cells: plain rows, no model instances (some
# 120 cells, read by every funding page, cost more as instances than the rest of the grids).
VERSION_FIELDS = (
    "pk code label valid_from missions majoration_rate majoration_min_size majoration_min_members"
    " majoration_includes_fonctionnement majoration_source majoration_to_confirm"
    " valid_from_to_confirm valid_from_note"
).split()
CELL_FIELDS = "grid_id mission part size amount label earned_by signed_before source to_confirm"
_Version = namedtuple("_Version", VERSION_FIELDS)
_Cell = namedtuple("_Cell", CELL_FIELDS)


def load_grid_set() -> GridSet:
    """Every stored grid version in two queries."""
    versions = [_Version(*row) for row in GridVersion.objects.values_list(*VERSION_FIELDS)]
    by_version: dict[int, list] = {v.pk: [] for v in versions}
    for row in GridCell.objects.order_by("pk").values_list(*_Cell._fields):
        cell = _Cell(*row)
        by_version[cell.grid_id].append(cell)
    grids = []
    for version in versions:
        data = grid_data(version, by_version[version.pk])
        if any(line["mission"] == FONCTIONNEMENT for line in data["lines"]):
            grids.append(grid_from_dict(data))
    return GridSet(tuple(grids))
