"""The portal's language: French unless the person chose English (ACC-6).

A signed-in user's saved language wins; otherwise the choice made with the header's switch (a
cookie); otherwise French, whatever the browser asks for, as the real portal does.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        available = {code for code, _ in settings.LANGUAGES}
        user = getattr(request, "user", None)
        language = settings.LANGUAGE_CODE
        if user is not None and user.is_authenticated and user.language in available:
            language = user.language
        elif request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in available:
            language = request.COOKIES[settings.LANGUAGE_COOKIE_NAME]
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response
