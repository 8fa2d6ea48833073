"""Load the 12 leagues and 103 counties of Inner Mongolia (GB/T 2260) from counties/data/."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "inner_mongolia_divisions.csv"


def load_divisions(apps, schema_editor):
    League = apps.get_model("counties", "League")
    County = apps.get_model("counties", "County")
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    leagues = {}
    for row in rows:
        if row["league_code"] not in leagues:
            leagues[row["league_code"]], _ = League.objects.update_or_create(
                code=row["league_code"], defaults={"name": row["league_name"]}
            )
        County.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "kind": row["kind"], "league": leagues[row["league_code"]]},
        )


class Migration(migrations.Migration):
    dependencies = [("counties", "0001_initial")]

    operations = [migrations.RunPython(load_divisions, migrations.RunPython.noop)]
