"""Browser entry of a year's data (SPEC §3, §6): grouped form, last year beside each field, validation, drafts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators import services
from indicators.models import AnnualReport, DataValue, ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db

# What a county types for a complete, valid year (strings, as posted by the browser).
VALID_INPUT = {
    "population": "312,000",
    "invention_patents_held": "150",
    "trademarks_registered": "2400",
    "gi_trademarks": "4",
    "gi_products": "2",
    "copyright_registrations": "35",
    "invention_applications": "40",
    "utility_model_applications": "120",
    "design_applications": "30",
    "enterprise_ip_investment": "850.5",
    "advantage_enterprises_new": "1",
    "hightech_enterprises": "20",
    "hightech_certified": "18",
    "license_transfer_amount": "300",
    "hightech_patents_held": "200",
    "hightech_patents_implemented": "110",
    "industrial_patents_held": "400",
    "industrial_patents_implemented": "150",
    "above_scale_output": "500000",
    "above_scale_ip_output": "130000",
    "above_scale_enterprises": "60",
    "above_scale_with_patents": "45",
    "enforcement_cases": "12",
    "ip_office_established": "是",
    "joint_meeting_system": "是",
    "admin_judicial_mechanism": "否",
    "assistance_station": "Y",
}


def post_data(values=None, version=0, comments=None, **extra):
    data = {"version": str(version), **extra}
    for code, raw in (VALID_INPUT if values is None else values).items():
        data[f"v_{code}"] = raw
    for code, text in (comments or {}).items():
        data[f"c_{code}"] = text
    return data


def entry_url(code="150121", year=2024):
    return reverse("indicators:report_entry", kwargs={"code": code, "year": year})


def detail_url(code="150121", year=2024):
    return reverse("indicators:report_detail", kwargs={"code": code, "year": year})


@pytest.fixture
def pilot(db):
    """土默特左旗 piloting 2023–2025: it reports from the baseline year 2022."""
    return factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)


def store(user, year, values=None, code="150121", comments=None):
    report = AnnualReport(county=factories.county(code), year=year)
    services.save_report_values(
        report, dict(VALID_INPUT if values is None else values), comments or {}, user, None
    )
    return report


def test_entry_page_groups_fields_by_policy_section_with_units_and_last_year(client_for, county_staff, pilot):
    store(county_staff, 2023)
    response = client_for(county_staff).get(entry_url(year=2024))
    assert response.status_code == 200
    content = response.content.decode()
    titles = [str(group["title"]) for group in response.context["groups"]]
    assert titles == [
        "基础数据",
        "知识产权管理",
        "知识产权创造",
        "企业知识产权工作",
        "知识产权运用",
        "知识产权保护",
        "知识产权宣传培训",
    ]
    assert "年末常住人口" in content and "单位为人，不是万人" in content and "万元" in content
    population_row = response.context["groups"][0]["rows"][0]
    assert population_row["previous"] == "312,000"  # shown with separators (issue 16)
    assert 'id="report-live-data"' in content and "patents_per_10k" in content
    assert 'name="version"' in content


def test_derived_elements_are_shown_not_typed(client_for, county_staff, pilot):
    response = client_for(county_staff).get(entry_url())
    content = response.content.decode()
    assert 'name="v_training_headcount"' not in content
    assert 'data-derived="training_headcount"' in content
    assert "知识产权培训人次" in content


def test_training_link_carries_county_and_year(client_for, county_staff, pilot):
    response = client_for(county_staff).get(entry_url())
    if response.context["training_url"]:
        assert response.context["training_url"].endswith("?county=150121&year=2024")
        assert response.context["training_url"] in response.content.decode().replace("&amp;", "&")


def test_entry_page_renders_with_a_bounded_number_of_queries(
    client_for, county_staff, pilot, django_assert_max_num_queries
):
    store(county_staff, 2023)
    store(county_staff, 2024)
    client = client_for(county_staff)
    # 18 for the page, +1 the top bar's unread notifications, +1 the data elements' inline hints (填报说明).
    with django_assert_max_num_queries(20):
        assert client.get(entry_url()).status_code == 200


def test_saving_a_draft_stores_values_and_bumps_the_version(
    client_for, county_staff, pilot, django_capture_on_commit_callbacks
):
    values = dict(VALID_INPUT, trademarks_registered="２，４００", population=" 312000 ")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(county_staff).post(entry_url(), post_data(values))
    assert response.status_code == 302
    report = AnnualReport.objects.get(county__code="150121", year=2024)
    assert report.status == ReportStatus.DRAFT
    assert report.version == 1
    stored = dict(report.values.values_list("element__code", "value"))
    assert stored["trademarks_registered"] == 2400
    assert stored["population"] == 312000
    assert stored["enterprise_ip_investment"] == Decimal("850.5")
    assert stored["ip_office_established"] == 1 and stored["admin_judicial_mechanism"] == 0
    assert len(stored) == 27
    assert len(callbacks) == 1


def test_an_empty_field_is_allowed_in_a_draft(client_for, county_staff, pilot):
    values = dict(VALID_INPUT, gi_products="")
    assert client_for(county_staff).post(entry_url(), post_data(values)).status_code == 302
    report = AnnualReport.objects.get(county__code="150121", year=2024)
    assert not report.values.filter(element__code="gi_products").exists()


@pytest.mark.parametrize(
    "code, raw, field_name",
    [
        ("population", "31.2", "年末常住人口"),
        ("population", "312", "年末常住人口"),
        ("trademarks_registered", "-3", "有效注册商标量"),
        ("ip_office_established", "maybe", "设立知识产权管理机构"),
        ("hightech_certified", "25", "通过知识产权贯标的高新技术企业数"),
        ("above_scale_ip_output", "600000", "规上工业企业自主知识产权产品产值"),
    ],
)
def test_an_invalid_value_saves_nothing_and_names_the_field(
    client_for, county_staff, pilot, code, raw, field_name
):
    values = dict(VALID_INPUT, **{code: raw})
    response = client_for(county_staff).post(entry_url(), post_data(values))
    assert response.status_code == 200
    errors = response.context["form"].errors[f"v_{code}"]
    assert any(field_name in e for e in errors), errors
    assert not AnnualReport.objects.filter(county__code="150121", year=2024).exists()
    if code == "ip_office_established":  # a yes-no field is a select: only 是/否 can be chosen again
        assert 'name="v_ip_office_established"' in response.content.decode()
    else:
        assert f'value="{raw}"' in response.content.decode()


def test_yes_no_fields_are_selects_and_problems_are_counted_by_kind(client_for, county_staff, pilot):
    client = client_for(county_staff)
    page = client.get(entry_url()).content.decode()
    select = page[page.index('<select name="v_ip_office_established"') :]
    select = select[: select.index("</select>")]
    assert '<option value="是">' in select and '<option value="否">' in select
    store(county_staff, 2023)
    values = dict(VALID_INPUT, trademarks_registered="9000", population="31.2")
    response = client.post(entry_url(), post_data(values, version=0))
    form = response.context["form"]
    assert form.problem_counts() == (1, 1)
    content = response.content.decode()
    assert "explanation-needed" in content and "border-warning" in content
    assert [str(m) for m in response.context["messages"]] == [
        "未保存：1 个数值需要更正（红色），1 处较大变化需要说明（黄色）。"
    ]


def test_a_large_change_needs_a_comment(client_for, county_staff, pilot):
    store(county_staff, 2023)
    client = client_for(county_staff)
    values = dict(VALID_INPUT, trademarks_registered="4000")
    response = client.post(entry_url(), post_data(values))
    assert response.status_code == 200
    assert "50%" in " ".join(response.context["form"].errors["c_trademarks_registered"])
    assert not AnnualReport.objects.filter(county__code="150121", year=2024).exists()
    response = client.post(
        entry_url(), post_data(values, comments={"trademarks_registered": "新增商标品牌培育"})
    )
    assert response.status_code == 302
    value = DataValue.objects.get(report__year=2024, element__code="trademarks_registered")
    assert (value.value, value.comment) == (4000, "新增商标品牌培育")


def test_two_people_saving_the_same_report_do_not_overwrite_each_other(
    client_for, county_staff, region, pilot
):
    report = store(county_staff, 2024)
    assert report.version == 1
    first = client_for(county_staff).post(
        entry_url(), post_data(dict(VALID_INPUT, gi_products="3"), version=1)
    )
    assert first.status_code == 302
    second = client_for(region).post(entry_url(), post_data(dict(VALID_INPUT, gi_products="5"), version=1))
    assert second.status_code == 200
    assert "其他人" in " ".join(second.context["form"].non_field_errors())
    assert DataValue.objects.get(report=report, element__code="gi_products").value == 3
    with pytest.raises(services.ReportConflict):
        services.save_report_values(report, {"gi_products": "6"}, {}, region, 1)


def test_another_countys_report_is_404_for_county_staff(client_for, county_staff, other_county_staff, pilot):
    store(county_staff, 2024)
    client = client_for(other_county_staff)
    assert client.get(entry_url()).status_code == 404
    assert client.get(detail_url()).status_code == 404
    assert client.post(entry_url(), post_data()).status_code == 404
    with pytest.raises(services.PermissionDenied):
        services.save_report_values(
            AnnualReport.objects.get(county__code="150121", year=2024),
            {"gi_products": "9"},
            {},
            other_county_staff,
            None,
        )


def test_league_staff_and_auditors_read_but_never_enter(
    client_for, league_staff, auditor, county_staff, pilot
):
    store(county_staff, 2024)
    for user in (league_staff, auditor):
        client = client_for(user)
        assert client.get(detail_url()).status_code == 200
        assert client.get(entry_url()).status_code == 404


def test_years_outside_the_reporting_range_are_404(client_for, county_staff, pilot):
    client = client_for(county_staff)
    assert client.get(entry_url(year=2021)).status_code == 404
    assert client.get(entry_url(year=2022)).status_code == 200  # the baseline year


def test_save_and_submit_in_one_step(client_for, county_staff, pilot):
    response = client_for(county_staff).post(entry_url(), post_data(submit="1"))
    assert response.status_code == 302
    report = AnnualReport.objects.get(county__code="150121", year=2024)
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == county_staff


def test_save_and_submit_with_missing_values_keeps_the_draft(client_for, county_staff, pilot):
    values = dict(VALID_INPUT, gi_products="")
    response = client_for(county_staff).post(entry_url(), post_data(values, submit="1"), follow=True)
    report = AnnualReport.objects.get(county__code="150121", year=2024)
    assert report.status == ReportStatus.DRAFT
    assert "地理标志产品（累计）" in response.content.decode()


NODE_HARNESS = r"""
const fs = require("fs");
const [script, live, inputs] = [process.argv[2], process.argv[3], JSON.parse(process.argv[4])];
const cells = {};
function cell() { return { textContent: "", className: "", classList: { toggle() {}, remove() {} } }; }
const rows = {};
const form = {
  querySelectorAll: () => Object.entries(inputs).map(([code, value]) => ({ dataset: { code }, value })),
  querySelector: () => null,
  addEventListener() {},
};
global.document = {
  getElementById: (id) => (id === "report-live-data" ? { textContent: live } : id === "report-entry-form" ? form : null),
  querySelector: (selector) => {
    const code = selector.match(/data-indicator="([^"]+)"/)[1];
    rows[code] = rows[code] || { value: cell(), target: cell(), status: cell() };
    return { querySelector: (s) => rows[code][s.match(/data-role="([^"]+)"/)[1]] };
  },
};
eval(fs.readFileSync(script, "utf8"));
const out = {};
for (const [code, row] of Object.entries(rows)) out[code] = [row.value.textContent, row.status.className.replace("small status-", "")];
console.log(JSON.stringify(out));
"""


def _run_live_preview(client_for, county_staff, tmp_path, inputs):
    """Run static/js/report_entry.js under Node on the entry page's json_script data with ``inputs`` typed."""
    import json
    import re
    import shutil
    import subprocess
    from html import unescape
    from pathlib import Path

    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    store(county_staff, 2023)
    content = client_for(county_staff).get(entry_url()).content.decode()
    live = unescape(
        re.search(r'<script id="report-live-data" type="application/json">(.*?)</script>', content).group(1)
    )
    harness = tmp_path / "harness.js"
    harness.write_text(NODE_HARNESS)
    script = Path(__file__).resolve().parents[2] / "static" / "js" / "report_entry.js"
    run = subprocess.run(
        [node, str(harness), str(script), live, json.dumps(inputs)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_live_preview_shows_a_check_failing_not_met(client_for, county_staff, pilot, tmp_path):
    """Issue 16 point 4: input failing its field check is never shown as 达标."""
    inputs = dict(VALID_INPUT, trademarks_registered="2500.5", hightech_certified="abc")
    result = _run_live_preview(client_for, county_staff, tmp_path, inputs)
    assert result["trademarks"][1] == "invalid"
    assert result["hightech_certification"][1] == "invalid"
    assert result["hightech_conversion"][1] == "met"


def test_the_live_preview_computes_indicators_as_the_server_defines_them(
    client_for, county_staff, pilot, tmp_path
):
    """Runs static/js/report_entry.js under Node with the page's json_script data (skipped without Node)."""
    inputs = dict(VALID_INPUT, trademarks_registered="２，５００", hightech_certified="10", gi_products="")
    result = _run_live_preview(client_for, county_staff, tmp_path, inputs)
    assert result["trademarks"] == ["2,500", "met"]  # 2,500 > 2,400 last year, full-width digits read
    assert result["patents_per_10k"][1] == "not_met"  # same value as last year: not an increase
    assert result["hightech_certification"] == ["50", "not_met"]  # 10 / 20 × 100 < 100
    assert result["hightech_conversion"] == ["55", "met"]  # 110 / 200 × 100 ≥ 50
    assert result["gi_products"][1] == "missing"
    assert result["protection_mechanism"][1] == "not_met"  # 否
    assert result["enforcement"][1] == "not_applicable"
    assert result["training_headcount"] == ["0", "not_met"]


def test_the_service_refuses_derived_and_unknown_codes(county_staff, pilot):
    report = AnnualReport(county=factories.county("150121"), year=2024)
    with pytest.raises(services.ReportValidationError) as info:
        services.save_report_values(
            report, {"training_headcount": "500", "no_such_code": "1"}, {}, county_staff, 0
        )
    assert {p.element_code for p in info.value.errors} == {"training_headcount", "no_such_code"}
    assert "知识产权培训人次" in info.value.messages[0]
    assert not AnnualReport.objects.filter(county__code="150121", year=2024).exists()


def test_cross_field_rules_use_the_stored_values_too(county_staff, pilot):
    report = store(county_staff, 2024)
    with pytest.raises(services.ReportValidationError) as info:
        services.save_report_values(report, {"hightech_enterprises": "5"}, {}, county_staff, 1)
    assert [p.element_code for p in info.value.errors] == ["hightech_certified"]


def test_an_unchanged_value_with_a_large_change_does_not_block_a_draft_but_blocks_submission(
    county_staff, pilot
):
    report = store(county_staff, 2024)  # entered before last year's figures
    store(county_staff, 2023, dict(VALID_INPUT, trademarks_registered="1000"))
    services.save_report_values(report, {"gi_products": "3"}, {}, county_staff, 1)
    with pytest.raises(services.ReportValidationError) as info:
        services.submit_report(report, county_staff)
    assert [p.element_code for p in info.value.warnings] == ["trademarks_registered"]
    services.save_report_values(report, {}, {"trademarks_registered": "品牌培育成效显著"}, county_staff, 2)
    services.submit_report(report, county_staff)
    assert report.status == ReportStatus.SUBMITTED


def test_a_stored_yes_is_chosen_in_its_select(client_for, county_staff, pilot):
    store(county_staff, 2024)
    page = client_for(county_staff).get(entry_url()).content.decode()
    select = page[page.index('<select name="v_ip_office_established"') :]
    select = select[: select.index("</select>")]
    assert '<option value="是" selected>' in select
