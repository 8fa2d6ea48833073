"""A report saved while the broker is unreachable (run by test_runtime in a subprocess).

Usage: ``DATABASE_URL=sqlite:////tmp/x.sqlite3 REDIS_URL=redis://127.0.0.1:1/0 python -m
tests.config.save_with_broker_down``: the settings are those of production (Redis broker, tasks on workers), the
broker port is closed. Prints one JSON line: the seconds the save took, whether the value is stored and which
pairs stay marked stale.
"""

import json
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    from django.conf import settings

    from indicators.models import AnnualReport, DataValue, StaleScore
    from indicators.services import save_report_values
    from tests import factories

    assert not settings.CELERY_TASK_ALWAYS_EAGER
    user = factories.region_user(username="writer")
    report = AnnualReport.objects.create(county=factories.county("150121"), year=2024)
    started = time.monotonic()
    save_report_values(report, {"enforcement_cases": "7"}, {}, user, report.version)
    seconds = time.monotonic() - started
    stored = DataValue.objects.filter(report=report, element__code="enforcement_cases").values_list(
        "value", flat=True
    )
    print(
        json.dumps(
            {
                "seconds": seconds,
                "stored": str(stored.first()),
                "stale": sorted([c, y] for c, y in StaleScore.objects.values_list("county__code", "year")),
            }
        )
    )


if __name__ == "__main__":
    main()
