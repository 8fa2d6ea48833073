"""Performance benchmarks: ``make bench`` (``python -m tests.bench [NAME …]``).

Database: ``BENCH_DATABASE_URL`` when set (it is migrated and filled with synthetic data — use a scratch
database, never production), otherwise a throwaway SQLite file in a temporary directory, deleted afterwards.
Tasks run in-process. The data set is 103 counties × 10 years of annual values (``YEARS``), 20 of them pilots.

Add a benchmark with the ``@benchmark("name")`` decorator: a function taking the shared ``Context`` and
returning a list of ``Figure`` lines to print (e.g. Excel import/export timings). Benchmarks run in the order
they are declared; name some on the command line to run only those.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

YEARS = list(range(2016, 2026))
PILOT_COUNT = 20


@dataclass
class Figure:
    label: str
    seconds: float
    items: int = 0
    unit: str = "items"

    def __str__(self) -> str:
        rate = f"{self.items / self.seconds:,.0f} {self.unit}/s" if self.items and self.seconds else ""
        count = f"{self.items:,} {self.unit}" if self.items else ""
        return f"  {self.label:<48} {self.seconds:8.3f} s  {count:>22}  {rate}"


@dataclass
class Context:
    """Shared state: the synthetic data is created once, by the first benchmark that needs it."""

    pairs: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


BENCHMARKS: list[tuple[str, Callable[[Context], list[Figure]]]] = []


def benchmark(name: str):
    def register(function):
        BENCHMARKS.append((name, function))
        return function

    return register


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def ensure_data(ctx: Context) -> list:
    """103 counties × ``YEARS`` of plausible values, ``PILOT_COUNT`` pilots; returns the (county_id, year) pairs."""
    if ctx.pairs:
        return ctx.pairs
    from counties.models import County, PilotDesignation
    from indicators.models import AnnualReport, DataElement, DataValue, ValueType

    rng = random.Random(2026)
    counties = list(County.objects.order_by("code"))
    elements = list(DataElement.objects.filter(is_derived=False))
    existing = set(AnnualReport.objects.values_list("county_id", "year"))
    reports = AnnualReport.objects.bulk_create(
        [AnnualReport(county=c, year=y) for c in counties for y in YEARS if (c.pk, y) not in existing],
        batch_size=1000,
    )
    values = []
    for report in reports:
        growth = Decimal(1 + (report.year - YEARS[0]) * 0.05)
        for element in elements:
            if element.value_type == ValueType.BOOLEAN:
                value = Decimal(int(rng.random() < 0.8))
            elif element.code == "population":
                value = Decimal(rng.randint(50_000, 900_000))
            else:
                value = (Decimal(rng.randint(0, 500)) * growth).quantize(Decimal("1"))
            values.append(DataValue(report=report, element=element, value=value))
    DataValue.objects.bulk_create(values, batch_size=2000)
    for county in counties[:: max(1, len(counties) // PILOT_COUNT)][:PILOT_COUNT]:
        PilotDesignation.objects.get_or_create(
            county=county, defaults={"designation_year": 2019, "start_year": 2020, "end_year": 2022}
        )
    ctx.pairs = sorted(AnnualReport.objects.filter(year__in=YEARS).values_list("county_id", "year"))
    return ctx.pairs


@benchmark("scoring")
def bench_scoring(ctx: Context) -> list[Figure]:
    """Recompute every (county, year): cold (empty), unchanged (idempotent), after 10 % of values changed."""
    from indicators.models import DataValue, Indicator, IndicatorResult
    from indicators.scoring import recompute

    pairs = ensure_data(ctx)
    indicators = Indicator.objects.count()
    IndicatorResult.objects.all().delete()
    figures = []
    count, seconds = timed(recompute, pairs)
    figures.append(Figure("recompute all, nothing stored yet", seconds, count, "county-years"))
    figures.append(Figure("  (indicator results written)", seconds, count * indicators, "results"))
    count, seconds = timed(recompute, pairs)
    figures.append(Figure("recompute all, unchanged (no rows rewritten)", seconds, count, "county-years"))
    ids = list(DataValue.objects.values_list("pk", flat=True))
    changed = random.Random(7).sample(ids, len(ids) // 10)
    DataValue.objects.filter(pk__in=changed).update(value=Decimal(3))
    count, seconds = timed(recompute, pairs)
    figures.append(Figure("recompute all, after 10 % of values changed", seconds, count, "county-years"))
    one = pairs[len(pairs) // 2]
    count, seconds = timed(recompute, [one])
    figures.append(Figure("recompute one county-year", seconds, count, "county-years"))
    return figures


@benchmark("excel")
def bench_excel(ctx: Context) -> list[Figure]:
    """Excel import and export of 103 counties × 10 years, each also as a ratio to openpyxl reading the file."""
    from tests.bench_excel import excel_figures

    return [Figure(*line) for line in excel_figures(YEARS)]


@benchmark("hostile")
def bench_hostile(ctx: Context) -> list[Figure]:
    """Issue 10's hostile corpus: each answered ≤ 5 s and ≤ 300 MB; an ordinary page answers meanwhile."""
    from tests.bench_hostile import hostile_figures

    return [Figure(*line) for line in hostile_figures()]


@benchmark("table")
def bench_table(ctx: Context) -> list[str]:
    """Issue 15's table: every figure beside its floor or peer, with the ratio and the goal, in one run."""
    from tests.bench_table import table

    def pairs():
        ctx.pairs = []
        return ensure_data(ctx)

    return table(YEARS, pairs)


def main(argv: list[str]) -> int:
    tmpdir = None
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        tmpdir = tempfile.mkdtemp(prefix="ip-pilot-bench-")
        url = f"sqlite:///{tmpdir}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG stays off: production speed
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        wanted = set(argv)
        unknown = wanted - {name for name, _f in BENCHMARKS}
        if unknown:
            print(f"unknown benchmarks: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        ctx = Context()
        print(f"database: {'throwaway SQLite file' if tmpdir else url.split('@')[-1]}")
        for name, function in BENCHMARKS:
            if wanted and name not in wanted:
                continue
            print(f"[{name}]")
            for figure in function(ctx):
                print(figure)
        return 0
    finally:
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
