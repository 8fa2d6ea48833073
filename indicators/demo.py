"""Demo annual data for the demo pilots (counties/demo.py): baseline year to the current year, written through
the entry and workflow services so that history and transitions look real. Idempotent: a (county, year) that
already has a report is left alone.

Older years are approved, last year is mostly submitted (some approved, one returned with a comment), and the
current year is a draft (complete for the demo county, partly filled elsewhere). Every other county reports the
two years before the current one (approved): the comparison group of the dashboards.
"""

import random
from decimal import Decimal

from counties.demo import DEMO_COUNTY
from counties.models import County, PilotDesignation, Role, User

from . import selectors, services
from .models import AnnualReport
from .workplan_demo import seed_task_progress

RETURNED = "150222"  # its last-year report is returned with a comment
APPROVED_EARLY = {"150121", "150621"}  # their last-year report is already approved
RETURN_COMMENT = "有效发明专利拥有量与市场监管局统计口径不一致，请核实后重新提交。"
LARGE_CHANGE_COMMENT = "本年度新增企业集中申报，数据经核实无误（演示数据）。"


def _base_values(rng: random.Random) -> dict[str, Decimal]:
    """A plausible baseline year for a county of random size."""
    size = rng.uniform(0.5, 2.0)
    hightech = max(3, int(12 * size))
    above_scale = max(10, int(50 * size))
    output = Decimal(int(300000 * size))
    return {
        "population": Decimal(int(rng.uniform(120000, 480000))),
        "invention_patents_held": Decimal(int(60 * size) + rng.randint(0, 20)),
        "trademarks_registered": Decimal(int(1500 * size) + rng.randint(0, 300)),
        "gi_trademarks": Decimal(rng.randint(2, 6)),
        "gi_products": Decimal(rng.randint(1, 4)),
        "copyright_registrations": Decimal(int(30 * size) + rng.randint(0, 10)),
        "invention_applications": Decimal(int(30 * size) + rng.randint(0, 10)),
        "utility_model_applications": Decimal(int(90 * size) + rng.randint(0, 30)),
        "design_applications": Decimal(int(25 * size) + rng.randint(0, 10)),
        "enterprise_ip_investment": Decimal(str(round(400 * size + rng.uniform(0, 100), 2))),
        "advantage_enterprises_new": Decimal(rng.randint(0, 1)),
        "hightech_enterprises": Decimal(hightech),
        "hightech_certified": Decimal(hightech - rng.randint(0, 2)),
        "license_transfer_amount": Decimal(str(round(120 * size + rng.uniform(0, 40), 2))),
        "hightech_patents_held": Decimal(int(150 * size) + 20),
        "hightech_patents_implemented": Decimal(int(150 * size * rng.uniform(0.4, 0.6)) + 10),
        "industrial_patents_held": Decimal(int(300 * size) + 40),
        "industrial_patents_implemented": Decimal(int(300 * size * rng.uniform(0.25, 0.4)) + 10),
        "above_scale_output": output,
        "above_scale_ip_output": (output * Decimal(str(round(rng.uniform(0.2, 0.3), 3)))).quantize(
            Decimal(1)
        ),
        "above_scale_enterprises": Decimal(above_scale),
        "above_scale_with_patents": Decimal(int(above_scale * rng.uniform(0.7, 0.95))),
        "enforcement_cases": Decimal(rng.randint(3, 20)),
        "ip_office_established": Decimal(1),
        "joint_meeting_system": Decimal(rng.choice([0, 1])),
        "admin_judicial_mechanism": Decimal(rng.choice([0, 1])),
        "assistance_station": Decimal(0),
    }


GROWING = [
    "invention_patents_held",
    "trademarks_registered",
    "copyright_registrations",
    "invention_applications",
    "utility_model_applications",
    "enterprise_ip_investment",
    "license_transfer_amount",
    "hightech_patents_held",
    "industrial_patents_held",
    "above_scale_output",
]


