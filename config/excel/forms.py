"""The upload form of every Excel import: one ``.xlsx`` file within ``MAX_UPLOAD_MB``, read into ``data``."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.forms import BootstrapFormMixin

from .limits import SpreadsheetError
from .runner import read_upload


class ExcelUploadForm(BootstrapFormMixin, forms.Form):
    """``cleaned_data["data"]`` holds the bytes and ``cleaned_data["file_name"]`` the bare file name."""

    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    help_text = gettext_lazy("The filled template, at most %(mb)s MB.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = str(self.help_text) % {"mb": settings.MAX_UPLOAD_MB}

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.cleaned_data["data"] = read_upload(uploaded)
        except SpreadsheetError as exc:
            raise forms.ValidationError(exc.message) from exc
        self.cleaned_data["file_name"] = Path(uploaded.name or "upload.xlsx").name
        return uploaded


class PreviewedUploadForm(ExcelUploadForm):
    help_text = gettext_lazy(
        "The filled template, at most %(mb)s MB. Nothing is saved until you confirm the preview."
    )


def upload_error(form: forms.Form) -> str:
    """The form's errors as one line (for a message)."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors) or _("Choose a file.")
