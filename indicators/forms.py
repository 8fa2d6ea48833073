"""Forms of the indicators app: annual data entry, review actions and catalogue edits.

The entry form keeps what people typed as text; parsing and SPEC §3 validation happen in
``services.prepare_report_values`` (the same code the Excel import uses), and the service checks again on save.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.formatting import format_bool, format_plain, format_value
from config.forms import BootstrapFormMixin

from . import services
from .models import AcceptanceConclusion, AcceptanceRule, Rule, WorkTask
from .selectors import grade_labels


def value_field(code: str) -> str:
    return f"v_{code}"


def comment_field(code: str) -> str:
    return f"c_{code}"


class ReportEntryForm(BootstrapFormMixin, forms.Form):
    """One text field and one comment field per typed element, plus the report version (hidden)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, report, elements, previous, stored, **kwargs):
        self.report = report
        self.elements = [e for e in elements if not e.is_derived]
        self.previous = previous
        self.prepared = None
        initial = kwargs.pop("initial", {}) or {}
        initial.setdefault("version", report.version if report.pk else 0)
        for element in self.elements:
            value = stored.get(element.code)
            if value is not None:
                initial.setdefault(value_field(element.code), _initial_value(value.value, element))
                initial.setdefault(comment_field(element.code), value.comment)
        super().__init__(*args, initial=initial, **kwargs)
        for element in self.elements:
            self.fields[value_field(element.code)] = forms.CharField(
                label=element.name,
                required=False,
                max_length=40,
                widget=_yes_no_select(element)
                if element.value_type == "boolean"
                else forms.TextInput(
                    attrs={
                        "class": "form-control form-control-sm text-end",
                        "inputmode": "text" if element.value_type == "boolean" else "decimal",
                        "data-code": element.code,
                        "autocomplete": "off",
                    }
                ),
            )
            self.fields[comment_field(element.code)] = forms.CharField(
                label=_("Explanation of the change"),
                required=False,
                max_length=500,
                widget=forms.TextInput(
                    attrs={"class": "form-control form-control-sm", "data-comment-for": element.code}
                ),
            )

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name.startswith("c_") and name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "").replace("is-invalid", "").split()
                widget.attrs["class"] = " ".join([*css, "border-warning", "needs-explanation"])

    def problem_counts(self) -> tuple[int, int]:
        """(values in error, large changes awaiting an explanation) after validation."""
        errors = sum(1 for name in self.errors if name.startswith("v_") or name == "__all__")
        warnings = sum(1 for name in self.errors if name.startswith("c_"))
        return errors, warnings

    def raw_values(self) -> dict[str, str]:
        return {e.code: self.cleaned_data.get(value_field(e.code), "") for e in self.elements}

    def comments(self) -> dict[str, str]:
        return {e.code: self.cleaned_data.get(comment_field(e.code), "") for e in self.elements}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.prepared = services.prepare_report_values(
            self.report,
            self.raw_values(),
            self.comments(),
            elements={e.code: e for e in self.elements},
            previous=self.previous,
        )
        for problem in self.prepared.errors:
            self.add_error(value_field(problem.element_code), problem.message)
        for problem in self.prepared.unconfirmed:
            self.add_error(comment_field(problem.element_code), problem.message)
        return cleaned

    def warnings_by_code(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for problem in self.prepared.warnings if self.prepared else []:
            result.setdefault(problem.element_code, []).append(problem.message)
        return result


def _initial_value(value, element) -> str:
    """A stored value as its field shows it: the choice 是/否 of a yes-no select, else as people type it."""
    if element.value_type == "boolean":
        return "" if value is None else ("是" if value else "否")
    return plain_value(value, element)


def _yes_no_select(element) -> forms.Select:
    """A yes-no element is chosen, never typed: the values are what the parser reads (是/否), the labels are in
    the user's language."""
    return forms.Select(
        choices=[("", "—"), ("是", _("Yes")), ("否", _("No"))],
        attrs={"class": "form-select-sm", "data-code": element.code},
    )


def plain_value(value, element) -> str:
    """A value as typed into a form (the parser reads 是/否 and plain numbers back)."""
    if element.value_type == "boolean":
        return format_bool(value, empty="")
    return format_plain(value)


def shown_value(value, element) -> str:
    """A value shown on a page: 是/否, numbers with thousands separators, '' when empty."""
    return format_value(value, element.value_type, places=None, empty="")


def display_value(value, element) -> str:
    """A stored value as pages show it: thousands separators, 是/否 in the user's language ('' when empty);
    form fields are filled with ``plain_value`` (as people type it)."""
    return shown_value(value, element)


class ReviewForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReturnForm(ReviewForm):
    comment = forms.CharField(
        label=_("What the county must fix"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ReopenForm(ReviewForm):
    comment = forms.CharField(
        label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class BulkReviewForm(forms.Form):
    ACTIONS = [("approve", _("Approve")), ("return", _("Return"))]
    action = forms.ChoiceField(choices=ACTIONS)
    reports = forms.ModelMultipleChoiceField(
        queryset=None, error_messages={"required": _("Select reports first.")}
    )
    comment = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports"].queryset = queryset

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error(
                "comment", _("Say why the reports are returned: the counties need to know what to fix.")
            )
        # Each report with the version the reviewer saw (``version-<pk>``, posted by the queue page): a report
        # changed since then is refused by the service. A report posted without one is treated as stale.
        cleaned["items"] = [(report, self._version(report)) for report in cleaned.get("reports") or []]
        return cleaned

    def _version(self, report) -> int:
        try:
            return int(self.data.get(f"version-{report.pk}", ""))
        except ValueError:
            return -1


class IndicatorForm(BootstrapFormMixin, forms.Form):
    """Target and weight of one indicator (a plain form: the service compares old and new values)."""

    target = forms.DecimalField(
        label=_("target"), required=False, max_digits=18, decimal_places=4, min_value=0
    )
    weight = forms.DecimalField(label=_("weight"), max_digits=6, decimal_places=2, min_value=0)
    effective_year = forms.IntegerField(
        label=_("Effective from (year)"),
        min_value=2000,
        max_value=2100,
        help_text=_("Years before it keep their results; this year and later ones are rescored."),
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=100)

    def __init__(self, *args, rule: str, **kwargs):
        super().__init__(*args, **kwargs)
        if rule in (Rule.MIN, Rule.CUMULATIVE_MIN):
            self.fields["target"].required = True
        else:
            del self.fields["target"]  # increase, yes-no and monitored indicators have no target


class GradeBandForm(BootstrapFormMixin, forms.Form):
    min_score = forms.DecimalField(
        label=_("minimum score"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    effective_year = forms.IntegerField(
        label=_("Effective from (year)"),
        min_value=2000,
        max_value=2100,
        help_text=_("Years before it keep their results; this year and later ones are rescored."),
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=100)


class AcceptanceForm(BootstrapFormMixin, forms.Form):
    """The acceptance conclusion and its reason (the service checks who, when and what)."""

    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=AcceptanceConclusion.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AcceptanceRuleForm(BootstrapFormMixin, forms.Form):
    """One acceptance rule: on or off, its parameter (the field its kind needs) and the reason for the change.

    The fund execution rate is typed as a percentage; ``threshold()`` gives the stored fraction."""

    enabled = forms.BooleanField(label=_("Rule applies"), required=False)
    reason = forms.CharField(label=_("Reason for the change"), max_length=100)

    def __init__(self, *args, rule: AcceptanceRule, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        kind = AcceptanceRule.Kind
        if rule.kind == kind.FINAL_GRADE:
            self.fields["grade"] = forms.ChoiceField(
                label=_("Lowest grade that passes"),
                choices=self._grade_choices(rule),
            )
        elif rule.kind == kind.EXECUTION_RATE:
            self.fields["rate"] = forms.DecimalField(
                label=_("Lowest fund execution rate (%)"), min_value=0, max_value=100, decimal_places=2
            )
        elif rule.kind == kind.TASKS_COMPLETED:
            self.fields["tasks"] = forms.IntegerField(
                label=_("Fewest work-plan tasks completed"), min_value=0, max_value=WorkTask.objects.count()
            )
        self.order_fields(["enabled", "grade", "rate", "tasks", "reason"])

    @staticmethod
    def _grade_choices(rule: AcceptanceRule) -> list[tuple[str, str]]:
        """The grade bands; a stored grade that is no band (any more) stays selectable, so that saving the form
        never changes it unseen (the service then asks for a band)."""
        choices = list(grade_labels().items())
        if rule.grade and rule.grade not in dict(choices):
            choices.insert(0, (rule.grade, rule.grade))
        return choices

    @classmethod
    def initial_for(cls, rule: AcceptanceRule) -> dict:
        initial = {"enabled": rule.enabled, "grade": rule.grade}
        if rule.threshold is not None:
            initial["rate"] = format_plain(rule.threshold * 100)
            initial["tasks"] = int(rule.threshold)
        return initial

    def threshold(self):
        if "rate" in self.cleaned_data:
            return self.cleaned_data["rate"] / 100
        return self.cleaned_data.get("tasks")
