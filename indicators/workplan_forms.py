"""Forms of work-plan task progress: all tasks of one report year in one form, and an evidence upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import BootstrapFormMixin

from .models import TaskStatus
from .services.workplan import TEXT_LIMIT, TaskEntry


def status_field(code: str) -> str:
    return f"status_{code}"


def progress_field(code: str) -> str:
    return f"progress_{code}"


def measures_field(code: str) -> str:
    return f"measures_{code}"


class TaskProgressForm(BootstrapFormMixin, forms.Form):
    """Status, 工作进展 and measures of every task; the rules are the service's (``workplan.entry_problems``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, tasks, stored=None, **kwargs):
        self.tasks = list(tasks)
        stored = stored or {}
        initial = kwargs.pop("initial", {}) or {}
        for task in self.tasks:
            row = stored.get(task.code)
            initial.setdefault(status_field(task.code), row.status if row else TaskStatus.NOT_STARTED)
            initial.setdefault(progress_field(task.code), row.progress if row else "")
            initial.setdefault(measures_field(task.code), row.measures if row else "")
        super().__init__(*args, initial=initial, **kwargs)
        for task in self.tasks:
            self.fields[status_field(task.code)] = forms.ChoiceField(
                label=_("Status"), choices=TaskStatus.choices, initial=TaskStatus.NOT_STARTED
            )
            for name, label in (
                (progress_field(task.code), _("Progress")),
                (measures_field(task.code), _("Measures")),
            ):
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    strip=False,
                    widget=forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_LIMIT}),
                )
        for name, field in self.fields.items():
            if name.startswith(("progress_", "measures_")):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} form-control-sm".strip()
            elif name.startswith("status_"):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} form-select-sm".strip()

    def rows(self):
        return [
            {
                "task": task,
                "status": self[status_field(task.code)],
                "progress": self[progress_field(task.code)],
                "measures": self[measures_field(task.code)],
            }
            for task in self.tasks
        ]

    def entries(self) -> dict[str, TaskEntry]:
        data = self.cleaned_data
        return {
            task.code: TaskEntry(
                data[status_field(task.code)],
                data.get(progress_field(task.code), ""),
                data.get(measures_field(task.code), ""),
            )
            for task in self.tasks
        }


class TaskEvidenceForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPG, PNG or XLSX; checked by content."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.xlsx"}),
    )
