"""The pilot summary as an Excel workbook (one sheet per part, the numbers as shown on the page)."""

from __future__ import annotations

from decimal import Decimal

from .exporting import YEAR_FORMAT, AuditSheet
from .models import AcceptanceConclusion, ResultStatus


def _n(text):
    return None if text in (None, "") else Decimal(text)


def _status(code: str) -> str:
    return str(ResultStatus(code).label) if code else ""


def summary_sheets(summary: dict, *, recorded: bool) -> list[AuditSheet]:
    county, pilot = summary["county"], summary["pilot"]
    years = [y["year"] for y in summary["years"]]
    acceptance = summary.get("acceptance")
    head = [
        ["县代码", county["code"]],
        ["县名称", county["name"]],
        ["盟市", county["league"]],
        ["试点期", f"{pilot['start']}–{pilot['end']}"],
        ["批次", pilot["batch"]],
        ["报送完整度", f"{summary['completeness']['approved']}/{summary['completeness']['expected']}"],
        ["问题（未销号/逾期/红色）", "{open}/{overdue}/{red}".format(**summary["findings"])],
        ["资金下达(万元)", _n(summary["funds"]["allocated"])],
        ["资金拨付(万元)", _n(summary["funds"]["disbursed"])],
        ["资金支出(万元)", _n(summary["funds"]["spent"])],
        ["执行率", _n(summary["funds"]["execution_rate"])],
        ["配套比例", _n(summary["funds"]["matching_ratio"])],
        ["工作任务（完成/总数）", f"{summary['tasks']['completed']}/{summary['tasks']['total']}"],
        ["生成时间", summary.get("generated_at", "")],
        ["验收结论", str(AcceptanceConclusion(acceptance["conclusion"]).label) if acceptance else "未验收"],
    ]
    if acceptance:
        head += [
            ["验收理由", acceptance["reason"]],
            ["记录人", acceptance["by"]],
            ["记录时间", acceptance["at"]],
        ]
    if recorded:
        head.append(["说明", "以下为验收时记录的总结"])
    for source, amount in summary["funds"].get("allocated_by_source", {}).items():
        head.append([f"下达(万元)·{source}", _n(amount)])
    scores = AuditSheet(
        "年度得分",
        ["年度", "得分", "等级", "正式/暂定", "达标数", "考核指标数", "培训人次"],
        [
            [
                y["year"],
                _n(y["score"]),
                y["grade"],
                ("正式" if y["final"] else "暂定") if y["score"] is not None else "",
                y["met"],
                y["scored"],
                _n(t["headcount"]),
            ]
            for y, t in zip(summary["years"], summary["training"], strict=False)
        ],
        number_formats={"年度": YEAR_FORMAT, "得分": "0.00"},
    )
    matrix = AuditSheet(
        "指标状态",
        ["指标代码", "指标名称", *[str(y) for y in years]],
        [
            [row["code"], row["name"], *[_status(s["status"]) for s in row["statuses"]]]
            for row in summary["indicators"]
        ],
        widths={"指标名称": 28},
    )
    cumulative = AuditSheet(
        "累计指标",
        ["指标代码", "指标名称", "累计", "目标", "差距", "剩余年度", "每年还需"],
        [
            [
                c["code"],
                c["name"],
                _n(c["total"]),
                _n(c["target"]),
                _n(c["shortfall"]),
                "、".join(str(y) for y in c["remaining_years"]),
                _n(c["needed_per_year"]),
            ]
            for c in summary["cumulative"]
        ],
    )
    return [AuditSheet("试点总结", ["项目", "内容"], head, widths={0: 24, 1: 40}), scores, matrix, cumulative]
