"""Factories of the indicators app: annual reports and their values (the catalogue comes from the migration)."""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from indicators.models import AnnualReport, DataElement, DataValue, ReportTransition
from tests.counties.factories import county, region_user

# A year in which every indicator with a fixed target is met (the previous year must be lower for `increase`).
GOOD_VALUES = {
    "population": 100000,
    "invention_patents_held": 50,
    "trademarks_registered": 500,
    "gi_trademarks": 5,
    "gi_products": 3,
    "copyright_registrations": 40,
    "invention_applications": 30,
    "utility_model_applications": 60,
    "design_applications": 10,
    "enterprise_ip_investment": Decimal("120.50"),
    "advantage_enterprises_new": 1,
    "hightech_enterprises": 10,
    "hightech_certified": 10,
    "license_transfer_amount": Decimal("80"),
    "hightech_patents_held": 100,
    "hightech_patents_implemented": 60,
    "industrial_patents_held": 200,
    "industrial_patents_implemented": 80,
    "above_scale_output": Decimal("10000"),
    "above_scale_ip_output": Decimal("3000"),
    "above_scale_enterprises": 20,
    "above_scale_with_patents": 20,
    "enforcement_cases": 7,
    "ip_office_established": 1,
    "joint_meeting_system": 1,
    "admin_judicial_mechanism": 1,
    "assistance_station": 1,
}
INCREASING = [
    "invention_patents_held",
    "trademarks_registered",
    "gi_trademarks",
    "gi_products",
    "copyright_registrations",
    "invention_applications",
    "enterprise_ip_investment",
    "license_transfer_amount",
]


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = AnnualReport
        django_get_or_create = ("county", "year")

    county = factory.LazyFunction(lambda: county("150121"))
    year = 2024


class ReportTransitionFactory(DjangoModelFactory):
    class Meta:
        model = ReportTransition

    report = factory.SubFactory(ReportFactory)
    from_status = "draft"
    to_status = "submitted"
    actor = factory.LazyFunction(region_user)
    comment = ""


def set_values(report: AnnualReport, **values) -> AnnualReport:
    """Store raw element values on a report directly (bypassing the entry services)."""
    elements = {e.code: e for e in DataElement.objects.filter(code__in=values)}
    for code, value in values.items():
        DataValue.objects.update_or_create(report=report, element=elements[code], defaults={"value": value})
    return report


def lower_year_values(values: dict) -> dict:
    """The same values with every `increase` quantity a little lower (a plausible previous year)."""
    lower = dict(values)
    for code in INCREASING:
        lower[code] = Decimal(values[code]) - 1
    return lower


def make_report(code: str, year: int, values: dict | None = None, **overrides) -> AnnualReport:
    """A report of county ``code`` for ``year`` with raw values (``None`` stores an empty value)."""
    report = ReportFactory(county=county(code), year=year)
    data = {**(GOOD_VALUES if values is None else values), **overrides}
    elements = {e.code: e for e in DataElement.objects.filter(code__in=data)}
    DataValue.objects.filter(report=report, element__code__in=data).delete()
    DataValue.objects.bulk_create(
        [DataValue(report=report, element=elements[c], value=v) for c, v in data.items()]
    )
    return report
