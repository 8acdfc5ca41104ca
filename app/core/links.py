"""URL checks and normalization shared by articles and sources."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

# Query parameters that only track the reader and never change the page.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_validate_web_url = URLValidator(schemes=["http", "https"])


def validate_web_url(url: str, *, field: str) -> str:
    """Return the trimmed URL if it is http(s); raises `ValidationError` on `field`.

    Other schemes (`javascript:`, `data:`, `file:`) are refused outright: they are
    how a link turns into script.
    """
    url = (url or "").strip()
    try:
        _validate_web_url(url)
    except ValidationError:
        raise ValidationError(
            {field: _("Enter a full web address starting with http:// or https://.")}
        ) from None
    return url


def normalize_url(url: str) -> str:
    """Return the form under which two addresses of the same page compare equal.

    Lowercases scheme and host, drops default ports, fragments, `utm_*` and other
    tracking parameters, and a trailing slash on the path; keeps the remaining query
    in its order (servers may care about it).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = parts.path.rstrip("/")
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_PARAMS
        ]
    )
    return urlunsplit((scheme, netloc, path, query, ""))
