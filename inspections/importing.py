"""Import of a findings list (问题清单, SPEC §10) on the kernel's spreadsheet pipeline (``config.excel``).

Codes row ``county_code, county_name, inspection_date, inspection_kind, category, severity, description,
requirement, deadline`` (or the Chinese headings of the 检查整改 sheet). Rows with the same (county, inspection
date, inspection kind) belong to one inspection, created when it does not exist yet; a finding is identified by
its inspection and description, so importing the same file twice changes nothing. A finding already closed is
never changed. The regional office only; all or nothing, like every import.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.access import is_region
from config.errors import PortalError
from config.excel import Column, Importer, ImportResult, Schema, run_import
from config.excel.reader import Sheet
from config.parsing import choice_key, parse_choice, parse_date, parse_text
from counties.models import County

from . import services
from .models import Finding, FindingCategory, FindingStatus, Inspection, InspectionKind, Severity

APP_LABEL, KIND = "inspections", "findings"
MAX_ROWS = 5000

KIND_WORDS = {
    InspectionKind.ADHOC: {"adhoc", "不定期检查", "不定期"},
    InspectionKind.FUNDS: {"funds", "专项资金检查", "资金检查"},
    InspectionKind.ANNUAL: {"annual", "年度考核"},
    InspectionKind.ACCEPTANCE: {"acceptance", "验收"},
}
CATEGORY_WORDS = {
    FindingCategory.MANAGEMENT: {"management", "知识产权管理"},
    FindingCategory.FUNDS: {"funds", "资金使用"},
    FindingCategory.DATA: {"data", "数据质量"},
    FindingCategory.TARGETS: {"targets", "工作目标"},
    FindingCategory.OTHER: {"other", "其他"},
}
SEVERITY_WORDS = {
    Severity.MINOR: {"minor", "一般"},
    Severity.SERIOUS: {"serious", "较重"},
    Severity.SEVERE: {"severe", "严重"},
}
CHANGEABLE = ("category", "severity", "requirement", "deadline")


def _text(max_length: int | None = None, *, multiline: bool = False):
    return lambda raw: parse_text(raw, multiline=multiline, max_length=max_length)


def _county_code(raw) -> str:
    return choice_key(int(raw) if isinstance(raw, float) and raw.is_integer() else raw)


def schema() -> Schema:
    return Schema(
        [
            Column("county_code", gettext_lazy("County code"), frozenset({"县代码"}), _county_code, True),
            Column("county_name", gettext_lazy("County name"), frozenset({"县名称"}), _text(50)),
            Column(
                "inspection_date", gettext_lazy("Inspection date"), frozenset({"检查日期"}), parse_date, True
            ),
            Column(
                "inspection_kind",
                gettext_lazy("Kind of inspection"),
                frozenset({"检查类型"}),
                lambda raw: parse_choice(raw, KIND_WORDS, _("kind of inspection")),
                True,
            ),
            Column(
                "category",
                gettext_lazy("Finding category"),
                frozenset({"问题类别"}),
                lambda raw: parse_choice(raw, CATEGORY_WORDS, _("category")),
                True,
            ),
            Column(
                "severity",
                gettext_lazy("Severity"),
                frozenset({"严重程度"}),
                lambda raw: parse_choice(raw, SEVERITY_WORDS, _("severity")),
            ),
            Column(
                "description",
                gettext_lazy("Problem"),
                frozenset({"问题描述"}),
                _text(2000, multiline=True),
                True,
            ),
            Column(
                "requirement",
                gettext_lazy("Rectification requirement"),
                frozenset({"整改要求"}),
                _text(2000, multiline=True),
            ),
            Column("deadline", gettext_lazy("Deadline"), frozenset({"整改期限"}), parse_date, True),
        ],
        max_data_rows=MAX_ROWS,
    )


@dataclass
class FindingPlan:
    create: list[tuple] = field(default_factory=list)  # (county, inspection key, fields)
    update: list[tuple] = field(default_factory=list)  # (finding, fields)
    preview: list[dict] = field(default_factory=list)  # one line per checked row (``preview_rows``)


class FindingImporter(Importer):
    app_label, kind = APP_LABEL, KIND
    refusals = (PermissionDenied, PortalError)

    preview_headers = (
        gettext_lazy("County"),
        gettext_lazy("Inspection date"),
        gettext_lazy("Kind of inspection"),
        gettext_lazy("Severity"),
        gettext_lazy("Problem"),
        gettext_lazy("Deadline"),
    )

    def preview_rows(self, plan: FindingPlan, result: ImportResult) -> list[dict]:
        return sorted(plan.preview, key=lambda line: line["row"])

    def schema(self) -> Schema:
        return schema()

    def plan(self, sheet: Sheet, result: ImportResult, *, lock: bool) -> FindingPlan:
        plan = FindingPlan()
        result.rows = len(sheet.rows)
        if not is_region(self.user):
            result.refuse(_("Only the regional office may import findings."))
            return plan
        counties = {c.code: c for c in County.objects.all()}
        parsed, seen = [], {}
        for row in sheet.rows:
            code = row.parse("county_code")
            county = counties.get(code)
            if county is None and code:
                row.problem("county_code", _("Unknown county code."))
            fields = {
                "category": row.parse("category"),
                "severity": row.parse("severity") or Severity.MINOR,
                "description": row.parse("description") or "",
                "requirement": row.parse("requirement") or "",
                "deadline": row.parse("deadline"),
            }
            date, kind = row.parse("inspection_date"), row.parse("inspection_kind")
            row.parse("county_name")
            if not row.problems and county is not None:
                if fields["deadline"] < date:
                    row.problem("deadline", _("The deadline is before the inspection date."))
                key = (county.pk, date, kind, fields["description"])
                if key in seen:
                    row.problem(
                        "description",
                        _("The same finding (inspection and description) is already in row %(row)s.")
                        % {"row": seen[key]},
                    )
                seen[key] = row.number
            result.problems.extend(row.problems)
            if not row.problems and county is not None:
                parsed.append((county, (county.pk, date, kind), fields, row))
        self._match(parsed, plan, result, lock=lock)
        result.created, result.changed = len(plan.create), len(plan.update)
        result.unchanged = len(parsed) - result.created - result.changed
        return plan

    def _match(self, parsed, plan: FindingPlan, result: ImportResult, *, lock: bool) -> None:
        if not parsed:
            return
        findings = Finding.objects.filter(
            inspection__county__in={c for c, _k, _f, _r in parsed},
            description__in={f["description"] for _c, _k, f, _r in parsed},
        ).select_related("inspection")
        if lock:
            findings = findings.select_for_update(of=("self",))
        existing = {
            (f.inspection.county_id, f.inspection.date, f.inspection.kind, f.description): f for f in findings
        }
        for county, key, fields, row in parsed:
            finding = existing.get((*key, fields["description"]))
            if finding is None:
                plan.create.append((county, key, fields))
                plan.preview.append(_preview_line(row, "created", county, key, fields))
                continue
            changes = {name: fields[name] for name in CHANGEABLE if getattr(finding, name) != fields[name]}
            if not changes:
                plan.preview.append(_preview_line(row, "unchanged", county, key, fields))
                continue
            if finding.status == FindingStatus.CLOSED:
                row.problem("description", _("This finding is closed: it can no longer be changed."))
                result.problems.extend(row.problems[-1:])
                continue
            plan.update.append((finding, changes))
            plan.preview.append(_preview_line(row, "changed", county, key, fields))

    def apply(self, plan: FindingPlan, result: ImportResult) -> None:
        inspections: dict[tuple, Inspection] = {}
        for county, key, fields in plan.create:
            inspection = inspections.get(key)
            if inspection is None:
                _county_id, date, kind = key
                inspection = Inspection.objects.filter(county=county, date=date, kind=kind).first()
                if inspection is None:
                    inspection = services.create_inspection(
                        user=self.user, county=county, fields={"kind": kind, "date": date}
                    )
                inspections[key] = inspection
            services.create_finding(user=self.user, inspection=inspection, fields=fields)
        for finding, changes in plan.update:
            services.update_finding(user=self.user, finding=finding, fields=changes)


def _preview_line(row, action: str, county, key: tuple, fields: dict) -> dict:
    _county_id, date, kind = key
    description = fields["description"]
    return {
        "row": row.number,
        "action": action,
        "cells": [
            county.name,
            date.isoformat(),
            str(InspectionKind(kind).label),
            str(Severity(fields["severity"]).label),
            description if len(description) <= 80 else description[:79] + "…",
            fields["deadline"].isoformat(),
        ],
    }


def import_findings(user, source, *, file_name: str = "", dry_run: bool = False) -> ImportResult:
    return run_import(FindingImporter(user), source, file_name=file_name, dry_run=dry_run)
