"""Write-side rules for annual data shared by every path of change (forms, imports, training records).

One module per concern; the public names are re-exported here so callers write ``services.save_report_values``:

* ``locking``: ``ensure_editable`` / ``ensure_values_changeable`` / ``may_change_values`` / ``is_year_locked``;
* ``recompute``: ``request_score_recompute`` marks (county, year) pairs stale and enqueues one task on commit;
* ``entry``: ``prepare_report_values`` / ``save_report_values`` (browser entry and Excel import);
* ``workflow``: ``submit_report`` / ``withdraw_report`` / ``approve_report(s)`` / ``return_report(s)`` / ``reopen_report`` /
  ``take_report_action`` / ``available_actions`` over the table in ``indicators.workflow``;
* ``catalogue``: ``update_indicator`` / ``update_grade_band`` by the regional office.
"""

from django.core.exceptions import PermissionDenied

from ..errors import ReportConflict, ReportLocked, ReportValidationError, TransitionNotAllowed
from .catalogue import update_grade_band, update_indicator
from .entry import PreparedValues, SaveResult, prepare_report_values, save_report_values
from .locking import (
    back_to_draft,
    ensure_editable,
    ensure_values_changeable,
    is_year_locked,
    may_change_values,
)
from .recompute import request_score_recompute
from .workflow import (
    approve_report,
    approve_reports,
    available_actions,
    missing_elements,
    reopen_report,
    return_report,
    return_reports,
    submit_report,
    take_report_action,
    withdraw_report,
)

__all__ = [
    "PermissionDenied",
    "PreparedValues",
    "ReportConflict",
    "ReportLocked",
    "ReportValidationError",
    "SaveResult",
    "TransitionNotAllowed",
    "approve_report",
    "approve_reports",
    "available_actions",
    "back_to_draft",
    "ensure_editable",
    "ensure_values_changeable",
    "is_year_locked",
    "may_change_values",
    "missing_elements",
    "prepare_report_values",
    "reopen_report",
    "request_score_recompute",
    "return_report",
    "return_reports",
    "save_report_values",
    "submit_report",
    "take_report_action",
    "update_grade_band",
    "update_indicator",
    "withdraw_report",
]
