"""Language choice: Chinese unless English is asked for.

Pages follow the language the user picked with the switcher (the language cookie), not the
browser's Accept-Language: a county site is Chinese first, and a kiosk or an English-language
browser in the hall must not turn it English by accident. The JSON API follows Accept-Language,
since that is how a client asks for English messages.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class GovhallLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            supported = dict(settings.LANGUAGES)
            language = cookie if cookie in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def __call__(self, request):
        # Put back the language that was active before the request: a worker thread (or the test
        # process) must not keep the last request's language for work outside a request.
        previous = translation.get_language()
        try:
            return super().__call__(request)
        finally:
            if previous:
                translation.activate(previous)
            else:
                translation.deactivate()
