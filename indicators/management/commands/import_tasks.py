"""``import_tasks FILE.xlsx --user NAME [--dry-run]``: the same all-or-nothing task progress import as the page.

Exit status 0 when the file landed (or would land); non-zero when refused, with every problem listed as row,
column, value and why.
"""

from django.core.management.base import BaseCommand

from counties.cli import ImportCommandMixin
from indicators.workplan_importing import TaskImporter


class Command(ImportCommandMixin, BaseCommand):
    help = "Import work-plan task progress from an Excel file (the tasks template); all or nothing."

    dry_run_help = "check and count, write nothing"

    def handle(self, *args, file, user, dry_run=False, **options):
        result = self.run_import_command(TaskImporter(self.importing_user(user)), file, dry_run=dry_run)
        summary = f"{result.rows} rows: {result.created} new, {result.changed} changed, {result.unchanged} unchanged"
        self.report_outcome(result, summary, dry_run=dry_run)
