"""Demo inspections and findings: every colour, some answered, some closed (idempotent: an inspection is keyed
by county, date and kind, a finding by its inspection and description)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from counties.demo import BATCH_1, BATCH_2, DEMO_COUNTY
from counties.models import County, User

from . import services
from .models import Finding, FindingStatus, Inspection, InspectionKind

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# (days from today to the deadline, category, severity, description, requirement, what happens next)
DEMO_FINDINGS = [
    (40, "management", "minor", "知识产权工作领导小组会议记录不全", "补齐近两年会议记录并建立归档制度", ""),
    (5, "data", "minor", "年度数据中专利质押融资金额缺少佐证", "补充银行质押登记材料", ""),
    (-12, "funds", "serious", "专项资金未单独建账核算", "建立专项资金台账，按项目核算", ""),
    (-45, "funds", "severe", "部分专项资金用于与知识产权无关的支出", "追回违规支出并报送整改报告", ""),
    (10, "targets", "serious", "高价值发明专利培育进度滞后", "制定培育计划并按季度报告进展", "answer"),
    (-20, "other", "minor", "宣传周活动未留存影像资料", "今后活动留存照片、签到表", "close"),
]


def _inspection(county, region, kind, date, **fields):
    existing = Inspection.objects.filter(county=county, kind=kind, date=date).first()
    if existing:
        return existing
    return services.create_inspection(
        user=region, county=county, fields={"kind": kind, "date": date, **fields}
    )


def _finding(inspection, region, deadline, category, severity, description, requirement):
    existing = Finding.objects.filter(inspection=inspection, description=description).first()
    if existing:
        return existing
    return services.create_finding(
        user=region,
        inspection=inspection,
        fields={
            "category": category,
            "severity": severity,
            "description": description,
            "requirement": requirement,
            "deadline": deadline,
        },
    )


def seed(stdout):
    region = User.objects.filter(username="region").first()
    county_user = User.objects.filter(username="county").first()
    if region is None or county_user is None:
        return
    today = timezone.localdate()
    demo = County.objects.get(code=DEMO_COUNTY)
    inspection = _inspection(
        demo,
        region,
        InspectionKind.FUNDS,
        today - datetime.timedelta(days=90),
        inspectors="自治区知识产权局督导组：王明、李华",
        scope="2024—2025年度自治区专项资金使用情况",
        conclusion="资金使用总体规范，存在专账核算不到位等问题，限期整改。",
    )
    for days, category, severity, description, requirement, then in DEMO_FINDINGS:
        finding = _finding(
            inspection,
            region,
            today + datetime.timedelta(days=days),
            category,
            severity,
            description,
            requirement,
        )
        if then and finding.status == FindingStatus.OPEN:
            services.answer_finding(
                user=county_user,
                finding=finding,
                text="已按要求完成整改，相关材料见附件。",
                files=[SimpleUploadedFile("整改报告.pdf", PDF)],
            )
            if then == "close":
                finding.refresh_from_db()
                services.close_finding(user=region, finding=finding, comment="经核实，整改到位，予以销号。")
    others = [code for code in BATCH_1 + BATCH_2 if code != DEMO_COUNTY]
    for index, code in enumerate(others):
        county = County.objects.get(code=code)
        annual = _inspection(
            county,
            region,
            InspectionKind.ANNUAL if index % 2 else InspectionKind.ADHOC,
            today - datetime.timedelta(days=60 + index),
            inspectors="自治区知识产权局督导组",
            scope="试点工作推进情况",
            conclusion="总体推进有序。",
        )
        days, category, severity, description, requirement, _then = DEMO_FINDINGS[index % 4]
        _finding(
            annual,
            region,
            today + datetime.timedelta(days=days),
            category,
            severity,
            description,
            requirement,
        )
    result = services.escalate_findings(today=today)
    counts = ", ".join(f"{colour or '—'} {n}" for colour, n in sorted(result.counts.items()))
    stdout.write(f"Inspections: {Inspection.objects.count()}, findings not closed by colour: {counts}")
