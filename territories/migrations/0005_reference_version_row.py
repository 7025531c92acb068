import uuid

from django.db import migrations


def create_row(apps, schema_editor):
    # The one row `ReferenceVersion.current` reads (its ROW).
    apps.get_model("territories", "ReferenceVersion").objects.get_or_create(
        pk=1, defaults={"token": uuid.uuid4()}
    )


class Migration(migrations.Migration):
    dependencies = [("territories", "0004_reference_version")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
