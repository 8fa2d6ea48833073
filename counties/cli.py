"""Shared pieces of the management commands: outages as one clear line; for imports the importing user, the
file to read, and the run on the pipeline."""

from pathlib import Path

from django.core.management.base import CommandError
from django.db import Error as DatabaseError

from config.errors import PortalError
from config.excel import Importer, ImportResult, run_import

from .models import User


def _reason(exc: BaseException) -> str:
    """The first line of an exception's message (drivers add hints and context on further lines)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import KombuError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return KombuError, RedisConnectionError, RedisTimeoutError


class OutageMixin:
    """Turn a refusal (``PortalError``: its message), a database or a broker failure into one ``CommandError``
    line (exit status 1), not a traceback.

    ``outage_note`` says what the failure means for the command's work (e.g. an all-or-nothing import wrote
    nothing); the default says only that the command stopped.
    """

    outage_note = "the command stopped"

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except PortalError as exc:
            raise CommandError(exc.message) from exc
        except DatabaseError as exc:
            raise CommandError(f"database error ({_reason(exc)}); {self.outage_note}") from exc
        except _broker_errors() as exc:
            raise CommandError(f"broker error ({_reason(exc)}); {self.outage_note}") from exc


class ImportCommandMixin(OutageMixin):
    """``FILE --user NAME [--dry-run]``, with the user and file checked before anything is read.

    ``run_import_command(importer, file, dry_run=...)`` runs the same pipeline as the web page
    (``config.excel.run_import``) and, when the file is refused, lists every problem (row, column, value,
    why) on stderr and exits non-zero.
    """

    dry_run_help = "check and show the changes, write nothing"
    outage_note = "nothing was imported (all or nothing): run it again when the database is back"

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--user", required=True, help="the user importing (scope, history)")
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)

    def importing_user(self, username: str) -> User:
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"no active user named {username!r}") from exc

    def existing_file(self, file: str) -> Path:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        return path

    def run_import_command(self, importer: Importer, file: str, *, dry_run: bool = False) -> ImportResult:
        path = self.existing_file(file)
        with path.open("rb") as handle:
            result = run_import(importer, handle, file_name=path.name, dry_run=dry_run)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.problems.omitted:
                self.stderr.write(f"… and {result.problems.omitted} more")
            raise CommandError(f"{file}: refused, {result.problems.total} problem(s); nothing was imported")
        return result

    def report_outcome(self, result: ImportResult, summary: str, *, dry_run: bool) -> None:
        """One last line: a dry run's counts, the batch that landed, or that the file changes nothing."""
        if dry_run:
            self.stdout.write(self.style.WARNING(f"dry run, nothing written: {summary}"))
        elif result.landed:
            self.stdout.write(self.style.SUCCESS(f"import #{result.batch.pk} landed: {summary}"))
        else:
            self.stdout.write(f"the file matches what is stored; nothing changed ({summary})")
