"""``import_funding FILE.xlsx --user NAME [--dry-run]``: the fund ledger (资金台账), the same import as the page.

Exit status 0 when the file landed (or, with ``--dry-run``, would land) or changes nothing; non-zero when it
is refused, with every problem listed as row, column, value and why.
"""

from django.core.management.base import BaseCommand

from counties.cli import ImportCommandMixin
from funding.importing import LedgerImporter


class Command(ImportCommandMixin, BaseCommand):
    help = "Import the fund ledger from an Excel file (codes row county_code, …, kind, source, …); all or nothing."

    def handle(self, *args, file, user, dry_run=False, **options):
        result = self.run_import_command(LedgerImporter(self.importing_user(user)), file, dry_run=dry_run)
        outcome = result.plan.outcome
        for row in outcome.rows if outcome is not None else []:
            if row.action == "unchanged":
                continue
            entry = row.entry
            changes = ", ".join(f"{name}: {old} → {new}" for name, (old, new) in row.changes.items())
            self.stdout.write(
                f"row {row.row} {row.action} {entry.county.code} {entry.kind} {entry.source} {entry.doc_no} "
                f"{entry.amount}{'  (' + changes + ')' if changes else ''}"
            )
        summary = (
            f"{result.rows} rows, {result.created} new entries, {result.changed} changed, "
            f"{result.unchanged} unchanged"
        )
        self.report_outcome(result, summary, dry_run=dry_run)
