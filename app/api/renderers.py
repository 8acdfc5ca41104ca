"""orjson for the API's large responses (the reader, lists): several times faster than
the standard library's encoder that DRF's `JSONRenderer` uses, for the same JSON."""

import decimal
from typing import Any

import orjson
from django.utils.functional import Promise
from rest_framework.renderers import JSONRenderer


def _default(value: Any) -> Any:
    # What DRF's encoder handles beyond orjson's own types: lazy translations, decimals,
    # querysets and other iterables (serializers have turned everything else to strings).
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)  # as DRF's encoder does (serializers send strings by default)
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "__iter__") and not isinstance(value, bytes | str):
        return list(value)
    return str(value)


class ORJSONRenderer(JSONRenderer):
    """DRF's JSON renderer, encoding with orjson; the browsable API is not used here.

    Unlike DRF's encoder, U+2028/U+2029 are left unescaped: they are valid in JSON and
    only matter to JSON embedded in a script, which API responses never are.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if isinstance(data, bytes):  # a payload rendered before (e.g. taken from a cache)
            return data
        return render_json(data)


def render_json(data: Any) -> bytes:
    """The bytes `ORJSONRenderer` sends for `data`, for a caller that caches them."""
    return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)
