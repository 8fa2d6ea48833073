"""Cell values on the way out and back in: formula escaping that round-trips, and text any xlsx can hold.

* ``escape_cell``: the one escaper of every export — text starting with ``=``, ``+``, ``-``, ``@``, tab, CR or
  NUL gets a leading single quote, so no formula runs when the file is opened; characters an xlsx cannot hold
  (control characters) are dropped, so no stored text can make the writer fail.
* ``unescape_cell``: what the reader applies to every text cell — ``'=…`` written by ``escape_cell`` is read
  back as ``=…``, so the app's own template re-imports unchanged.
"""

from __future__ import annotations

from config.parsing import strip_illegal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\x00")


def escape_cell(value):
    """Neutralise text that a spreadsheet would run as a formula; other values pass unchanged."""
    if isinstance(value, str):
        if value.startswith(FORMULA_PREFIXES):
            value = "'" + value
        return strip_illegal(value)
    return value


def unescape_cell(value):
    """Undo ``escape_cell`` on text read back from a workbook (``'=x`` → ``=x``)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value
