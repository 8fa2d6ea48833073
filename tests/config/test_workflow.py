"""The kernel's state machine: a table of transitions applied with locks, versions, roles and comments."""

import pytest

from config.access import NotAllowed
from config.errors import Conflict, InvalidInput
from config.workflow import Transition, TransitionNotAllowed, Workflow, transitioned
from indicators.models import AnnualReport, ReportTransition
from tests import factories

pytestmark = pytest.mark.django_db


def _record(report, transition, from_state, user, comment):
    ReportTransition.objects.create(
        report=report, from_status=from_state, to_status=transition.target, actor=user, comment=comment
    )


TOY = Workflow(
    name="toy",
    model=AnnualReport,
    record=_record,
    transitions=[
        Transition("submit", "submit", ("draft", "returned"), "submitted", ("county_staff", "region_staff")),
        Transition(
            "return",
            "return",
            ("submitted",),
            "returned",
            ("region_staff",),
            comment_required=True,
            comment_missing="say why",
        ),
    ],
)


def test_available_actions_follow_state_and_role():
    report = factories.ReportFactory(year=2024)
    county, region = factories.county_user(), factories.region_user()
    assert [t.action for t in TOY.available_actions(report, county)] == ["submit"]
    TOY.perform(report, action="submit", user=county)
    assert TOY.available_actions(report, county) == []
    assert [t.action for t in TOY.available_actions(report, region)] == ["return"]


def test_perform_records_the_step_bumps_the_version_and_signals_on_commit(django_capture_on_commit_callbacks):
    report = factories.ReportFactory(year=2024)
    user = factories.county_user()
    seen = []

    def listener(sender, **kwargs):
        seen.append((sender, kwargs["transition"].action))

    transitioned.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            TOY.perform(report, action="submit", user=user, expected_version=report.version)
            assert seen == []
        assert seen == [("toy", "submit")]
    finally:
        transitioned.disconnect(listener)
    report.refresh_from_db()
    assert (report.status, report.version) == ("submitted", 1)
    step = ReportTransition.objects.get(report=report)
    assert (step.from_status, step.to_status, step.actor) == ("draft", "submitted", user)


def test_refusals_change_nothing():
    report = factories.ReportFactory(year=2024)
    county, region = factories.county_user(), factories.region_user()
    with pytest.raises(TransitionNotAllowed):
        TOY.perform(report, action="return", user=region, comment="x")
    TOY.perform(report, action="submit", user=county)
    with pytest.raises(NotAllowed):
        TOY.perform(report, action="return", user=county, comment="x")
    with pytest.raises(InvalidInput, match="say why"):
        TOY.perform(report, action="return", user=region, comment="  ")
    with pytest.raises(Conflict):
        TOY.perform(report, action="return", user=region, comment="fix", expected_version=0)
    report.refresh_from_db()
    assert (report.status, report.version) == ("submitted", 1)
    assert ReportTransition.objects.filter(report=report).count() == 1


def test_perform_many_skips_stale_versions():
    region = factories.region_user()
    first = factories.ReportFactory(year=2023)
    second = factories.ReportFactory(year=2024)
    done, skipped = TOY.perform_many([(first, 0), (second, 5)], action="submit", user=region)
    assert [r.pk for r in done] == [first.pk]
    assert [r.pk for r, _why in skipped] == [second.pk]
