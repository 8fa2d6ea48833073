"""The review workflow (SPEC §6): draft → submitted → approved, or returned → draft; approved is locked."""

import io

import pytest
from django.urls import reverse

from config.workflow import transitioned
from indicators import services
from indicators.models import AnnualReport, DataValue, ReportStatus, ReportTransition, StaleScore
from tests import factories
from tests.indicators.test_entry import VALID_INPUT, detail_url, entry_url, post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(db):
    return factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)


@pytest.fixture
def draft(county_staff, pilot):
    report = AnnualReport(county=factories.county("150121"), year=2024)
    services.save_report_values(report, dict(VALID_INPUT), {}, county_staff, 0)
    return report


@pytest.fixture
def submitted(draft, county_staff):
    return services.submit_report(draft, county_staff)


@pytest.fixture
def approved(submitted, region):
    return services.approve_report(submitted, region)


def url(name, code="150121", year=2024):
    return reverse(f"indicators:{name}", kwargs={"code": code, "year": year})


def steps(report):
    return list(ReportTransition.objects.filter(report=report).values_list("from_status", "to_status"))


def test_county_staff_submit_a_complete_draft(client_for, county_staff, draft):
    response = client_for(county_staff).post(url("report_submit"), {"version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED and draft.submitted_by == county_staff
    transition = ReportTransition.objects.get(report=draft)
    assert (transition.from_status, transition.to_status, transition.actor) == (
        "draft",
        "submitted",
        county_staff,
    )


def test_an_incomplete_report_cannot_be_submitted(client_for, county_staff, pilot):
    report = AnnualReport(county=factories.county("150121"), year=2024)
    services.save_report_values(report, {"population": "300000"}, {}, county_staff, 0)
    response = client_for(county_staff).post(url("report_submit"), follow=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert "有效发明专利拥有量" in response.content.decode()
    with pytest.raises(services.TransitionNotAllowed):
        services.submit_report(report, county_staff)


def test_other_roles_cannot_submit(client_for, other_county_staff, league_staff, auditor, draft):
    assert client_for(other_county_staff).post(url("report_submit")).status_code == 404
    for user in (league_staff, auditor):
        assert client_for(user).post(url("report_submit")).status_code == 404
        with pytest.raises(services.PermissionDenied):
            services.submit_report(draft, user)
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT


def test_region_staff_approve_a_submitted_report(client_for, region, submitted):
    response = client_for(region).post(url("report_approve"), {"comment": "数据完整"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.APPROVED and submitted.reviewed_by == region
    assert steps(submitted) == [("draft", "submitted"), ("submitted", "approved")]
    assert ReportTransition.objects.filter(report=submitted).last().comment == "数据完整"


def test_only_region_staff_review(client_for, county_staff, league_staff, auditor, submitted):
    for user in (county_staff, league_staff, auditor):
        client = client_for(user)
        assert client.post(url("report_approve")).status_code == 403
        assert client.post(url("report_return"), {"comment": "x"}).status_code == 403
        with pytest.raises(services.PermissionDenied):
            services.approve_report(submitted, user)
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED


def test_a_draft_cannot_be_approved(region, draft):
    with pytest.raises(services.TransitionNotAllowed):
        services.approve_report(draft, region)


def test_returning_needs_a_comment_and_the_county_edits_again(client_for, region, county_staff, submitted):
    client = client_for(region)
    client.post(url("report_return"), {"comment": ""})
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    client.post(url("report_return"), {"comment": "专利数据与统计年鉴不符，请核实"})
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.RETURNED
    assert submitted.review_comment == "专利数据与统计年鉴不符，请核实"
    county = client_for(county_staff)
    assert "专利数据与统计年鉴不符" in county.get(entry_url()).content.decode()
    values = dict(VALID_INPUT, invention_patents_held="160")
    assert county.post(entry_url(), post_data(values, version=submitted.version)).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.DRAFT
    assert steps(submitted) == [("draft", "submitted"), ("submitted", "returned"), ("returned", "draft")]
    services.submit_report(submitted, county_staff)
    assert submitted.status == ReportStatus.SUBMITTED


def test_a_submitted_report_is_not_editable_by_the_county(client_for, county_staff, submitted):
    response = client_for(county_staff).post(
        entry_url(), post_data(dict(VALID_INPUT, gi_products="9"), version=2)
    )
    assert response.status_code == 302
    assert DataValue.objects.get(report=submitted, element__code="gi_products").value == 2
    with pytest.raises(services.ReportLocked):
        services.save_report_values(submitted, {"gi_products": "9"}, {}, county_staff, None)


def test_approved_reports_are_locked_for_form_posts(client_for, county_staff, region, approved):
    for user in (county_staff, region):
        response = client_for(user).post(
            entry_url(), post_data(dict(VALID_INPUT, gi_products="9"), version=approved.version)
        )
        assert response.status_code == 302
        assert response["Location"] == detail_url()
    assert DataValue.objects.get(report=approved, element__code="gi_products").value == 2
    approved.refresh_from_db()
    assert approved.status == ReportStatus.APPROVED


def test_approved_reports_are_locked_for_the_services(region, approved):
    with pytest.raises(services.ReportLocked):
        services.save_report_values(approved, {"gi_products": "9"}, {}, region, None)
    with pytest.raises(services.ReportLocked):
        services.ensure_editable(approved)
    assert services.is_year_locked(approved.county_id, 2024)
    assert DataValue.objects.get(report=approved, element__code="gi_products").value == 2


def test_reopening_needs_a_reason_and_unlocks(client_for, region, county_staff, approved):
    assert client_for(county_staff).post(url("report_reopen"), {"comment": "x"}).status_code == 403
    client = client_for(region)
    client.post(url("report_reopen"), {"comment": ""})
    approved.refresh_from_db()
    assert approved.status == ReportStatus.APPROVED
    client.post(url("report_reopen"), {"comment": "统计局更正了人口数据"})
    approved.refresh_from_db()
    assert approved.status == ReportStatus.DRAFT
    transition = ReportTransition.objects.filter(report=approved).last()
    assert (transition.from_status, transition.to_status, transition.comment) == (
        "approved",
        "draft",
        "统计局更正了人口数据",
    )
    services.save_report_values(approved, {"population": "315000"}, {}, county_staff, approved.version)


def test_every_step_marks_the_scores_stale_and_enqueues_a_recompute(
    county_staff, region, pilot, django_capture_on_commit_callbacks
):
    report = AnnualReport(county=factories.county("150121"), year=2024)
    actions = [
        lambda: services.save_report_values(report, dict(VALID_INPUT), {}, county_staff, None),
        lambda: services.submit_report(report, county_staff),
        lambda: services.return_report(report, region, "请核实"),
        lambda: services.save_report_values(report, {"gi_products": "3"}, {}, county_staff, None),
        lambda: services.submit_report(report, county_staff),
        lambda: services.approve_report(report, region),
        lambda: services.reopen_report(report, region, "更正"),
    ]
    for action in actions:
        StaleScore.objects.all().delete()
        with django_capture_on_commit_callbacks() as callbacks:
            action()
        assert len([c for c in callbacks if hasattr(c, "recompute_pairs")]) == 1
        assert set(StaleScore.objects.values_list("year", flat=True)) == {2024, 2025}


def test_each_step_bumps_the_version_so_an_open_form_cannot_save_over_it(
    client_for, county_staff, region, draft
):
    loaded_version = draft.version
    services.submit_report(draft, county_staff)
    services.return_report(draft, region, "请核实")
    response = client_for(county_staff).post(entry_url(), post_data(version=loaded_version))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_review_queue_approves_several_at_once(
    client_for, region, county_staff, other_county_staff, submitted
):
    factories.PilotFactory(county=factories.county("150122"), start_year=2023, end_year=2025)
    other = AnnualReport(county=factories.county("150122"), year=2024)
    services.save_report_values(other, dict(VALID_INPUT), {}, other_county_staff, None)
    services.submit_report(other, other_county_staff)
    client = client_for(region)
    page = client.get(reverse("indicators:review_queue"))
    assert page.status_code == 200
    assert list(page.context["reports"]) == [submitted, other]
    assert f'name="version-{other.pk}" value="{other.version}"' in page.content.decode()
    response = client.post(
        reverse("indicators:review_queue"),
        {
            "action": "approve",
            "reports": [submitted.pk, other.pk],
            f"version-{submitted.pk}": submitted.version,
            f"version-{other.pk}": other.version,
        },
    )
    assert response.status_code == 302
    assert set(AnnualReport.objects.values_list("status", flat=True)) == {ReportStatus.APPROVED}
    assert not client.get(reverse("indicators:review_queue")).context["reports"]


def test_review_queue_returns_several_with_one_comment(client_for, region, submitted):
    client = client_for(region)
    client.post(reverse("indicators:review_queue"), {"action": "return", "reports": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    client.post(
        reverse("indicators:review_queue"),
        {
            "action": "return",
            "reports": [submitted.pk],
            "comment": "请补充说明",
            f"version-{submitted.pk}": submitted.version,
        },
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_comment) == (ReportStatus.RETURNED, "请补充说明")


def test_bulk_approval_skips_reports_that_are_not_submitted(region, draft, other_county_staff):
    done, skipped = services.approve_reports([draft], region)
    assert done == [] and len(skipped) == 1
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT


def test_bulk_approval_refuses_a_report_changed_since_the_queue_was_loaded(client_for, region, submitted):
    seen = submitted.version
    services.save_report_values(submitted, {"gi_products": "9"}, {}, region, None)  # the region corrects it
    response = client_for(region).post(
        reverse("indicators:review_queue"),
        {"action": "approve", "reports": [submitted.pk], f"version-{submitted.pk}": seen},
        follow=True,
    )
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    assert "刷新页面" in response.content.decode()
    done, skipped = services.approve_reports([(submitted, seen)], region)
    assert done == [] and [r for r, _why in skipped] == [submitted]
    done, skipped = services.approve_reports([(submitted, submitted.version)], region)
    assert len(done) == 1 and skipped == []
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.APPROVED


def test_bulk_approval_without_the_version_seen_is_refused(client_for, region, submitted):
    client_for(region).post(
        reverse("indicators:review_queue"), {"action": "approve", "reports": [submitted.pk]}
    )
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED


def test_every_step_is_sent_as_transitioned_on_commit(
    county_staff, region, draft, django_capture_on_commit_callbacks
):
    seen = []

    def listener(sender, obj, transition, user, comment, from_state, **kwargs):
        seen.append((sender, obj.pk, from_state, transition.action, user, comment))

    transitioned.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.submit_report(draft, county_staff)
        with django_capture_on_commit_callbacks(execute=True):
            services.return_report(draft, region, "请核实")
    finally:
        transitioned.disconnect(listener)
    assert seen == [
        ("annual_report", draft.pk, "draft", "submit", county_staff, ""),
        ("annual_report", draft.pk, "submitted", "return", region, "请核实"),
    ]


def test_review_queue_is_for_region_staff_only(client_for, county_staff, league_staff):
    for user in (county_staff, league_staff):
        assert client_for(user).get(reverse("indicators:review_queue")).status_code == 403


def test_the_demo_seed_covers_every_status_and_is_idempotent():
    from counties import demo as county_demo
    from indicators import demo
    from indicators.selectors import current_year

    out = io.StringIO()
    county_demo.seed(out)
    demo.seed(out)
    count, history = AnnualReport.objects.count(), DataValue.history.count()
    assert set(AnnualReport.objects.values_list("status", flat=True)) == set(ReportStatus.values)
    assert AnnualReport.objects.filter(status=ReportStatus.RETURNED).count() == 1
    assert set(AnnualReport.objects.filter(year=current_year()).values_list("status", flat=True)) == {"draft"}
    assert AnnualReport.objects.filter(county__code="150121").count() == current_year() - 2022 + 1
    demo.seed(out)
    assert (AnnualReport.objects.count(), DataValue.history.count()) == (count, history)
