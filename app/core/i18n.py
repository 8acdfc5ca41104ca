"""Marks for views whose language does not come from the person asking."""

from collections.abc import Callable


def language_fixed(view: Callable) -> Callable:
    """The view picks its own language (the public site's pages, in their site's).

    The language middleware then leaves the request alone: it reads neither the session
    nor Accept-Language, so the response varies on neither and stays cacheable.
    """
    view.language_fixed = True
    return view
