"""Recording the acceptance (验收) of a pilot (SPEC §5): write-side service.

``record_acceptance(county=, user=, conclusion=, reason=)``: the regional office, on or after the pilot's last year,
records 通过 / 限期整改 / 不通过 with a reason. The pilot summary as it stands is stored as a JSON snapshot (shown
as recorded from then on, whatever changes later), with the proposed conclusion and the rules that failed; the
designation's status follows (通过 → 验收通过, 不通过 → 未通过, 限期整改 → still in pilot). A recorded 通过 or
不通过 is final; after 限期整改 the office records again once the county has rectified (the history keeps both).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import require_region
from config.errors import InvalidInput, Locked
from counties.models import County, PilotDesignation

from .assessment import can_record_acceptance, pilot_summary, proposed_conclusion
from .models import Acceptance, AcceptanceConclusion

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
    acceptance.snapshot = summary
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
