"""Issue 10's hostile corpus: every case refused with a message in Chinese naming the cause, nothing written."""

import re

import pytest

from indicators.importing import import_workbook
from indicators.models import AnnualReport, DataValue, ImportBatch
from tests import hostile
from training import importing as training_importing
from training.models import Attendee

pytestmark = pytest.mark.django_db
CHINESE = re.compile(r"[\u4e00-\u9fff]")

EXPECTED = {
    "amplification: 1 MB shared string × 260 cells": "超过 2,000 个字符",
    "1,048,576 rows, no dimension": "解压后大小异常",
    "10 M shared strings": "解压后大小异常",
    "2 M shared strings within the part size": "解压后大小异常",
    "200,000 distinct shared strings": "不同的文本",
    "2 M cellXfs": "解压后大小异常",
    "60,000 distinct styles": "单元格样式",
    "10,000 rows of random numbers": "行",
    "5,000 rows × 60 cells": "单元格",
    "600,000 styles within the part size": "解压后大小异常",
    "incompressible padding + 35 MB bomb part": "zeros.bin",
    "column XFD, declared dimension": "列",
    "formula without cached value": "B2 含有公式",
    "=cmd|… formula with cached value": "B2 含有公式",
    "hidden active sheet": "隐藏",
    "macro part vbaProject.bin": "宏",
    "macro-enabled content type": "宏",
}


def nothing_written():
    return not (
        DataValue.objects.exists()
        or AnnualReport.objects.exists()
        or ImportBatch.objects.exists()
        or Attendee.objects.exists()
    )


@pytest.mark.parametrize("case", list(hostile.CASES))
def test_every_hostile_annual_data_file_is_refused_in_chinese(case, county_staff):
    result = import_workbook(hostile.CASES[case]("indicators"), "evil.xlsx", county_staff)
    assert not result.ok and not result.landed
    messages = " ".join(p.message for p in result.problems)
    assert CHINESE.search(messages) and EXPECTED[case] in messages, messages
    assert all(len(p.value) <= 100 for p in result.problems)
    assert nothing_written()


@pytest.mark.parametrize(
    "case",
    [
        "amplification: 1 MB shared string × 260 cells",
        "column XFD, declared dimension",
        "hidden active sheet",
    ],
)
def test_hostile_attendee_lists_are_refused(case, county_staff, event_factory):
    event = event_factory(audiences={"enterprise": 5})
    result = training_importing.import_attendees(county_staff, event, hostile.CASES[case]("attendees"))
    assert not result.ok and EXPECTED[case] in " ".join(p.message for p in result.problems)
    assert not Attendee.objects.exists() and not ImportBatch.objects.exists()
    assert {a.category: a.headcount for a in event.audiences.all()} == {"enterprise": 5}


def test_a_cell_in_column_xfd_is_never_materialised(county_staff, event_factory):
    """Without a declared dimension the width is cut at the declared columns: no header, no cost."""
    event = event_factory(audiences={"enterprise": 5})
    result = training_importing.import_attendees(
        county_staff, event, hostile.CHEAP["column XFD, no dimension"]("attendees")
    )
    assert [p.message for p in result.problems] == ["文件中没有参加人员。"]
    assert not Attendee.objects.exists()


def test_problem_values_are_excerpts_and_the_list_is_capped(county_staff):
    from tests.indicators.excel_support import row, workbook_bytes

    long_text = "很多" * 300
    rows = [row(year=2000 + i % 24, population=long_text) for i in range(300)]
    rows += [row(code="159999", year=2001)]
    result = import_workbook(workbook_bytes(rows), "a.xlsx", county_staff)
    assert not result.ok
    assert len(result.problems) == 200 and result.problems.omitted > 0
    assert all(len(p.value) <= 100 for p in result.problems)
    assert result.plan.as_preview()["problems_omitted"] == result.problems.omitted
    assert nothing_written()
