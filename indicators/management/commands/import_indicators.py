"""``import_indicators FILE.xlsx --user NAME [--dry-run] [--verbose]``: the same all-or-nothing import as the web
page. Prints a summary (rows, new and changed values, new reports, warnings); ``--verbose`` also lists every
change, one line each.

Exit status 0 when the file landed (or, with ``--dry-run``, would land) or changes nothing; non-zero when it
is refused, with every problem listed as row, column, value and why.
"""

from django.core.management.base import BaseCommand

from counties.cli import ImportCommandMixin
from indicators.importing import AnnualDataImporter


class Command(ImportCommandMixin, BaseCommand):
    help = "Import annual data from an Excel file (first sheet, codes row county_code, …); all or nothing."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--verbose", action="store_true", help="list every change, one line each")

    def handle(self, *args, file, user, dry_run=False, verbose=False, **options):
        result = self.run_import_command(AnnualDataImporter(self.importing_user(user)), file, dry_run=dry_run)
        plan = result.plan
        for pair in plan.changed_pairs if verbose else ():
            for change in pair.changes:
                old = "—" if change.is_new else change.old
                note = f"  ! {change.warning}" if change.warning else ""
                self.stdout.write(
                    f"{pair.county.code} {pair.year} {change.element.code}: {old} → {change.new}{note}"
                )
        # Once landed, count from the batch: writing fills in the plan's new reports (so the plan would say 0).
        counts = result.batch if result.landed else plan
        summary = (
            f"{plan.rows_read} rows, {counts.values_created} new values, {counts.values_changed} changed values, "
            f"{counts.reports_created} new reports, {plan.warning_count} warnings"
        )
        self.report_outcome(result, summary, dry_run=dry_run)
