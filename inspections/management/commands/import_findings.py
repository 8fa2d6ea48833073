"""``import_findings FILE.xlsx --user NAME [--dry-run]``: the findings list (问题清单), the regional office only;
the same all-or-nothing import as the web page. Non-zero exit with every problem listed when refused."""

from django.core.management.base import BaseCommand

from counties.cli import ImportCommandMixin
from inspections.importing import FindingImporter


class Command(ImportCommandMixin, BaseCommand):
    help = "Import a findings list (问题清单) from Excel; all or nothing; regional office users only."

    def handle(self, *args, file, user, dry_run=False, **options):
        importer = FindingImporter(self.importing_user(user))
        result = self.run_import_command(importer, file, dry_run=dry_run)
        summary = f"{result.rows} rows: {result.created} new, {result.changed} changed, {result.unchanged} unchanged"
        self.report_outcome(result, summary, dry_run=dry_run)
