"""Load the data elements, indicators and grade bands of SPEC §3–§5."""

from django.db import migrations


def load_catalogue(apps, schema_editor):
    from indicators.catalogue import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
