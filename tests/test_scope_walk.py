"""Walk every URL of the portal as a user of another county (and of another league).

A user of one county or league never sees, exports or changes another's data (SPEC §1). The data of
土默特左旗 (150121) carries marker strings; the intruders are staff of 托克托县 (150122, same league) and of
包头市 (150200, another league). Every route is listed below: a new route without a case fails the test.
"""

import datetime
import hashlib
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from counties.models import Notification
from funding.models import FundEntry, FundEvidence
from indicators.models import (
    AnnualReport,
    DataValue,
    GradeBand,
    ImportBatch,
    ReportStatus,
    TaskEvidence,
    TaskProgress,
    WorkTask,
)
from inspections.models import Finding, Inspection, RectificationEvidence
from tests import factories
from training.models import EventAudience, EventEvidence, EventKind, TrainingEvent

pytestmark = pytest.mark.django_db

VICTIM = "150121"
MARKER = "机密培训XJ7"
MARKER_PLACE = "机密地点QZ9"
VICTIM_POPULATION = 987654

# Routes that show no county data at all (checked only for not failing).
PUBLIC_OR_GENERIC = {
    "home",
    "healthz",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",  # by e-mail, only when EMAIL_URL is set (tests/config/test_security.py)
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    None,  # favicon
    "indicators:catalogue",
    "indicators:acceptance_rule_edit",  # programme-wide rules, the regional office only (tests/assessment)
    "indicators:help",
    "training:event_template",
    "training:attendee_template",
    "indicators:import",
    "indicators:import_preview",
    "indicators:import_confirm",
    "indicators:import_cancel",
    "funding:gate_settings",
    "counties:notifications_read_all",  # POST only; marks the user's own notifications read
    "funding:import",
    "funding:import_preview",
    "funding:import_confirm",
    "funding:import_cancel",
    # The preview, confirm and cancel steps of the kernel's import pages (config.excel.pages): the user's own
    # staged upload; the upload pages themselves are in LIST_ROUTES, the attendee list's in OBJECT_ROUTES.
    "indicators:task_import_preview",
    "indicators:task_import_confirm",
    "indicators:task_import_cancel",
    "training:event_import_preview",
    "training:event_import_confirm",
    "training:event_import_cancel",
    "inspections:finding_import_preview",
    "inspections:finding_import_confirm",
    "inspections:finding_import_cancel",
}

