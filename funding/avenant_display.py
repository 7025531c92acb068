"""An avenant's changes in words: term, value replaced, new value (page and PDF)."""

from .presentation import mission_label

SNP = {True: "oui", False: "non", None: "—"}


def _optional(codes, grid) -> str:
    if codes is None:
        return "—"
    return ", ".join(mission_label(grid, c) for c in codes) or "aucune"


def _communes(codes) -> str:
    if codes is None:
        return "territoire du projet"
    return f"{len(codes)} commune(s) : {', '.join(codes)}"


def avenant_rows(avenant, grid_set) -> list[dict]:
    """The terms the avenant changes: {"label", "old", "new"} (old: the terms it replaced,
    those in force on its effective date)."""
    grid = grid_set.in_force(avenant.effective_on)
    rows = []
    if avenant.new_size is not None:
        rows.append(dict(label="Taille", old=avenant.old_size, new=avenant.new_size))
    if avenant.new_members is not None:
        rows.append(
            dict(label="Membres (déclarés)", old=avenant.old_members, new=avenant.new_members)
        )
    if avenant.new_optional is not None:
        old, new = _optional(avenant.old_optional, grid), _optional(avenant.new_optional, grid)
        rows.append(dict(label="Missions optionnelles", old=old, new=new))
    if avenant.new_snp_dispositif is not None:
        old, new = SNP[avenant.old_snp_dispositif], SNP[avenant.new_snp_dispositif]
        rows.append(dict(label="Dispositif SNP (enveloppe fléchée)", old=old, new=new))
    if avenant.new_communes is not None:
        old, new = _communes(avenant.old_communes), _communes(avenant.new_communes)
        rows.append(dict(label="Territoire", old=old, new=new))
    return rows
