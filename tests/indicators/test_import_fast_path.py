"""The import's prepared writes (``indicators.bulk``: new and changed values through ``executemany`` or ``COPY``,
history copied in the database) write exactly the rows the ORM (``bulk_create``, ``bulk_update`` and
simple-history's ``bulk_history_create``) writes, in a number of queries that does not grow with the values."""

import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counties.models import User
from indicators import importing
from indicators.importing import import_workbook
from indicators.models import AnnualReport, DataValue, ImportBatch
from tests.indicators.excel_support import row, workbook_bytes

pytestmark = pytest.mark.django_db

CODES = ["county_code", "county_name", "year", "population", "gi_products", "ip_office_established"]


def plain_new_values(rows, *, now, user_id, reason):
    """The ORM path: ``bulk_create`` and simple-history's ``bulk_history_create``."""
    objs = [
        DataValue(report_id=report, element_id=element, value=value, comment=comment)
        for report, element, value, comment in rows
    ]
    with mock.patch("django.utils.timezone.now", return_value=now):
        created = DataValue.objects.bulk_create(objs, batch_size=500)
    DataValue.history.bulk_history_create(
        created,
        default_user=User.objects.filter(pk=user_id).first(),
        default_change_reason=reason,
        default_date=now,
    )


def plain_changed_values(rows, *, now, user_id, reason):
    objs = []
    for pk, _report, _element, value, comment in rows:
        obj = DataValue.objects.get(pk=pk)
        obj.value, obj.comment, obj.updated_at = value, comment, now
        objs.append(obj)
    DataValue.objects.bulk_update(objs, ["value", "comment", "updated_at"])
    DataValue.history.bulk_history_create(
        objs,
        update=True,
        default_user=User.objects.filter(pk=user_id).first(),
        default_change_reason=reason,
        default_date=now,
    )


def snapshot():
    values = sorted(
        DataValue.objects.values_list(
            "report__county__code", "report__year", "element__code", "value", "comment", "updated_at"
        ),
        key=repr,
    )
    history = sorted(
        DataValue.history.values_list(
            "report__county__code",
            "report__year",
            "element__code",
            "value",
            "comment",
            "updated_at",
            "history_type",
            "history_user_id",
            "history_change_reason",
            "history_date",
        ),
        key=repr,
    )
    # The reasons name the import batch (#1 here, #3 in the second run): compare them without the number.
    history = [(*h[:8], re.sub(r"#\d+", "#", h[8]), h[9]) for h in history]
    # Every history row points at its value (same id) as simple-history's rows do.
    ids = set(DataValue.objects.values_list("pk", flat=True))
    assert set(DataValue.history.values_list("id", flat=True)) <= ids
    return values, history


def rows_for(counties, bump=0):
    return [
        [code, name, year, 100000 + i + bump, (i + bump) % 7, "是" if (i + bump) % 2 else "否"]
        for i, (code, name) in enumerate(counties)
        for year in (2023, 2024)
    ]


COUNTIES = [("150121", "土默特左旗"), ("150122", "托克托县"), ("150123", "和林格尔县")]


def run_imports(user, now):
    with mock.patch("django.utils.timezone.now", return_value=now):
        import_workbook(workbook_bytes(rows_for(COUNTIES), CODES), "a.xlsx", user)
        import_workbook(workbook_bytes(rows_for(COUNTIES, bump=1), CODES), "b.xlsx", user)
    return snapshot()


def test_prepared_inserts_write_the_rows_of_the_orm_path(region):
    now = timezone.now()
    fast = run_imports(region, now)
    DataValue.objects.all().delete()
    AnnualReport.objects.all().delete()
    ImportBatch.objects.all().delete()
    DataValue.history.all().delete()  # after the deletions, which write their own history rows
    AnnualReport.history.all().delete()
    with (
        mock.patch.object(importing, "write_new_values", plain_new_values),
        mock.patch.object(importing, "write_changed_values", plain_changed_values),
    ):
        plain = run_imports(region, now)
    assert fast[0] == plain[0]
    assert fast[1] == plain[1]
    assert len(fast[1]) == 2 * len(fast[0])  # created, then changed


def test_new_values_and_history_take_a_constant_number_of_inserts(region):
    few = workbook_bytes(rows_for(COUNTIES[:1]), CODES)
    many = workbook_bytes(rows_for(COUNTIES), CODES)

    def queries(data, name):
        with CaptureQueriesContext(connection) as captured:
            assert import_workbook(data, name, region).landed
        return [q["sql"].split(" times: ")[-1].split()[0] for q in captured.captured_queries]

    first = queries(few, "few.xlsx")
    DataValue.objects.all().delete()
    AnnualReport.objects.all().delete()
    ImportBatch.objects.all().delete()
    assert queries(many, "many.xlsx") == first


def test_a_single_row_import_still_lands_with_history(county_staff):
    assert import_workbook(workbook_bytes([row()]), "one.xlsx", county_staff).landed
    assert DataValue.history.filter(history_type="+").count() == DataValue.objects.count() > 0


def test_the_command_prints_a_summary_and_lists_changes_only_when_verbose(tmp_path, region):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "data.xlsx"
    path.write_bytes(workbook_bytes(rows_for(COUNTIES), CODES))
    out = StringIO()
    call_command("import_indicators", str(path), "--user", region.username, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and "18 new values" in lines[0]
    path.write_bytes(workbook_bytes(rows_for(COUNTIES, bump=1), CODES))
    out = StringIO()
    call_command("import_indicators", str(path), "--user", region.username, "--verbose", stdout=out)
    changes = [line for line in out.getvalue().splitlines() if "→" in line]
    assert len(changes) == 18 and changes[0].startswith("150121 2023 ")
