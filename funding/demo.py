"""Demo fund ledger for the demo pilots: each pilot year a regional allocation, league matching funds and county
own funds, two regional tranches, and expenditures by category. Most counties spend steadily; 150425 and 150627
lag (a small share spent); 150222 has idle money (a 2024 tranche barely spent since). Idempotent: entries are
keyed by their identity (county, kind, source, document number); balances are recomputed at the end."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from counties.demo import BATCH_1, BATCH_2
from counties.models import County

from .models import Category, FundEntry, Kind, Source
from .services import refresh_balances

LAGGING = {"150425": Decimal("0.35"), "150627": Decimal("0.30")}
IDLE = "150222"
CENT = Decimal("0.01")
CATEGORIES = [c.value for c in Category]


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def _plan(county: County, year: int, rng: random.Random) -> list[dict]:
    regional = Decimal(rng.choice([80, 100, 120, 150]))
    league = _money(regional * Decimal(rng.choice(["0.3", "0.4", "0.5"])))
    own = _money(regional * Decimal(rng.choice(["0.1", "0.2"])))
    rate = LAGGING.get(county.code, Decimal(rng.choice(["0.7", "0.8", "0.9", "1.0"])))
    if county.code == IDLE and year == 2024:
        rate = Decimal("0.15")
    code = county.code
    entries = [
        (
            Kind.ALLOCATION,
            Source.REGIONAL,
            datetime.date(year, 3, 10),
            regional,
            f"内知发〔{year}〕{code[-3:]}号",
            "",
        ),
        (
            Kind.ALLOCATION,
            Source.LEAGUE,
            datetime.date(year, 4, 15),
            league,
            f"盟市财〔{year}〕{code[-3:]}号",
            "",
        ),
        (
            Kind.ALLOCATION,
            Source.COUNTY,
            datetime.date(year, 4, 20),
            own,
            f"旗县财〔{year}〕{code[-3:]}号",
            "",
        ),
    ]
    first = _money(regional * Decimal("0.6"))
    tranches = [
        (datetime.date(year, 4, 1), first, "一"),
        (datetime.date(year, 9, 1), regional - first, "二"),
    ]
    for date, amount, label in tranches:
        entries.append(
            (Kind.DISBURSEMENT, Source.REGIONAL, date, amount, f"内知拨〔{year}〕{code[-3:]}-{label}", "")
        )
    entries.append(
        (
            Kind.DISBURSEMENT,
            Source.LEAGUE,
            datetime.date(year, 6, 1),
            league,
            f"盟市拨〔{year}〕{code[-3:]}",
            "",
        )
    )
    entries.append(
        (Kind.DISBURSEMENT, Source.COUNTY, datetime.date(year, 5, 1), own, f"旗县拨〔{year}〕{code[-3:]}", "")
    )
    for source, total in ((Source.REGIONAL, regional), (Source.LEAGUE, league), (Source.COUNTY, own)):
        spend = _money(total * rate)
        parts = 3
        for index in range(parts):
            amount = (
                _money(spend / parts) if index < parts - 1 else spend - _money(spend / parts) * (parts - 1)
            )
            if amount <= 0:
                continue
            month = 10 + index if source == Source.REGIONAL else 7 + index
            entries.append(
                (
                    Kind.EXPENDITURE,
                    source,
                    datetime.date(year, month, rng.randint(1, 28)),
                    amount,
                    f"PZ{year}{code[-3:]}{source[:1].upper()}{index + 1:02d}",
                    CATEGORIES[(index + year) % len(CATEGORIES)],
                )
            )
    return [
        {"kind": k, "source": s, "date": d, "amount": a, "doc_no": n, "category": c}
        for k, s, d, a, n, c in entries
    ]


def seed(stdout):
    today = timezone.localdate()
    created = 0
    counties = County.objects.filter(code__in=BATCH_1 + BATCH_2).select_related("pilot")
    touched = []
    for county in counties:
        pilot = getattr(county, "pilot", None)
        if pilot is None:
            continue
        for year in range(pilot.start_year, min(pilot.end_year, today.year) + 1):
            rng = random.Random(f"funding-{county.code}-{year}")
            plan = [spec for spec in _plan(county, year, rng) if spec["date"] <= today]
            if not any(spec["kind"] == Kind.ALLOCATION for spec in plan):
                continue
            for spec in plan:
                _entry, is_new = FundEntry.objects.get_or_create(
                    county=county,
                    kind=spec["kind"],
                    source=spec["source"],
                    doc_no=spec["doc_no"],
                    defaults={
                        "date": spec["date"],
                        "amount": spec["amount"],
                        "category": spec["category"],
                        "description": "演示数据",
                    },
                )
                created += is_new
        touched.append(county.pk)
    refresh_balances(touched)
    stdout.write(f"Fund ledger: {created} entries created.")
