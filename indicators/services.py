"""Write-side rules for annual data shared by every path of change (forms, imports, training records).

* ``ensure_editable`` / ``is_year_locked``: approved reports are locked for every path of change.
* ``request_score_recompute``: marks (county, year) pairs stale in the current transaction and enqueues
  one recomputation on commit; a change to year Y also affects Y+1 (the ``increase`` rule).
* ``prepare_report_values`` / ``save_report_values``: parse, validate and store a report's values (browser
  entry and Excel import), with optimistic concurrency and history.
* ``submit_report`` / ``approve_report(s)`` / ``return_report(s)`` / ``reopen_report``: the review workflow.
* ``update_indicator`` / ``update_grade_band``: catalogue edits by the regional office.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.access import NotAllowed, require_region
from counties.scoping import can_change_county

from . import selectors
from .errors import ReportConflict, ReportLocked, ReportValidationError, TransitionNotAllowed
from .freezing import snapshot_derived_values
from .models import (
    AnnualReport,
    DataElement,
    DataValue,
    GradeBand,
    Indicator,
    ReportStatus,
    StaleScore,
)
from .parsing import Problem, ValueParseError, parse_value, validate_values
from .workflow import APPROVE, REOPEN, REPORT_WORKFLOW, RETURN, REVIEW_REFUSED, SUBMIT, record_step

logger = logging.getLogger(__name__)


def ensure_editable(report: AnnualReport) -> None:
    if report.status == ReportStatus.APPROVED:
        raise ReportLocked(report)


def ensure_values_changeable(report: AnnualReport, user) -> None:
    """The one rule for changing a report's values, by form or import: never when approved; while submitted
    (under review) only by the regional office. Raises ``ReportLocked`` with the reason."""
    ensure_editable(report)
    if report.status == ReportStatus.SUBMITTED and not user.is_region_staff:
        raise ReportLocked(
            report,
            _(
                "The %(year)s report of %(county)s has been submitted and is awaiting review; it can be "
                "changed again once the regional office returns it."
            )
            % {"year": report.year, "county": report.county.name},
        )


def may_change_values(report: AnnualReport | None, user) -> bool:
    if report is None:
        return True
    try:
        ensure_values_changeable(report, user)
    except ReportLocked:
        return False
    return True


def back_to_draft(report: AnnualReport, user, reason: str = "") -> None:
    """A returned report whose data changes goes back to draft (the county is fixing it); call inside the
    transaction that changes the data."""
    if report.status == ReportStatus.RETURNED:
        record_step(report, report.status, ReportStatus.DRAFT, user, reason)
        report.status = ReportStatus.DRAFT


def is_year_locked(county_id: int, year: int) -> bool:
    """Whether the (county, year) report exists and is approved (so its data and events are locked)."""
    return AnnualReport.objects.filter(county_id=county_id, year=year, status=ReportStatus.APPROVED).exists()


def request_score_recompute(
    pairs: Iterable[tuple[int, int]], *, include_next_year: bool = True
) -> set[tuple[int, int]]:
    """Mark ``(county_id, year)`` pairs stale now and enqueue their recomputation when the transaction commits.

    Calls within one transaction coalesce into a single task: pairs join a pending task registered at the same or
    an outer savepoint level, which survives any rollback that would undo this change (recomputing a pair whose
    change was rolled back is harmless). Nothing is enqueued on rollback of the whole transaction (the stale marks
    roll back too). Returns the pairs marked.
    """
    affected = set()
    for county_id, year in pairs:
        affected.add((int(county_id), int(year)))
        if include_next_year:
            affected.add((int(county_id), int(year) + 1))
    if not affected:
        return affected
    # An existing mark gets a fresh marked_at: a recompute already running keeps it (it started earlier).
    StaleScore.objects.bulk_create(
        [StaleScore(county_id=c, year=y) for c, y in sorted(affected)],
        update_conflicts=True,
        unique_fields=["county", "year"],
        update_fields=["marked_at"],
    )
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _enqueue(affected)
        return affected
    current_savepoints = set(connection.savepoint_ids)
    for savepoints, callback, _robust in connection.run_on_commit:
        queued = getattr(callback, "recompute_pairs", None)
        if queued is not None and savepoints <= current_savepoints:
            queued.update(affected)
            return affected

    def enqueue():
        _enqueue(enqueue.recompute_pairs)

    enqueue.recompute_pairs = set(affected)
    transaction.on_commit(enqueue)
    return affected


def _enqueue(pairs: set[tuple[int, int]]) -> None:
    """Send the task (or run it, in-process). A failure never undoes the committed change: it is logged and
    the pairs stay marked stale for the sweep (Celery beat, or ``manage.py recompute_scores``)."""
    from .tasks import recompute_scores

    try:
        recompute_scores.delay(sorted(pairs))
    except Exception:  # noqa: BLE001 - broker down or an in-process failure: the stale marks remain
        logger.exception(
            "Score recomputation of %s pairs could not run now; they stay marked stale.", len(pairs)
        )


# --- Entry: parse, validate and save a report's values -------------------------------------------------


@dataclass
class PreparedValues:
    """The outcome of checking raw values for one report, before anything is written."""

    parsed: dict[str, Decimal | None]
    errors: list[Problem]
    warnings: list[Problem]
    unconfirmed: list[Problem]
    comments: dict[str, str]
    changed: set[str]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.unconfirmed


@dataclass
class SaveResult:
    report: AnnualReport
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)


def _user_label(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def prepare_report_values(
    report: AnnualReport,
    raw_values: dict[str, str],
    comments: dict[str, str] | None = None,
    *,
    elements: dict[str, DataElement] | None = None,
    previous: dict[str, Decimal | None] | None = None,
) -> PreparedValues:
    """Parse and validate ``raw_values`` (by element code) for ``report`` without writing anything.

    Codes absent from ``raw_values`` keep their stored value; a blank value clears it. Cross-field rules are
    checked on the stored values merged with the new ones. A warning on a changed value needs a comment
    (``comments[code]``, or the stored comment when no new one is given); such warnings are ``unconfirmed``.
    """
    elements = elements if elements is not None else {e.code: e for e in DataElement.objects.all()}
    comments = {code: (text or "").strip() for code, text in (comments or {}).items()}
    stored = {}
    if report.pk is not None:
        stored = {
            code: (value, comment)
            for code, value, comment in DataValue.objects.filter(report=report).values_list(
                "element__code", "value", "comment"
            )
        }
    if previous is None:
        previous = selectors.previous_values(report.county_id, report.year)
    errors: list[Problem] = []
    parsed: dict[str, Decimal | None] = {}
    for code, raw in raw_values.items():
        element = elements.get(code)
        if element is None:
            errors.append(
                Problem(code, _("“%(code)s” is not a data element of the catalogue.") % {"code": code})
            )
            continue
        if element.is_derived:
            errors.append(
                Problem(
                    code,
                    _("%(name)s is computed from training and publicity records and cannot be entered.")
                    % {"name": element.name},
                )
            )
            continue
        try:
            parsed[code] = parse_value(raw, element)
        except ValueParseError as exc:
            errors.append(Problem(code, f"{element.name}：{exc.message}"))
    merged = {code: value for code, (value, _comment) in stored.items()}
    merged.update(parsed)
    rule_errors, warnings = validate_values(merged, elements, previous)
    errors.extend(rule_errors)
    changed = {code for code, value in parsed.items() if code not in stored or stored[code][0] != value}
    effective_comments = {code: comment for code, (_value, comment) in stored.items()}
    effective_comments.update(comments)
    unconfirmed = [
        w for w in warnings if w.element_code in changed and not effective_comments.get(w.element_code)
    ]
    return PreparedValues(parsed, errors, warnings, unconfirmed, comments, changed)


def save_report_values(
    report: AnnualReport,
    raw_values: dict[str, str],
    comments: dict[str, str] | None,
    user,
    expected_version: int | None,
    *,
    change_reason: str = "",
) -> SaveResult:
    """Validate and store a report's values, keeping history (who, when, old, new).

    ``report`` may be unsaved (a new (county, year) report is created in the same transaction).
    ``expected_version`` is the version the user's form was loaded with; ``None`` skips the check (batch
    imports). Raises ``PermissionDenied``, ``ReportLocked``, ``ReportConflict`` or ``ReportValidationError``
    and then changes nothing. A returned report goes back to draft. Scores of (county, year) are recomputed.
    """
    if not can_change_county(user, report.county_id):
        raise PermissionDenied(_("You may not change the data of this county."))
    elements = {e.code: e for e in DataElement.objects.all()}
    with transaction.atomic():
        if report.pk is None:
            locked, _created = AnnualReport.objects.get_or_create(
                county_id=report.county_id, year=report.year
            )
            locked = AnnualReport.objects.select_for_update().get(pk=locked.pk)
        else:
            locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        ensure_values_changeable(locked, user)
        if expected_version is not None and int(expected_version) != locked.version:
            raise ReportConflict(locked)
        prepared = prepare_report_values(locked, raw_values, comments, elements=elements)
        if not prepared.ok:
            raise ReportValidationError(prepared.errors, prepared.unconfirmed)
        result = SaveResult(locked, warnings=prepared.warnings)
        existing = {v.element.code: v for v in locked.values.select_related("element")}
        # Comments may be given for stored values without retyping them (confirming a large change).
        comment_only = {
            code: existing[code].value
            for code in prepared.comments
            if code in existing and code not in prepared.parsed
        }
        for code, value in {**prepared.parsed, **comment_only}.items():
            row = existing.get(code)
            comment = prepared.comments.get(code, row.comment if row else "")[:500]
            if row is None:
                if value is None and not comment:
                    continue
                row = DataValue(report=locked, element=elements[code], value=value, comment=comment)
                result.created += 1
            elif row.value == value and row.comment == comment:
                result.unchanged += 1
                continue
            else:
                if row.value != value:
                    result.changed += 1
                row.value, row.comment = value, comment
            row._history_user = user
            row._change_reason = change_reason
            row.save()
        back_to_draft(locked, user)
        locked.version += 1
        locked._history_user = user
        locked.save()
        request_score_recompute([(locked.county_id, locked.year)])
    _refresh(report, locked)
    result.report = report
    return result


def _refresh(report: AnnualReport, locked: AnnualReport) -> None:
    """Copy the stored state onto the caller's instance."""
    for name in (
        "pk",
        "status",
        "version",
        "updated_at",
        "created_at",
        "submitted_at",
        "submitted_by_id",
        "reviewed_at",
        "reviewed_by_id",
        "review_comment",
    ):
        setattr(report, name, getattr(locked, name))
    report.id = locked.pk


