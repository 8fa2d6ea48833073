"""Evidence files: accepted by content (magic bytes), size-capped, stored with their SHA-256 hash."""

import hashlib
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from config.evidence import EvidenceRefused
from indicators.models import ReportStatus
from indicators.services import ReportLocked
from tests import factories
from training import services
from training.models import EventEvidence

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def xlsx_bytes():
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["姓名", "单位"])
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("签到表.pdf", PDF, "application/pdf"),
        ("现场.PNG", PNG, "image/png"),
        ("照片.jpeg", JPG, "image/jpeg"),
    ],
)
def test_real_files_are_stored_with_their_hash(
    county_staff, event_factory, media_root, name, data, content_type
):
    event = event_factory()
    evidence = services.add_evidence(county_staff, event, SimpleUploadedFile(name, data), "sign_in")
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.content_type == content_type and evidence.size == len(data)
    assert evidence.original_name == name
    assert evidence.file.path.startswith(str(media_root))
    assert name not in evidence.file.name  # stored under a neutral name
    with evidence.file.open("rb") as handle:
        assert handle.read() == data


def test_an_xlsx_sign_in_sheet_is_accepted(county_staff, event_factory):
    evidence = services.add_evidence(
        county_staff, event_factory(), SimpleUploadedFile("签到.xlsx", xlsx_bytes())
    )
    assert evidence.content_type.endswith("spreadsheetml.sheet")


@pytest.mark.parametrize(
    "name, data",
    [
        ("签到表.pdf", b"MZ\x90\x00 this is an exe"),  # bad magic bytes behind a .pdf name
        ("photo.png", JPG),  # a JPEG named .png
        ("sheet.xlsx", b"PK\x03\x04 not really a workbook"),
        ("script.exe", PDF),  # wrong type even with PDF content
        ("notes.txt", b"hello"),
        ("noextension", PDF),
        ("empty.pdf", b""),
    ],
)
def test_wrong_or_fake_files_are_refused(county_staff, event_factory, name, data):
    with pytest.raises(EvidenceRefused):
        services.add_evidence(county_staff, event_factory(), SimpleUploadedFile(name, data))
    assert not EventEvidence.objects.exists()


def test_oversized_files_are_refused(county_staff, event_factory, settings):
    settings.MAX_UPLOAD_MB = 1
    data = PDF + b"0" * (1024 * 1024)
    with pytest.raises(EvidenceRefused) as exc:
        services.add_evidence(county_staff, event_factory(), SimpleUploadedFile("big.pdf", data))
    assert "1 MB" in exc.value.message
    assert not EventEvidence.objects.exists()


def test_locked_year_refuses_evidence(county_staff, event_factory):
    event = event_factory()
    factories.ReportFactory(county=event.county, year=event.year, status=ReportStatus.APPROVED)
    with pytest.raises(ReportLocked):
        services.add_evidence(county_staff, event, SimpleUploadedFile("a.pdf", PDF))


def test_upload_download_and_remove_through_the_pages(
    client_for, county_staff, league_staff, event_factory, django_capture_on_commit_callbacks
):
    event = event_factory()
    client = client_for(county_staff)
    response = client.post(
        reverse("training:evidence_upload", args=[event.pk]),
        {"kind": "photo", "file": SimpleUploadedFile("fake.jpg", b"GIF89a...")},
        follow=True,
    )
    assert not EventEvidence.objects.exists()
    assert response.context["messages"]
    client.post(
        reverse("training:evidence_upload", args=[event.pk]),
        {"kind": "sign_in", "file": SimpleUploadedFile("签到表.pdf", PDF)},
    )
    evidence = EventEvidence.objects.get()
    download = client_for(league_staff).get(reverse("training:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    path = evidence.file.path
    assert os.path.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("training:evidence_delete", args=[evidence.pk]))
    assert not EventEvidence.objects.exists()
    assert EventEvidence.history.filter(id=evidence.pk, history_type="-").exists()
    assert not os.path.exists(path)


def test_evidence_is_stored_privately_and_macro_workbooks_are_refused(
    county_staff, event_factory, media_root
):
    from tests import hostile

    event = event_factory()
    evidence = services.add_evidence(county_staff, event, SimpleUploadedFile("签到表.pdf", PDF))
    path = media_root / evidence.file.name
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    for data in (hostile.macro_part("attendees"), hostile.macro_content_type("attendees")):
        with pytest.raises(EvidenceRefused):
            services.add_evidence(county_staff, event, SimpleUploadedFile("名单.xlsx", data))
    assert EventEvidence.objects.count() == 1
