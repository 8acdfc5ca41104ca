"""The page scripts' strings (djangojs catalogue), made once per process and language.

Django's JavaScriptCatalog loads every app's .mo files and renders the catalogue on each
request (~90 ms, on every page view, since the pages load it in their head). What it
renders depends only on the language, the catalogue's domain and packages, the .mo
files (read at start-up by Django's own `gettext` too) and the format settings, so the
rendered script is kept per (language, domain, packages); settings changed under a test
empty it.
"""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.translation import get_language
from django.views.i18n import JavaScriptCatalog

_RENDERED: dict[tuple, tuple[bytes, str]] = {}


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _RENDERED.clear()


class CachedJavaScriptCatalog(JavaScriptCatalog):
    def get(self, request, *args, **kwargs):
        key = (get_language(), kwargs.get("domain", self.domain), kwargs.get("packages", ""))
        if key not in _RENDERED:
            response = super().get(request, *args, **kwargs)
            _RENDERED[key] = (response.content, response["Content-Type"])
        content, content_type = _RENDERED[key]
        return HttpResponse(content, content_type=content_type)
