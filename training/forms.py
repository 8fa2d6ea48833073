"""Forms of the training app. They validate what was typed; the services enforce the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import BootstrapFormMixin
from counties.scoping import changeable_counties
from indicators.parsing import ValueParseError, parse_number

from .models import AudienceCategory, EventKind, EvidenceKind, OrganiserKind, TrainingEvent
from .services import MAX_HEADCOUNT

WEEK_AUTO, WEEK_YES, WEEK_NO = "auto", "yes", "no"


class EventForm(BootstrapFormMixin, forms.ModelForm):
    """An event with its headcount per audience category (one field per category)."""

    county = forms.ModelChoiceField(queryset=None, label=_("County"))
    publicity_week = forms.ChoiceField(
        label=_("4·26 publicity week"),
        choices=[
            (WEEK_AUTO, _("By date (20–30 April)")),
            (WEEK_YES, _("Yes, part of the 4·26 week")),
            (WEEK_NO, _("No")),
        ],
        initial=WEEK_AUTO,
    )

    field_order = [
        "county",
        "date",
        "title",
        "kind",
        "publicity_week",
        "organiser_kind",
        "organiser_name",
        "place",
        "notes",
    ]

    class Meta:
        model = TrainingEvent
        fields = ["county", "date", "title", "kind", "organiser_kind", "organiser_name", "place", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = changeable_counties(user).order_by("code")
        self.fields["county"].queryset = counties
        if self.instance.pk:
            del self.fields["county"]
            override = self.instance.publicity_week_override
            self.initial["publicity_week"] = {None: WEEK_AUTO, True: WEEK_YES, False: WEEK_NO}[override]
        elif user.county_id and counties.filter(pk=user.county_id).exists():
            self.fields["county"].initial = user.county_id
            self.fields["county"].widget = forms.HiddenInput()
        self.fields["kind"].choices = EventKind.choices
        self.fields["organiser_kind"].choices = OrganiserKind.choices
        existing = {}
        if self.instance.pk:
            existing = {a.category: a.headcount for a in self.instance.audiences.all()}
        for category in AudienceCategory:
            name = f"headcount_{category.value}"
            self.fields[name] = forms.CharField(
                label=_("%(category)s (persons)") % {"category": category.label},
                required=False,
                initial=existing.get(category.value, ""),
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "placeholder": "0", "class": "form-control"}
                ),
            )

    def clean(self):
        cleaned = super().clean()
        audiences = {}
        for category in AudienceCategory:
            name = f"headcount_{category.value}"
            try:
                number = parse_number(self.data.get(self.add_prefix(name)), whole=True)
            except ValueParseError as exc:
                self.add_error(name, exc.message)
                continue
            if number is not None and number > MAX_HEADCOUNT:
                self.add_error(name, _("At most %(max)s persons.") % {"max": MAX_HEADCOUNT})
                continue
            if number:
                audiences[category.value] = int(number)
        cleaned["audiences"] = audiences
        return cleaned

    def event_fields(self) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in ("date", "title", "kind", "organiser_kind", "organiser_name", "place", "notes")
        }
        data["publicity_week_override"] = {WEEK_AUTO: None, WEEK_YES: True, WEEK_NO: False}[
            self.cleaned_data["publicity_week"]
        ]
        return data

    @property
    def headcount_fields(self):
        return [self[f"headcount_{c.value}"] for c in AudienceCategory]

    @property
    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("headcount_")]


class EvidenceForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPG, PNG or XLSX; checked by content."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.xlsx"}),
    )
