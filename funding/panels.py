"""The funding panel of the county page: cumulative figures per source, idle money, a link to the ledger."""

from config.panels import Panel

from .permissions import may_write_any
from .selectors import figures_for


def county_panels_funding(request, county) -> list[Panel]:
    context = {
        "county": county,
        "figures": figures_for(county),
        "may_write": may_write_any(request.user, county),
    }
    return [Panel("funding/panel_county.html", context, order=45, width="col-lg-4")]
