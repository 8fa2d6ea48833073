"""Factories of every app, re-exported so tests may write ``factories.county_user()`` whatever the app.

Each app has its own module (``tests/<app>/factories.py``); counties and the catalogue come from the data
migrations.
"""

from counties.models import County, League, PilotDesignation, Role, User  # noqa: F401 - re-exported for tests
from tests.counties.factories import (  # noqa: F401 - re-exported
    PilotFactory,
    UserFactory,
    auditor_user,
    county,
    county_user,
    league,
    league_user,
    region_user,
)
from tests.indicators.factories import (  # noqa: F401 - re-exported
    GOOD_VALUES,
    ReportFactory,
    ReportTransitionFactory,
    make_report,
    set_values,
)
from tests.training.factories import (  # noqa: F401 - re-exported
    AudienceFactory,
    EventFactory,
    EvidenceFactory,
    make_event,
)
