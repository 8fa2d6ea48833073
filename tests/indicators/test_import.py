"""Excel import of annual data: preview, all-or-nothing landing, refusals, idempotence, scope, history, bulk."""

from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from openpyxl.utils import get_column_letter

from counties.models import County
from indicators import importing
from indicators.importing import import_workbook, preview_workbook
from indicators.models import AnnualReport, DataValue, ImportBatch, ReportStatus
from tests import factories
from tests.indicators.excel_support import FILLED, row, stored, typed_codes, upload, workbook_bytes

pytestmark = pytest.mark.django_db


def values_of(code="150121", year=2024) -> dict:
    return dict(
        DataValue.objects.filter(report__county__code=code, report__year=year).values_list(
            "element__code", "value"
        )
    )


def nothing_written():
    return (
        not DataValue.objects.exists()
        and not ImportBatch.objects.exists()
        and not AnnualReport.objects.exists()
        and not DataValue.history.exists()
    )


# -- landing ------------------------------------------------------------------------------------------


def test_an_import_lands_values_history_batch_and_draft_report(
    county_staff, django_capture_on_commit_callbacks
):
    data = workbook_bytes([row()])
    with mock.patch.object(
        importing, "request_score_recompute", wraps=importing.request_score_recompute
    ) as spy:
        with django_capture_on_commit_callbacks(execute=True):
            result = import_workbook(data, "土左旗2024.xlsx", county_staff)
    assert result.landed and result.plan.ok
    assert values_of() == {code: stored(value) for code, value in FILLED.items()}
    report = AnnualReport.objects.get(county__code="150121", year=2024)
    assert report.status == ReportStatus.DRAFT
    batch = result.batch
    assert (batch.user, batch.file_name, batch.rows) == (county_staff, "土左旗2024.xlsx", 1)
    assert (batch.values_created, batch.values_changed, batch.reports_created) == (len(FILLED), 0, 1)
    assert len(batch.sha256) == 64
    history = DataValue.history.filter(report_id=report.pk)
    assert history.count() == len(FILLED)
    assert set(history.values_list("history_change_reason", flat=True)) == {
        f"Excel导入 #{batch.pk} 土左旗2024.xlsx"
    }
    assert set(history.values_list("history_user_id", flat=True)) == {county_staff.pk}
    assert report.history.get().history_change_reason == f"Excel导入 #{batch.pk} 土左旗2024.xlsx"
    (pairs,) = spy.call_args.args
    assert set(pairs) == {(report.county_id, 2024)}


def test_a_change_updates_only_the_changed_value_and_bumps_the_report_version(county_staff):
    import_workbook(workbook_bytes([row()]), "a.xlsx", county_staff)
    report = AnnualReport.objects.get()
    version = report.version
    result = import_workbook(
        workbook_bytes([row(gi_products=3, trademarks_registered=None)]), "b.xlsx", county_staff
    )
    assert (result.batch.values_created, result.batch.values_changed, result.batch.reports_created) == (
        0,
        1,
        0,
    )
    values = values_of()
    assert values["gi_products"] == 3
    assert values["trademarks_registered"] == FILLED["trademarks_registered"], (
        "a blank cell keeps the stored value"
    )
    changed = DataValue.history.filter(history_change_reason=f"Excel导入 #{result.batch.pk} b.xlsx")
    assert [(h.element.code, h.value) for h in changed] == [("gi_products", 3)]
    report.refresh_from_db()
    assert report.version == version + 1


def test_importing_the_same_file_twice_changes_nothing(county_staff):
    data = workbook_bytes([row(), row(year=2023, population=380000)])
    first = import_workbook(data, "a.xlsx", county_staff)
    assert first.landed
    history_rows = DataValue.history.count()
    second = import_workbook(data, "a.xlsx", county_staff)
    assert second.plan.ok and not second.landed
    assert second.plan.values_created == second.plan.values_changed == 0
    assert ImportBatch.objects.count() == 1
    assert DataValue.history.count() == history_rows


