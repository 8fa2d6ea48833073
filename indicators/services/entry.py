"""Entry: parse, validate and store a report's values (browser entry and Excel import share these).

Optimistic concurrency (the version the form was loaded with), history (who, when, old, new) and the locking
rule apply to every path; a returned report goes back to draft when its data changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from counties.scoping import can_change_county

from .. import selectors
from ..errors import ReportConflict, ReportValidationError
from ..models import AnnualReport, DataElement, DataValue
from ..parsing import Problem, ValueParseError, parse_value, validate_values
from .locking import back_to_draft, ensure_values_changeable, refresh_from_locked
from .recompute import request_score_recompute


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
    refresh_from_locked(report, locked)
    result.report = report
    return result
