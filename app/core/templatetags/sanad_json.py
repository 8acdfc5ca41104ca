"""`json_data`: Django's `json_script`, without escaping every non-ASCII character.

`json_script` writes Persian text as `\\uXXXX` escapes, six bytes per letter, which
doubles the reader page of a Persian article. JSON needs no such escape: only `<`,
`>` and `&` must be escaped so the data can never close its <script> element or open
another, and that is what this filter does too.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


@register.filter
def json_data(value, element_id: str):
    """Render `value` as JSON in a <script type="application/json" id=element_id>."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_SAFE)
    # U+2028/2029 are valid in JSON and harmless in a data block; kept as they are.
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(text),  # noqa: S308 - "<", ">" and "&" are escaped above
    )
