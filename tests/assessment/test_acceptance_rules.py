"""The acceptance rules (验收规则) are edited by the regional office in the portal: each change with its reason in
the history, parameters checked, and the proposed conclusion follows at once."""

from decimal import Decimal

import pytest
from django.urls import reverse

from config.errors import InvalidInput, NotAllowed
from indicators.acceptance import update_acceptance_rule
from indicators.assessment import pilot_summary, proposed_conclusion
from indicators.models import AcceptanceRule, WorkTask

from .test_summary import FACTS, facts, worked  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _rule(kind):
    return AcceptanceRule.objects.get(kind=kind)


def test_the_office_lowers_the_execution_rate_and_the_proposal_follows(worked, facts, region):  # noqa: F811
    facts.side_effect = lambda ids: {i: {**FACTS, "fund_execution_rate": Decimal("0.7")} for i in ids}
    assert {c["kind"] for c in proposed_conclusion(pilot_summary(worked))["failed"]} == {"execution_rate"}
    changed = update_acceptance_rule(
        rule=_rule("execution_rate"), user=region, enabled=True, threshold=Decimal("0.7"), reason="资金拨付晚"
    )
    assert changed and _rule("execution_rate").threshold == Decimal("0.7")
    assert proposed_conclusion(pilot_summary(worked))["failed"] == []
    record = _rule("execution_rate").history.first()
    assert (record.history_user, record.history_change_reason) == (region, "资金拨付晚")
    assert not update_acceptance_rule(
        rule=_rule("execution_rate"), user=region, enabled=True, threshold=Decimal("0.70"), reason="再次保存"
    )


def test_a_rule_switched_off_is_not_judged(worked, facts, region):  # noqa: F811
    facts.side_effect = lambda ids: {i: {**FACTS, "red_findings": 2} for i in ids}
    assert proposed_conclusion(pilot_summary(worked))["conclusion"] == "rectify"
    update_acceptance_rule(rule=_rule("no_red_findings"), user=region, enabled=False, reason="本年度不考核")
    checks = {c["kind"] for c in proposed_conclusion(pilot_summary(worked))["checks"]}
    assert "no_red_findings" not in checks


@pytest.mark.parametrize(
    ("kind", "changes", "message"),
    [
        ("final_grade", {"grade": "特等"}, "等级"),
        ("execution_rate", {"threshold": Decimal("1.5")}, "100"),
        ("tasks_completed", {"threshold": Decimal("2.5")}, "整数"),
        ("tasks_completed", {"threshold": Decimal(99)}, "整数"),
        ("execution_rate", {"threshold": Decimal("0.5"), "reason": "  "}, "原因"),
    ],
)
def test_wrong_parameters_are_refused_and_change_nothing(region, kind, changes, message):
    before = _rule(kind)
    arguments = {"enabled": True, "reason": "调整", **changes}
    with pytest.raises(InvalidInput) as refused:
        update_acceptance_rule(rule=before, user=region, **arguments)
    assert message in refused.value.message
    after = _rule(kind)
    assert (after.grade, after.threshold) == (before.grade, before.threshold)


def test_only_the_regional_office_changes_the_rules(client_for, county_staff, league_staff, auditor):
    with pytest.raises(NotAllowed):
        update_acceptance_rule(rule=_rule("execution_rate"), user=auditor, enabled=False, reason="x")
    url = reverse("indicators:acceptance_rule_edit", kwargs={"kind": "execution_rate"})
    for user in (county_staff, league_staff, auditor):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"enabled": "", "rate": "10", "reason": "x"}).status_code == 403
    assert _rule("execution_rate").enabled and _rule("execution_rate").threshold == Decimal("0.8")


