"""Catalogue: targets, weights and grade bands, changed by the regional office with a reason (kept in history).

A change takes effect from a year (生效年度, ``indicators.targets``); the reported years from then on are rescored.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.access import require_region

from ..models import GradeBand, Indicator
from ..targets import pairs_from, record_band_version, record_indicator_version
from .recompute import request_score_recompute


def update_indicator(
    indicator: Indicator, user, *, target, weight, reason: str = "", effective_year: int | None = None
) -> bool:
    """Change an indicator's target and weight from ``effective_year`` on (生效年度; None: every year), with a
    reason (regional office). Only the reported years from the effective year on are rescored; earlier years keep
    their results (``indicators.targets``). Returns whether anything changed."""
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
    require_region(user, _("Only the regional office may change targets, weights and grades."))
