"""``recompute_scores [--county CODE] [--year Y] [--rewrite-reasons]``: recompute stored results and scores now
(in-process). Only pairs whose inputs changed are judged (``indicators.scoring.inputs``); ``--rewrite-reasons``
judges every pair and formats every reason again."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from counties.cli import OutageMixin
from counties.models import County
from indicators.scoring import all_pairs, recompute


class Command(OutageMixin, BaseCommand):
    help = "Recompute indicator results and compliance scores for every (county, year) with a report."

    def add_arguments(self, parser):
        parser.add_argument("--county", help="GB/T 2260 code of one county")
        parser.add_argument("--year", type=int, help="one year")
        parser.add_argument(
            "--rewrite-reasons",
            action="store_true",
            help="judge every pair again and format every reason, whatever the stored fingerprints",
        )

    def handle(self, *args, county=None, year=None, rewrite_reasons=False, **options):
        county_id = None
        if county:
            found = County.objects.filter(code=county.strip()).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(_("Unknown county code: %(code)s") % {"code": county})
            county_id = found
        pairs = all_pairs(county_id=county_id, year=year)
        count = recompute(pairs, rewrite_reasons=rewrite_reasons)
        self.stdout.write(self.style.SUCCESS(_("Recomputed %(count)d county-years.") % {"count": count}))
