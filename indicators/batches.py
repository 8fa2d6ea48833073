"""Import batches as the import pages read them: who sees which batch, and what one batch changed.

The regional office sees every batch; anybody else the batches they imported themselves. A batch's changes are
the value history rows its import wrote (their change reason names the batch), limited to the counties the user
may see.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from config.access import is_region
from counties.scoping import scope_queryset

from .importing import history_reason
from .models import DataValue, ImportBatch


def visible_batches(user, *, app: str, kind: str) -> QuerySet:
    """The import batches of one import (``app``, ``kind``) that ``user`` may list, newest first."""
    batches = ImportBatch.objects.filter(app=app, kind=kind).select_related("user")
    return batches if is_region(user) else batches.filter(user=user)


def access_import_batch(user, pk: int) -> ImportBatch:
    """One batch ``user`` may see, or 404."""
    batches = ImportBatch.objects.select_related("user")
    return get_object_or_404(batches if is_region(user) else batches.filter(user=user), pk=pk)


def batch_changes(user, batch: ImportBatch) -> QuerySet:
    """The value history rows ``batch`` wrote, in the counties ``user`` may see, by county, year and element."""
    history = scope_queryset(
        user,
        DataValue.history.filter(history_change_reason=history_reason(batch)),
        county_field="report__county",
    )
    return history.select_related("element", "report__county").order_by(
        "report__county__code", "report__year", "element__order"
    )
