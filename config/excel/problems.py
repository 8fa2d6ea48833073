"""The one problem type and the one result type of every import.

* ``Problem(row, column, field, value, message)``: an Excel row (``None`` for the whole file), a column letter,
  the column's code, an excerpt of the cell (at most 100 characters, control characters shown as �) and why.
* ``ProblemList``: keeps the first ``MAX_PROBLEMS`` (200) and counts the rest (``omitted``), so that what is
  stored and shown is bounded by the file's row count, never by its bytes.
* ``ImportResult``: what a run did or would do — rows read, created/changed/unchanged counts, app-specific
  counts, the app's plan (for the preview), the problems, the ``ImportBatch`` when it landed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from config.parsing import excerpt

MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """Why a file is refused: an Excel row (1-based; ``None`` for the whole file), column, value and reason."""

    row: int | None
    column: str
    field: str
    value: str
    message: str

    @classmethod
    def at(cls, row: int | None, column: str, field: str, raw, message: str) -> Problem:
        return cls(row, column, field, excerpt(raw), str(message))

    @classmethod
    def whole_file(cls, message: str, value: str = "") -> Problem:
        return cls(None, "", "", excerpt(value), str(message))

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        if self.field:
            where.append(self.field)
        place = " ".join(where) or _("file")
        value = f" “{self.value}”" if self.value != "" else ""
        return f"{place}{value}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }


class ProblemList(list):
    """A list of problems that keeps the first ``limit`` and counts the others in ``omitted``."""

    def __init__(self, items=(), *, limit: int = MAX_PROBLEMS):
        super().__init__()
        self.limit = limit
        self.omitted = 0
        self.extend(items)

    def append(self, problem: Problem) -> None:
        if len(self) < self.limit:
            super().append(problem)
        else:
            self.omitted += 1

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)
        self.omitted += getattr(problems, "omitted", 0)

    @property
    def total(self) -> int:
        return len(self) + self.omitted

    def as_dicts(self) -> list[dict]:
        return [problem.as_dict() for problem in self]


@dataclass
class ImportResult:
    """What one run of an importer did (or, for a dry run or a refusal, would do)."""

    file_name: str = ""
    sha256: str = ""
    rows: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    problems: ProblemList = field(default_factory=ProblemList)
    plan: Any = None
    batch: Any = None
    dry_run: bool = False
    #: True when the import was not landed because its plan no longer matched the preview the user confirmed.
    outdated: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.problems.omitted

    @property
    def landed(self) -> bool:
        return self.batch is not None

    def refuse(self, message: str, value: str = "") -> ImportResult:
        self.problems.append(Problem.whole_file(message, value))
        return self
