"""The finding workflow on the kernel's table: every move per role, with the timeline."""

import pytest

from config.access import NotAllowed
from config.errors import Conflict, InvalidInput, Locked
from config.workflow import TransitionNotAllowed
from inspections import services
from inspections.models import FindingStatus
from inspections.workflow import FINDING_WORKFLOW
from tests import factories

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def test_only_the_countys_staff_may_answer(
    make_finding, county_staff, other_county_staff, region, league_staff
):
    finding = make_finding()
    assert [t.action for t in FINDING_WORKFLOW.available_actions(finding, county_staff)] == ["answer"]
    for user in (other_county_staff, region, league_staff, factories.auditor_user()):
        assert FINDING_WORKFLOW.available_actions(finding, user) == []
        with pytest.raises(NotAllowed):
            services.answer_finding(user=user, finding=finding, text="done", files=[pdf_upload()])
    assert finding.transitions.count() == 0


def test_answer_needs_text_and_evidence(make_finding, county_staff):
    finding = make_finding()
    with pytest.raises(InvalidInput):
        services.answer_finding(user=county_staff, finding=finding, text="  ", files=[pdf_upload()])
    with pytest.raises(InvalidInput):
        services.answer_finding(user=county_staff, finding=finding, text="已整改", files=[])
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_answer_then_close_keeps_every_step(make_finding, county_staff, region):
    finding = make_finding()
    services.answer_finding(
        user=county_staff, finding=finding, text="已建立专账", files=[pdf_upload()], expected_version=0
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ANSWERED
    assert finding.rectification == "已建立专账"
    evidence = finding.evidence.get()
    assert evidence.original_name == "整改报告.pdf" and evidence.step is not None
    with pytest.raises(NotAllowed):
        services.close_finding(user=county_staff, finding=finding)
    services.close_finding(user=region, finding=finding, comment="核实无误")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.closed_at and finding.colour == ""
    steps = list(finding.transitions.values_list("from_status", "to_status", "actor__username", "comment"))
    assert steps == [
        ("open", "answered", "county_t", "已建立专账"),
        ("answered", "closed", "region_t", "核实无误"),
    ]
    with pytest.raises(TransitionNotAllowed):
        services.return_finding(user=region, finding=finding, comment="again")


def test_return_needs_a_comment_and_reopens(make_finding, county_staff, region, league_staff):
    finding = make_finding()
    services.answer_finding(user=county_staff, finding=finding, text="已整改", files=[pdf_upload()])
    with pytest.raises(InvalidInput):
        services.return_finding(user=region, finding=finding, comment="")
    with pytest.raises(NotAllowed):
        services.return_finding(user=league_staff, finding=finding, comment="no")
    services.return_finding(user=region, finding=finding, comment="佐证材料不足")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    assert finding.transitions.last().comment == "佐证材料不足"
    # The county answers again; its earlier evidence counts.
    services.answer_finding(user=county_staff, finding=finding, text="补充材料", files=[])
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ANSWERED and finding.transitions.count() == 3


def test_a_stale_version_is_refused(make_finding, county_staff):
    finding = make_finding()
    with pytest.raises(Conflict):
        services.answer_finding(
            user=county_staff, finding=finding, text="x", files=[pdf_upload()], expected_version=5
        )


def test_only_the_region_records_inspections_and_findings(inspection, county_staff, league_staff):
    for user in (county_staff, league_staff, factories.auditor_user()):
        with pytest.raises(NotAllowed):
            services.create_finding(
                user=user,
                inspection=inspection,
                fields={"category": "other", "description": "x", "deadline": inspection.date},
            )
        with pytest.raises(NotAllowed):
            services.create_inspection(user=user, county=inspection.county, fields={})


def test_a_closed_finding_cannot_be_edited(make_finding, county_staff, region):
    finding = make_finding()
    services.answer_finding(user=county_staff, finding=finding, text="ok", files=[pdf_upload()])
    services.close_finding(user=region, finding=finding)
    with pytest.raises(Locked):
        services.update_finding(user=region, finding=finding, fields={"description": "changed"})
