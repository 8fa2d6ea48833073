"""Forms of the funding app. They validate what was typed; the services enforce the rules again."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import BootstrapFormMixin
from indicators.models import GradeBand
from indicators.selectors import grade_labels

from .models import Category, Kind, Source
from .permissions import writable_pairs


class EntryForm(BootstrapFormMixin, forms.Form):
    """One ledger entry; the kinds and sources offered are those the user may write for the county."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    amount = forms.DecimalField(
        label=_("Amount (10,000 yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    doc_no = forms.CharField(
        label=_("Document number"),
        max_length=100,
        help_text=_("文号 of an allocation or disbursement, 凭证号 of an expenditure."),
    )
    category = forms.ChoiceField(
        label=_("Expenditure category"), choices=[("", "—"), *Category.choices], required=False
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    override_reason = forms.CharField(
        label=_("Override reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to release a regional tranche when a condition of the tranche gate failed."),
    )

    def __init__(self, *args, user, county, **kwargs):
        super().__init__(*args, **kwargs)
        pairs = writable_pairs(user, county)
        kinds = {k for k, _s in pairs}
        sources = {s for _k, s in pairs}
        self.fields["kind"].choices = [c for c in Kind.choices if c[0] in kinds]
        self.fields["source"].choices = [c for c in Source.choices if c[0] in sources]

    def entry_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("kind", "source", "date", "amount", "doc_no", "category", "description")
        }


class EvidenceForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Evidence file"), help_text=_("PDF, JPG, PNG or XLSX."))


class GateSettingsForm(BootstrapFormMixin, forms.Form):
    min_grade = forms.ChoiceField(label=_("Minimum grade of the last approved year"))
    max_red_findings = forms.IntegerField(label=_("Red findings allowed"), min_value=0)
    min_spent_rate = forms.DecimalField(
        label=_("Minimum spent share of previous tranches"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=5,
        decimal_places=4,
        help_text=_("A fraction: 0.6 means 60 per cent."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = grade_labels()
        self.fields["min_grade"].choices = [
            (name, labels.get(name, name)) for name in GradeBand.objects.values_list("name", flat=True)
        ]
