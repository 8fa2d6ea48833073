"""Facts about counties for the registry (``config.registry.county_facts``): cumulative fund totals."""

from .selectors import county_figures


def county_facts(county_ids) -> dict[int, dict]:
    facts = {}
    for county_id, figures in county_figures(county_ids).items():
        total = figures.total
        facts[county_id] = {
            "fund_allocated": total.allocated,
            "fund_disbursed": total.disbursed,
            "fund_spent": total.spent,
            "fund_execution_rate": total.execution_rate,
            "fund_matching_ratio": figures.matching_ratio,
            "fund_idle": figures.idle,
        }
    return facts
