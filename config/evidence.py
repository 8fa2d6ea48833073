"""Evidence files (佐证材料): one service for every app that keeps them (training sign-in sheets, expenditure
vouchers, rectification reports, task evidence).

* ``check_upload(uploaded)``: reads at most ``MAX_UPLOAD_MB``, refuses empty files, accepts PDF, JPG, PNG and XLSX
  by content (magic bytes; an xlsx passes the spreadsheet safety checks, and a macro-enabled workbook is refused),
  never by the name alone; returns a ``CheckedFile`` with its SHA-256.
* ``EvidenceFile``: an abstract model with the stored file and its facts; an app subclasses it and adds the
  foreign key to what the evidence belongs to.
* ``attach_evidence(model=, user=, uploaded=, upload_to=, **fields)``: stores the file under a neutral name
  (hash prefix + random suffix, never the user's file name) through the model field's storage (private file
  mode from ``FILE_UPLOAD_PERMISSIONS``), saves the row, and removes the file again if the row cannot be saved.
* ``delete_evidence_files(names, storage)``: removes stored files when — and only if — the transaction commits.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import InvalidInput
from .spreadsheets import SpreadsheetError, check_xlsx_bytes

ZIP_MAGIC = b"PK\x03\x04"

# Extension → (content type, check of the content).
EVIDENCE_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class EvidenceRefused(InvalidInput):
    """An uploaded evidence file that is not accepted; ``message`` says why."""


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str

    @property
    def size(self) -> int:
        return len(self.data)


def max_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def _too_large() -> EvidenceRefused:
    return EvidenceRefused(_("The file is larger than %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_MB})


def _is_xlsx(data: bytes) -> bool:
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        check_xlsx_bytes(data)
    except SpreadsheetError:
        return False
    return b"vbaProject" not in data and b"macroEnabled" not in data


CONTENT_CHECKS = {
    "pdf": lambda data: data.startswith(b"%PDF-"),
    "jpg": lambda data: data.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda data: data.startswith(b"\xff\xd8\xff"),
    "png": lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"),
    "xlsx": _is_xlsx,
}


def detect_type(data: bytes, extension: str) -> str:
    """The content type of ``data`` if it really is what ``extension`` claims, else ``EvidenceRefused``."""
    extension = extension.lower()
    if extension not in EVIDENCE_TYPES:
        raise EvidenceRefused(_("Only PDF, JPG, PNG and XLSX files are accepted."))
    if not CONTENT_CHECKS[extension](data):
        raise EvidenceRefused(
            _("The file's content is not a real %(type)s file although its name ends in .%(ext)s.")
            % {"type": extension.upper(), "ext": extension}
        )
    return EVIDENCE_TYPES[extension]


def check_upload(uploaded) -> CheckedFile:
    """Read and check an uploaded file (Django ``UploadedFile`` or any object with ``name`` and ``read``)."""
    name = (getattr(uploaded, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    limit = max_bytes()
    size = getattr(uploaded, "size", None)
    if size is not None and size > limit:
        raise _too_large()
    data = uploaded.read(limit + 1)
    if len(data) > limit:
        raise _too_large()
    if not data:
        raise EvidenceRefused(_("The file is empty."))
    content_type = detect_type(data, extension)
    extension = "jpg" if extension == "jpeg" else extension
    cleaned_name = "".join(ch for ch in name if ch.isprintable())[-255:] or f"evidence.{extension}"
    return CheckedFile(data, content_type, extension, hashlib.sha256(data).hexdigest(), cleaned_name)


def neutral_name(checked: CheckedFile) -> str:
    """A storage name that reveals nothing of the user's file name and never collides."""
    return f"{checked.sha256[:16]}-{uuid.uuid4().hex[:8]}.{checked.extension}"


class EvidenceFile(models.Model):
    """What every evidence file records; subclasses add the foreign key and ``upload_to`` of ``file``."""

    file = models.FileField(gettext_lazy("file"), max_length=300)
    original_name = models.CharField(gettext_lazy("file name"), max_length=255)
    content_type = models.CharField(gettext_lazy("file type"), max_length=100)
    size = models.PositiveIntegerField(gettext_lazy("size"))
    sha256 = models.CharField(gettext_lazy("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("uploaded by"),
    )
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


def attach_evidence(*, model: type[EvidenceFile], user, uploaded, **fields) -> EvidenceFile:
    """Check ``uploaded`` and store it as a new ``model`` row with ``fields`` (its owner's foreign key, kind…).

    Call inside the service's transaction, after its own permission and lock checks.
    """
    checked = uploaded if isinstance(uploaded, CheckedFile) else check_upload(uploaded)
    evidence = model(
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        **fields,
    )
    evidence.file.save(neutral_name(checked), ContentFile(checked.data), save=False)
    stored = evidence.file.name
    try:
        if hasattr(evidence, "history"):
            evidence._history_user = user
        evidence.save()
    except Exception:
        evidence.file.storage.delete(stored)
        raise
    return evidence


def delete_evidence_files(names, storage) -> None:
    """Remove stored files once the transaction that deleted their rows commits (never on rollback)."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def evidence_response(evidence: EvidenceFile) -> FileResponse:
    """Send a stored evidence file as a download under its original name (404 if the file is gone); the
    caller has already fetched ``evidence`` through the scoping module."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
