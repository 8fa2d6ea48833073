"""``import_training FILE.xlsx --user NAME [--dry-run]``: the same all-or-nothing event import as the web page.

Exit status 0 when the file landed (or would land); non-zero when refused, with every problem listed as row,
column, value and why.
"""

from django.core.management.base import BaseCommand, CommandError

from counties.cli import ImportCommandMixin
from training.importing import import_events


class Command(ImportCommandMixin, BaseCommand):
    help = "Import training and publicity events from an Excel file (the events template); all or nothing."

    dry_run_help = "check and count, write nothing"

    def handle(self, *args, file, user, dry_run=False, **options):
        importer = self.importing_user(user)
        path = self.existing_file(file)
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
