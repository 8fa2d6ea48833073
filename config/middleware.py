"""Language selection: Simplified Chinese unless the user chose another language with the switcher."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
