"""The orjson renderer sends the JSON DRF's renderer sends, for what views return."""

import datetime as dt
import decimal
import json
import uuid

from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from app.api.renderers import ORJSONRenderer

DATA = ReturnDict(
    {
        "text": 'گفت "۱۲٪" \\ 🚇 𝕏\u200c\t\n',
        "lazy": gettext_lazy("Not found."),
        "error": ErrorDetail("bad", code="invalid"),
        "number": 12,
        "none": None,
        "flag": True,
        "float": 0.5,
        "decimal": decimal.Decimal("1.50"),
        "id": uuid.UUID(int=7),
        "day": dt.date(2026, 1, 2),
        "nested": ReturnList([{"a": [1, 2, {"b": "ج"}]}], serializer=None),
        "tags": ("x", "y"),
    },
    serializer=None,
)


def test_the_same_json_as_drf():
    fast = ORJSONRenderer().render(DATA)
    assert isinstance(fast, bytes)
    assert json.loads(fast) == json.loads(JSONRenderer().render(DATA))
    assert "🚇".encode() in fast  # UTF-8, not \\u escapes


def test_bytes_already_rendered_go_out_as_they_are():
    assert ORJSONRenderer().render(b'{"cached":1}') == b'{"cached":1}'
    assert ORJSONRenderer().render(None) == b""
