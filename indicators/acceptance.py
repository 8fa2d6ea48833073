"""Recording the acceptance (验收) of a pilot (SPEC §5), and the rules behind its proposal: write-side services.

``record_acceptance(county=, user=, conclusion=, reason=)``: the regional office, on or after the pilot's last year,
records 通过 / 限期整改 / 不通过 with a reason. The pilot summary as it stands is stored as a JSON snapshot (shown
as recorded from then on, whatever changes later), with the proposed conclusion and the rules that failed; the
designation's status follows (通过 → 验收通过, 不通过 → 未通过, 限期整改 → still in pilot). A recorded 通过 or
不通过 is final; after 限期整改 the office records again once the county has rectified (the history keeps both).

``update_acceptance_rule(rule=, user=, enabled=, grade=, threshold=, reason=)``: the regional office switches a
rule on or off and sets its parameter (a grade band for the final-year grade, a rate between 0 and 1 for fund
execution, a number of the work-plan tasks for tasks completed), with a reason kept in the rule's history.
Acceptances already recorded keep the proposal of their snapshot.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import require_region
from config.errors import InvalidInput, Locked
from counties.models import County, PilotDesignation

from .assessment import can_record_acceptance, pilot_summary, proposed_conclusion
from .models import Acceptance, AcceptanceConclusion, AcceptanceRule, GradeBand, WorkTask

RATE_STEP = Decimal("0.0001")  # the stored precision of a threshold: 0.01 % for the execution rate

DESIGNATION_STATUS = {
    AcceptanceConclusion.PASSED: PilotDesignation.Status.PASSED,
    AcceptanceConclusion.FAILED: PilotDesignation.Status.FAILED,
    AcceptanceConclusion.RECTIFY: PilotDesignation.Status.ACTIVE,
}


@transaction.atomic
def record_acceptance(*, county: County, user, conclusion: str, reason: str, today=None) -> Acceptance:
    require_region(user, _("Only the regional office may record the acceptance of a pilot."))
    pilot = PilotDesignation.objects.select_for_update().filter(county=county).first()
    if pilot is None:
        raise InvalidInput(_("%(county)s is not a pilot county.") % {"county": county.name})
    if not can_record_acceptance(pilot, today):
        raise InvalidInput(
            _("The acceptance of %(county)s can be recorded from %(year)s, the pilot's last year.")
            % {"county": county.name, "year": pilot.end_year}
        )
    if conclusion not in AcceptanceConclusion.values:
        raise InvalidInput(_("Choose the conclusion: passed, rectify within a deadline or not passed."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the conclusion."))
    existing = Acceptance.objects.filter(designation=pilot).first()
    if existing is not None and existing.conclusion != AcceptanceConclusion.RECTIFY:
        raise Locked(
            _("The acceptance of %(county)s is already recorded (%(conclusion)s).")
            % {"county": county.name, "conclusion": existing.get_conclusion_display()}
        )
    summary = pilot_summary(county)
    summary["acceptance"] = None
    proposal = proposed_conclusion(summary)
    acceptance = existing or Acceptance(designation=pilot)
    acceptance.conclusion = conclusion
    acceptance.reason = reason
    acceptance.proposed = proposal["conclusion"]
    acceptance.failed_rules = [
        {"kind": c["kind"], "label": c["label"], "detail": c["detail"]} for c in proposal["failed"]
    ]
    acceptance.snapshot = {**summary, "proposal": {key: proposal[key] for key in ("conclusion", "checks")}}
    acceptance.recorded_by = user
    acceptance.recorded_at = timezone.now()
    acceptance._history_user = user
    acceptance._change_reason = reason
    acceptance.save()
    status = DESIGNATION_STATUS[conclusion]
    if pilot.status != status:
        pilot.status = status
        pilot._history_user = user
        pilot._change_reason = reason
        pilot.save(update_fields=["status"])
    return acceptance


def _number(value, message: str) -> Decimal:
    """``value`` as a finite Decimal (``str`` first, so a float keeps the digits it shows), else ``InvalidInput``."""
    try:
        number = Decimal(str(value)) if value is not None else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise InvalidInput(message)
    return number


def _rule_parameters(rule: AcceptanceRule, *, grade: str, threshold) -> tuple[str, Decimal | None]:
    """``(grade, threshold)`` as stored for ``rule``'s kind, checked; the parameter other kinds lack is cleared."""
    kind = AcceptanceRule.Kind
    if rule.kind == kind.FINAL_GRADE:
        if not GradeBand.objects.filter(name=grade).exists():
            raise InvalidInput(_("Choose one of the grade bands."))
        return grade, None
    if rule.kind == kind.EXECUTION_RATE:
        message = _("The fund execution rate must be between 0 % and 100 %, with at most two decimals.")
        rate = _number(threshold, message)
        if not (0 <= rate <= 1) or rate != rate.quantize(RATE_STEP):
            raise InvalidInput(message)
        return "", rate.quantize(RATE_STEP)
    if rule.kind == kind.TASKS_COMPLETED:
        tasks = WorkTask.objects.count()
        message = _("The number of tasks must be a whole number from 0 to %(n)s.") % {"n": tasks}
        count = _number(threshold, message)
        if count != count.to_integral_value() or not (0 <= count <= tasks):
            raise InvalidInput(message)
        return "", Decimal(int(count))
    return "", None


@transaction.atomic
def update_acceptance_rule(
    *, rule: AcceptanceRule, user, enabled: bool, grade: str = "", threshold=None, reason: str
) -> bool:
    """Change one acceptance rule; ``False`` when nothing changed."""
    require_region(user, _("Only the regional office may change the acceptance rules."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the change."))
    rule = AcceptanceRule.objects.select_for_update().get(pk=rule.pk)
    grade, threshold = _rule_parameters(rule, grade=grade, threshold=threshold)
    if (rule.enabled, rule.grade, rule.threshold) == (enabled, grade, threshold):
        return False
    rule.enabled, rule.grade, rule.threshold = enabled, grade, threshold
    rule._history_user = user
    rule._change_reason = reason[:100]
    rule.save()
    return True
