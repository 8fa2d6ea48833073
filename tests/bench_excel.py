"""The Excel benchmark of ``make bench`` (registered as ``excel`` in ``tests/bench.py``).

103 counties × 10 years × every typed element: preview, first import, the same file again, a file changing
every value, and the auditor workbook. Every time is also given as a ratio to the floor — openpyxl merely
reading the same file — so the figures stay comparable across machines. Score recomputation after the
import is left to the Celery task (measured by the ``scoring`` benchmark), so it is not counted here.
"""

from __future__ import annotations

import io
import time
from unittest import mock


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def wide_workbook(years: list[int], bump: int = 0) -> bytes:
    """A filled template of every county for ``years`` (every typed element, plausible and consistent)."""
    from openpyxl import Workbook

    from counties.models import County
    from indicators.models import DataElement, ValueType

    elements = list(DataElement.objects.filter(is_derived=False).order_by("order", "code"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("年度数据")
    sheet.append(["县代码", "县名称", "年度", *(e.name for e in elements)])
    sheet.append(["county_code", "county_name", "year", *(e.code for e in elements)])
    for index, county in enumerate(County.objects.order_by("code")):
        for offset, year in enumerate(years):
            base = 100 + index * 3 + offset * 5 + bump
            row = [county.code, county.name, year]
            for element in elements:
                if element.value_type == ValueType.BOOLEAN:
                    row.append("是" if (index + offset) % 3 else "否")
                elif element.code == "population":
                    row.append(100000 + index * 1000 + offset * 10 + bump)
                elif element.code.endswith(("_implemented", "_certified", "_with_patents", "_ip_output")):
                    row.append(base // 2)
                elif element.value_type == ValueType.DECIMAL:
                    row.append(base * 10.25)
                else:
                    row.append(base)
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_floor(data: bytes, *, attempts: int = 2) -> float:
    """Seconds openpyxl takes merely to read every cell of ``data`` (the best of ``attempts``): the floor of any
    import or export."""
    from openpyxl import load_workbook

    def read():
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for sheet in workbook.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                pass
        workbook.close()

    return min(_timed(read)[1] for _attempt in range(attempts))


def excel_figures(years: list[int]) -> list[tuple[str, float, int, str]]:
    """``(label, seconds, items, unit)`` lines for the import and export of 103 counties × ``years``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from counties.models import Role, User
    from indicators import tasks
    from indicators.exporting import write_audit_workbook
    from indicators.importing import import_workbook

    region, _created = User.objects.get_or_create(
        username="bench_region", defaults={"role": Role.REGION_STAFF}
    )
    data = wide_workbook(years)
    floor = read_floor(data)
    figures = [(f"openpyxl reads the {len(data) // 1024} KiB file (floor)", floor, 0, "")]

    def measure(label, *args, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            result, seconds = _timed(import_workbook, *args, **kwargs)
        assert result.plan.ok, [str(p) for p in result.plan.problems[:5]]
        values = (result.batch.values_created + result.batch.values_changed) if result.batch else 0
        figures.append(
            (
                f"{label} (×{seconds / floor:.1f} floor, {len(queries)} queries)",
                seconds,
                values,
                "values written",
            )
        )
        return result

    with mock.patch.object(tasks.recompute_scores, "delay"):
        preview = measure("preview (dry run)", data, "bench.xlsx", region, dry_run=True)
        figures[-1] = (figures[-1][0], figures[-1][1], preview.plan.rows_read, "rows")
        measure("import", data, "bench.xlsx", region)
        measure("same file again (changes nothing)", data, "bench.xlsx", region)
        measure("import changing every value", wide_workbook(years, bump=1), "bench2.xlsx", region)

    auditor = User(username="bench_auditor", role=Role.AUDITOR, is_active=True)
    buffer = io.BytesIO()
    with CaptureQueriesContext(connection) as queries:
        _result, seconds = _timed(write_audit_workbook, auditor, buffer)
    exported = buffer.getvalue()
    export_floor = read_floor(exported)
    figures.append(
        (f"openpyxl reads the {len(exported) // 1024} KiB auditor workbook (floor)", export_floor, 0, "")
    )
    figures.append(
        (f"auditor workbook (×{seconds / export_floor:.1f} floor, {len(queries)} queries)", seconds, 0, "")
    )
    return figures
