"""django-import-export resources for list-page exports.

The resources declare the columns (headers in the user's language, dehydrated values); the rows are written
by ``config.exports.write_sheets`` so every export shares one writer and one formula escaper. The bulk
annual-data import does not use import-export's row-by-row import: it needs whole-file, all-or-nothing
checks and bulk writes with history (see ``indicators.importing``).
"""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from config.exports import AuditSheet

from .models import County


class CountyResource(resources.ModelResource):
    """The county list as shown at /counties/: code, name, league and pilot designation."""

    code = fields.Field(attribute="code", column_name=_("County code"))
    name = fields.Field(attribute="name", column_name=_("County name"))
    league = fields.Field(attribute="league__name", column_name=_("League"))
    batch = fields.Field(column_name=_("Batch"))
    start_year = fields.Field(column_name=_("First pilot year"))
    end_year = fields.Field(column_name=_("Last pilot year"))
    status = fields.Field(column_name=_("Pilot status"))

    class Meta:
        model = County
        fields = ("code", "name", "league", "batch", "start_year", "end_year", "status")
        export_order = fields

    @staticmethod
    def _pilot(county):
        return getattr(county, "pilot", None)

    def dehydrate_batch(self, county):
        pilot = self._pilot(county)
        return pilot.batch if pilot else None

    def dehydrate_start_year(self, county):
        pilot = self._pilot(county)
        return pilot.start_year if pilot else None

    def dehydrate_end_year(self, county):
        pilot = self._pilot(county)
        return pilot.end_year if pilot else None

    def dehydrate_status(self, county):
        pilot = self._pilot(county)
        return pilot.get_status_display() if pilot else str(_("Not a pilot"))


def county_list_sheet(queryset) -> AuditSheet:
    """The county list (already scoped and filtered by the caller) as one sheet."""
    dataset = CountyResource().export(queryset.select_related("league", "pilot"))
    return AuditSheet(
        str(_("County list")),
        [str(h) for h in dataset.headers],
        list(dataset),
        number_formats={4: "0", 5: "0"},
        widths={0: 10, 1: 18, 2: 18, 6: 12},
    )
