"""Fingerprints of what a (county, year) score is computed from (``CountyYearScore.inputs_digest``).

A recompute judges only the pairs whose fingerprint differs from the stored one: with nothing changed it costs one
read of the values and a hash per county instead of 21 rules per pair. The fingerprint of (county, Y) covers
everything the rules read for it (``scoring.evaluate``):

* the county's typed and derived values of every year up to Y, and which of those years have a report (a
  cumulative total sums earlier years, ``increase`` reads Y − 1, a non-pilot sums its reported years);
* the county's pilot window;
* the year's catalogue: each indicator's rule, target and weight in force for Y, factor, numerator and
  denominator (element codes and the names a reason cites), the grade bands in force for Y;
* the language reasons are written in and ``RULES_REVISION``.

Bump ``RULES_REVISION`` when a change to the rules' code changes what they produce for the same inputs; after a
change of the translations run ``recompute_scores --rewrite-reasons`` (which ignores fingerprints).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from django.conf import settings

RULES_REVISION = "2026-11-28"


def catalogue_fingerprint(specs, bands) -> bytes:
    """The year's catalogue (indicator specs judged with that year's versions, the year's grade bands)."""
    parts = [RULES_REVISION, settings.LANGUAGE_CODE]
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


def input_digests(pairs, values, reported, pilots, catalogue_by_year: dict[int, bytes]) -> dict:
    """``(county_id, year) → hex digest`` for ``pairs``, hashing each county's years once, in order."""
    wanted = defaultdict(set)
    for county_id, year in pairs:
        wanted[county_id].add(year)
    years_of = defaultdict(set)
    for county_id, year in (*values.typed, *values.derived):
        if county_id in wanted:
            years_of[county_id].add(year)
    digests = {}
    for county_id, targets in wanted.items():
        reported_years = set(reported.get(county_id, ()))
        pilot = pilots.get(county_id)
        window = (pilot.start_year, pilot.end_year) if pilot is not None else None
        running = hashlib.blake2b(repr((county_id, window)).encode(), digest_size=16)
        last = max(targets)
        years = sorted(y for y in years_of[county_id] | reported_years | targets if y <= last)
        for year in years:
            typed = sorted(values.typed.get((county_id, year), {}).items())
            derived = sorted(values.derived.get((county_id, year), {}).items())
            running.update(repr((year, year in reported_years, typed, derived)).encode())
            if year in targets:
                final = running.copy()
                final.update(catalogue_by_year[year])
                digests[(county_id, year)] = final.hexdigest()
    return digests
