"""Helpers of the Excel tests: build workbooks in memory and upload them like a browser would."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from indicators.models import DataElement

# One county-year of plausible typed values as a person fills the template (yes-no as 是/否).
FILLED = {
    "population": 385000,
    "invention_patents_held": 120,
    "trademarks_registered": 2300,
    "gi_trademarks": 4,
    "gi_products": 2,
    "copyright_registrations": 35,
    "invention_applications": 40,
    "utility_model_applications": 90,
    "design_applications": 15,
    "enterprise_ip_investment": 320.5,
    "advantage_enterprises_new": 1,
    "hightech_enterprises": 12,
    "hightech_certified": 9,
    "license_transfer_amount": 86.25,
    "hightech_patents_held": 140,
    "hightech_patents_implemented": 75,
    "industrial_patents_held": 260,
    "industrial_patents_implemented": 90,
    "above_scale_output": 560000,
    "above_scale_ip_output": 150000,
    "above_scale_enterprises": 48,
    "above_scale_with_patents": 30,
    "enforcement_cases": 6,
    "ip_office_established": "是",
    "joint_meeting_system": "是",
    "admin_judicial_mechanism": "否",
    "assistance_station": "是",
}


def typed_codes() -> list[str]:
    return list(
        DataElement.objects.filter(is_derived=False).order_by("order", "code").values_list("code", flat=True)
    )


def stored(value) -> Decimal:
    """What a filled cell is stored as (yes 1, no 0)."""
    if value == "是":
        return Decimal(1)
    if value == "否":
        return Decimal(0)
    return Decimal(str(value))


def workbook_bytes(rows, codes=None, *, labels=True, before=()) -> bytes:
    """An xlsx whose first sheet has optional leading rows, a labels row, the codes row and ``rows``.

    ``rows`` are dicts by code (missing codes stay blank) or plain lists.
    """
    codes = codes or ["county_code", "county_name", "year", *typed_codes()]
    workbook = Workbook()
    sheet = workbook.active
    for row in before:
        sheet.append(list(row))
    if labels:
        sheet.append(["县代码", "县名称", "年度", *["标签"] * (len(codes) - 3)])
    sheet.append(codes)
    for row in rows:
        sheet.append([row.get(code) for code in codes] if isinstance(row, dict) else list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(code="150121", name="土默特左旗", year=2024, **values) -> dict:
    return {"county_code": code, "county_name": name, "year": year, **FILLED, **values}


def upload(data: bytes, name="年度数据.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def read_workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def sheet_rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]
