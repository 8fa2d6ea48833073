"""Form helpers shared by every app."""

from django import forms

from config.parsing import clean_text


def _cleaned(to_python, *, multiline: bool, strip: bool):
    if getattr(to_python, "cleans_text", False):
        return to_python

    def to_clean_python(value):
        value = to_python(value)
        if isinstance(value, str):
            value = clean_text(value, multiline=multiline)
            return value.strip() if strip else value
        return value

    to_clean_python.cleans_text = True
    return to_clean_python


class CleanTextMixin:
    """Every text field stores text without control characters (line breaks kept in text areas only).

    SPEC §3: text that people type anywhere is stored without control characters, so no stored text can break
    an export. Password fields are left as typed.
    """

    def full_clean(self):
        for field in self.fields.values():  # fields added in a form's __init__ included
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
                field.to_python = _cleaned(
                    field.to_python,
                    multiline=isinstance(field.widget, forms.Textarea),
                    strip=getattr(field, "strip", True),
                )
        super().full_clean()


class BootstrapFormMixin(CleanTextMixin):
    """Give every visible widget Bootstrap 5 classes, and mark invalid fields after validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
