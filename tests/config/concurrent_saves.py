"""Two threads saving annual reports at once on a SQLite file (run by test_sqlite_concurrency in a subprocess).

Usage: ``DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.config.concurrent_saves``. Migrates the
file, then thread A and thread B each save 50 times: the same report (read the version, add one to a value,
save with the version read: a conflict is reported as ``ReportConflict``) and a report of their own. Prints
one JSON line with the counts, the final values, any unexpected errors and the pairs left stale.
"""

import json
import os
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

ROUNDS = 50
ELEMENT = "enforcement_cases"


def main() -> None:
    call_command("migrate", verbosity=0)
    from indicators.models import AnnualReport, DataValue, StaleScore
    from indicators.services import ReportConflict, save_report_values
    from tests import factories

    user = factories.region_user(username="writer")
    shared = AnnualReport.objects.create(county=factories.county("150121"), year=2024)
    own = {
        "A": AnnualReport.objects.create(county=factories.county("150122"), year=2024),
        "B": AnnualReport.objects.create(county=factories.county("150123"), year=2024),
    }
    outcome = {"saved": 0, "conflicts": 0, "errors": [], "own_saved": {"A": 0, "B": 0}}
    lock = threading.Lock()
    start = threading.Barrier(2)

    def current(report_id: int) -> tuple[int, int]:
        report = AnnualReport.objects.get(pk=report_id)
        value = DataValue.objects.filter(report=report, element__code=ELEMENT).values_list("value", flat=True)
        return report.version, int(value.first() or 0)

    def writer(name: str) -> None:
        start.wait()
        try:
            for _round in range(ROUNDS):
                for report_id, is_shared in ((shared.pk, True), (own[name].pk, False)):
                    try:
                        version, value = current(report_id)
                        report = AnnualReport.objects.get(pk=report_id)
                        save_report_values(report, {ELEMENT: str(value + 1)}, {}, user, version)
                    except ReportConflict:
                        with lock:
                            if is_shared:
                                outcome["conflicts"] += 1
                            else:
                                outcome["errors"].append(f"{name}: conflict on its own report")
                        continue
                    except Exception as exc:  # noqa: BLE001 - every other failure is a defect
                        with lock:
                            outcome["errors"].append(f"{name}: {type(exc).__name__}: {exc}")
                        continue
                    with lock:
                        if is_shared:
                            outcome["saved"] += 1
                        else:
                            outcome["own_saved"][name] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome["shared_value"] = current(shared.pk)[1]
    outcome["own_values"] = {name: current(report.pk)[1] for name, report in own.items()}
    outcome["stale"] = StaleScore.objects.count()
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()
