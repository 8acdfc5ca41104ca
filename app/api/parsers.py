"""The API's JSON parser: DRF's, with nesting too deep for Python refused as bad input."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """`JSONParser` that answers a 400 (`parse_error`) to JSON nested too deeply.

    Python's decoder raises `RecursionError` on deeply nested arrays or objects (e.g.
    100,000 `[`), which DRF does not catch, so the request ended in a 500 page.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the document is nested too deeply.")) from None
