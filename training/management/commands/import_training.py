"""``import_training FILE.xlsx --user NAME [--dry-run]``: the same all-or-nothing event import as the web page.

Exit status 0 when the file landed (or would land); non-zero when refused, with every problem listed as row,
column, value and why.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from counties.models import User
from training.importing import import_events


class Command(BaseCommand):
    help = "Import training and publicity events from an Excel file (the events template); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--user", required=True, help="the user importing (scope, history)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, file, user, dry_run=False, **options):
        try:
            importer = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"no active user named {user!r}") from exc
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        with path.open("rb") as handle:
            result = import_events(importer, handle, file_name=path.name, dry_run=dry_run)
        if not result.ok:
            for p in result.problems:
                self.stderr.write(f"row {p.row}, column {p.column or '-'}, value {p.value!r}: {p.reason}")
            raise CommandError(f"{file}: refused, {len(result.problems)} problem(s); nothing was imported")
        summary = f"{result.rows} rows: {result.created} new, {result.changed} changed, {result.unchanged} unchanged"
        if dry_run:
            self.stdout.write(self.style.WARNING(f"dry run, nothing written: {summary}"))
        else:
            self.stdout.write(self.style.SUCCESS(f"import #{result.batch.pk} landed: {summary}"))
