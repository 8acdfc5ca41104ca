"""Marks for views whose language does not come from the person asking."""

from collections.abc import Callable

LANGUAGES = ("fa", "en")
# How `manage.py update_translations` (./sanad messages) runs makemessages; the
# completeness test runs it the same way into a copy of locale/.
MAKEMESSAGES_OPTIONS = {
    "locale": list(LANGUAGES),
    "domain": "django",
    "no_location": True,
    "no_wrap": True,
    "no_obsolete": True,
    "ignore_patterns": [
        "tests/*",
        "bench/*",
        "scripts/*",
        "docs/*",
        "staticfiles/*",
        "static/*",
        "node_modules/*",
        "artifacts/*",
    ],
    "verbosity": 0,
}


def language_fixed(view: Callable) -> Callable:
    """The view picks its own language (the public site's pages, in their site's).

    The language middleware then leaves the request alone: it reads neither the session
    nor Accept-Language, so the response varies on neither and stays cacheable.
    """
    view.language_fixed = True
    return view