# Routes of one object of the victim county: (route name → kwargs builder), all must answer 403/404.
OBJECT_ROUTES = {
    "counties:detail": lambda d: {"code": VICTIM},
    "counties:pilot_edit": lambda d: {"code": VICTIM},
    "indicators:report_detail": lambda d: {"code": VICTIM, "year": 2024},
    "indicators:report_entry": lambda d: {"code": VICTIM, "year": 2024},
    "indicators:report_submit": lambda d: {"code": VICTIM, "year": 2024},
    "indicators:report_withdraw": lambda d: {"code": VICTIM, "year": 2024},
    "indicators:report_review": lambda d: {"code": VICTIM, "year": 2024},
    "indicators:report_approve": lambda d: {"code": VICTIM, "year": 2024},
    "indicators:report_return": lambda d: {"code": VICTIM, "year": 2024},
    "indicators:report_reopen": lambda d: {"code": VICTIM, "year": 2024},
    "indicators:county_dashboard": lambda d: {"code": VICTIM},
    "indicators:pilot_summary": lambda d: {"code": VICTIM},
    "indicators:record_acceptance": lambda d: {"code": VICTIM},
    "indicators:explain": lambda d: {"code": VICTIM, "year": 2024, "indicator": "training_headcount"},
    "indicators:import_batch": lambda d: {"pk": d["batch"].pk},
    "indicators:indicator_edit": lambda d: {"code": "training_headcount"},
    "indicators:grade_band_edit": lambda d: {"pk": GradeBand.objects.first().pk},
    "training:event_detail": lambda d: {"pk": d["event"].pk},
    "training:event_update": lambda d: {"pk": d["event"].pk},
    "training:event_delete": lambda d: {"pk": d["event"].pk},
    "training:evidence_upload": lambda d: {"pk": d["event"].pk},
    "training:attendee_import": lambda d: {"pk": d["event"].pk},
    "training:attendee_import_preview": lambda d: {"pk": d["event"].pk},
    "training:attendee_import_confirm": lambda d: {"pk": d["event"].pk},
    "training:attendee_import_cancel": lambda d: {"pk": d["event"].pk},
    "training:evidence_download": lambda d: {"pk": d["evidence"].pk},
    "training:evidence_delete": lambda d: {"pk": d["evidence"].pk},
    "funding:ledger": lambda d: {"code": VICTIM},
    "funding:entry_create": lambda d: {"code": VICTIM},
    "funding:entry_detail": lambda d: {"pk": d["fund_entry"].pk},
    "funding:entry_update": lambda d: {"pk": d["fund_entry"].pk},
    "funding:entry_delete": lambda d: {"pk": d["fund_entry"].pk},
    "funding:evidence_upload": lambda d: {"pk": d["fund_entry"].pk},
    "funding:evidence_download": lambda d: {"pk": d["fund_evidence"].pk},
    "funding:evidence_delete": lambda d: {"pk": d["fund_evidence"].pk},
    "inspections:inspection_detail": lambda d: {"pk": d["inspection"].pk},
    "inspections:inspection_update": lambda d: {"pk": d["inspection"].pk},
    "inspections:inspection_file_upload": lambda d: {"pk": d["inspection"].pk},
    "inspections:inspection_finding_add": lambda d: {"pk": d["inspection"].pk},
    "inspections:inspection_file_download": lambda d: {"pk": d["inspection_file"].pk},
    "inspections:finding_detail": lambda d: {"pk": d["finding"].pk},
    "inspections:finding_update": lambda d: {"pk": d["finding"].pk},
    "inspections:finding_answer": lambda d: {"pk": d["finding"].pk},
    "inspections:finding_step": lambda d: {"pk": d["finding"].pk},
    "inspections:evidence_download": lambda d: {"pk": d["rectification_evidence"].pk},
    "counties:notification_open": lambda d: {"pk": d["notification"].pk},
    "indicators:task_edit": lambda d: {"code": VICTIM, "year": 2024},
    "indicators:task_detail": lambda d: {"code": VICTIM, "year": 2024, "task": "navigation"},
    "indicators:task_evidence_upload": lambda d: {"code": VICTIM, "year": 2024, "task": "navigation"},
    "indicators:task_evidence_download": lambda d: {"pk": d["task_evidence"].pk},
    "indicators:task_evidence_delete": lambda d: {"pk": d["task_evidence"].pk},
}

# List, dashboard and export routes: asked for the victim's data by every filter they take; the answer must
# not contain it.
LIST_ROUTES = {
    "counties:list": {"q": "土默特左旗"},
    "counties:designate": {},
    "indicators:review_queue": {},
    "indicators:completeness": {"league": "150100"},
    "indicators:dashboard": {"year": 2024},
    "indicators:league_dashboard": {"year": 2024},
    "indicators:score_status": {"county": VICTIM},
    "indicators:template": {"year": 2024, "league": "150100", "county": VICTIM},
    "indicators:exports": {},
    "indicators:export_audit": {"year": 2024},
    "indicators:export_results": {"year": 2024, "county": VICTIM},
    "indicators:export_summary": {"year": 2024, "league": "150100"},
    "training:event_list": {"county": VICTIM, "year": 2024},
    "training:event_create": {"county": VICTIM},
    "training:progress": {"year": 2024, "scope": "all", "league": "150100"},
    "training:event_import": {},
    "funding:overview": {"league": "150100", "scope": "all", "year": 2024},
    "inspections:inspection_list": {"county": VICTIM},
    "inspections:inspection_create": {"county": VICTIM},
    "inspections:finding_list": {"county": VICTIM, "status": ""},
    "inspections:finding_create": {"county": VICTIM},
    "inspections:finding_import": {},
    "counties:notifications": {},
    "indicators:deadlines": {},
    "funding:template": {"county": VICTIM},
    "indicators:task_matrix": {"year": 2024, "league": "150100"},
    "indicators:task_template": {"year": 2024, "league": "150100"},
    "indicators:task_import": {},
}


def _routes():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name

    return list(walk(get_resolver().url_patterns))


