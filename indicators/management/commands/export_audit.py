"""``export_audit OUT.xlsx [--year Y] [--user NAME]``: the auditor workbook, as the export page builds it."""

from django.core.management.base import BaseCommand, CommandError

from counties.cli import OutageMixin
from counties.models import Role, User
from indicators.exporting import write_audit_workbook


class Command(OutageMixin, BaseCommand):
    help = "Write the auditor workbook (封面, 汇总, 指标明细, 原始数据, the sheets other apps contribute, 变更记录, 审核记录, 目标调整)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="path of the .xlsx file to write")
        parser.add_argument("--year", type=int)
        parser.add_argument(
            "--user", help="export what this user may see (default: everything, as an auditor)"
        )

    def handle(self, *args, out, year=None, user=None, **options):
        if user:
            try:
                reader = User.objects.get(username=user, is_active=True)
            except User.DoesNotExist as exc:
                raise CommandError(f"no active user named {user!r}") from exc
        else:
            reader = User(username="export_audit", role=Role.AUDITOR, is_active=True)
        write_audit_workbook(reader, out, year=year)
        self.stdout.write(self.style.SUCCESS(f"{out}: auditor workbook{f' for {year}' if year else ''}"))
