"""Factories shared by every test package. Counties and the catalogue come from the data migrations."""

import factory
from factory.django import DjangoModelFactory

from counties.models import County, League, PilotDesignation, Role, User  # noqa: F401 - re-exported for tests
from indicators.models import AnnualReport, DataElement, DataValue


def county(code: str = "150121") -> County:
    """A county loaded by the migration (default 土默特左旗)."""
    return County.objects.select_related("league").get(code=code)


def league(code: str = "150100") -> League:
    return League.objects.get(code=code)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.REGION_STAFF

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "pass-Word-123")
        if create:
            obj.save(update_fields=["password"])


def county_user(code: str = "150121", **kwargs) -> User:
    return UserFactory(role=Role.COUNTY_STAFF, county=county(code), **kwargs)


def league_user(code: str = "150100", **kwargs) -> User:
    return UserFactory(role=Role.LEAGUE_STAFF, league=league(code), **kwargs)


def region_user(**kwargs) -> User:
    return UserFactory(role=Role.REGION_STAFF, **kwargs)


def auditor_user(**kwargs) -> User:
    return UserFactory(role=Role.AUDITOR, **kwargs)


class PilotFactory(DjangoModelFactory):
    class Meta:
        model = PilotDesignation
        django_get_or_create = ("county",)

    county = factory.LazyFunction(lambda: county("150121"))
    batch = 1
    designation_year = 2022
    start_year = 2023
    end_year = 2025


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = AnnualReport
        django_get_or_create = ("county", "year")

    county = factory.LazyFunction(lambda: county("150121"))
    year = 2024


def set_values(report: AnnualReport, **values) -> AnnualReport:
    """Store raw element values on a report directly (bypassing the entry services)."""
    elements = {e.code: e for e in DataElement.objects.filter(code__in=values)}
    for code, value in values.items():
        DataValue.objects.update_or_create(report=report, element=elements[code], defaults={"value": value})
    return report
