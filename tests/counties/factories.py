"""Factories of the counties app: users of each role and pilot designations (counties and leagues come from the
data migration, looked up by GB/T 2260 code)."""

import factory
from factory.django import DjangoModelFactory

from counties.models import County, League, PilotDesignation, Role, User


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
