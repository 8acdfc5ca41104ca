"""`{% load sanad_markdown %}{{ comment.body|markdown }}`: Markdown rendered sanitized."""

from django import template
from django.utils.safestring import SafeString

from app.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: str | None) -> SafeString:
    """Render Markdown to sanitized HTML (the input is never trusted, whatever its origin)."""
    return render_markdown(str(value) if value is not None else "")
