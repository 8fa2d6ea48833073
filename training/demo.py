"""Demo training and publicity events for the demo pilots (idempotent: events are keyed by county, date and
title). Some county-years reach 100 人次 and hold a 4·26 week activity, some fall short."""

import datetime
import random

from django.utils import timezone

from counties.demo import BATCH_1, BATCH_2
from counties.models import County
from indicators.services import request_score_recompute

from .models import AudienceCategory, EventAudience, EventKind, OrganiserKind, TrainingEvent

TRAININGS = [
    ("专利申请与布局实务培训班", AudienceCategory.ENTERPRISE),
    ("知识产权行政执法业务培训", AudienceCategory.MANAGEMENT),
    ("企业知识产权管理规范（贯标）培训", AudienceCategory.ENTERPRISE),
    ("地理标志保护与运用专题培训", AudienceCategory.MANAGEMENT),
    ("知识产权服务机构业务能力提升培训", AudienceCategory.SERVICE),
    ("商标品牌建设培训会", AudienceCategory.ENTERPRISE),
]
PUBLICITY = [
    "“4·26知识产权宣传周”主题宣传活动",
    "知识产权进企业宣讲活动",
    "知识产权保护进市场宣传活动",
]
PLACES = ["政府会议室", "县市场监管局培训室", "工业园区服务中心", "县政务服务中心"]
AGENCIES = ["内蒙古某知识产权代理有限公司", "呼和浩特某专利事务所"]


def _events_for(county: County, year: int, rng: random.Random) -> list[dict]:
    short = rng.random() < 0.35  # this county-year falls short of 100 人次
    events = []
    for index in range(rng.randint(2, 4)):
        title, main_category = TRAININGS[(index + year) % len(TRAININGS)]
        month = rng.choice([3, 5, 6, 7, 9, 10, 11])
        size = rng.randint(8, 25) if short else rng.randint(30, 70)
        audiences = {main_category: size}
        if rng.random() < 0.5:
            other = rng.choice([c for c in AudienceCategory if c != main_category])
            audiences[other] = rng.randint(3, 15) if not short else rng.randint(1, 5)
        agency = rng.random() < 0.3
        events.append(
            {
                "date": datetime.date(year, month, rng.randint(1, 28)),
                "title": f"{year}年{title}",
                "kind": EventKind.TRAINING,
                "organiser_kind": OrganiserKind.AGENCY if agency else OrganiserKind.BUREAU,
                "organiser_name": rng.choice(AGENCIES) if agency else "",
                "place": rng.choice(PLACES),
                "audiences": audiences,
            }
        )
    if rng.random() < 0.8:
        events.append(
            {
                "date": datetime.date(year, 4, rng.randint(20, 26)),
                "title": f"{year}年{PUBLICITY[0]}",
                "kind": EventKind.PUBLICITY,
                "organiser_kind": OrganiserKind.BUREAU,
                "organiser_name": "",
                "place": "县城中心广场",
                "audiences": {AudienceCategory.ENTERPRISE: rng.randint(40, 200)},
            }
        )
    if rng.random() < 0.5:
        events.append(
            {
                "date": datetime.date(year, rng.choice([8, 12]), rng.randint(1, 20)),
                "title": f"{year}年{rng.choice(PUBLICITY[1:])}",
                "kind": EventKind.PUBLICITY,
                "organiser_kind": OrganiserKind.BUREAU,
                "organiser_name": "",
                "place": rng.choice(PLACES),
                "audiences": {},
            }
        )
    return events


def seed(stdout):
    today = timezone.localdate()
    created = 0
    pairs = set()
    counties = County.objects.filter(code__in=BATCH_1 + BATCH_2).select_related("pilot")
    for county in counties:
        pilot = getattr(county, "pilot", None)
        if pilot is None:
            continue
        for year in range(pilot.baseline_year, min(pilot.end_year, today.year) + 1):
            rng = random.Random(f"{county.code}-{year}")
            for spec in _events_for(county, year, rng):
                if spec["date"] > today:
                    continue
                audiences = spec.pop("audiences")
                event, is_new = TrainingEvent.objects.get_or_create(
                    county=county, date=spec["date"], title=spec["title"], defaults=spec
                )
                if is_new:
                    created += 1
                    EventAudience.objects.bulk_create(
                        [EventAudience(event=event, category=c, headcount=h) for c, h in audiences.items()]
                    )
                    pairs.add((county.pk, year))
    request_score_recompute(sorted(pairs))
    stdout.write(f"Training and publicity events: {created} created.")
