"""The language of a request: Vietnamese unless the reader chose English.

Django's LocaleMiddleware follows the browser's Accept-Language, and many Vietnamese staff
and citizens use a browser or a phone set to English: the platform then greeted them in
English beside Vietnamese data. Pages now follow only the reader's own choice (the
language switcher's cookie) and otherwise LANGUAGE_CODE (vi). Machine clients, the REST
API and Open311, still negotiate by Accept-Language: a client asks for its language.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

NEGOTIATING_PREFIXES = ("/api/", "/open311/")


def chosen_language(request: HttpRequest) -> str:
    """The switcher's cookie if it names a language of the platform, else LANGUAGE_CODE."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen and chosen in dict(settings.LANGUAGES):
        return chosen
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(NEGOTIATING_PREFIXES):
            super().process_request(request)
            return
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
