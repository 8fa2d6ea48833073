"""Forms of the inspections app: they check what was typed; the services enforce the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import BootstrapFormMixin
from counties.scoping import changeable_counties

from .models import Finding, Inspection

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class InspectionForm(BootstrapFormMixin, forms.ModelForm):
    county = forms.ModelChoiceField(queryset=None, label=_("County"))
    report_files = MultipleFileField(label=_("Inspection report (PDF, JPG, PNG or XLSX)"), required=False)

    class Meta:
        model = Inspection
        fields = ["county", "kind", "date", "inspectors", "scope", "conclusion"]
        widgets = {
            "date": DATE_WIDGET,
            "scope": forms.Textarea(attrs={"rows": 2}),
            "conclusion": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = changeable_counties(user).order_by("code")
        if self.instance.pk:
            del self.fields["county"]
            del self.fields["report_files"]

    def inspection_fields(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in ("kind", "date", "inspectors", "scope", "conclusion")
        }


class FindingForm(BootstrapFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Finding
        fields = ["category", "severity", "description", "requirement", "deadline"]
        widgets = {
            "deadline": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
            "requirement": forms.Textarea(attrs={"rows": 3}),
        }

    def finding_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class NewFindingForm(FindingForm):
    """A finding with the inspection it belongs to: one of the county's, or a new one recorded today."""

    inspection = forms.ModelChoiceField(
        queryset=None,
        label=_("Inspection"),
        required=False,
        empty_label=_("New annual assessment dated today"),
    )

    field_order = ["inspection", "category", "severity", "description", "requirement", "deadline"]

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = Inspection.objects.filter(county=county).order_by("-date", "-pk")


class AnswerForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Rectification report"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Evidence files (PDF, JPG, PNG or XLSX)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StepForm(forms.Form):
    action = forms.CharField()
    comment = forms.CharField(required=False)
    version = forms.IntegerField(required=False)


class FileForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("File"))
