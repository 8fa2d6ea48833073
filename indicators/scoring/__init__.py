"""Compliance scoring (SPEC §4–§5): evaluate every indicator for (county, year) pairs and store the results.

The package: ``rules`` (the rules on loaded values, no database), ``inputs`` (the fingerprint of a pair's inputs),
``store`` (loading, judging only what changed, writing).

``recompute(pairs)`` loads everything it needs in a constant number of queries, judges each indicator by its
rule, and writes one ``IndicatorResult`` per indicator and one ``CountyYearScore`` per pair with upserts.
Rows whose values did not change are not rewritten (``computed_at`` stays), so recomputing unchanged data
changes nothing. The rows are written as they are judged (on PostgreSQL a binary ``COPY`` that the server stores
while the next pairs are judged, straight into the table when nothing is stored for the pairs). Stale marks of the recomputed pairs are removed unless re-marked since the recompute began.

Choices documented here:

* Recomputing (county, Y) also recomputes the county's later reported years (a cumulative total includes Y).
* A pair is scored when the county has an ``AnnualReport`` for that year (draft or not: the latest data);
  a requested pair without a report has its stored results removed. Pilots and non-pilots alike are scored
  (non-pilots are the comparison group).
* ``cumulative_min`` sums the pilot years so far (``start_year..min(year, end_year)``); not yet reached is
  进行中 before the pilot's last year and 未达标 from it on; before the pilot starts (the baseline year) it is
  不适用. Non-pilots (the comparison group) are judged over all their reported years up to the year, without
  an in-progress phase (reached → 达标, else 未达标). A window year whose value is missing makes an unreached
  total 缺数据 (missing counts as not met).
* Values are rounded to 4 decimals (as stored) before they are compared with the target; reasons show 2
  decimals (4 when 2 would make unequal numbers look equal).
* Each year is judged with the targets, weights and grade bands in force for it (``indicators.targets``).
* Reasons are written in the site's default language (``LANGUAGE_CODE``) whatever the request's language.
"""

from .rules import Evaluation, IndicatorSpec, Reason, Values, evaluate, fmt, grade_for, score_of
from .store import (
    RESULT_FIELDS,
    SCORE_FIELDS,
    all_pairs,
    evaluate_pairs,
    recompute,
    recompute_stale,
)

__all__ = [
    "RESULT_FIELDS",
    "SCORE_FIELDS",
    "Evaluation",
    "IndicatorSpec",
    "Reason",
    "Values",
    "all_pairs",
    "evaluate",
    "evaluate_pairs",
    "fmt",
    "grade_for",
    "recompute",
    "recompute_stale",
    "score_of",
]
