"""Forms of the Excel pages of annual data: the template's year and league, the exports' filters.

The upload form itself is the kernel's (``config.excel.forms.PreviewedUploadForm``).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.forms import BootstrapFormMixin
from counties.models import League
from counties.scoping import changeable_counties, visible_leagues

from . import selectors
from .importing import MIN_YEAR, max_year


def year_choices() -> list[tuple[int, int]]:
    """The programme's years (not 2000–today), newest first."""
    return [(y, y) for y in selectors.programme_years() if MIN_YEAR <= y <= max_year()]


class TemplateForm(BootstrapFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    league = forms.ChoiceField(label=gettext_lazy("League"), required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = max_year() - 1
        leagues = League.objects.filter(pk__in=changeable_counties(user).values("league_id")).order_by("code")
        if user.is_region_staff:
            self.fields["league"].choices = [("", _("All leagues")), *((lg.code, lg.name) for lg in leagues)]
        else:
            del self.fields["league"]


class ExportFilterForm(BootstrapFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None)
    league = forms.ChoiceField(label=gettext_lazy("League"), required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *year_choices()]
        leagues = visible_leagues(user).order_by("code")
        if len(leagues) > 1:
            self.fields["league"].choices = [("", _("All leagues")), *((lg.code, lg.name) for lg in leagues)]
        else:
            del self.fields["league"]
