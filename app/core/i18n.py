"""Marks for views whose language does not come from the person asking."""

from collections.abc import Callable

LANGUAGES = ("fa", "en")
_NOT_OURS = ["tests/*", "bench/*", "scripts/*", "docs/*", "staticfiles/*", "artifacts/*"]
# How `manage.py update_translations` (./sanad messages) runs makemessages, per domain:
# `django` for Python and templates, `djangojs` for the page scripts in static/js/
# (served by the JavaScript catalogue view). The completeness test runs them the same
# way into a copy of locale/.
MAKEMESSAGES_RUNS = {
    "django": {
        "locale": list(LANGUAGES),
        "domain": "django",
        "no_location": True,
        "no_wrap": True,
        "no_obsolete": True,
        "ignore_patterns": [*_NOT_OURS, "static/*", "node_modules/*"],
        "verbosity": 0,
    },
    "djangojs": {
        "locale": list(LANGUAGES),
        "domain": "djangojs",
        "no_location": True,
        "no_wrap": True,
        "no_obsolete": True,
        "ignore_patterns": [*_NOT_OURS, "static/vendor/*", "node_modules/*"],
        "verbosity": 0,
    },
}


def language_fixed(view: Callable) -> Callable:
    """The view picks its own language (the public site's pages, in their site's).

    The language middleware then leaves the request alone: it reads neither the session
    nor Accept-Language, so the response varies on neither and stays cacheable.
    """
    view.language_fixed = True
    return view
