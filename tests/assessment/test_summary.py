"""The pilot summary, its JSON (SPEC §10), the explain page and the acceptance on a worked example."""

import datetime
import io
import json
from decimal import Decimal
from unittest import mock

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from config.errors import InvalidInput, Locked
from counties.models import PilotDesignation
from indicators import services as report_services
from indicators.acceptance import record_acceptance
from indicators.assessment import pilot_summary, proposed_conclusion, summary_json
from indicators.models import Acceptance, AcceptanceRule, Indicator, ReportStatus
from indicators.scoring import all_pairs, recompute
from tests import factories
from tests.indicators.factories import GOOD_VALUES, lower_year_values, make_report

pytestmark = pytest.mark.django_db

FACTS = {
    "open_findings": 2,
    "overdue_findings": 1,
    "red_findings": 0,
    "fund_allocated": Decimal("300"),
    "fund_disbursed": Decimal("250"),
    "fund_spent": Decimal("225"),
    "fund_execution_rate": Decimal("0.9"),
    "fund_matching_ratio": Decimal("0.5"),
    "tasks_completed": 8,
    "tasks_total": 10,
}
AFTER_PILOT = datetime.date(2026, 3, 1)


@pytest.fixture
def facts():
    with mock.patch("indicators.assessment.county_facts", return_value={}) as patched:
        patched.side_effect = lambda ids: {i: dict(FACTS) for i in ids}
        yield patched


@pytest.fixture
def worked(db, pilot, region):
    """土默特左旗 pilots 2023–2025: 2023 and 2024 approved, 2025 submitted; 2025 misses 贯标覆盖率 (3 of 10)."""
    lower = lower_year_values
    make_report("150121", 2022, lower(lower(lower(GOOD_VALUES))))
    make_report("150121", 2023, lower(lower(GOOD_VALUES)), advantage_enterprises_new=0)
    make_report("150121", 2024, lower(GOOD_VALUES), advantage_enterprises_new=0)
    make_report("150121", 2025, GOOD_VALUES, hightech_certified=3)
    for year, status in ((2023, ReportStatus.APPROVED), (2024, ReportStatus.APPROVED), (2025, "submitted")):
        report = factories.ReportFactory(county=factories.county("150121"), year=year)
        report.status = status
        report.save()
    recompute(all_pairs())
    return factories.county("150121")


