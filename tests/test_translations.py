"""The UI speaks Chinese: every message catalogue is complete and its compiled .mo matches the .po."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(p for p in ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def test_there_are_catalogues_for_the_project_and_apps():
    names = {p.parts[-5] for p in CATALOGUES}
    assert {"config", "counties"} <= names


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_fully_translated(po_path):
    po = polib.pofile(str(po_path))
    assert po.untranslated_entries() == [], [e.msgid for e in po.untranslated_entries()]
    assert po.fuzzy_entries() == [], [e.msgid for e in po.fuzzy_entries()]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_compiled_catalogue_is_up_to_date(po_path):
    po = polib.pofile(str(po_path))
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"run `make messages` to compile {po_path}"
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural) for e in polib.mofile(str(mo_path))}
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled, f"{entry.msgid!r} is not compiled: run `make messages`"


def test_the_same_english_text_reads_the_same_in_chinese_across_apps():
    """Django merges the catalogues, so one msgid must have one translation (use pgettext to distinguish)."""
    seen: dict[tuple, dict[str, str]] = {}
    for po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)).translated_entries():
            text = entry.msgstr or entry.msgstr_plural.get(0, "")
            seen.setdefault((entry.msgctxt, entry.msgid), {})[po_path.parts[-5]] = text
    conflicts = {key[1]: apps for key, apps in seen.items() if len(set(apps.values())) > 1}
    assert conflicts == {}
