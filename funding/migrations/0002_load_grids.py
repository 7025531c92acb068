"""Load the shipped grid versions (funding/grids/*.json). Existing cells are left as edited."""

from django.db import migrations


def load(apps, schema_editor):
    from funding.grid_store import grid_files, read_grid_file, store_grid

    GridVersion = apps.get_model("funding", "GridVersion")
    GridCell = apps.get_model("funding", "GridCell")
    for path in grid_files():
        store_grid(read_grid_file(path), GridVersion, GridCell)


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
