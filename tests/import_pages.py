"""Helpers of the import-page tests: upload a workbook to an import's page, open its preview, confirm it."""

from django.core.files.uploadedfile import SimpleUploadedFile


def upload_and_preview(client, url: str, data: bytes, name: str = "upload.xlsx"):
    """Post ``data`` to the upload page at ``url`` and follow its redirect to the preview page."""
    response = client.post(url, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.status_code
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    return preview


def confirm(client, preview):
    """Confirm the upload shown on ``preview`` (a preview page response)."""
    return client.post(preview.context["confirm_url"], {"sha256": preview.context["preview"]["sha256"]})