def _next_year(values: dict[str, Decimal], rng: random.Random) -> dict[str, Decimal]:
    """The following year: most quantities grow 3–15 %, structures improve, a few things stay the same."""
    new = dict(values)
    for code in GROWING:
        factor = Decimal(str(round(rng.uniform(1.03, 1.15), 3)))
        if values[code] == values[code].to_integral_value():
            new[code] = (values[code] * factor).quantize(Decimal(1)) + 1
        else:
            new[code] = (values[code] * factor).quantize(Decimal("0.01"))
    new["population"] = (values["population"] * Decimal(str(round(rng.uniform(0.99, 1.01), 4)))).quantize(
        Decimal(1)
    )
    new["gi_trademarks"] = values["gi_trademarks"] + rng.randint(0, 1)
    new["gi_products"] = values["gi_products"] + rng.randint(0, 1)
    new["design_applications"] = max(Decimal(1), values["design_applications"] + rng.randint(-3, 2))
    new["advantage_enterprises_new"] = Decimal(rng.choice([0, 1, 1, 2]))
    new["hightech_enterprises"] = values["hightech_enterprises"] + rng.randint(0, 2)
    new["hightech_certified"] = min(
        new["hightech_enterprises"], values["hightech_certified"] + rng.randint(1, 3)
    )
    new["hightech_patents_implemented"] = min(
        new["hightech_patents_held"], (new["hightech_patents_held"] * Decimal("0.52")).quantize(Decimal(1))
    )
    new["industrial_patents_implemented"] = min(
        new["industrial_patents_held"],
        (new["industrial_patents_held"] * Decimal(str(round(rng.uniform(0.28, 0.4), 2)))).quantize(
            Decimal(1)
        ),
    )
    new["above_scale_ip_output"] = (
        new["above_scale_output"] * Decimal(str(round(rng.uniform(0.22, 0.32), 3)))
    ).quantize(Decimal(1))
    new["above_scale_enterprises"] = values["above_scale_enterprises"] + rng.randint(0, 3)
    new["above_scale_with_patents"] = min(
        new["above_scale_enterprises"], values["above_scale_with_patents"] + rng.randint(1, 4)
    )
    new["enforcement_cases"] = Decimal(rng.randint(3, 25))
    for code in ("joint_meeting_system", "admin_judicial_mechanism", "assistance_station"):
        if rng.random() < 0.5:
            new[code] = Decimal(1)
    return new


def _as_input(values: dict[str, Decimal]) -> dict[str, str]:
    return {
        code: ("是" if value else "否") if code in _YES_NO else f"{value:f}" for code, value in values.items()
    }


_YES_NO = {"ip_office_established", "joint_meeting_system", "admin_judicial_mechanism", "assistance_station"}


def _save(report: AnnualReport, raw: dict[str, str], user) -> None:
    prepared = services.prepare_report_values(report, raw, {})
    comments = {problem.element_code: LARGE_CHANGE_COMMENT for problem in prepared.warnings}
    services.save_report_values(report, raw, comments, user, None, change_reason="演示数据")


def seed(stdout):
    region = User.objects.filter(role=Role.REGION_STAFF, username="region").first()
    county_user = User.objects.filter(username="county").first()
    if region is None:
        stdout.write("indicators: no demo region user, annual data not seeded.")
        return
    this_year = selectors.current_year()
    seeded: list[tuple[int, int]] = []
    for pilot in PilotDesignation.objects.select_related("county").order_by("county__code"):
        county = pilot.county
        rng = random.Random(f"demo-{county.code}")
        user = county_user if county.code == DEMO_COUNTY and county_user else region
        values = _base_values(rng)
        for year in range(pilot.baseline_year, this_year + 1):
            if year > pilot.baseline_year:
                values = _next_year(values, rng)
            if AnnualReport.objects.filter(county=county, year=year).exists():
                continue
            report = AnnualReport(county=county, year=year)
            raw = _as_input(values)
            if year == this_year and county.code != DEMO_COUNTY:
                raw = dict(list(raw.items())[: len(raw) // 2])
            _save(report, raw, user)
            seed_task_progress(report, user)
            seeded.append((county.pk, year))
            if year == this_year:
                continue
            services.submit_report(report, user)
            if year == this_year - 1 and county.code == RETURNED:
                services.return_report(report, region, RETURN_COMMENT)
            elif year < this_year - 1 or county.code in APPROVED_EARLY:
                services.approve_report(report, region, comment="数据完整，予以通过。")
    seeded.extend(_seed_comparison_group(region, this_year))
    services.request_score_recompute(seeded)
    stdout.write(f"Annual data: {len(seeded)} demo reports seeded.")


def _seed_comparison_group(region, this_year: int) -> list[tuple[int, int]]:
    """Two approved years for every county that is not a pilot (idempotent like the pilots' data)."""
    seeded = []
    for county in County.objects.filter(pilot__isnull=True).order_by("code"):
        rng = random.Random(f"demo-comparison-{county.code}")
        values = _base_values(rng)
        for year in (this_year - 2, this_year - 1):
            if year == this_year - 1:
                values = _next_year(values, rng)
            if AnnualReport.objects.filter(county=county, year=year).exists():
                continue
            report = AnnualReport(county=county, year=year)
            _save(report, _as_input(values), region)
            services.submit_report(report, region)
            services.approve_report(report, region, comment="数据完整，予以通过。")
            seeded.append((county.pk, year))
    return seeded
