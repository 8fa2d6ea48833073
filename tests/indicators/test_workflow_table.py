"""The annual report's workflow table (SPEC §6): every move from every status, for every role, allowed or refused.

The expectations below are written out from the policy, not read from the table, so that a change to the table
that alters who may do what fails here.
"""

import pytest

from config.access import NotAllowed
from config.workflow import CommentRequired, TransitionNotAllowed
from indicators import services
from indicators.models import AnnualReport, ReportStatus, ReportTransition
from indicators.workflow import REPORT_WORKFLOW
from tests import factories
from tests.indicators.test_entry import VALID_INPUT

pytestmark = pytest.mark.django_db

STATUSES = [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.APPROVED]
ACTIONS = ["submit", "withdraw", "approve", "return", "reopen"]
ROLES = ["own_county", "other_county", "league", "auditor", "region"]

# action → (from statuses, to status, roles allowed)
RULES = {
    "submit": ({"draft", "returned"}, "submitted", {"own_county", "region"}),
    "withdraw": ({"submitted"}, "draft", {"own_county", "region"}),
    "approve": ({"submitted"}, "approved", {"region"}),
    "return": ({"submitted"}, "returned", {"region"}),
    "reopen": ({"approved"}, "draft", {"region"}),
}
COMMENT_REQUIRED = {"return", "reopen"}


def _user(role):
    return {
        "own_county": lambda: factories.county_user("150121", username="t_own"),
        "other_county": lambda: factories.county_user("150122", username="t_other"),
        "league": lambda: factories.league_user("150100", username="t_league"),
        "auditor": lambda: factories.auditor_user(username="t_auditor"),
        "region": lambda: factories.region_user(username="t_region"),
    }[role]()


@pytest.fixture
def complete_report(db):
    factories.PilotFactory(county=factories.county("150121"), start_year=2023, end_year=2025)
    report = AnnualReport(county=factories.county("150121"), year=2024)
    services.save_report_values(
        report, dict(VALID_INPUT), {}, factories.region_user(username="t_setup"), None
    )
    return report


def _set_status(report, status):
    AnnualReport.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    return report


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", STATUSES)
def test_available_actions_per_status_and_role(complete_report, status, role):
    user = _user(role)
    report = _set_status(complete_report, status)
    expected = [a for a in ACTIONS if status in RULES[a][0] and role in RULES[a][2]]
    assert [t.action for t in REPORT_WORKFLOW.available_actions(report, user)] == expected


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_move_is_taken_or_refused_as_the_table_says(complete_report, status, action):
    for role in ROLES:
        _check_move(complete_report, status, role, action)


def _check_move(complete_report, status, role, action):
    user = _user(role)
    report = _set_status(complete_report, status)
    sources, target, roles = RULES[action]
    steps_before = ReportTransition.objects.filter(report=report).count()
    version = report.version
    if role not in roles:
        with pytest.raises(NotAllowed):
            services.take_report_action(report, user, action=action, comment="说明", expected_version=version)
    elif status not in sources:
        with pytest.raises(TransitionNotAllowed):
            services.take_report_action(report, user, action=action, comment="说明", expected_version=version)
    else:
        if action in COMMENT_REQUIRED:
            with pytest.raises(CommentRequired):
                services.take_report_action(
                    report, user, action=action, comment=" ", expected_version=version
                )
        services.take_report_action(report, user, action=action, comment="说明", expected_version=version)
        report.refresh_from_db()
        assert (report.status, report.version) == (target, version + 1), role
        step = ReportTransition.objects.filter(report=report).last()
        assert (step.from_status, step.to_status, step.actor, step.comment) == (status, target, user, "说明")
        return
    report.refresh_from_db()
    assert (report.status, report.version) == (status, version), role
    assert ReportTransition.objects.filter(report=report).count() == steps_before


def test_a_stale_version_is_refused_for_every_step(complete_report):
    region = _user("region")
    for status, action in [
        ("draft", "submit"),
        ("submitted", "withdraw"),
        ("submitted", "approve"),
        ("submitted", "return"),
        ("approved", "reopen"),
    ]:
        report = _set_status(complete_report, status)
        with pytest.raises(services.ReportConflict):
            services.take_report_action(
                report, region, action=action, comment="x", expected_version=report.version - 1
            )
        report.refresh_from_db()
        assert report.status == status


def _submit(report, user):
    report = _set_status(report, "draft")
    services.submit_report(report, user, expected_version=report.version)
    report.refresh_from_db()
    return report


def test_a_county_withdraws_its_submission_before_review_starts(complete_report):
    county = _user("own_county")
    report = _submit(complete_report, county)
    assert "withdraw" in [t.action for t in REPORT_WORKFLOW.available_actions(report, county)]
    services.take_report_action(report, county, action="withdraw", expected_version=report.version)
    report.refresh_from_db()
    assert report.status == "draft"
    step = ReportTransition.objects.filter(report=report).last()
    assert (step.from_status, step.to_status, step.actor) == ("submitted", "draft", county)


def test_no_withdrawal_once_the_region_has_started_reviewing(complete_report):
    county, region = _user("own_county"), _user("region")
    report = _submit(complete_report, county)
    values = dict(VALID_INPUT) | {"design_applications": "31"}
    services.save_report_values(report, values, {}, region, report.version)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert [t.action for t in REPORT_WORKFLOW.available_actions(report, county)] == []
    with pytest.raises(NotAllowed, match="已开始审核|started reviewing"):
        services.take_report_action(report, county, action="withdraw", expected_version=report.version)
    report.refresh_from_db()
    assert report.status == "submitted"
