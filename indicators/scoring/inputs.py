"""Fingerprints of what a (county, year) score is computed from (``CountyYearScore.inputs_digest``).

A recompute judges only the pairs whose fingerprint differs from the stored one: with nothing changed it costs one
read of the values and a hash per county instead of 21 rules per pair. The fingerprint of (county, Y) covers
everything the rules read for it (``rules.evaluate``):

* the county's typed and derived values of exactly the years the rules read for Y (``years_read``: Y, Y − 1 and
  the cumulative window) and which years up to Y have a report;
* the county's pilot window;
* the year's catalogue: each indicator's rule, target and weight in force for Y, factor, numerator and
  denominator (element codes and the names a reason cites), the grade bands in force for Y;
* the language reasons are written in, and the code and wording of the rules: the source of
  ``indicators/scoring/rules.py`` and ``config/formatting.py`` and every compiled translation
  (``rules_source``), so a deployment that changes any of them judges every pair again once.

``recompute_scores --rewrite-reasons`` ignores fingerprints and formats every reason again.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings

HERE = Path(__file__).resolve().parent
SOURCES = (HERE / "rules.py", HERE.parents[1] / "config" / "formatting.py")


@cache
def rules_source() -> str:
    """The rules' code (``scoring/rules.py`` and the number formatting of reasons) and every compiled translation
    the reasons may use (the project's ``LOCALE_PATHS`` and each app's catalogues), hashed once per process."""
    digest = hashlib.blake2b(digest_size=16)
    for source in SOURCES:
        digest.update(source.read_bytes())
    folders = [Path(path) for path in settings.LOCALE_PATHS]
    folders += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    for folder in folders:
        for catalogue in sorted(folder.glob("*/LC_MESSAGES/django.mo")):
            digest.update(catalogue.read_bytes())
    return digest.hexdigest()


def catalogue_fingerprint(specs, bands) -> bytes:
    """The year's catalogue (indicator specs judged with that year's versions, the year's grade bands)."""
    parts = [rules_source(), settings.LANGUAGE_CODE]
    for spec in specs:
        indicator = spec.indicator
        parts.append(
            repr(
                (
                    spec.pk,
                    indicator.rule,
                    indicator.target,
                    indicator.weight,
                    indicator.factor,
                    spec.numerator,
                    spec.denominator,
                )
            )
        )
    parts.extend(repr((band.pk, band.name, band.min_score)) for band in bands)
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).digest()


def years_read(year: int, reported_years: list[int], window: tuple[int, int] | None) -> list[int]:
    """The years whose values the rules read to judge ``year`` (``rules.evaluate``): the year and the one before
    (``increase``), and the cumulative window — the pilot's years so far, or a non-pilot's reported years."""
    read = {year, year - 1}
    if window is not None:
        read.update(range(window[0], min(year, window[1]) + 1))
    else:
        read.update(y for y in reported_years if y <= year)
    return sorted(read)


def input_digests(pairs, values, reported, pilots, catalogue_by_year: dict[int, bytes]) -> dict:
    """``(county_id, year) → hex digest`` for ``pairs``: exactly what judging that pair reads, so the digest does
    not depend on which other pairs were loaded with it."""
    year_digests: dict[tuple[int, int], bytes] = {}

    def year_digest(county_id: int, year: int) -> bytes:
        key = (county_id, year)
        found = year_digests.get(key)
        if found is None:
            typed = sorted(values.typed.get(key, {}).items())
            derived = sorted(values.derived.get(key, {}).items())
            found = year_digests[key] = hashlib.blake2b(
                repr((year, typed, derived)).encode(), digest_size=16
            ).digest()
        return found

    digests = {}
    for county_id, year in pairs:
        reported_years = [y for y in reported.get(county_id, ()) if y <= year]
        pilot = pilots.get(county_id)
        window = (pilot.start_year, pilot.end_year) if pilot is not None else None
        digest = hashlib.blake2b(repr((county_id, year, window, reported_years)).encode(), digest_size=16)
        for read in years_read(year, reported_years, window):
            digest.update(year_digest(county_id, read))
        digest.update(catalogue_by_year[year])
        digests[(county_id, year)] = digest.hexdigest()
    return digests