# --- Workflow: the steps of ``indicators.workflow.REPORT_WORKFLOW`` -------------------------------------


def _perform(
    report: AnnualReport, action: str, user, comment: str, expected_version, *, check=None, apply=None
):
    """Take ``action`` on ``report`` through the workflow table; the scores of (county, year) are recomputed."""

    def apply_and_rescore(locked):
        if apply is not None:
            apply(locked)
        request_score_recompute([(locked.county_id, locked.year)])

    locked = REPORT_WORKFLOW.perform(
        report,
        action=action,
        user=user,
        comment=comment,
        expected_version=expected_version,
        check=check,
        apply=apply_and_rescore,
    )
    _refresh(report, locked)
    return report


def available_actions(report: AnnualReport | None, user):
    """The workflow steps ``user`` may take on ``report`` now (what pages offer)."""
    return REPORT_WORKFLOW.available_actions(report, user)


def missing_elements(report: AnnualReport) -> list[DataElement]:
    """Typed elements the report has no value for (a report is submitted complete)."""
    filled = set(
        DataValue.objects.filter(report=report, value__isnull=False).values_list("element_id", flat=True)
    )
    return [e for e in DataElement.objects.filter(is_derived=False) if e.pk not in filled]


def _check_submittable(report: AnnualReport) -> None:
    """A report is submitted complete and valid (warnings confirmed by a comment)."""
    missing = missing_elements(report)
    if missing:
        raise TransitionNotAllowed(
            _("The report cannot be submitted: these values are missing: %(names)s.")
            % {"names": "、".join(e.name for e in missing)}
        )
    elements = {e.code: e for e in DataElement.objects.all()}
    values = selectors.values_for(report.county_id, report.year)
    errors, warnings = validate_values(
        values, elements, selectors.previous_values(report.county_id, report.year)
    )
    comments = dict(report.values.values_list("element__code", "comment"))
    unconfirmed = [w for w in warnings if not comments.get(w.element_code)]
    if errors or unconfirmed:
        raise ReportValidationError(errors, unconfirmed)


