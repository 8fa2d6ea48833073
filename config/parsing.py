"""Strict reading of what people type or paste (SPEC §3 "Tolerant is not lax"), shared by forms and imports.

Tolerant: full-width characters (１２３, ，), surrounding spaces, thousands separators that group by three
(``1,234``, ``1 234 567``), 是/否/Y/N/1/0 for yes-no, dates written 2024-04-26 / 2024年4月26日 or Excel dates.

Not lax — each of these raises ``ValueParseError`` with a message in the user's language, never a guess:
a separator that does not group by three (``1,05``, ``12,34,5``), digits of another script (``١٢٣``), a value
finer than what is stored (``0.00001`` where 4 decimals are kept), text with control characters.

* ``parse_number(raw, whole=..., places=4)``, ``parse_boolean(raw)``, ``parse_date(raw)``,
  ``parse_choice(raw, words, what)``, ``parse_text(raw, multiline=..., max_length=...)``;
* ``clean_text(value, multiline=...)``: the forgiving cleaner of forms (control characters removed);
* ``strip_illegal(value)``: what every writer uses so that no stored text can break an export.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

YES_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓", "t"}
NO_WORDS = {"否", "无", "n", "no", "false", "0", "×", "✗", "f"}
STORED_PLACES = 4
MAX_NUMBER = Decimal("1e15")
EXCERPT_CHARS = 100

# Control characters: C0 (but tab, line feed, carriage return), DEL, C1, and the non-characters XML refuses.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\t\n\u2028\u2029]")
_ASCII_NUMBER = re.compile(
    r"^\+?(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?$", re.ASCII
)
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$", re.ASCII)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


class ValueParseError(ValueError):
    """A value that cannot be read; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def excerpt(value, limit: int = EXCERPT_CHARS) -> str:
    """``value`` as short, printable text for a message: control characters shown as �, at most ``limit``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _CONTROL.sub("\ufffd", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not unicodedata.normalize("NFKC", raw).strip())


def normalise_text(raw) -> str:
    """Full-width to half-width (NFKC) and no surrounding spaces; inner spaces kept."""
    return unicodedata.normalize("NFKC", str(raw)).strip()


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    if _CONTROL.search(text):
        return True
    return not multiline and bool(re.search(r"[\r\n\t]", text))


def strip_illegal(text: str) -> str:
    """``text`` without the characters an xlsx (XML 1.0) cannot hold; other text passes unchanged."""
    return _CONTROL.sub("", text)


def clean_text(value: str, *, multiline: bool = False) -> str:
    """The forms' cleaner: control characters removed, line breaks kept only in multi-line text."""
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    else:
        value = _LINE_BREAKS.sub(" ", value)
    return _CONTROL.sub("", value)


def parse_text(raw, *, multiline: bool = False, max_length: int | None = None) -> str:
    """Text of a cell, stripped; control characters (and line breaks unless ``multiline``) are refused."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = unicodedata.normalize("NFC", str(raw)).strip()
    if multiline:
        text = text.replace("\r\n", "\n")
    if has_control_characters(text, multiline=multiline):
        raise ValueParseError(
            _("The text contains control characters (such as line breaks or invisible codes); remove them.")
        )
    if max_length is not None and len(text) > max_length:
        raise ValueParseError(_("At most %(max)s characters.") % {"max": max_length})
    return text


def _other_script_digits(text: str) -> bool:
    return any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text)


def _number_from_text(raw: str, *, whole: bool) -> Decimal:
    text = unicodedata.normalize("NFKC", raw).strip()
    shown = {"value": excerpt(raw)}
    if _other_script_digits(text):
        raise ValueParseError(
            _("“%(value)s” contains digits of another script; type the digits 0–9.") % shown
        )
    if text.endswith("%"):
        if whole:
            raise ValueParseError(_("“%(value)s” is a percentage, but a count is expected.") % shown)
        text = text[:-1].rstrip()
    negative = text.startswith("-")
    body = text[1:].lstrip() if negative else text
    match = _ASCII_NUMBER.match(body)
    if match is None:
        if re.fullmatch(r"\+?[0-9][0-9, ]*(\.[0-9]+)?", body, re.ASCII):
            raise ValueParseError(
                _("“%(value)s”: the thousands separators must group the digits by three (1,234,567).") % shown
            )
        raise ValueParseError(_("“%(value)s” is not a number.") % shown)
    if negative:
        raise ValueParseError(_("“%(value)s” is negative; it must be 0 or more.") % shown)
    digits = match.group("int").replace(",", "").replace(" ", "")
    frac = match.group("frac")
    try:
        return Decimal(f"{digits}.{frac}" if frac else digits)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only plain digits
        raise ValueParseError(_("“%(value)s” is not a number.") % shown) from exc


def parse_number(raw, *, whole: bool, places: int = STORED_PLACES) -> Decimal | None:
    """A non-negative number; ``whole`` requires a whole number (counts); at most ``places`` decimals."""
    if is_blank(raw):
        return None
    shown = {"value": excerpt(raw)}
    if isinstance(raw, bool):
        raise ValueParseError(_("“%(value)s” is not a number.") % shown)
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    else:
        number = _number_from_text(str(raw), whole=whole)
    if not number.is_finite():
        raise ValueParseError(_("“%(value)s” is not a number.") % shown)
    if number < 0:
        raise ValueParseError(_("“%(value)s” is negative; it must be 0 or more.") % shown)
    if whole and number != number.to_integral_value():
        raise ValueParseError(_("“%(value)s” must be a whole number.") % shown)
    if number >= MAX_NUMBER:
        raise ValueParseError(_("“%(value)s” is too large.") % shown)
    if whole:
        return number.to_integral_value()
    if number != 0 and number.normalize().as_tuple().exponent < -places:
        raise ValueParseError(
            _("“%(value)s” has more than %(places)s decimal places, finer than what is stored.")
            % {**shown, "places": places}
        )
    return number.quantize(Decimal(1).scaleb(-places))


def parse_boolean(raw) -> Decimal | None:
    """Yes/no as 1/0; ``None`` when blank."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return Decimal(1) if raw else Decimal(0)
    if isinstance(raw, int | float | Decimal) and raw in (0, 1):
        return Decimal(int(raw))
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(raw))).lower()
    if text in YES_WORDS or text == "1.0":
        return Decimal(1)
    if text in NO_WORDS or text == "0.0":
        return Decimal(0)
    raise ValueParseError(_("“%(value)s” is not a yes/no answer: enter 是 or 否.") % {"value": excerpt(raw)})


def parse_date(raw) -> datetime.date:
    """A date from a date cell, an Excel serial number or text like 2024-04-26 / 2024年4月26日."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 20000 <= raw <= 80000:
        return _EXCEL_EPOCH + datetime.timedelta(days=int(raw))
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(raw)))
    match = _DATE_TEXT.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueParseError(_("“%(value)s” is not a date: write it as 2024-04-26.") % {"value": excerpt(raw)})


def choice_key(raw) -> str:
    """What a choice or a heading is compared by: NFKC, no spaces, lower case."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", "" if raw is None else str(raw))).lower()


def parse_choice(raw, words: dict, what: str):
    """The value whose accepted words (``{value: {word, …}}``) include ``raw``."""
    key = choice_key(raw)
    for value, accepted in words.items():
        if key in accepted:
            return value
    choices = "、".join(sorted(w for accepted in words.values() for w in accepted if not w.isascii()))
    raise ValueParseError(
        _("“%(value)s” is not a valid %(what)s; use one of: %(choices)s.")
        % {"value": excerpt(raw), "what": what, "choices": choices}
    )
