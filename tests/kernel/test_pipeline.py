"""The pipeline's runner, writer and upload plumbing: rollback, round trips, exports, 413, staging."""

import io
import os
import time
from unittest import mock

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from config.excel import ImportRefused, staging
from config.middleware import RequestSizeGuardMiddleware
from counties.models import County
from indicators import importing as indicators_importing
from indicators.exporting import write_template
from indicators.importing import import_workbook
from indicators.models import AnnualReport, DataValue, ImportBatch
from tests.indicators.excel_support import row, upload, workbook_bytes
from tests.training.test_importing import GOOD_ROWS
from tests.training.test_importing import workbook_bytes as event_bytes
from training import importing as training_importing
from training.models import TrainingEvent

pytestmark = pytest.mark.django_db


# -- apply: all or nothing ------------------------------------------------------------------------------


def test_a_late_failure_of_the_annual_data_apply_rolls_everything_back(county_staff):
    with mock.patch.object(
        indicators_importing, "request_score_recompute", side_effect=ImportRefused("后来失败")
    ):
        result = import_workbook(workbook_bytes([row()]), "a.xlsx", county_staff)
    assert not result.ok and not result.landed and result.plan.problems[0].message == "后来失败"
    assert not (DataValue.objects.exists() or AnnualReport.objects.exists() or ImportBatch.objects.exists())
    assert not DataValue.history.exists()


def test_a_late_failure_of_the_event_apply_rolls_everything_back(county_staff):
    with mock.patch.object(
        training_importing, "request_score_recompute", side_effect=ImportRefused("后来失败")
    ):
        result = training_importing.import_events(county_staff, event_bytes(GOOD_ROWS))
    assert [p.message for p in result.problems] == ["后来失败"]
    assert (result.created, result.changed) == (0, 0)
    assert not TrainingEvent.objects.exists() and not ImportBatch.objects.exists()


def test_batches_record_app_and_kind_as_labels(county_staff):
    import_workbook(workbook_bytes([row()]), "a.xlsx", county_staff)
    training_importing.import_events(county_staff, event_bytes(GOOD_ROWS))
    assert set(ImportBatch.objects.values_list("app", "kind")) == {
        ("indicators", "annual_data"),
        ("training", "events"),
    }


def test_a_dry_run_of_events_counts_and_writes_nothing(county_staff):
    result = training_importing.import_events(county_staff, event_bytes(GOOD_ROWS), dry_run=True)
    assert result.ok and (result.created, result.dry_run) == (2, True)
    assert not TrainingEvent.objects.exists() and not ImportBatch.objects.exists()


# -- the writer and the template ------------------------------------------------------------------------


def test_the_template_round_trips_a_county_name_starting_with_equals(county_staff):
    County.objects.filter(code="150121").update(name="=土默特左旗")
    buffer = io.BytesIO()
    write_template(County.objects.filter(code="150121"), 2024, buffer)
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = workbook.worksheets[0]
    assert sheet["B3"].value == "'=土默特左旗" and sheet["B3"].data_type == "s"
    sheet["D3"] = 385000
    filled = io.BytesIO()
    workbook.save(filled)
    result = import_workbook(filled.getvalue(), "template.xlsx", county_staff)
    assert result.landed, [str(p) for p in result.problems]


def test_exports_succeed_with_control_characters_in_stored_text(auditor, client_for, event_factory, tmp_path):
    event_factory(title="培训\x1b标题\x0b", place="会议室\x01", notes="=1+1\x07")
    response = client_for(auditor).get(reverse("indicators:export_audit"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [c for r in workbook["培训"].iter_rows(values_only=True) for c in r]
    assert "培训标题" in values and "会议室" in values
    out = tmp_path / "audit.xlsx"
    call_command("export_audit", str(out))
    assert out.stat().st_size > 0


# -- the request-size guard -----------------------------------------------------------------------------


@override_settings(MAX_UPLOAD_MB=1)
def test_a_declared_oversized_body_gets_413_before_it_is_read():
    request = RequestFactory().post("/any/", data=b"x", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(600 * 1024 * 1024)
    request._stream = mock.Mock(read=mock.Mock(side_effect=AssertionError("body read")))
    response = RequestSizeGuardMiddleware(lambda r: pytest.fail("view reached"))(request)
    assert response.status_code == 413 and "1 MB" in response.content.decode()


def chunked_request(size: int):
    """A multipart POST as a de-chunking WSGI server hands it over: no Content-Length, terminated input."""
    template = RequestFactory().post("/any/", {"file": upload(b"PK\x03\x04" + os.urandom(size))})
    raw = template.environ["wsgi.input"].read()
    environ = dict(template.environ, **{"wsgi.input": io.BytesIO(raw), "wsgi.input_terminated": True})
    environ.pop("CONTENT_LENGTH")
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    return WSGIRequest(environ)


@override_settings(MAX_UPLOAD_MB=1)
def test_a_chunked_body_is_cut_off_past_the_limit():
    request = chunked_request(3 * 1024 * 1024)
    response = RequestSizeGuardMiddleware(lambda r: pytest.fail("view reached"))(request)
    assert response.status_code == 413
    assert request.environ["wsgi.input"].tell() <= 1024 * 1024 + 64 * 1024 + 1


@override_settings(MAX_UPLOAD_MB=1)
def test_a_chunked_body_within_the_limit_is_read():
    request = chunked_request(100 * 1024)
    response = RequestSizeGuardMiddleware(lambda r: HttpResponse(str(r.FILES["file"].size)))(request)
    assert response.content == str(100 * 1024 + 4).encode()


@override_settings(MAX_UPLOAD_MB=1)
def test_the_upload_pages_answer_413(client_for, county_staff, event_factory):
    big = upload(b"PK\x03\x04" + b"\0" * 2 * 1024 * 1024)
    client = client_for(county_staff)
    event = event_factory()
    for url in (
        reverse("indicators:import"),
        reverse("training:event_import"),
        reverse("training:attendee_import", args=[event.pk]),
        reverse("training:evidence_upload", args=[event.pk]),
    ):
        big.seek(0)
        assert client.post(url, {"file": big}).status_code == 413, url


# -- staging --------------------------------------------------------------------------------------------


def test_staged_uploads_are_private_one_per_user_and_swept(county_staff, region, private_staging):
    staging.stage(county_staff, b"first", {"sha256": "a"})
    staging.stage(county_staff, b"second", {"sha256": "b"})
    staging.stage(region, b"other", {"sha256": "c"})
    files = sorted(p.name for p in private_staging.iterdir())
    assert files == sorted(
        [f"{county_staff.pk}.xlsx", f"{county_staff.pk}.json", f"{region.pk}.xlsx", f"{region.pk}.json"]
    )
    assert private_staging.stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in private_staging.iterdir()} == {0o600}
    assert staging.load_preview(county_staff) == {"sha256": "b"}
    old = time.time() - 25 * 3600
    for suffix in (".xlsx", ".json"):
        os.utime(private_staging / f"{region.pk}{suffix}", (old, old))
    assert staging.sweep_staged_uploads() == 2
    assert staging.load_preview(region) is None and staging.load_preview(county_staff) is not None


def test_logging_out_discards_the_staged_upload(client_for, county_staff, private_staging):
    client = client_for(county_staff)
    client.post(reverse("indicators:import"), {"file": upload(workbook_bytes([row()]))})
    assert staging.load_preview(county_staff) is not None
    client.post(reverse("logout"))
    assert list(private_staging.iterdir()) == []
