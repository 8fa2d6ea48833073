"""``export_template OUT.xlsx --year Y [--county CODE] [--league CODE] [--user NAME]``: the wide template."""

from django.core.management.base import BaseCommand, CommandError

from counties.cli import OutageMixin
from counties.models import County, User
from counties.scoping import changeable_counties
from indicators.exporting import write_template
from indicators.importing import MIN_YEAR, max_year


class Command(OutageMixin, BaseCommand):
    help = (
        "Write the annual-data Excel template for a year (every county, one league, one county, or a user's)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="path of the .xlsx file to write")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--county", help="one county code")
        parser.add_argument("--league", help="one league code")
        parser.add_argument("--user", help="limit to the counties this user may change")

    def handle(self, *args, out, year, county=None, league=None, user=None, **options):
        if not MIN_YEAR <= year <= max_year():
            raise CommandError(f"--year must be between {MIN_YEAR} and {max_year()}")
        counties = County.objects.all()
        if user:
            try:
                counties = changeable_counties(User.objects.get(username=user))
            except User.DoesNotExist as exc:
                raise CommandError(f"no user named {user!r}") from exc
        if county:
            counties = counties.filter(code=county)
        if league:
            counties = counties.filter(league__code=league)
        if not counties.exists():
            raise CommandError("no county matches (check --county, --league and --user)")
        rows = write_template(counties, year, out)
        self.stdout.write(self.style.SUCCESS(f"{out}: template for {year}, {rows} counties"))
