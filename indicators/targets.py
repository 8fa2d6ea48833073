"""Target versions (生效年度, SPEC §5): which target, weight and grade bands are in force for a year.

A change of a target, weight or grade band is recorded as a ``CatalogueVersion`` effective from a year chosen
by the regional office, with a reason. The first versioned change also records the values in force before it
(effective year 0), so earlier years keep being scored exactly as before. ``Indicator.target``/``weight`` and
``GradeBand.min_score`` always hold the latest version (what the catalogue shows as current).

Scoring (``indicators.scoring``) loads every version once (``load_versions``) and judges each year with
``indicator_terms`` / ``bands_for``; only the reported years from the effective year on are recomputed.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from decimal import Decimal

from .models import AnnualReport, CatalogueVersion, GradeBand, Indicator


class Versions:
    """Every version, loaded in one query: per indicator and per band, ascending by effective year."""

    def __init__(self):
        self.indicators: dict[int, list[CatalogueVersion]] = defaultdict(list)
        self.bands: dict[int, list[CatalogueVersion]] = defaultdict(list)
        for version in CatalogueVersion.objects.order_by("effective_year"):
            if version.indicator_id:
                self.indicators[version.indicator_id].append(version)
            elif version.band_id:
                self.bands[version.band_id].append(version)

    @staticmethod
    def _in_force(versions, year):
        found = None
        for version in versions:
            if version.effective_year <= year:
                found = version
        return found

    def indicator(self, indicator: Indicator, year: int) -> Indicator:
        """The indicator with the target and weight in force for ``year`` (a copy when a version applies)."""
        version = self._in_force(self.indicators.get(indicator.pk, ()), year)
        if version is None:
            return indicator
        judged = copy.copy(indicator)
        judged.target, judged.weight = version.target, version.weight
        return judged

    def bands_for(self, bands: list[GradeBand], year: int) -> list[GradeBand]:
        result = []
        for band in bands:
            version = self._in_force(self.bands.get(band.pk, ()), year)
            if version is not None:
                band = copy.copy(band)
                band.min_score = version.min_score
            result.append(band)
        return result


def load_versions() -> Versions:
    return Versions()


def version_in_force(indicator: Indicator, year: int) -> dict:
    """The target and weight in force for ``year`` with the effective year, who set them, when and why."""
    version = (
        CatalogueVersion.objects.filter(indicator=indicator, effective_year__lte=year)
        .select_related("created_by")
        .order_by("-effective_year")
        .first()
    )
    if version is None:
        return {
            "target": indicator.target,
            "weight": indicator.weight,
            "effective_year": None,
            "reason": "",
            "by": "",
            "at": None,
        }
    user = version.created_by
    return {
        "target": version.target,
        "weight": version.weight,
        "effective_year": version.effective_year or None,
        "reason": version.reason,
        "by": (user.get_full_name() or user.username) if user else "",
        "at": version.created_at,
    }


def record_indicator_version(
    indicator: Indicator, user, *, target, weight, effective_year: int, reason: str
) -> bool:
    """Record the target and weight in force from ``effective_year``; False when that is already the case.
    Call inside a transaction; the caller rescores the years from ``effective_year`` on."""
    current = version_in_force(indicator, effective_year)
    if current["target"] == target and Decimal(current["weight"]) == Decimal(weight):
        return False
    if not indicator.versions.exists():
        CatalogueVersion.objects.create(
            indicator=indicator, effective_year=0, target=indicator.target, weight=indicator.weight
        )
    CatalogueVersion.objects.update_or_create(
        indicator=indicator,
        effective_year=effective_year,
        defaults={"target": target, "weight": weight, "reason": reason, "created_by": user},
    )
    latest = indicator.versions.order_by("-effective_year").first()
    indicator.target, indicator.weight = latest.target, latest.weight
    indicator._history_user = user
    indicator._change_reason = reason
    indicator.save()
    return True


def record_band_version(band: GradeBand, user, *, min_score, effective_year: int, reason: str) -> bool:
    """Record a grade band's minimum score from ``effective_year``; False when unchanged for that year."""
    current = (
        CatalogueVersion.objects.filter(band=band, effective_year__lte=effective_year)
        .order_by("-effective_year")
        .first()
    )
    if (current.min_score if current else band.min_score) == Decimal(min_score):
        return False
    if not band.versions.exists():
        CatalogueVersion.objects.create(band=band, effective_year=0, min_score=band.min_score)
    CatalogueVersion.objects.update_or_create(
        band=band,
        effective_year=effective_year,
        defaults={"min_score": min_score, "reason": reason, "created_by": user},
    )
    band.min_score = band.versions.order_by("-effective_year").first().min_score
    band._history_user = user
    band._change_reason = reason
    band.save()
    return True


def pairs_from(effective_year: int) -> list[tuple[int, int]]:
    """The reported (county, year) pairs a change effective from ``effective_year`` rescores."""
    return list(AnnualReport.objects.filter(year__gte=effective_year).values_list("county_id", "year"))
