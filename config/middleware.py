"""Request middleware: the language (Simplified Chinese unless chosen otherwise) and the upload size guard."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.translation import gettext as _


class DefaultLanguageMiddleware:
    """Activate the language from the switcher's cookie, else ``LANGUAGE_CODE`` (zh-hans).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language, so the portal is Chinese by
    default on every machine and English only for those who pick it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


def upload_limit_bytes() -> int:
    """The largest request body accepted: ``MAX_UPLOAD_MB`` plus room for the multipart envelope."""
    return settings.MAX_UPLOAD_MB * 1024 * 1024 + MULTIPART_OVERHEAD


MULTIPART_OVERHEAD = 64 * 1024


class UploadTooLarge(StopUpload):
    """Raised by ``LimitedUploadHandler`` when a body without a length passes the limit."""

    def __init__(self):
        super().__init__(connection_reset=True)


def too_large_response() -> HttpResponse:
    message = _("The file is larger than %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_MB}
    return HttpResponse(
        f'<!doctype html><meta charset="utf-8"><title>413</title><p>{escape(message)}</p>',
        status=413,
        content_type="text/html; charset=utf-8",
    )


class RequestSizeGuardMiddleware:
    """Answer 413 before the body is read when ``Content-Length`` exceeds ``MAX_UPLOAD_MB``.

    It sits before ``CsrfViewMiddleware`` (which parses multipart bodies to find its token). A multipart
    body without a length (``Transfer-Encoding: chunked``, de-chunked by the server, which marks the input
    ``wsgi.input_terminated`` as gunicorn does) is parsed here, reading at most one byte past the limit, under
    ``LimitedUploadHandler``: passing the limit answers 413 and nothing more is read or spooled.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > upload_limit_bytes():
            return too_large_response()
        if not length and self._chunked_multipart(request):
            # Read the body (at most one byte past the limit) now, under LimitedUploadHandler.
            request._stream = LimitedStream(request.environ["wsgi.input"], upload_limit_bytes() + 1)
            request.META["CONTENT_LENGTH"] = str(upload_limit_bytes() + 1)
            request.POST  # noqa: B018
            if getattr(request, "upload_too_large", False):
                return too_large_response()
        return self.get_response(request)

    @staticmethod
    def _chunked_multipart(request) -> bool:
        """A multipart POST whose body has no length but a terminated input (a de-chunking WSGI server)."""
        return (
            request.method == "POST"
            and request.content_type == "multipart/form-data"
            and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
            and bool(request.META.get("wsgi.input_terminated"))
        )


class LimitedUploadHandler(FileUploadHandler):
    """The first upload handler: stops a multipart body once its files pass ``MAX_UPLOAD_MB`` (chunked bodies)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.MAX_UPLOAD_MB * 1024 * 1024:
            if self.request is not None:
                self.request.upload_too_large = True
            raise UploadTooLarge
        return raw_data

    def file_complete(self, file_size):
        return None
