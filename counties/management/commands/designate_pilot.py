from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from counties.cli import OutageMixin
from counties.services import designate_pilots


class Command(OutageMixin, BaseCommand):
    help = "Designate counties (GB/T 2260 codes) as pilots for the years --start..--end."

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="+", metavar="CODE")
        parser.add_argument("--start", type=int, required=True, help="first pilot year")
        parser.add_argument("--end", type=int, required=True, help="last pilot year")
        parser.add_argument("--batch", type=int, default=1)
        parser.add_argument("--designation-year", type=int, default=None)

    def handle(self, *args, **options):
        try:
            designations = designate_pilots(
                options["codes"],
                start_year=options["start"],
                end_year=options["end"],
                batch=options["batch"],
                designation_year=options["designation_year"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        for d in designations:
            self.stdout.write(
                f"{d.county.code} {d.county.name}: {d.start_year}–{d.end_year} (batch {d.batch})"
            )
