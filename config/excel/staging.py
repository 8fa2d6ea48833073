"""Uploads waiting between preview and confirmation: one per user, in the private ``"staging"`` storage.

``stage(user, data, preview)`` stores the uploaded bytes and the preview (JSON) as ``<user id>.xlsx`` and
``<user id>.json`` through Django's storage API (so several app servers can share a configured storage), and
replaces the user's previous upload. ``load_preview`` / ``load_data`` read them back (the data only when its
SHA-256 is the one previewed), ``discard(user)`` removes them. They are also removed when the user logs out
(``user_logged_out``) and by the periodic ``sweep_staged_uploads`` task (beat) after ``STAGING_MAX_AGE``.

``StagedUpload(request, session_key, preview_kind)`` is what an import's upload / preview / confirm views use:
stage, read the preview back, hand over the confirmed bytes, discard.
"""

from __future__ import annotations

import datetime
import json
import logging

from celery import shared_task
from django.contrib.auth.signals import user_logged_out
from django.core.files.base import ContentFile
from django.dispatch import receiver
from django.utils import timezone

from config.storage import staging_storage

from .runner import sha256_hex

STAGING_MAX_AGE = datetime.timedelta(hours=24)
SUFFIXES = (".xlsx", ".json")
logger = logging.getLogger(__name__)


def _name(user_id: int, suffix: str) -> str:
    return f"{int(user_id)}{suffix}"


def _replace(name: str, content: bytes) -> None:
    storage = staging_storage()
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    if saved != name:  # pragma: no cover - a concurrent upload of the same user won the race
        storage.delete(saved)


def stage(user, data: bytes, preview: dict) -> None:
    """Keep ``data`` and its ``preview`` for ``user``, replacing any upload staged before."""
    discard(user.pk)
    _replace(_name(user.pk, ".xlsx"), data)
    _replace(_name(user.pk, ".json"), json.dumps(preview, ensure_ascii=False).encode("utf-8"))


def update_preview(user, preview: dict) -> None:
    _replace(_name(user.pk, ".json"), json.dumps(preview, ensure_ascii=False).encode("utf-8"))


def load_preview(user) -> dict | None:
    storage = staging_storage()
    name = _name(user.pk, ".json")
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        return json.loads(handle.read().decode("utf-8"))


def load_data(user, sha256: str) -> bytes | None:
    """The staged bytes when they are the ones previewed (same SHA-256), else ``None``."""
    storage = staging_storage()
    name = _name(user.pk, ".xlsx")
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        data = handle.read()
    return data if sha256_hex(data) == sha256 else None


def discard(user_id: int | None) -> None:
    if user_id is None:
        return
    storage = staging_storage()
    for suffix in SUFFIXES:
        name = _name(user_id, suffix)
        if storage.exists(name):
            storage.delete(name)


def sweep(max_age: datetime.timedelta = STAGING_MAX_AGE) -> int:
    """Delete staged files older than ``max_age``; returns how many were deleted."""
    storage = staging_storage()
    try:
        _dirs, files = storage.listdir("")
    except FileNotFoundError:
        return 0
    oldest = timezone.now() - max_age
    deleted = 0
    for name in files:
        if not name.endswith(SUFFIXES):
            continue
        try:
            modified = storage.get_modified_time(name)
        except (FileNotFoundError, NotImplementedError):
            continue
        if modified < oldest:
            storage.delete(name)
            deleted += 1
    return deleted


@shared_task(name="config.excel.sweep_staged_uploads")
def sweep_staged_uploads() -> int:
    deleted = sweep()
    if deleted:
        logger.info("deleted %s staged upload files older than %s", deleted, STAGING_MAX_AGE)
    return deleted


@receiver(user_logged_out, dispatch_uid="config.excel.staging.discard_on_logout")
def discard_on_logout(sender, request, user, **kwargs):
    if user is not None:
        discard(user.pk)


class StagedUpload:
    """A user's upload between its preview page and its confirmation, as the import views see it: the bytes and
    the preview in this store, the SHA-256 and file name in the session under ``session_key``. ``preview_kind``
    (the preview's ``"kind"``) keeps one import from showing a preview another import staged."""

    def __init__(self, request, session_key: str, preview_kind: str | None = None):
        self.request = request
        self.session_key = session_key
        self.preview_kind = preview_kind

    @property
    def pending(self) -> dict | None:
        return self.request.session.get(self.session_key)

    def stage(self, data: bytes, preview: dict, *, sha256: str, file_name: str) -> None:
        stage(self.request.user, data, preview)
        self.request.session[self.session_key] = {"sha256": sha256, "file_name": file_name}

    def preview(self) -> dict | None:
        """The staged preview, or ``None`` (and the session forgets it) when it is gone or not this upload's."""
        pending = self.pending
        if not pending:
            return None
        found = load_preview(self.request.user)
        if (
            found is None
            or found.get("sha256") != pending["sha256"]
            or (self.preview_kind is not None and found.get("kind") != self.preview_kind)
        ):
            self.request.session.pop(self.session_key, None)
            return None
        return found

    def confirmed(self, posted_sha256: str | None) -> tuple[bytes, str, dict] | None:
        """The previewed bytes, file name and preview when the confirmation names the staged upload; otherwise
        ``None`` (the page then says the preview expired). A confirmation that names another upload (a stale tab)
        leaves the staged one alone."""
        pending = self.pending
        if not pending or posted_sha256 != pending["sha256"]:
            return None
        preview = self.preview()
        data = load_data(self.request.user, pending["sha256"]) if preview is not None else None
        if data is None:
            return None
        return data, pending["file_name"], preview

    def refresh(self, preview: dict) -> None:
        """Show ``preview`` instead (the file was refused on confirmation)."""
        update_preview(self.request.user, preview)

    def discard(self) -> None:
        self.request.session.pop(self.session_key, None)
        discard(self.request.user.pk)
