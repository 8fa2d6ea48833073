"""``pilot_summary CODE [--json]``: the pilot summary of one county (SPEC §5, §10), as shown once recorded."""

import json

from django.core.management.base import BaseCommand, CommandError

from counties.cli import OutageMixin
from counties.models import County
from indicators.assessment import summary_for_display, summary_json


class Command(OutageMixin, BaseCommand):
    help = "Print the pilot summary of a county (--json: the SPEC §10 keys)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the county code (GB/T 2260)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, code, **options):
        county = County.objects.select_related("league").filter(code=code).first()
        if county is None:
            raise CommandError(f"no county with code {code!r}")
        summary, recorded = summary_for_display(county)
        if summary is None:
            raise CommandError(f"{county.code} {county.name} is not a pilot county")
        data = summary_json(summary)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        pilot = data["pilot"]
        self.stdout.write(
            f"{county.code} {county.name}  试点 {pilot['start']}–{pilot['end']} 第{pilot['batch']}批"
        )
        for year in data["years"]:
            finality = "" if year["score"] is None else ("正式" if year["final"] else "暂定")
            score = "—" if year["score"] is None else f"{year['score']:.2f}"
            self.stdout.write(f"  {year['year']}  {score:>6}  {year['grade'] or '—'}  {finality}")
        completeness = data["completeness"]
        self.stdout.write(f"  报送完整度 {completeness['approved']}/{completeness['expected']}")
        findings = data["findings"]
        self.stdout.write(
            f"  问题 未销号 {findings['open']} 逾期 {findings['overdue']} 红色 {findings['red']}"
        )
        funds = data["funds"]
        self.stdout.write(
            f"  资金(万元) 下达 {funds['allocated']} 拨付 {funds['disbursed']} 支出 {funds['spent']} "
            f"执行率 {funds['execution_rate'] or '—'}"
        )
        tasks = data["tasks"]
        self.stdout.write(f"  工作任务 {tasks['completed']}/{tasks['total']}")
        acceptance = data["acceptance"]
        if acceptance:
            self.stdout.write(
                f"  验收 {acceptance['conclusion']} {acceptance['by']} {acceptance['at']}：{acceptance['reason']}"
            )
        elif recorded is False:
            self.stdout.write("  验收 未记录")
