"""Journeys through the portal as people meet it, in a real browser (see conftest for the page checks)."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from indicators import services
from indicators.models import AnnualReport, ReportStatus
from indicators.selectors import current_year
from tests import factories
from tests.browser.journeys import COMPLETE, PASSWORD, fill_report, fill_value, stored_complete

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COUNTY = "150121"  # 土默特左旗, 呼和浩特市


@pytest.fixture
def pilot(browser):
    year = current_year()
    return factories.PilotFactory(
        county=factories.county(COUNTY), designation_year=year - 3, start_year=year - 2, end_year=year
    )


def _report_path(year, suffix=""):
    return f"/data/reports/{COUNTY}/{year}/{suffix}"


def test_county_enters_messy_data_meets_an_error_fixes_it_and_submits(browser, pilot):
    factories.county_user(COUNTY, username="county_j", password=PASSWORD)
    year = current_year() - 1
    browser.login("county_j", PASSWORD)
    browser.visit(_report_path(year, "entry/"), "entry-empty")
    messy = dict(COMPLETE)
    messy["population"] = "３５２，０００"  # full-width digits and separator
    messy["above_scale_output"] = "1,500,000"
    messy["above_scale_with_patents"] = "61"  # more than the 60 above-scale enterprises: an error
    fill_report(browser.page, messy)
    browser.submit('button[name="save"]', "entry-error")
    error = browser.page.locator(".invalid-feedback:visible").first
    assert error.is_visible()
    assert not AnnualReport.objects.filter(county__code=COUNTY, year=year).exists()

    fill_value(browser.page, "above_scale_with_patents", "60")
    browser.submit('button[name="submit"]', "submitted")
    report = AnnualReport.objects.get(county__code=COUNTY, year=year)
    assert report.status == ReportStatus.SUBMITTED
    # point 4 (part C): the detail page shows 352,000 with separators


def _submitted_report(year):
    county = factories.county(COUNTY)
    owner = factories.county_user(COUNTY, username="county_r", password=PASSWORD)
    report = factories.ReportFactory(county=county, year=year)
    factories.set_values(report, **stored_complete())
    services.submit_report(report, owner)
    return report


def test_region_returns_county_fixes_and_resubmits_region_approves(browser, chromium, live_server, pilot):
    year = current_year() - 1
    _submitted_report(year)
    factories.region_user(username="region_j", password=PASSWORD)
    browser.login("region_j", PASSWORD)
    browser.visit("/data/review/", "review-queue")
    browser.page.click(f'a[href*="{_report_path(year)}"]')
    browser.check("review-detail")
    comment = "人口数请按统计公报更正"
    browser.extra_allowed.append(comment)
    _decide(browser, "return", comment, "returned")
    assert AnnualReport.objects.get(county__code=COUNTY, year=year).status == ReportStatus.RETURNED

    county = browser.__class__(chromium.new_context(), live_server.url, browser.folder / "county")
    county.folder.mkdir(exist_ok=True)
    county.login("county_r", PASSWORD)
    county.visit(_report_path(year, "entry/"), "county-sees-comment")
    assert county.page.locator(f"text={comment}").count() >= 1
    fill_value(county.page, "population", "351000")
    county.submit('button[name="submit"]', "county-resubmitted")
    county.context.close()
    assert AnnualReport.objects.get(county__code=COUNTY, year=year).status == ReportStatus.SUBMITTED

    browser.visit(_report_path(year), "review-again")
    _decide(browser, "approve", "", "approved")
    assert AnnualReport.objects.get(county__code=COUNTY, year=year).status == ReportStatus.APPROVED


def _decide(browser, action, comment, step):
    """Take a review decision in the page's one decision form (a radio per decision, one comment box)."""
    page = browser.page
    form = "form#decision-form"
    assert page.locator(f"{form} textarea[name=comment]").count() == 1
    assert (
        page.locator("textarea[name=comment]").count() == 1
    )  # no second comment box to type into by mistake
    page.locator(f'{form} input[name="action"][value="{action}"]').check()
    page.fill(f"{form} textarea[name=comment]", comment)
    browser.submit(f"{form} button[type=submit]", step)


def test_returning_without_a_comment_is_refused_with_the_reason(browser, pilot):
    year = current_year() - 1
    _submitted_report(year)
    factories.region_user(username="region_n", password=PASSWORD)
    browser.login("region_n", PASSWORD)
    browser.visit(_report_path(year), "review-no-comment")
    _decide(browser, "return", "", "return-refused")
    assert AnnualReport.objects.get(county__code=COUNTY, year=year).status == ReportStatus.SUBMITTED
    assert browser.page.locator(".alert-danger, .alert-error").first.is_visible()


def test_county_withdraws_its_submission_before_review(browser, pilot):
    year = current_year() - 1
    _submitted_report(year)
    browser.login("county_r", PASSWORD)
    browser.visit(_report_path(year), "submitted-report")
    assert browser.page.locator(f'a[href$="{_report_path(year, "entry/")}"]').count() == 0  # no 修改数据
    browser.submit(f'form[action$="{_report_path(year, "withdraw/")}"] button[type=submit]', "withdrawn")
    assert AnnualReport.objects.get(county__code=COUNTY, year=year).status == ReportStatus.DRAFT
    browser.visit(_report_path(year, "entry/"), "entry-after-withdrawal")