def test_the_pages_show_and_edit_the_rules(client_for, region, auditor):
    catalogue = client_for(auditor).get(reverse("indicators:catalogue")).content.decode()
    assert "资金执行率不低于 80%" in catalogue and "acceptance/execution_rate/" not in catalogue
    client = client_for(region)
    assert "acceptance/execution_rate/" in client.get(reverse("indicators:catalogue")).content.decode()
    url = reverse("indicators:acceptance_rule_edit", kwargs={"kind": "execution_rate"})
    page = client.get(url)
    assert page.context["form"]["rate"].value() == "80" and 'value="80"' in page.content.decode()
    refused = client.post(url, {"enabled": "on", "rate": "120", "reason": "调整"})
    assert refused.status_code == 200 and refused.context["form"].errors["rate"]
    assert 'value="120"' in refused.content.decode()  # what was typed is shown again
    done = client.post(url, {"enabled": "on", "rate": "75", "reason": "调整"})
    assert done.status_code == 302 and _rule("execution_rate").threshold == Decimal("0.75")
    tasks = client.get(reverse("indicators:acceptance_rule_edit", kwargs={"kind": "tasks_completed"}))
    assert tasks.context["form"].fields["tasks"].max_value == WorkTask.objects.count()
    assert client.get(reverse("indicators:acceptance_rule_edit", kwargs={"kind": "bogus"})).status_code == 404


def test_a_recorded_acceptance_keeps_the_proposal_it_was_recorded_with(client_for, worked, facts, region):  # noqa: F811
    from indicators.acceptance import record_acceptance

    from .test_summary import AFTER_PILOT

    record_acceptance(
        county=worked, user=region, conclusion="passed", reason="目标基本完成", today=AFTER_PILOT
    )
    update_acceptance_rule(
        rule=_rule("execution_rate"), user=region, enabled=True, threshold=Decimal("0.95"), reason="从严"
    )
    page = client_for(region).get(reverse("indicators:pilot_summary", kwargs={"code": worked.code}))
    proposal = page.context["proposal"]
    assert proposal["conclusion"] == "passed" and proposal["failed"] == []
    labels = [check["label"] for check in proposal["checks"]]
    assert "资金执行率不低于 80%" in labels and "资金执行率不低于 95%" not in page.content.decode()


def test_the_rate_is_named_as_precisely_as_it_is_stored(region):
    from indicators.assessment import rule_label

    update_acceptance_rule(
        rule=_rule("execution_rate"), user=region, enabled=True, threshold=Decimal("0.8049"), reason="细化"
    )
    assert rule_label(_rule("execution_rate")) == "资金执行率不低于 80.49%"


@pytest.mark.parametrize(
    ("kind", "threshold"),
    [
        ("execution_rate", Decimal("0.33333")),  # finer than the stored 0.01 %
        ("execution_rate", Decimal("NaN")),
        ("execution_rate", "abc"),
        ("tasks_completed", "2.5"),
        ("tasks_completed", None),
    ],
)
def test_thresholds_the_rule_cannot_store_are_refused(region, kind, threshold):
    with pytest.raises(InvalidInput):
        update_acceptance_rule(
            rule=_rule(kind), user=region, enabled=True, threshold=threshold, reason="调整"
        )


def test_a_float_rate_is_stored_as_typed_and_saving_it_again_changes_nothing(region):
    rule = _rule("execution_rate")
    assert update_acceptance_rule(rule=rule, user=region, enabled=True, threshold=0.7, reason="调整")
    assert _rule("execution_rate").threshold == Decimal("0.7")
    assert not update_acceptance_rule(rule=rule, user=region, enabled=True, threshold=0.7, reason="再存")
    assert _rule("execution_rate").history.count() == 1


def test_a_stored_grade_that_is_no_band_is_kept_selectable(region):
    from indicators.forms import AcceptanceRuleForm

    AcceptanceRule.objects.filter(kind="final_grade").update(grade="及格")
    rule = _rule("final_grade")
    form = AcceptanceRuleForm(rule=rule, initial=AcceptanceRuleForm.initial_for(rule))
    assert form.fields["grade"].choices[0] == ("及格", "及格") and form["grade"].value() == "及格"
    with pytest.raises(InvalidInput):
        update_acceptance_rule(rule=rule, user=region, enabled=False, grade="及格", reason="停用")
