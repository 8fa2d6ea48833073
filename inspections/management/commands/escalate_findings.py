"""``escalate_findings [--today YYYY-MM-DD]``: recompute the findings' colours, notify every change once, print
the count per colour (the same code as the daily Celery beat job)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from counties.cli import OutageMixin
from inspections.services import COLOUR_ORDER, escalate_findings


class Command(OutageMixin, BaseCommand):
    help = "Recompute the warning colours of the findings not closed, notify each change, print the count per colour."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="compute as of this date (YYYY-MM-DD); default: today")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today {today!r}: expected YYYY-MM-DD") from exc
        result = escalate_findings(today=day)
        for colour in COLOUR_ORDER:
            self.stdout.write(f"{colour.value}: {result.counts.get(colour, 0)}")
        self.stdout.write(f"changed: {len(result.changed)}")
