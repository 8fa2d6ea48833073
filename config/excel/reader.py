"""Reading a sheet against declared columns: ``read_sheet(data, schema) -> Sheet``.

* ``Column(code, label, aliases, parser, required)``: one declared column. The header row is the first row
  whose first cell is the first column's code (the template's codes row); failing that, its label or an alias
  (a hand-made sheet with Chinese headings). ``refused`` declares a known column that may not be imported.
* ``Schema(columns, ...)``: the columns, whether unknown columns are refused (``strict``), which columns do not
  make a row non-blank (``ignore_for_blank``), the data-row cap and the ``Limits``.
* ``Sheet``: the header mapping, the data rows (``SheetRow``: Excel row number, raw cells by code, column
  letters; ``row.parse(code)`` runs the column's parser and records a ``Problem`` on failure) and the problems
  found while reading (formula cells, unknown or missing columns).

Only the active sheet is read, and only when it is visible; formula cells are refused whether or not they
carry a cached value (the workbook is read with ``data_only=False``); text cells are unescaped
(``'=…`` → ``=…``) and longer than ``max_cell_chars`` refuse the file; rows are read with ``max_col`` from the
declared columns (plus a margin) and ``max_row`` from the limits, never trusting the sheet's own dimension.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from config.parsing import ValueParseError, choice_key, is_blank

from .cells import unescape_cell
from .limits import Limits, SpreadsheetError, check_archive, damaged
from .problems import Problem, ProblemList

EXTRA_COLUMNS = 20
HEADER_SEARCH_ROWS = 100
MISSING = object()


@dataclass(frozen=True)
class Column:
    """A declared column: ``parser(raw) -> value`` raises ``ValueParseError``; ``required`` column and value."""

    code: str
    label: str = ""
    aliases: frozenset[str] | Iterable[str] = frozenset()
    parser: Callable[[Any], Any] | None = None
    required: bool = False
    refused: str = ""

    def names(self) -> set[str]:
        return {choice_key(name) for name in (self.code, str(self.label), *self.aliases) if name}


@dataclass
class Schema:
    columns: list[Column]
    strict: bool = False
    ignore_for_blank: frozenset[str] = frozenset()
    max_data_rows: int = 5000
    limits: Limits = field(default_factory=Limits)

    def column(self, code: str) -> Column | None:
        return self._by_code.get(code)

    def __post_init__(self):
        self._by_code = {column.code: column for column in self.columns}

    @property
    def max_col(self) -> int:
        return min(self.limits.max_columns, len(self.columns) + EXTRA_COLUMNS)


@dataclass
class SheetRow:
    """One data row: its Excel row number, raw cells by column code and their column letters."""

    number: int
    cells: dict[str, Any]
    letters: dict[str, str]
    schema: Schema | None = None
    problems: list[Problem] = field(default_factory=list)

    def raw(self, code: str):
        return self.cells.get(code)

    def problem(self, code: str, message: str, raw=MISSING) -> None:
        value = self.cells.get(code) if raw is MISSING else raw
        self.problems.append(Problem.at(self.number, self.letters.get(code, ""), code, value, message))

    def parse(self, code: str, parser: Callable[[Any], Any] | None = None):
        """The cell parsed by ``parser`` (default: the column's); ``None`` and a problem when it fails."""
        column = self.schema.column(code) if self.schema else None
        raw = self.cells.get(code)
        if is_blank(raw):
            if column is not None and column.required:
                self.problem(code, _("This value is required."))
            return None
        parser = parser or (column.parser if column else None)
        if parser is None:
            return raw
        try:
            return parser(raw)
        except ValueParseError as exc:
            self.problem(code, exc.message)
            return None


@dataclass
class Sheet:
    header_row: int | None = None
    mapping: dict[str, int] = field(default_factory=dict)
    rows: list[SheetRow] = field(default_factory=list)
    problems: ProblemList = field(default_factory=ProblemList)

    @property
    def columns(self) -> list[str]:
        return list(self.mapping)


def open_workbook(data: bytes, limits: Limits | None = None):
    """Check ``data`` (``check_archive``) and open it read-only, formulas kept. Raises ``SpreadsheetError``."""
    from openpyxl import load_workbook

    check_archive(data, limits)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except SpreadsheetError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
        raise damaged() from exc


def active_sheet(workbook):
    """The active sheet, refused unless it is a visible worksheet."""
    try:
        sheet = workbook.active
    except (IndexError, KeyError) as exc:
        raise SpreadsheetError(_("The workbook has no sheet.")) from exc
    if sheet is None or not hasattr(sheet, "iter_rows"):
        raise SpreadsheetError(_("The workbook has no sheet."))
    if getattr(sheet, "sheet_state", "visible") != "visible":
        raise SpreadsheetError(
            _(
                "The active sheet “%(sheet)s” is hidden: show it, or make the sheet with the data the active "
                "one, save and try again."
            )
            % {"sheet": str(sheet.title)[:40]}
        )
    return sheet


def read_sheet(data: bytes, schema: Schema) -> Sheet:
    """Read the active sheet of ``data`` against ``schema``. Raises ``SpreadsheetError`` for refused files."""
    workbook = open_workbook(data, schema.limits)
    try:
        return _read(active_sheet(workbook), schema)
    except SpreadsheetError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl parses sheets lazily and raises many types
        raise damaged() from exc
    finally:
        workbook.close()


def _cell_values(sheet, schema: Schema, problems: ProblemList):
    """Rows of values: formulas recorded as problems, text unescaped, over-long text refused."""
    limit = schema.limits.max_cell_chars
    for number, cells in enumerate(
        sheet.iter_rows(min_row=1, max_row=schema.limits.max_rows, max_col=schema.max_col), start=1
    ):
        values = []
        for index, cell in enumerate(cells):
            value = cell.value
            if value is None:
                values.append(None)
                continue
            where = f"{get_column_letter(index + 1)}{number}"
            if cell.data_type == "f":
                problems.append(
                    Problem(
                        number,
                        get_column_letter(index + 1),
                        "",
                        "",
                        _("Cell %(cell)s holds a formula; paste its values only (Paste Special → Values).")
                        % {"cell": where},
                    )
                )
                value = None
            elif isinstance(value, str):
                if len(value) > limit:
                    raise SpreadsheetError(
                        _("Cell %(cell)s holds more than %(max)s characters; this is not a normal data file.")
                        % {"cell": where, "max": f"{limit:,}"}
                    )
                value = unescape_cell(value)
            values.append(value)
        yield number, values


def _find_header(buffered: list[tuple[int, list]], schema: Schema) -> tuple[int, list] | None:
    first = schema.columns[0]
    wanted_code = {choice_key(first.code)}
    wanted_label = first.names() - wanted_code
    for wanted in (wanted_code, wanted_label):
        for number, values in buffered:
            if values and choice_key(values[0]) in wanted:
                return number, values
    return None


def _header_problem(column: Column | None, seen: dict[str, str], schema: Schema) -> str | None:
    """Why a header cell is refused; ``""`` to skip it silently, ``None`` to map it."""
    if column is None:
        return _("Unknown column: use the codes row of the downloaded template.") if schema.strict else ""
    if column.code in seen:
        if not schema.strict:
            return ""
        return _("The column appears twice (also in column %(other)s).") % {"other": seen[column.code]}
    return column.refused or None


def _map_header(number: int, values: list, schema: Schema, sheet: Sheet) -> None:
    names = {}
    for column in schema.columns:
        for name in column.names():
            names.setdefault(name, column)
    seen: dict[str, str] = {}
    for index, raw in enumerate(values):
        if is_blank(raw):
            continue
        letter = get_column_letter(index + 1)
        column = names.get(choice_key(raw))
        problem = _header_problem(column, seen, schema)
        if problem:
            text = str(raw).strip()
            sheet.problems.append(Problem.at(number, letter, column.code if column else text, text, problem))
        elif problem is None:
            seen[column.code] = letter
            sheet.mapping[column.code] = index
    for column in schema.columns:
        if column.required and column.code not in sheet.mapping:
            sheet.problems.append(
                Problem(
                    number,
                    "",
                    column.code,
                    "",
                    _("The header row has no column “%(label)s” (%(code)s).")
                    % {"label": column.label or column.code, "code": column.code},
                )
            )


def _row_is_blank(cells: dict[str, Any], schema: Schema) -> bool:
    return all(is_blank(raw) for code, raw in cells.items() if code not in schema.ignore_for_blank)


def _read(worksheet, schema: Schema) -> Sheet:
    sheet = Sheet()
    buffered: list[tuple[int, list]] = []
    rows = _cell_values(worksheet, schema, sheet.problems)
    for number, values in rows:
        buffered.append((number, values))
        if number >= HEADER_SEARCH_ROWS:
            break
    found = _find_header(buffered, schema)
    if found is None:
        first = schema.columns[0]
        sheet.problems.append(
            Problem(
                None,
                "",
                first.code,
                "",
                _(
                    "No header row found: the first cell of one row must be “%(code)s” (or its heading "
                    "“%(label)s”). Download the template and keep its header rows."
                )
                % {"code": first.code, "label": first.label or first.code},
            )
        )
        return sheet
    sheet.header_row, header = found
    _map_header(sheet.header_row, header, schema, sheet)
    letters = {code: get_column_letter(index + 1) for code, index in sheet.mapping.items()}
    following = (item for item in buffered if item[0] > sheet.header_row)
    for number, values in _chain(following, rows):
        cells = {
            code: values[index] if index < len(values) else None for code, index in sheet.mapping.items()
        }
        if _row_is_blank(cells, schema):
            continue
        if len(sheet.rows) >= schema.max_data_rows:
            raise SpreadsheetError(
                _("The sheet has more than %(max)s data rows; split it into several files.")
                % {"max": f"{schema.max_data_rows:,}"}
            )
        sheet.rows.append(SheetRow(number, cells, letters, schema))
    return sheet


def _chain(first, second):
    yield from first
    yield from second