def test_yes_no_fields_are_chosen_not_typed(browser, pilot):
    factories.county_user(COUNTY, username="county_yn", password=PASSWORD)
    browser.login("county_yn", PASSWORD)
    browser.visit(_report_path(current_year() - 1, "entry/"), "entry-yes-no")
    field = browser.page.locator('[name="v_ip_office_established"]')
    assert field.evaluate("e => e.tagName") == "SELECT"
    field.select_option(label="否")
    status = browser.page.locator('tr[data-indicator="ip_office"] [data-role="status"]')
    assert "status-not_met" in status.get_attribute("class")  # the live check reads the chosen 否
    field.select_option(label="是")
    assert "status-met" in status.get_attribute("class")


def test_completeness_grid_shows_the_pilots_by_default(browser, pilot):
    factories.region_user(username="region_c", password=PASSWORD)
    browser.login("region_c", PASSWORD)
    browser.visit("/data/completeness/", "completeness-default")
    counties = browser.page.locator("main table tbody tr")
    assert counties.count() == 1 and "土默特左旗" in counties.first.inner_text()
    browser.page.select_option('select[name="pilots"]', "0")
    browser.submit('form[role="search"] button[type="submit"]', "completeness-all")
    assert browser.page.locator("main table tbody tr").count() == 103


def test_auditor_downloads_the_workbook(browser, pilot):
    year = current_year() - 1
    _submitted_report(year)
    factories.auditor_user(username="auditor_j", password=PASSWORD)
    browser.login("auditor_j", PASSWORD)
    browser.visit("/data/excel/exports/", "exports")
    with browser.page.expect_download() as download_info:
        browser.page.click('form[action$="/data/excel/exports/audit/"] button[type="submit"]')
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()))
    assert {"汇总", "原始数据"} <= set(workbook.sheetnames)
    browser.raise_problems()


def test_league_staff_stay_inside_their_league(browser, pilot):
    factories.PilotFactory(county=factories.county("150203"))  # 包头市昆都仑区: another league
    factories.league_user("150100", username="league_j", password=PASSWORD)
    browser.login("league_j", PASSWORD)
    browser.visit("/counties/", "county-list")
    text = browser.page.inner_text("main")
    assert "土默特左旗" in text and "昆都仑区" not in text
    browser.visit("/counties/150203/", "other-league-county", status=404)
    assert browser.page.locator("nav.navbar").count() == 1  # the portal's own 404 page, with navigation
    browser.visit("/data/dashboard/league/", "league-dashboard")
    assert "昆都仑区" not in browser.page.inner_text("main")


def test_excel_template_round_trip_through_the_upload_page(browser, pilot, tmp_path):
    factories.county_user(COUNTY, username="county_x", password=PASSWORD)
    year = current_year() - 1
    browser.login("county_x", PASSWORD)
    browser.visit("/data/excel/import/", "import-page")
    page = browser.page
    year_field = page.locator('form[action$="/data/excel/template/"] select[name="year"]')
    if year_field.count():
        year_field.select_option(str(year))
    with page.expect_download() as download_info:
        page.click('form[action$="/data/excel/template/"] button[type="submit"]')
    workbook = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    sheet = workbook.worksheets[0]
    codes_row = next(
        row for row in sheet.iter_rows(min_row=1, max_row=15) if any(c.value == "population" for c in row)
    )
    columns = {cell.value: cell.column for cell in codes_row if cell.value}
    data_row = next(
        r
        for r in range(codes_row[0].row + 1, sheet.max_row + 1)
        if str(sheet.cell(r, columns.get("county_code", 1)).value) == COUNTY
        or any(str(sheet.cell(r, c).value) == COUNTY for c in range(1, 4))
    )
    for code, value in COMPLETE.items():
        if code in columns:
            sheet.cell(data_row, columns[code], value)
    filled = tmp_path / "filled.xlsx"
    workbook.save(filled)
    page.set_input_files('#upload-form input[type="file"]', str(filled))
    browser.submit("#upload-button", "import-preview")
    browser.submit("#confirm-button", "import-done")
    report = AnnualReport.objects.get(county__code=COUNTY, year=year)
    assert report.values.count() >= len(COMPLETE)


def test_region_imports_a_findings_list_previews_it_and_confirms(browser, tmp_path):
    from inspections.models import Finding
    from tests.inspections.test_import import workbook

    factories.county("150122")
    factories.region_user(username="region_f", password=PASSWORD)
    browser.login("region_f", PASSWORD)
    browser.visit("/inspections/findings/import/", "findings-import")
    path = tmp_path / "问题清单.xlsx"
    path.write_bytes(workbook())
    browser.page.set_input_files('#upload-form input[type="file"]', str(path))
    browser.submit("#upload-button", "findings-preview")
    assert browser.page.locator("#count-created").inner_text() == "3"
    assert browser.page.locator("#preview-rows tbody tr").count() == 3
    assert not Finding.objects.exists()
    browser.submit("#confirm-button", "findings-landed")
    assert Finding.objects.count() == 3
    assert "/inspections/findings/" in browser.page.url


def test_region_changes_an_acceptance_rule_from_the_catalogue(browser):
    from indicators.models import AcceptanceRule

    factories.region_user(username="region_r", password=PASSWORD)
    browser.login("region_r", PASSWORD)
    browser.visit("/data/catalogue/", "catalogue")
    browser.page.click('#acceptance-rules a[href$="/acceptance/execution_rate/"]')
    browser.page.wait_for_load_state("load")
    browser.check("acceptance-rule")
    browser.page.fill("#id_rate", "75")
    browser.page.fill("#id_reason", "资金到位较晚")
    browser.submit('form[data-confirm] button[type="submit"]', "acceptance-rule-saved")
    assert AcceptanceRule.objects.get(kind="execution_rate").threshold == Decimal("0.75")
    assert "75%" in browser.page.locator("#acceptance-rules").inner_text()
