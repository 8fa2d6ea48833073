"""``import_training FILE.xlsx --user NAME [--dry-run]``: the same all-or-nothing event import as the web page.

Exit status 0 when the file landed (or would land); non-zero when refused, with every problem listed as row,
column, value and why.
"""

from django.core.management.base import BaseCommand

from counties.cli import ImportCommandMixin
from training.importing import EventImporter


class Command(ImportCommandMixin, BaseCommand):
    help = "Import training and publicity events from an Excel file (the events template); all or nothing."

    dry_run_help = "check and count, write nothing"

    def handle(self, *args, file, user, dry_run=False, **options):
        result = self.run_import_command(EventImporter(self.importing_user(user)), file, dry_run=dry_run)
        summary = f"{result.rows} rows: {result.created} new, {result.changed} changed, {result.unchanged} unchanged"
        self.report_outcome(result, summary, dry_run=dry_run)
