from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Vietnamese first: the UI is Vietnamese unless the user chose English (language cookie set by
    /i18n/setlang/). Unlike Django's LocaleMiddleware, the browser's Accept-Language is ignored, so
    an officer's English-language browser still gets the Vietnamese administrative UI."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang not in self.supported:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response
