"""The wide data-entry template (SPEC §10): labels and codes rows, scope, pre-filled values, validation."""

import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from counties.models import County
from indicators.exporting import write_template
from indicators.importing import import_workbook
from indicators.models import DataElement, DataValue
from tests import factories
from tests.indicators.excel_support import FILLED, row, typed_codes, workbook_bytes

pytestmark = pytest.mark.django_db


def template_of(counties, year=2024):
    buffer = io.BytesIO()
    write_template(counties, year, buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def test_labels_row_then_codes_row_without_derived_elements(db):
    sheet = template_of(County.objects.filter(code="150121")).worksheets[0]
    labels = [c.value for c in sheet[1]]
    codes = [c.value for c in sheet[2]]
    assert codes == ["county_code", "county_name", "year", *typed_codes()]
    assert "training_headcount" not in codes and "publicity_week_events" not in codes
    assert labels[:4] == ["县代码", "县名称", "年度", "年末常住人口（人）"]
    assert labels[codes.index("enterprise_ip_investment")] == "企业知识产权投入（万元）"
    assert [c.value for c in sheet[3]][:3] == ["150121", "土默特左旗", 2024]
    assert sheet.freeze_panes == "D3"


def test_yes_no_cells_have_a_list_and_numbers_have_formats(db):
    sheet = template_of(County.objects.filter(code="150121")).worksheets[0]
    codes = [c.value for c in sheet[2]]
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"是,否"'
    booleans = DataElement.objects.filter(value_type="boolean", is_derived=False).values_list(
        "code", flat=True
    )
    covered = str(validation.sqref)
    for code in booleans:
        letter = sheet.cell(row=2, column=codes.index(code) + 1).column_letter
        assert f"{letter}3:" in covered
    population = sheet.cell(row=3, column=codes.index("population") + 1)
    investment = sheet.cell(row=3, column=codes.index("enterprise_ip_investment") + 1)
    assert population.number_format == "#,##0" and investment.number_format == "#,##0.00"


def test_the_template_is_pre_filled_with_what_is_stored(county_staff):
    import_workbook(workbook_bytes([row()]), "a.xlsx", county_staff)
    sheet = template_of(County.objects.filter(code="150121")).worksheets[0]
    codes = [c.value for c in sheet[2]]
    values = dict(zip(codes, [c.value for c in sheet[3]], strict=True))
    for code, value in FILLED.items():
        assert values[code] == value, code


def test_the_filled_template_imports_back_unchanged(county_staff):
    import_workbook(workbook_bytes([row()]), "a.xlsx", county_staff)
    buffer = io.BytesIO()
    write_template(County.objects.filter(code="150121"), 2024, buffer)
    result = import_workbook(buffer.getvalue(), "template.xlsx", county_staff)
    assert result.plan.ok and not result.landed
    assert result.plan.rows_read == 1


def test_county_staff_download_their_county_only(client_for, county_staff):
    response = client_for(county_staff).get(reverse("indicators:template"), {"year": 2024})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]] == ["150121"]


def test_region_staff_download_every_county_or_one_league(client_for, region):
    client = client_for(region)
    every = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("indicators:template"), {"year": 2024}).streaming_content))
    ).worksheets[0]
    assert sum(1 for r in every.iter_rows(min_row=3, values_only=True) if r[0]) == 103
    league = load_workbook(
        io.BytesIO(
            b"".join(
                client.get(
                    reverse("indicators:template"), {"year": 2024, "league": "150100"}
                ).streaming_content
            )
        )
    ).worksheets[0]
    codes = [r[0] for r in league.iter_rows(min_row=3, values_only=True) if r[0]]
    assert codes == list(
        County.objects.filter(league__code="150100").order_by("code").values_list("code", flat=True)
    )


@pytest.mark.parametrize("who", ["auditor", "league_staff"])
def test_readers_get_no_template(who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("indicators:template"), {"year": 2024}).status_code == 403


def test_an_invalid_year_is_refused_with_a_message(client_for, county_staff):
    response = client_for(county_staff).get(reverse("indicators:template"), {"year": 1990}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("indicators:import")
    assert "年度" in response.content.decode()


def test_the_command_writes_the_template(tmp_path):
    out = tmp_path / "t.xlsx"
    call_command("export_template", str(out), "--year", "2024", "--county", "150121", stdout=StringIO())
    sheet = load_workbook(out).worksheets[0]
    assert [c.value for c in sheet[3]][:2] == ["150121", "土默特左旗"]
    assert [r[0] for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]] == []


def test_the_command_limits_to_a_user_and_refuses_bad_years(tmp_path):
    user = factories.county_user("150122", username="tuoketuo")
    out = tmp_path / "t.xlsx"
    call_command("export_template", str(out), "--year", "2024", "--user", user.username, stdout=StringIO())
    sheet = load_workbook(out).worksheets[0]
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]] == ["150122"]
    with pytest.raises(CommandError):
        call_command("export_template", str(out), "--year", "1999", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("export_template", str(out), "--year", "2024", "--county", "999999", stdout=StringIO())


def test_stored_values_of_other_years_are_not_pre_filled(county_staff):
    import_workbook(workbook_bytes([row(year=2023)]), "a.xlsx", county_staff)
    assert DataValue.objects.exists()
    sheet = template_of(County.objects.filter(code="150121"), 2024).worksheets[0]
    assert [c.value for c in sheet[3]][3:] == [None] * len(typed_codes())