def submit_report(report: AnnualReport, user, *, expected_version: int | None = None, comment: str = ""):
    """County staff (or the regional office on their behalf) submit a complete, valid draft for review."""
    if report.pk is None:
        raise NotAllowed(REPORT_WORKFLOW.transition(SUBMIT).refused)

    def apply(locked):
        locked.submitted_at = timezone.now()
        locked.submitted_by = user
        snapshot_derived_values(locked, user)  # frozen from now on (indicators.freezing)

    return _perform(report, SUBMIT, user, comment, expected_version, check=_check_submittable, apply=apply)


def _reviewed(user, comment: str):
    """The apply hook of a regional-office step: who reviewed the report, when, and why."""
    comment = (comment or "").strip()

    def apply(locked):
        locked.reviewed_at, locked.reviewed_by, locked.review_comment = timezone.now(), user, comment

    return apply


def approve_report(report: AnnualReport, user, *, comment: str = "", expected_version: int | None = None):
    """The regional office approves a submitted report, which locks it."""
    return _perform(report, APPROVE, user, comment, expected_version, apply=_reviewed(user, comment))


def return_report(report: AnnualReport, user, comment: str, *, expected_version: int | None = None):
    """The regional office returns a submitted report to the county with a comment saying what to fix."""
    return _perform(report, RETURN, user, comment, expected_version, apply=_reviewed(user, comment))