@pytest.fixture
def victim_data(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    county = factories.county(VICTIM)
    factories.PilotFactory(county=county)
    owner = factories.county_user(VICTIM, username="victim_owner")
    report = factories.ReportFactory(county=county, year=2024, status=ReportStatus.SUBMITTED)
    factories.set_values(report, population=VICTIM_POPULATION, invention_patents_held=4321)
    event = TrainingEvent.objects.create(
        county=county,
        date=datetime.date(2024, 4, 26),
        kind=EventKind.TRAINING,
        title=MARKER,
        place=MARKER_PLACE,
    )
    EventAudience.objects.create(event=event, category="enterprise", headcount=77)
    pdf = b"%PDF-1.4\n" + MARKER.encode() + b"\n%%EOF\n"
    evidence = EventEvidence(
        event=event,
        original_name=f"{MARKER}.pdf",
        content_type="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        uploaded_by=owner,
    )
    evidence.file.save("evidence.pdf", ContentFile(pdf), save=False)
    evidence.save()
    for kind, amount, category in (
        ("allocation", 100, ""),
        ("disbursement", 50, ""),
        ("expenditure", 9, "other"),
    ):
        FundEntry.objects.create(
            county=county,
            kind=kind,
            source="regional",
            date=datetime.date(2024, 5, 1),
            amount=amount,
            doc_no=f"{MARKER}-{kind}",
            category=category,
            description=MARKER_PLACE,
        )
    fund_entry = FundEntry.objects.get(kind="expenditure")
    fund_evidence = FundEvidence(
        entry=fund_entry,
        original_name=f"{MARKER}.pdf",
        content_type="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        uploaded_by=owner,
    )
    fund_evidence.file.save("voucher.pdf", ContentFile(pdf), save=False)
    fund_evidence.save()
    progress = TaskProgress.objects.create(
        report=report, task=WorkTask.objects.get(code="navigation"), status="underway", progress=MARKER
    )
    task_evidence = TaskEvidence(
        progress=progress,
        original_name=f"{MARKER}.pdf",
        content_type="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        uploaded_by=owner,
    )
    task_evidence.file.save("task.pdf", ContentFile(pdf), save=False)
    task_evidence.save()
    batch = ImportBatch.objects.create(user=owner, file_name=f"{MARKER}.xlsx", sha256="0" * 64, rows=1)
    from indicators.scoring import recompute

    recompute([(county.pk, 2024)])
    inspection, finding, inspection_file, rectification_evidence = _inspection_data(county, owner)
    return {
        "report": report,
        "event": event,
        "evidence": evidence,
        "batch": batch,
        "fund_entry": fund_entry,
        "fund_evidence": fund_evidence,
        "inspection": inspection,
        "finding": finding,
        "inspection_file": inspection_file,
        "rectification_evidence": rectification_evidence,
        "notification": owner.notifications.get(),
        "task_evidence": task_evidence,
    }


def _inspection_data(county, owner):
    """An inspection of the victim with a finding the victim answered (and so was notified of)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inspections import services

    pdf = b"%PDF-1.4\n" + MARKER.encode() + b"\n%%EOF\n"
    inspector = factories.region_user(username="walk_inspector")
    inspection = services.create_inspection(
        user=inspector,
        county=county,
        fields={"kind": "funds", "date": datetime.date(2024, 5, 1), "scope": MARKER_PLACE},
        files=[SimpleUploadedFile(f"{MARKER}-report.pdf", pdf)],
    )
    finding = services.create_finding(
        user=inspector,
        inspection=inspection,
        fields={"category": "funds", "description": MARKER, "deadline": datetime.date(2024, 8, 1)},
    )
    services.answer_finding(
        user=owner, finding=finding, text=MARKER, files=[SimpleUploadedFile(f"{MARKER}.pdf", pdf)]
    )
    finding.refresh_from_db()
    return inspection, finding, inspection.files.get(), finding.evidence.get()


def _snapshot():
    return (
        sorted(AnnualReport.objects.values_list("county__code", "year", "status", "version")),
        sorted(DataValue.objects.values_list("report_id", "element_id", "value")),
        sorted(TrainingEvent.objects.values_list("pk", "title", "date")),
        EventEvidence.objects.count(),
        sorted(TaskProgress.objects.values_list("pk", "status", "progress")),
        TaskEvidence.objects.count(),
        sorted(GradeBand.objects.values_list("name", "min_score")),
        sorted(FundEntry.objects.values_list("pk", "amount", "doc_no")),
        FundEvidence.objects.count(),
        sorted(Finding.objects.values_list("pk", "status", "version", "description", "deadline")),
        sorted(Inspection.objects.values_list("pk", "scope", "conclusion")),
        RectificationEvidence.objects.count(),
        sorted(Notification.objects.filter(user__username="victim_owner").values_list("pk", "read_at")),
    )


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK\x03\x04"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True)
        except zipfile.BadZipFile:
            return content.decode("latin-1")
        cells = []
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells.extend(str(value) for value in row if value is not None)
        return "\n".join(cells)
    return content.decode("utf-8", errors="replace")


def test_every_route_is_classified():
    unclassified = set(_routes()) - PUBLIC_OR_GENERIC - set(OBJECT_ROUTES) - set(LIST_ROUTES)
    assert unclassified == set(), "add the new routes to this walk"


@pytest.mark.parametrize("intruder_kind", ["same_league_county", "other_league", "other_league_county"])
def test_another_countys_or_leagues_user_never_sees_or_changes_the_data(
    client_for, victim_data, intruder_kind
):
    intruder = {
        "same_league_county": lambda: factories.county_user("150122", username="intruder1"),
        "other_league": lambda: factories.league_user("150200", username="intruder2"),
        "other_league_county": lambda: factories.county_user("150222", username="intruder3"),
    }[intruder_kind]()
    client = client_for(intruder)
    before = _snapshot()

    for name, kwargs in OBJECT_ROUTES.items():
        url = reverse(name, kwargs=kwargs(victim_data))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404, 405), (
                f"{method.upper()} {name} → {response.status_code}"
            )

    for name, params in LIST_ROUTES.items():
        url = reverse(name)
        response = client.get(url, params)
        if response.status_code == 200:
            text = _text(response)
            for secret in (MARKER, MARKER_PLACE, f"{VICTIM_POPULATION}", "987,654"):
                assert secret not in text, f"GET {name} shows {secret}"
        else:
            assert response.status_code in (302, 403, 404), f"GET {name} → {response.status_code}"
        response = client.post(url, params)
        assert response.status_code in (200, 302, 400, 403, 404, 405), f"POST {name} → {response.status_code}"

    assert _snapshot() == before


def test_the_victims_own_user_does_see_the_data(client_for, victim_data):
    """The walk above would pass vacuously if the markers never showed up: they do, for the owner."""
    owner = factories.UserFactory(username="victim_owner")
    client = client_for(owner)
    assert MARKER in _text(client.get(reverse("training:event_list"), {"year": 2024}))
    assert (
        client.get(
            reverse("training:evidence_download", kwargs={"pk": victim_data["evidence"].pk})
        ).status_code
        == 200
    )
    detail = client.get(reverse("indicators:report_detail", kwargs={"code": VICTIM, "year": 2024}))
    assert detail.status_code == 200
    assert "987" in detail.content.decode()
    assert MARKER in _text(client.get(reverse("inspections:finding_list"), {"status": ""}))
    assert MARKER in _text(client.get(reverse("counties:notifications")))
    assert MARKER in _text(
        client.get(
            reverse("inspections:evidence_download", kwargs={"pk": victim_data["rectification_evidence"].pk})
        )
    )
    task = client.get(
        reverse("indicators:task_detail", kwargs={"code": VICTIM, "year": 2024, "task": "navigation"})
    )
    assert MARKER in task.content.decode()


@pytest.mark.parametrize("role", ["county_staff", "league_staff", "region_staff", "auditor"])
def test_every_page_answers_every_role_without_a_server_error(client_for, victim_data, role):
    user = {
        "county_staff": lambda: factories.UserFactory(username="victim_owner"),
        "league_staff": lambda: factories.league_user("150100", username="league_walk"),
        "region_staff": lambda: factories.region_user(username="region_walk"),
        "auditor": lambda: factories.auditor_user(username="auditor_walk"),
    }[role]()
    client = client_for(user)
    answered = {}
    for name, kwargs in OBJECT_ROUTES.items():
        answered[name] = client.get(reverse(name, kwargs=kwargs(victim_data))).status_code
    for name, params in LIST_ROUTES.items():
        answered[name] = client.get(reverse(name), params).status_code
    assert all(code < 500 for code in answered.values()), answered
    readable = {
        "counties:detail",
        "indicators:report_detail",
        "indicators:county_dashboard",
        "indicators:pilot_summary",
        "indicators:explain",
        "training:event_detail",
        "funding:ledger",
        "funding:entry_detail",
        "inspections:inspection_detail",
        "inspections:finding_detail",
        "inspections:finding_list",
        "indicators:task_detail",
    }
    assert all(answered[name] == 200 for name in readable), answered
