"""Upload → preview → confirm / cancel pages of an import, on the staging store (SPEC §10).

An app declares one ``ImportPages`` per import: how a request gets its importer (the access check lives there),
the upload page's template and context, and what to say and where to go once the file landed; ``urls()`` gives
the four URLs. The preview is the importer's dry run (``run_import``) computed on upload and kept with the
uploaded bytes (``StagedUpload``: one staged upload per user); it shows every problem, or the counts and one line
per row of the file (``Importer.preview_headers`` / ``preview_rows``). Confirming re-plans the same bytes inside
the import transaction and lands them only when that plan is still the one the preview showed (same counts, lines
and note): otherwise nothing lands and the new preview is shown, to be confirmed again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import PreviewedUploadForm
from .problems import ImportResult
from .runner import Importer, run_import
from .staging import StagedUpload

PREVIEW_ROWS_PER_PAGE = 100
PROBLEMS_PER_PAGE = 200


def preview_of(importer: Importer, result: ImportResult, kind: str) -> dict:
    """The JSON-ready preview of a dry run: counts and one line per row, or every problem."""
    checked = result.ok and result.plan is not None
    rows = importer.preview_rows(result.plan, result) if checked else []
    return {
        "kind": kind,
        "file_name": result.file_name,
        "sha256": result.sha256,
        "ok": result.ok,
        "rows_read": result.rows,
        "created": result.created,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "problems": result.problems.as_dicts(),
        "problems_omitted": result.problems.omitted,
        "headers": [str(header) for header in importer.preview_headers],
        "rows": rows,
        "changes_column": any(row.get("changes") for row in rows),
        "note": importer.preview_note(result.plan, result) if checked else "",
    }


PREVIEWED = ("created", "changed", "unchanged", "rows", "note")


def preview_fingerprint(preview: dict, keys=PREVIEWED) -> str:
    """What a preview promised (counts, lines, note) as one comparable text; equal for a preview and the same
    preview read back from the staging store."""
    return json.dumps(
        {key: preview.get(key) for key in keys}, sort_keys=True, ensure_ascii=False, default=str
    )


@dataclass(frozen=True)
class ImportPages:
    """The pages of one import. ``importer(request, **url_kwargs)`` returns the importer for the request's user
    (raising ``PermissionDenied`` / ``NotAllowed`` for those who may not import); ``context(request, importer,
    **url_kwargs)`` adds to the upload page; ``landed`` is the message once a file landed, formatted with the
    batch ``id`` and the counts (``created``, ``changed``, ``unchanged``, ``rows`` and the importer's own ``result.counts``), and
    ``done(request, result, **url_kwargs)`` where to go then (the upload page by default); ``confirm_question``
    is asked in the browser before confirming (for imports that replace what is stored)."""

    namespace: str
    name: str
    importer: Callable[..., Importer]
    upload_template: str
    title: str
    landed: str
    context: Callable[..., dict] = field(default=lambda request, importer, **kwargs: {})
    done: Callable[..., str] | None = None
    confirm_question: str = ""

    def url(self, step: str = "", **kwargs) -> str:
        return reverse(f"{self.namespace}:{self.name}{step}", kwargs=kwargs or None)

    def _staged(self, request, kwargs: dict) -> StagedUpload:
        scope = ",".join(f"{key}={value}" for key, value in sorted(kwargs.items()))
        kind = f"{self.namespace}:{self.name}:{scope}"
        return StagedUpload(request, f"import:{kind}", kind)

    def upload(self, request, **kwargs):
        """The upload form; a valid file is checked at once and its preview follows on the next page."""
        importer = self.importer(request, **kwargs)
        staged = self._staged(request, kwargs)
        form = PreviewedUploadForm()
        if request.method == "POST":
            form = PreviewedUploadForm(request.POST, request.FILES)
            if form.is_valid():
                data, file_name = form.cleaned_data["data"], form.cleaned_data["file_name"]
                result = run_import(importer, data, file_name=file_name, dry_run=True)
                preview = preview_of(importer, result, staged.preview_kind)
                staged.stage(data, preview, sha256=result.sha256, file_name=file_name)
                return redirect(self.url("_preview", **kwargs))
        pending = staged.pending if staged.preview() is not None else None
        context = {
            "form": form,
            "max_upload_mb": settings.MAX_UPLOAD_MB,
            "pending": pending,
            "preview_url": self.url("_preview", **kwargs) if pending else "",
            **self.context(request, importer, **kwargs),
        }
        return render(request, self.upload_template, context)

    def preview(self, request, **kwargs):
        """The dry run of the staged file: counts and rows, or every problem."""
        self.importer(request, **kwargs)
        preview = self._staged(request, kwargs).preview()
        if preview is None:
            messages.info(request, _("Upload a file first."))
            return redirect(self.url(**kwargs))
        context = {
            "preview": preview,
            "title": self.title,
            "page_obj": Paginator(preview["rows"], PREVIEW_ROWS_PER_PAGE).get_page(request.GET.get("page")),
            "problems": Paginator(preview["problems"], PROBLEMS_PER_PAGE).get_page(request.GET.get("ppage")),
            "upload_url": self.url(**kwargs),
            "confirm_url": self.url("_confirm", **kwargs),
            "cancel_url": self.url("_cancel", **kwargs),
            "confirm_question": self.confirm_question,
        }
        return render(request, "excel/preview.html", context)

    def confirm(self, request, **kwargs):
        """Land the previewed file: all or nothing, in one transaction, and only as the preview showed it."""
        importer = self.importer(request, **kwargs)
        staged = self._staged(request, kwargs)
        confirmed = staged.confirmed(request.POST.get("sha256"))
        if confirmed is None:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect(self.url(**kwargs))
        data, file_name, previewed = confirmed
        if not previewed["ok"]:
            messages.error(request, _("The file is refused: correct it and upload it again."))
            return redirect(self.url("_preview", **kwargs))
        promised = preview_fingerprint(previewed)
        result = run_import(
            importer,
            data,
            file_name=file_name,
            expect=lambda planned: (
                preview_fingerprint(preview_of(importer, planned, staged.preview_kind)) == promised
            ),
        )
        if result.outdated or not result.ok:
            staged.refresh(preview_of(importer, result, staged.preview_kind))
            messages.error(
                request,
                _(
                    "The data changed since the preview; nothing was saved. Check the new preview and confirm again."
                )
                if result.ok
                else _("The data changed since the preview and the file is now refused; nothing was saved."),
            )
            return redirect(self.url("_preview", **kwargs))
        staged.discard()
        if not result.landed:
            messages.info(request, _("The file matches what is stored; nothing was changed."))
            return redirect(self.url(**kwargs))
        counts = {
            "id": result.batch.pk,
            "created": result.created,
            "changed": result.changed,
            "unchanged": result.unchanged,
            "rows": result.rows,
            **result.counts,
        }
        messages.success(request, str(self.landed) % counts)
        return redirect(self.done(request, result, **kwargs) if self.done else self.url(**kwargs))

    def cancel(self, request, **kwargs):
        self.importer(request, **kwargs)
        self._staged(request, kwargs).discard()
        messages.info(request, _("The upload was discarded; nothing was saved."))
        return redirect(self.url(**kwargs))

    def urls(self, route: str) -> list:
        """The upload page at ``route`` and its preview, confirm and cancel steps below it."""
        return [
            path(route, login_required(self.upload), name=self.name),
            path(f"{route}preview/", login_required(self.preview), name=f"{self.name}_preview"),
            path(f"{route}confirm/", require_POST(login_required(self.confirm)), name=f"{self.name}_confirm"),
            path(f"{route}cancel/", require_POST(login_required(self.cancel)), name=f"{self.name}_cancel"),
        ]