def test_pasted_values_are_tolerated_like_in_the_form(county_staff):
    pasted = row(
        population="３８５，０００",
        trademarks_registered="2,300",
        gi_products=" 2 ",
        enterprise_ip_investment="320.5",
        license_transfer_amount="86.25%",
        ip_office_established="Y",
        joint_meeting_system="1",
        admin_judicial_mechanism="N",
        assistance_station="是",
    )
    pasted["population"] = "３８５,０００"
    result = import_workbook(workbook_bytes([pasted]), "a.xlsx", county_staff)
    assert result.landed, [str(p) for p in result.plan.problems]
    values = values_of()
    assert values["population"] == 385000
    assert values["trademarks_registered"] == 2300
    assert values["license_transfer_amount"] == Decimal("86.25")
    assert (values["ip_office_established"], values["joint_meeting_system"]) == (1, 1)
    assert values["admin_judicial_mechanism"] == 0


def test_the_codes_row_is_found_anywhere_and_labels_and_name_are_optional(county_staff):
    codes = ["county_code", "year", "population", "gi_products"]
    data = workbook_bytes(
        [["150121", 2024, 400000, 5], [None, None, None, None], ["150121", 2023, None, None]],
        codes,
        labels=False,
        before=[["土默特左旗年度数据"], []],
    )
    result = import_workbook(data, "a.xlsx", county_staff)
    assert result.landed, [str(p) for p in result.plan.problems]
    assert result.plan.rows_read == 1, "rows without values are skipped"
    assert values_of() == {"population": 400000, "gi_products": 5}
    assert not AnnualReport.objects.filter(year=2023).exists()


def test_large_changes_are_warnings_in_the_preview_not_refusals(county_staff):
    import_workbook(workbook_bytes([row(year=2023)]), "a.xlsx", county_staff)
    plan = preview_workbook(
        workbook_bytes([row(year=2024, trademarks_registered=9000)]), "b.xlsx", county_staff
    )
    assert plan.ok
    assert plan.warning_count == 1
    (pair,) = plan.as_preview()["pairs"]
    (change,) = [c for c in pair["changes"] if c["warning"]]
    assert change["code"] == "trademarks_registered"
    (warning,) = plan.as_preview()["warnings"]
    assert {k: warning[k] for k in ("county_code", "county_name", "year", "code", "before", "value")} == {
        "county_code": "150121",
        "county_name": "土默特左旗",
        "year": 2024,
        "code": "trademarks_registered",
        "before": "2,300",
        "value": "9,000",
    }
    result = import_workbook(
        workbook_bytes([row(year=2024, trademarks_registered=9000)]), "b.xlsx", county_staff
    )
    value = DataValue.objects.get(report__year=2024, element__code="trademarks_registered")
    assert value.comment == f"Excel导入 #{result.batch.pk} b.xlsx"


def test_a_dry_run_writes_nothing(county_staff):
    result = import_workbook(workbook_bytes([row()]), "a.xlsx", county_staff, dry_run=True)
    assert result.plan.ok and result.plan.values_created == len(FILLED)
    assert nothing_written()


# -- refusals -----------------------------------------------------------------------------------------


def next_year():
    return timezone.localdate().year + 1


