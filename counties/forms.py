"""Forms of the organisation app."""

from django import forms
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import BootstrapFormMixin

from .models import County, PilotDesignation


class DesignationForm(BootstrapFormMixin, forms.Form):
    """Designate one or more counties as pilots of one batch."""

    counties = forms.ModelMultipleChoiceField(
        label=_("Counties"),
        queryset=County.objects.select_related("league").order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Type to filter by name or code; tick the counties of the batch."),
    )
    batch = forms.IntegerField(label=_("Batch"), min_value=1, max_value=99)
    designation_year = forms.IntegerField(label=_("Designation year"), min_value=2000, max_value=2100)
    start_year = forms.IntegerField(label=_("First pilot year"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Last pilot year"), min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), choices=PilotDesignation.Status.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["designation_year"].initial = year
        self.fields["start_year"].initial = year + 1
        self.fields["end_year"].initial = year + 3
        self.fields["counties"].label_from_instance = lambda c: f"{c.code} {c.league.name} {c.name}"
        last_batch = PilotDesignation.objects.aggregate(last=Max("batch"))["last"] or 0
        self.fields["batch"].initial = last_batch + 1  # the next batch

    def county_groups(self) -> list[dict]:
        """The counties grouped by league, each ``{"county", "checked", "pilot"}`` (``pilot``: current batch)."""
        chosen = {str(v) for v in (self["counties"].value() or [])}
        pilots = dict(PilotDesignation.objects.values_list("county_id", "batch"))
        groups: dict[int, dict] = {}
        for county in self.fields["counties"].queryset.order_by("league__code", "code"):
            group = groups.setdefault(county.league_id, {"league": county.league, "counties": []})
            group["counties"].append(
                {"county": county, "checked": str(county.pk) in chosen, "batch": pilots.get(county.pk)}
            )
        return list(groups.values())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The end year must not be before the start year."))
        return cleaned


class PilotStatusForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PilotDesignation
        fields = ["batch", "designation_year", "start_year", "end_year", "status"]
