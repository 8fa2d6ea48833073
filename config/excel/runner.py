"""Plan / preview / apply / dry run as one runner: ``run_import(importer, source, file_name=, dry_run=)``.

An app writes an ``Importer`` subclass with only its row checks (``plan``) and its write step (``apply``); the
runner does the rest, the same way for the web pages and the management commands:

1. read the upload within ``MAX_UPLOAD_MB`` and hash it (SHA-256);
2. ``read_sheet`` against the importer's ``schema()`` (every limit, formula, hidden sheet, header problem);
3. dry run: ``plan(sheet, result, lock=False)`` only — nothing is written;
4. otherwise, in one transaction: ``plan(..., lock=True)`` again against the database of that moment; when it
   found no problem (and, for a confirmed preview, ``expect`` says the plan is still the one shown) and
   ``has_changes``, record the ``ImportBatch`` (app and kind as plain labels) and ``apply``. Any exception in ``refusals`` (or ``ImportRefused``) raised by ``apply`` rolls everything back and
   becomes a whole-file problem: nothing is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..perf import collector_paused
from .limits import SpreadsheetError
from .problems import ImportResult
from .reader import Schema, Sheet, read_sheet

IMPORT_BATCH_MODEL = "indicators.ImportBatch"


class ImportRefused(Exception):
    """Raised by an ``apply`` step to refuse the whole file late; everything written is rolled back."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def too_large_message() -> str:
    return _("The file is larger than %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_MB}


def read_upload(uploaded) -> bytes:
    """Read an uploaded file (Django UploadedFile, file object or bytes), refusing oversized ones."""
    if isinstance(uploaded, bytes | bytearray):
        data = bytes(uploaded)
    else:
        size = getattr(uploaded, "size", None)
        if size is not None and size > max_upload_bytes():
            raise SpreadsheetError(too_large_message())
        data = uploaded.read(max_upload_bytes() + 1)
    if len(data) > max_upload_bytes():
        raise SpreadsheetError(too_large_message())
    return data


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Importer:
    """One kind of import. Subclasses set ``app_label``/``kind`` and write ``schema``, ``plan`` and ``apply``."""

    app_label = ""
    kind = ""
    refusals: tuple[type[BaseException], ...] = (PermissionDenied, ValidationError)

    def __init__(self, user):
        self.user = user

    def schema(self) -> Schema:
        raise NotImplementedError

    def plan(self, sheet: Sheet, result: ImportResult, *, lock: bool) -> Any:
        """Check every row (problems go to ``result.problems``), set the counts and return what to write."""
        raise NotImplementedError

    def has_changes(self, plan: Any, result: ImportResult) -> bool:
        return bool(result.created or result.changed)

    def apply(self, plan: Any, result: ImportResult) -> None:
        """Write ``plan``; ``result.batch`` is already recorded. Raise ``ImportRefused`` to roll back."""
        raise NotImplementedError

    #: The preview's column headings (lazy translations), one per cell of ``preview_rows``.
    preview_headers: tuple = ()

    def preview_rows(self, plan: Any, result: ImportResult) -> list[dict]:
        """One JSON-ready line per row of a checked file for the preview page: ``row`` (its number), ``action``
        (``"created"``, ``"changed"`` or ``"unchanged"``), ``cells`` (texts under ``preview_headers``) and, where
        the importer can say it, ``changes`` (``{"field", "old", "new"}`` of a changed row)."""
        return []

    def preview_note(self, plan: Any, result: ImportResult) -> str:
        """A warning shown above the preview's confirm button (``""``: none)."""
        return ""

    def empty_plan(self, result: ImportResult) -> Any:
        """The plan shown when the file is refused before any row was checked."""
        return None

    def batch_counts(self, result: ImportResult) -> dict[str, int]:
        return {"values_created": result.created, "values_changed": result.changed}

    def refusal_message(self, exc: BaseException) -> str:
        if isinstance(exc, IntegrityError):
            return _(
                "The data changed while the file was being imported; nothing was saved. Please try again."
            )
        messages = getattr(exc, "messages", None)
        if messages:
            return " ".join(str(m) for m in messages)
        return str(getattr(exc, "message", None) or exc)


def record_batch(importer: Importer, result: ImportResult):
    batch_model = apps.get_model(IMPORT_BATCH_MODEL)
    user = importer.user if getattr(importer.user, "pk", None) else None
    return batch_model.objects.create(
        app=importer.app_label,
        kind=importer.kind,
        user=user,
        file_name=(result.file_name or "upload.xlsx")[-255:],
        sha256=result.sha256,
        rows=result.rows,
        **importer.batch_counts(result),
    )


def _refused(importer: Importer, result: ImportResult, message: str, value: str = "") -> ImportResult:
    result.refuse(message, value)
    if result.plan is None:
        result.plan = importer.empty_plan(result)
    return result


class _Outdated(Exception):
    """The plan made inside the import transaction is not the one the user confirmed."""


def run_import(
    importer: Importer,
    source,
    *,
    file_name: str = "",
    dry_run: bool = False,
    expect: Callable[[ImportResult], bool] | None = None,
) -> ImportResult:
    """Check and (unless ``dry_run``) land ``source`` with ``importer``: all or nothing (the cyclic garbage
    collector paused meanwhile: a workbook makes hundreds of thousands of small objects).

    ``expect``, when given, is asked inside the transaction whether the plan just made is still the one the user
    saw in the preview; if not, nothing is written and the result is ``outdated`` (its plan the new one)."""
    with collector_paused():
        return _run_import(importer, source, file_name=file_name, dry_run=dry_run, expect=expect)


def _run_import(importer: Importer, source, *, file_name: str, dry_run: bool, expect=None) -> ImportResult:
    result = ImportResult(file_name=file_name or getattr(source, "name", "") or "", dry_run=dry_run)
    try:
        data = read_upload(source)
        result.sha256 = sha256_hex(data)
        sheet = read_sheet(data, importer.schema())
    except SpreadsheetError as exc:
        return _refused(importer, result, exc.message, result.file_name)
    result.problems.extend(sheet.problems)
    if not result.ok:
        return _with_plan(importer, result)
    if dry_run:
        result.plan = importer.plan(sheet, result, lock=False)
        return result
    try:
        with transaction.atomic():
            result.plan = importer.plan(sheet, result, lock=True)
            if not result.ok:
                return result
            if expect is not None and not expect(result):
                raise _Outdated
            if not importer.has_changes(result.plan, result):
                return result
            result.batch = record_batch(importer, result)
            importer.apply(result.plan, result)
    except _Outdated:
        result.outdated = True
        return result
    except (ImportRefused, IntegrityError, *importer.refusals) as exc:
        result.batch = None
        result.created = result.changed = result.unchanged = 0
        return _refused(importer, result, importer.refusal_message(exc))
    return result


def _with_plan(importer: Importer, result: ImportResult) -> ImportResult:
    result.plan = importer.empty_plan(result)
    return result
