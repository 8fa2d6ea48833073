"""Facts about counties for the tranche gate, the pilot summary and the region home (``config.registry``)."""

from .selectors import counts_by_county


def county_facts(county_ids) -> dict[int, dict]:
    counts = counts_by_county(county_ids)
    return {
        county_id: {
            "open_findings": counts.get(county_id, {}).get("open", 0),
            "overdue_findings": counts.get(county_id, {}).get("overdue", 0),
            "red_findings": counts.get(county_id, {}).get("red", 0),
        }
        for county_id in county_ids
    }
