"""``export_funding_template OUT.xlsx [--county CODE] [--user NAME]``: the fund ledger template.

A labels row with units, the codes row of ``import_funding``, then the stored entries (of one county, and only
those the user may write with ``--user``), so that they can be corrected and imported again.
"""

from django.core.management.base import BaseCommand, CommandError

from counties.cli import OutageMixin
from counties.models import County, User
from counties.scoping import visible_counties
from funding.importing import write_ledger_template
from funding.selectors import template_entries


class Command(OutageMixin, BaseCommand):
    help = "Write the fund ledger Excel template, pre-filled with the stored entries."

    def add_arguments(self, parser):
        parser.add_argument("out", help="path of the .xlsx file to write")
        parser.add_argument("--county", help="one county code")
        parser.add_argument("--user", help="only the entries this user may write")

    def handle(self, *args, out, county=None, user=None, **options):
        importer = None
        if user:
            try:
                importer = User.objects.get(username=user, is_active=True)
            except User.DoesNotExist as exc:
                raise CommandError(f"no active user named {user!r}") from exc
        chosen = None
        if county:
            counties = visible_counties(importer) if importer else County.objects.all()
            chosen = counties.filter(code=county).first()
            if chosen is None:
                raise CommandError(f"no county {county!r} (or outside the user's scope)")
        rows = write_ledger_template(template_entries(importer, county=chosen), out)
        self.stdout.write(self.style.SUCCESS(f"{out}: fund ledger template, {rows} entries"))
