"""`{{ value|local_digits }}`: a number in the page language's digits (Persian in fa).

Only for numbers the interface computes (counts, durations); stored text is never
passed through it.
"""

from django import template

from app.core.charts import Text

register = template.Library()


@register.filter
def local_digits(value) -> str:
    return Text.current().number(value)