def test_the_summary_of_a_worked_example(worked, facts, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        summary = pilot_summary(worked)
    assert [y["year"] for y in summary["years"]] == [2023, 2024, 2025]
    assert [y["final"] for y in summary["years"]] == [True, True, False]
    assert summary["completeness"] == {"approved": 2, "expected": 3}
    certification = next(r for r in summary["indicators"] if r["code"] == "hightech_certification")
    assert [c["status"] for c in certification["statuses"]] == ["met", "met", "not_met"]
    (advantage,) = summary["cumulative"]
    assert advantage["code"] == "advantage_enterprises"
    assert advantage["total"] == "1.00" and advantage["target"] == "1.00" and advantage["reached"] is True

    data = summary_json(summary)
    assert set(data) == {
        "county",
        "pilot",
        "years",
        "completeness",
        "findings",
        "tasks",
        "funds",
        "acceptance",
    }
    assert data["county"] == "150121"
    assert data["pilot"] == {"start": 2023, "end": 2025, "batch": 1}
    assert set(data["years"][0]) == {"year", "score", "grade", "final"}
    assert data["findings"] == {"open": 2, "overdue": 1, "red": 0}
    assert data["tasks"] == {"completed": 8, "total": 10}
    assert data["funds"] == {
        "allocated": "300.00",
        "disbursed": "250.00",
        "spent": "225.00",
        "execution_rate": "0.9000",
        "matching_ratio": "0.5000",
    }
    assert data["acceptance"] is None


def test_cumulative_distance_to_target_per_remaining_year(db, pilot, facts):
    Indicator.objects.filter(code="advantage_enterprises").update(target=5)
    make_report("150121", 2022, GOOD_VALUES)
    make_report("150121", 2023, GOOD_VALUES, advantage_enterprises_new=1)
    recompute(all_pairs())
    (advantage,) = pilot_summary(factories.county("150121"))["cumulative"]
    assert advantage["total"] == "1.00" and advantage["shortfall"] == "4.00"
    assert advantage["remaining_years"] == [2024, 2025]
    assert advantage["needed_per_year"] == "2.00"


def test_the_command_prints_the_spec_json(worked, facts):
    out = io.StringIO()
    call_command("pilot_summary", "150121", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["years"][2]["final"] is False and data["completeness"]["approved"] == 2
    text = io.StringIO()
    call_command("pilot_summary", "150121", stdout=text)
    assert "暂定" in text.getvalue() and "正式" in text.getvalue()


def test_absent_apps_read_as_zero_and_rules_without_data_are_not_assessed(worked):
    with mock.patch("indicators.assessment.county_facts", side_effect=lambda ids: {i: {} for i in ids}):
        summary = pilot_summary(worked)
    assert summary["findings"]["red"] == 0 and summary["funds"]["allocated"] == "0.00"
    assert summary["funds"]["execution_rate"] is None
    outcomes = {c["kind"]: c["outcome"] for c in proposed_conclusion(summary)["checks"]}
    assert outcomes["execution_rate"] == "unknown" and outcomes["tasks_completed"] == "unknown"


def test_the_proposal_names_each_failing_rule(worked, facts):
    summary = pilot_summary(worked)
    proposal = proposed_conclusion(summary)
    assert proposal["conclusion"] == "passed", proposal
    FACTS_RED = {**FACTS, "red_findings": 1, "fund_execution_rate": Decimal("0.5")}
    facts.side_effect = lambda ids: {i: dict(FACTS_RED) for i in ids}
    proposal = proposed_conclusion(pilot_summary(worked))
    assert proposal["conclusion"] == "rectify"
    assert {c["kind"] for c in proposal["failed"]} == {"no_red_findings", "execution_rate"}
    AcceptanceRule.objects.filter(kind="final_grade").update(grade="优秀")
    proposal = proposed_conclusion(pilot_summary(worked))
    assert proposal["conclusion"] == "failed"


def test_acceptance_snapshot_is_unchanged_after_a_later_target_change(worked, facts, region):
    acceptance = record_acceptance(
        county=worked, user=region, conclusion="passed", reason="目标基本完成", today=AFTER_PILOT
    )
    assert PilotDesignation.objects.get(county=worked).status == PilotDesignation.Status.PASSED
    before = json.loads(json.dumps(acceptance.snapshot))
    certification = Indicator.objects.get(code="hightech_certification")
    with mock.patch("indicators.assessment.timezone.localdate", return_value=AFTER_PILOT):
        report_services.update_indicator(
            certification, region, target=Decimal(20), weight=certification.weight
        )
    recompute(all_pairs())
    assert pilot_summary(worked)["years"][2]["score"] != before["years"][2]["score"]  # live summary moved
    assert Acceptance.objects.get(pk=acceptance.pk).snapshot == before
    out = io.StringIO()
    call_command("pilot_summary", "150121", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert [y["score"] for y in data["years"]] == [
        None if y["score"] is None else float(y["score"]) for y in before["years"]
    ]
    assert data["acceptance"]["conclusion"] == "passed" and data["acceptance"]["reason"] == "目标基本完成"
    with pytest.raises(Locked):
        record_acceptance(county=worked, user=region, conclusion="failed", reason="改", today=AFTER_PILOT)


def test_acceptance_rules_of_recording(worked, facts, region, county_staff):
    from config.access import NotAllowed

    with pytest.raises(NotAllowed):
        record_acceptance(
            county=worked, user=county_staff, conclusion="passed", reason="x", today=AFTER_PILOT
        )
    with pytest.raises(InvalidInput):
        record_acceptance(
            county=worked, user=region, conclusion="passed", reason="x", today=datetime.date(2024, 6, 1)
        )
    with pytest.raises(InvalidInput):
        record_acceptance(county=worked, user=region, conclusion="passed", reason=" ", today=AFTER_PILOT)
    record_acceptance(county=worked, user=region, conclusion="rectify", reason="整改", today=AFTER_PILOT)
    assert PilotDesignation.objects.get(county=worked).status == PilotDesignation.Status.ACTIVE
    record_acceptance(county=worked, user=region, conclusion="failed", reason="未整改", today=AFTER_PILOT)
    assert PilotDesignation.objects.get(county=worked).status == PilotDesignation.Status.FAILED


def test_summary_page_export_and_acceptance_through_the_browser(worked, facts, region, client_for):
    client = client_for(region)
    url = reverse("indicators:pilot_summary", args=["150121"])
    page = client.get(url)
    content = page.content.decode()
    assert page.status_code == 200
    assert "暂定" in content and "正式" in content and "print.css" in content
    assert "<script>" not in content.split("</main>")[0]  # no inline script (CSP)
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(url, {"format": "xlsx"}).streaming_content))
    )
    assert workbook.sheetnames == ["试点总结", "年度得分", "指标状态", "累计指标"]
    scores = list(workbook["年度得分"].iter_rows(values_only=True))
    assert scores[0][3] == "正式/暂定" and [r[3] for r in scores[1:]] == ["正式", "正式", "暂定"]

    with mock.patch("indicators.assessment.timezone.localdate", return_value=AFTER_PILOT):
        response = client.post(
            reverse("indicators:record_acceptance", args=["150121"]), {"conclusion": "passed", "reason": "好"}
        )
    assert response.status_code == 302
    recorded = client.get(url).content.decode()
    assert "记录验收结论时" in recorded and "通过" in recorded


def test_county_staff_see_the_summary_but_cannot_record(worked, facts, county_staff, client_for):
    client = client_for(county_staff)
    page = client.get(reverse("indicators:pilot_summary", args=["150121"]))
    assert page.status_code == 200 and "form" not in page.context
    with mock.patch("indicators.assessment.timezone.localdate", return_value=AFTER_PILOT):
        response = client.post(
            reverse("indicators:record_acceptance", args=["150121"]), {"conclusion": "passed", "reason": "好"}
        )
    assert not Acceptance.objects.exists()
    assert response.status_code in (400, 403)


def test_explain_my_score(worked, region, county_staff, client_for):
    report = factories.ReportFactory(county=worked, year=2024)
    report.status = ReportStatus.DRAFT
    report.save()
    report_services.save_report_values(
        report, {"hightech_certified": "9"}, {"hightech_certified": "少一家"}, county_staff, None
    )
    recompute(all_pairs())
    page = client_for(region).get(
        reverse("indicators:explain", args=["150121", 2024, "hightech_certification"])
    )
    assert page.status_code == 200
    rows = {row["element"].code: row for row in page.context["rows"]}
    assert rows["hightech_certified"]["value"] == 9
    assert rows["hightech_certified"]["previous"] == 10
    assert rows["hightech_certified"]["changed"]["user"] == county_staff.username
    assert page.context["version"]["target"] == 100
    content = page.content.decode()
    assert "高新技术企业" in content and "暂定" in content
    missing = client_for(region).get(
        reverse("indicators:explain", args=["150121", 2030, "hightech_certification"])
    )
    assert missing.status_code == 404
