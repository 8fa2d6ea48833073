"""The kernel's evidence service (``config.evidence``) on real and fake files: content sniffing, size cap, SHA-256,
neutral storage names, and deletion of stored files only when the transaction commits."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from config.evidence import (
    EvidenceRefused,
    attach_evidence,
    check_upload,
    delete_evidence_files,
    neutral_name,
)
from tests import factories
from training.models import EventEvidence

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("签到表.pdf", PDF, "application/pdf"),
        ("photo.JPEG", JPG, "image/jpeg"),
        ("photo.png", PNG, "image/png"),
        ("名单.xlsx", None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_real_files_are_accepted_with_their_hash(name, data, content_type):
    data = data if data is not None else xlsx_bytes()
    checked = check_upload(SimpleUploadedFile(f"C:\\Users\\x\\{name}", data))
    assert (checked.content_type, checked.sha256, checked.size) == (
        content_type,
        hashlib.sha256(data).hexdigest(),
        len(data),
    )
    assert checked.original_name == name
    stored = neutral_name(checked)
    assert stored.startswith(checked.sha256[:16]) and name.rsplit(".", 1)[0] not in stored


@pytest.mark.parametrize(
    "name, data",
    [
        ("签到表.pdf", b"MZ\x90\x00 an executable"),
        ("photo.png", JPG),
        ("sheet.xlsx", b"PK\x03\x04 not a workbook"),
        ("script.exe", PDF),
        ("noextension", PDF),
        ("empty.pdf", b""),
    ],
)
def test_fake_or_wrong_files_are_refused(name, data):
    with pytest.raises(EvidenceRefused):
        check_upload(SimpleUploadedFile(name, data))


def test_the_size_cap_is_checked_before_and_while_reading(settings):
    settings.MAX_UPLOAD_MB = 1
    with pytest.raises(EvidenceRefused, match="1 MB"):
        check_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024)))


@pytest.mark.django_db
def test_attach_stores_under_a_neutral_name_and_deletion_waits_for_the_commit(
    django_capture_on_commit_callbacks,
):
    user = factories.county_user()
    event = factories.make_event()
    evidence = attach_evidence(
        model=EventEvidence, user=user, uploaded=SimpleUploadedFile("张三的签到表.pdf", PDF), event=event
    )
    name = evidence.file.name
    assert "张三" not in name and evidence.file.storage.exists(name)
    assert (evidence.original_name, evidence.uploaded_by, evidence.sha256) == (
        "张三的签到表.pdf",
        user,
        hashlib.sha256(PDF).hexdigest(),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delete_evidence_files([name], evidence.file.storage)
    assert evidence.file.storage.exists(name)  # not before the commit (a rollback keeps the file)
    for callback in callbacks:
        callback()
    assert not evidence.file.storage.exists(name)