def reopen_report(report: AnnualReport, user, reason: str, *, expected_version: int | None = None):
    """The regional office unlocks an approved report (back to draft), giving the reason."""
    return _perform(report, REOPEN, user, reason, expected_version, apply=_reviewed(user, reason))


def take_report_action(report: AnnualReport, user, *, action: str, comment: str = "", expected_version=None):
    """Take one workflow step by its name (``submit``, ``approve``, ``return``, ``reopen``) — what pages post."""
    steps = {
        SUBMIT: lambda: submit_report(report, user, expected_version=expected_version, comment=comment),
        APPROVE: lambda: approve_report(report, user, comment=comment, expected_version=expected_version),
        RETURN: lambda: return_report(report, user, comment, expected_version=expected_version),
        REOPEN: lambda: reopen_report(report, user, comment, expected_version=expected_version),
    }
    if action not in steps:
        REPORT_WORKFLOW.transition(action)  # raises TransitionNotAllowed for an unknown action
    return steps[action]()


def _versioned(reports) -> list[tuple[AnnualReport, int | None]]:
    """``reports`` as ``(report, version seen)``: a bare report carries no version (no check)."""
    return [item if isinstance(item, tuple) else (item, None) for item in reports]


def _bulk(reports, action: str, user, comment: str):
    require_region(user, REVIEW_REFUSED)
    transition = REPORT_WORKFLOW.transition(action)
    comment = REPORT_WORKFLOW.check_comment(transition, comment)
    done, skipped = REPORT_WORKFLOW.perform_many(
        _versioned(reports), action=action, user=user, comment=comment, apply=_bulk_apply(user, comment)
    )
    return done, skipped


def _bulk_apply(user, comment: str):
    reviewed = _reviewed(user, comment)

    def apply(locked):
        reviewed(locked)
        request_score_recompute([(locked.county_id, locked.year)])

    return apply


def approve_reports(reports, user, *, comment: str = ""):
    """Approve several submitted reports at once; returns ``(approved, [(report, why skipped)])``.

    ``reports`` holds ``(report, version the reviewer saw)`` pairs (a stale version is skipped, never
    approved) or bare reports (no version check, for scripts)."""
    return _bulk(reports, APPROVE, user, comment)


def return_reports(reports, user, comment: str):
    """Return several submitted reports with one comment; returns ``(returned, [(report, why skipped)])``."""
    return _bulk(reports, RETURN, user, comment)


# --- Catalogue: targets, weights and grade bands -------------------------------------------------------


def update_indicator(
    indicator: Indicator, user, *, target, weight, reason: str = "", effective_year: int | None = None
) -> bool:
    """Change an indicator's target and weight from ``effective_year`` on (生效年度; None: every year), with a
    reason (regional office). Only the reported years from the effective year on are rescored; earlier years keep
    their results (``indicators.targets``). Returns whether anything changed."""
    from .targets import pairs_from, record_indicator_version

    _require_catalogue_editor(user)
    if weight is None or Decimal(weight) < 0:
        raise ValidationError({"weight": _("The weight must be 0 or more.")})
    if target is not None and Decimal(target) < 0:
        raise ValidationError({"target": _("The target must be 0 or more.")})
    with transaction.atomic():
        changed = record_indicator_version(
            indicator, user, target=target, weight=weight, effective_year=effective_year or 0, reason=reason
        )
        if changed:
            request_score_recompute(pairs_from(effective_year or 0), include_next_year=False)
    return changed


def update_grade_band(
    band: GradeBand, user, *, min_score, reason: str = "", effective_year: int | None = None
) -> bool:
    """Change a grade band's minimum score from ``effective_year`` on (None: every year), with a reason."""
    from .targets import pairs_from, record_band_version

    _require_catalogue_editor(user)
    if min_score is None or not (0 <= Decimal(min_score) <= 100):
        raise ValidationError({"min_score": _("The minimum score must be between 0 and 100.")})
    with transaction.atomic():
        changed = record_band_version(
            band, user, min_score=min_score, effective_year=effective_year or 0, reason=reason
        )
        if changed:
            request_score_recompute(pairs_from(effective_year or 0), include_next_year=False)
    return changed


def _require_catalogue_editor(user) -> None:
    if not getattr(user, "is_region_staff", False):
        raise PermissionDenied(_("Only the regional office may change targets, weights and grades."))