REFUSALS = {
    "unknown county code": ([row(code="159999")], "county_code", "159999"),
    "name does not match the code": ([row(name="托克托县")], "county_name", "托克托县"),
    "year before 2000": ([row(year=1999)], "year", "1999"),
    "year in the future": ([row(year="NEXT")], "year", "NEXT"),
    "year that is not a year": ([row(year="去年")], "year", "去年"),
    "duplicate county and year": ([row(), row(gi_products=9)], "year", "2024"),
    "county outside the user's scope": ([row(code="150122", name="托克托县")], "county_code", "150122"),
    "text in a number cell": ([row(population="很多")], "population", "很多"),
    "negative count": ([row(gi_products=-1)], "gi_products", "-1"),
    "fraction in a count": ([row(gi_products=2.5)], "gi_products", "2.5"),
    "not a yes-no answer": ([row(ip_office_established="也许")], "ip_office_established", "也许"),
    "population in 10,000 persons": ([row(population=38)], "population", "38"),
    "implemented above held": (
        [row(hightech_patents_implemented=500)],
        "hightech_patents_implemented",
        "500",
    ),
    "certified above enterprises": ([row(hightech_certified=13)], "hightech_certified", "13"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_every_bad_row_refuses_the_whole_file_and_names_row_column_value(case, county_staff):
    rows, field, value = REFUSALS[case]
    rows = [dict(r, year=next_year() if r["year"] == "NEXT" else r["year"]) for r in rows]
    value = str(next_year()) if value == "NEXT" else value
    good = row(year=2022)
    data = workbook_bytes([good, *rows])
    result = import_workbook(data, "a.xlsx", county_staff)
    assert not result.plan.ok and not result.landed
    assert nothing_written(), "all or nothing: the good row is not imported either"
    problem = next(p for p in result.plan.problems if p.field == field)
    assert problem.row >= 4 and problem.column
    assert problem.value == value
    assert problem.message
    codes = ["county_code", "county_name", "year", *typed_codes()]
    assert problem.column == get_column_letter(codes.index(field) + 1)


def test_problems_are_reported_in_chinese(county_staff):
    result = import_workbook(workbook_bytes([row(code="159999")]), "a.xlsx", county_staff)
    (problem,) = result.plan.problems
    assert (problem.row, problem.column, problem.value) == (3, "A", "159999")
    assert "县" in problem.message or "代码" in problem.message


def test_an_approved_report_is_locked_against_imports(county_staff):
    import_workbook(workbook_bytes([row()]), "a.xlsx", county_staff)
    AnnualReport.objects.update(status=ReportStatus.APPROVED)
    before = DataValue.history.count()
    result = import_workbook(workbook_bytes([row(gi_products=7), row(year=2023)]), "b.xlsx", county_staff)
    assert not result.plan.ok
    assert "year" in {p.field for p in result.plan.problems}
    assert values_of()["gi_products"] == FILLED["gi_products"]
    assert not AnnualReport.objects.filter(year=2023).exists()
    assert DataValue.history.count() == before and ImportBatch.objects.count() == 1
    unchanged = import_workbook(workbook_bytes([row()]), "a.xlsx", county_staff)
    assert unchanged.plan.ok and not unchanged.landed, (
        "identical values of an approved report are not a change"
    )


def test_a_submitted_report_is_changed_by_import_only_by_the_regional_office(county_staff, region):
    """Import and browser entry follow the same rule: a report under review is the reviewer's to correct."""
    import_workbook(workbook_bytes([row()]), "a.xlsx", county_staff)
    AnnualReport.objects.update(status=ReportStatus.SUBMITTED)
    refused = import_workbook(workbook_bytes([row(gi_products=7)]), "b.xlsx", county_staff)
    assert not refused.plan.ok
    assert any("审核" in p.message for p in refused.plan.problems)
    assert values_of()["gi_products"] == FILLED["gi_products"]
    corrected = import_workbook(workbook_bytes([row(gi_products=7)]), "b.xlsx", region)
    assert corrected.landed
    assert values_of()["gi_products"] == 7
    assert AnnualReport.objects.get().status == ReportStatus.SUBMITTED


def test_importing_into_a_returned_report_moves_it_back_to_draft(county_staff):
    import_workbook(workbook_bytes([row()]), "a.xlsx", county_staff)
    AnnualReport.objects.update(status=ReportStatus.RETURNED)
    result = import_workbook(workbook_bytes([row(gi_products=7)]), "fix.xlsx", county_staff)
    assert result.landed
    report = AnnualReport.objects.get()
    assert report.status == ReportStatus.DRAFT
    step = report.transitions.get()
    assert (step.from_status, step.to_status, step.actor) == ("returned", "draft", county_staff)
    assert "fix.xlsx" in step.comment


@pytest.mark.parametrize(
    "codes, message_field",
    [
        (["county_code", "year", "training_headcount"], "training_headcount"),
        (["county_code", "year", "populaton"], "populaton"),
        (["county_code", "year", "population", "population"], "population"),
        (["county_code", "county_name", "population"], "year"),
    ],
    ids=["derived element", "unknown column", "repeated column", "no year column"],
)
def test_bad_headers_refuse_the_file(codes, message_field, county_staff):
    data = workbook_bytes([["150121", 2024, 1000000, 1000000][: len(codes)]], codes)
    result = import_workbook(data, "a.xlsx", county_staff)
    assert not result.plan.ok
    assert message_field in {p.field for p in result.plan.problems}
    assert nothing_written()


def test_a_sheet_without_codes_row_is_refused(county_staff):
    data = workbook_bytes([], ["县代码", "年度"], labels=False)
    result = import_workbook(data, "a.xlsx", county_staff)
    assert [p.field for p in result.plan.problems] == ["county_code"]
    assert "county_code" in result.plan.problems[0].message


@pytest.mark.parametrize("who", ["auditor", "league_staff"])
def test_readers_cannot_import(who, request):
    user = request.getfixturevalue(who)
    result = import_workbook(workbook_bytes([row()]), "a.xlsx", user)
    assert not result.plan.ok and nothing_written()


def test_region_staff_import_any_county_and_county_staff_only_their_own(region, county_staff):
    data = workbook_bytes([row(), row(code="150122", name="托克托县")])
    assert not import_workbook(data, "a.xlsx", county_staff).plan.ok
    assert nothing_written()
    assert import_workbook(data, "a.xlsx", region).landed
    assert AnnualReport.objects.count() == 2


# -- the management command ---------------------------------------------------------------------------


def test_the_command_imports_and_reports(tmp_path, county_staff):
    path = tmp_path / "data.xlsx"
    path.write_bytes(workbook_bytes([row()]))
    out = StringIO()
    call_command("import_indicators", str(path), "--user", county_staff.username, "--dry-run", stdout=out)
    assert "dry run" in out.getvalue() and nothing_written()
    call_command("import_indicators", str(path), "--user", county_staff.username, stdout=out)
    assert ImportBatch.objects.get().file_name == "data.xlsx"
    assert values_of()["gi_products"] == 2


def test_the_command_lists_every_problem_and_exits_non_zero(tmp_path, county_staff):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes([row(population="abc", gi_products=-3)]))
    err = StringIO()
    with pytest.raises(CommandError, match="refused, 2 problem"):
        call_command("import_indicators", str(path), "--user", county_staff.username, stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 2
    assert "“abc”" in lines[0] and "“-3”" in lines[1]
    assert nothing_written()


def test_the_command_refuses_a_non_xlsx_file(tmp_path, county_staff):
    path = tmp_path / "data.xlsx"
    path.write_text("county_code,year\n150121,2024\n")
    with pytest.raises(CommandError):
        call_command("import_indicators", str(path), "--user", county_staff.username)
    assert nothing_written()


# -- the browser flow ---------------------------------------------------------------------------------


def test_upload_preview_confirm(client_for, county_staff, django_capture_on_commit_callbacks):
    client = client_for(county_staff)
    page = client.get(reverse("indicators:import"))
    assert page.status_code == 200
    response = client.post(reverse("indicators:import"), {"file": upload(workbook_bytes([row()]))})
    assert response.status_code == 302 and response.url == reverse("indicators:import_preview")
    assert nothing_written()
    preview = client.get(response.url)
    assert preview.status_code == 200
    assert "土默特左旗" in preview.content.decode() and preview.context["preview"]["values_created"] == len(
        FILLED
    )
    sha = preview.context["preview"]["sha256"]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("indicators:import_confirm"), {"sha256": sha}, follow=True)
    assert done.status_code == 200
    batch = ImportBatch.objects.get()
    assert batch.sha256 == sha and batch.user == county_staff
    assert values_of()["population"] == FILLED["population"]
    assert batch.file_name in done.content.decode()


def test_a_refused_upload_shows_every_problem_and_cannot_be_confirmed(client_for, county_staff):
    client = client_for(county_staff)
    client.post(reverse("indicators:import"), {"file": upload(workbook_bytes([row(population="很多")]))})
    preview = client.get(reverse("indicators:import_preview"))
    content = preview.content.decode()
    assert not preview.context["preview"]["ok"]
    (problem,) = preview.context["preview"]["problems"]
    assert (problem["row"], problem["column"], problem["value"]) == (3, "D", "很多")
    assert problem["message"] in content and "很多" in content
    assert reverse("indicators:import_confirm") not in content
    response = client.post(
        reverse("indicators:import_confirm"), {"sha256": preview.context["preview"]["sha256"]}
    )
    assert response.status_code == 302
    assert nothing_written()


def test_a_report_approved_after_the_preview_refuses_the_confirmation(client_for, county_staff):
    factories.ReportFactory(county=county_staff.county, year=2024)
    client = client_for(county_staff)
    client.post(reverse("indicators:import"), {"file": upload(workbook_bytes([row()]))})
    sha = client.get(reverse("indicators:import_preview")).context["preview"]["sha256"]
    AnnualReport.objects.update(status=ReportStatus.APPROVED)
    response = client.post(reverse("indicators:import_confirm"), {"sha256": sha})
    assert response.url == reverse("indicators:import_preview")
    assert not DataValue.objects.exists() and not ImportBatch.objects.exists()


def test_a_value_entered_after_the_preview_is_not_overwritten_unseen(client_for, county_staff):
    """The preview showed the file's values as new; a colleague typed one in the form meanwhile. Confirming
    lands nothing and shows the new preview (that value now a change of theirs), which can be confirmed."""
    client = client_for(county_staff)
    client.post(reverse("indicators:import"), {"file": upload(workbook_bytes([row()]))})
    sha = client.get(reverse("indicators:import_preview")).context["preview"]["sha256"]
    import_workbook(workbook_bytes([row(population=123456)]), "colleague.xlsx", county_staff)
    response = client.post(reverse("indicators:import_confirm"), {"sha256": sha})
    assert response.url == reverse("indicators:import_preview")
    assert values_of()["population"] == 123456 and ImportBatch.objects.count() == 1
    again = client.get(response.url).context["preview"]
    (pair,) = again["pairs"]
    assert [(c["code"], c["is_new"]) for c in pair["changes"]] == [("population", False)]
    client.post(reverse("indicators:import_confirm"), {"sha256": again["sha256"]})
    assert values_of()["population"] == FILLED["population"] and ImportBatch.objects.count() == 2


def test_cancel_discards_the_upload(client_for, county_staff):
    client = client_for(county_staff)
    client.post(reverse("indicators:import"), {"file": upload(workbook_bytes([row()]))})
    client.post(reverse("indicators:import_cancel"))
    assert client.get(reverse("indicators:import_preview")).status_code == 302
    assert nothing_written()


@pytest.mark.parametrize("who", ["auditor", "league_staff"])
def test_import_pages_are_forbidden_to_readers(who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("indicators:import")).status_code == 403
    assert (
        client.post(reverse("indicators:import"), {"file": upload(workbook_bytes([row()]))}).status_code
        == 403
    )


# -- bulk ---------------------------------------------------------------------------------------------


def test_103_counties_by_10_years_import_in_a_bounded_number_of_queries(
    region, django_assert_max_num_queries
):
    last = timezone.localdate().year
    counties = list(County.objects.order_by("code"))
    assert len(counties) == 103
    codes = ["county_code", "county_name", "year", "population", "gi_products", "ip_office_established"]
    rows = [
        [c.code, c.name, year, 100000 + i, i % 7, "是"]
        for i, c in enumerate(counties)
        for year in range(last - 9, last + 1)
    ]
    data = workbook_bytes(rows, codes)
    with django_assert_max_num_queries(150):
        result = import_workbook(data, "all.xlsx", region)
    assert result.landed
    assert result.batch.rows == 1030 and result.batch.reports_created == 1030
    assert DataValue.objects.count() == 3090 and DataValue.history.count() == 3090
    rows = [[c, n, y, p + 1, g, b] for c, n, y, p, g, b in rows]
    with django_assert_max_num_queries(150):
        second = import_workbook(workbook_bytes(rows, codes), "all2.xlsx", region)
    assert second.batch.values_changed == 1030 and DataValue.history.count() == 4120


def test_a_row_with_an_unreadable_cell_is_still_checked_across_fields(county_staff):
    data = workbook_bytes(
        [row(enterprise_ip_investment="abc", hightech_certified=20, hightech_enterprises=12)]
    )
    result = import_workbook(data, "a.xlsx", county_staff)
    assert {p.field for p in result.plan.problems} == {"enterprise_ip_investment", "hightech_certified"}
    assert nothing_written()


def test_stored_values_of_other_counties_are_never_checked_or_shown(county_staff, region):
    import_workbook(workbook_bytes([row(code="150122", name="托克托县")]), "a.xlsx", region)
    data = workbook_bytes(
        [row(code="150122", name="托克托县", hightech_certified=None, hightech_enterprises=1)]
    )
    result = import_workbook(data, "b.xlsx", county_staff)
    assert [p.field for p in result.plan.problems] == ["county_code"]
    assert result.plan.pairs == []


def test_a_concurrent_write_refuses_the_import_cleanly(county_staff):
    with mock.patch.object(importing, "write_new_values", side_effect=IntegrityError("duplicate")):
        result = import_workbook(workbook_bytes([row()]), "a.xlsx", county_staff)
    assert not result.landed and not result.plan.ok
    assert nothing_written()


def test_the_batch_page_lists_every_value_it_wrote_to_its_owner_and_the_region(
    client_for, county_staff, other_county_staff, region
):
    import_workbook(workbook_bytes([row()]), "a.xlsx", county_staff)
    second = import_workbook(workbook_bytes([row(gi_products=5)]), "b.xlsx", county_staff).batch
    url = reverse("indicators:import_batch", args=[second.pk])
    page = client_for(county_staff).get(url)
    assert page.status_code == 200
    records = list(page.context["page_obj"])
    assert [(r.element.code, r.value, r.history_type) for r in records] == [("gi_products", 5, "~")]
    assert client_for(region).get(url).status_code == 200
    assert client_for(other_county_staff).get(url).status_code == 404


def test_a_warning_about_a_value_the_import_does_not_change_names_it(client_for, county_staff):
    """Issue 16 point 2: a value in the file equal to the stored one but far from last year is warned about and
    shown (county, year, field, last year's and this year's value), not only counted."""
    import_workbook(workbook_bytes([row(year=2023)]), "a.xlsx", county_staff)
    import_workbook(workbook_bytes([row(year=2024, trademarks_registered=9000)]), "b.xlsx", county_staff)
    plan = preview_workbook(
        workbook_bytes([row(year=2024, trademarks_registered=9000, gi_products=3)]), "c.xlsx", county_staff
    )
    (pair,) = plan.as_preview()["pairs"]
    assert [c["code"] for c in pair["changes"]] == ["gi_products"]
    (warning,) = plan.as_preview()["warnings"]
    assert (warning["code"], warning["year"], warning["before"], warning["value"]) == (
        "trademarks_registered",
        2024,
        "2,300",
        "9,000",
    )
    client = client_for(county_staff)
    data = workbook_bytes([row(year=2024, trademarks_registered=9000, gi_products=3)])
    client.post(reverse("indicators:import"), {"file": upload(data)})
    page = client.get(reverse("indicators:import_preview")).content.decode()
    warnings = page[page.index('id="import-warnings"') :]
    warnings = warnings[: warnings.index("</table>")]
    assert "trademarks_registered" in warnings and "2,300" in warnings and "9,000" in warnings
    assert "土默特左旗" in warnings and "2024" in warnings
