"""Shared pieces of the import commands: the importing user and the file to read."""

from pathlib import Path

from django.core.management.base import CommandError

from .models import User


class ImportCommandMixin:
    """``FILE --user NAME [--dry-run]``, with the user and file checked before anything is read."""

    dry_run_help = "check and show the changes, write nothing"

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
