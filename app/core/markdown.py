"""Comments in Markdown, rendered to HTML that is safe to put in a page.

Two layers, each enough on its own for the common attacks: markdown-it-py (CommonMark,
raw HTML off, so `<script>` stays text) and then the nh3 sanitizer with an explicit
allowlist, which would still catch anything the renderer let through (a future option
turned on, a renderer bug). Only http, https and mailto links survive; `javascript:`
and `data:` never do, and relative links are dropped too (a comment has no business
pointing into the app's own URLs, where a click could act on the reader's behalf).

Every block element gets `dir="auto"`, so a Persian paragraph next to an English one
each takes its own direction; nh3 strips `dir` unless told otherwise (see TRAPS).
"""

import functools

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# Blocks that carry their own direction; the first strong character decides it.
_BLOCK_TAGS = frozenset({"p", "blockquote", "ul", "ol", "li", "pre", "h3", "h4", "h5", "h6"})
_INLINE_TAGS = frozenset({"a", "strong", "em", "code", "br", "hr"})
_ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})
_LINK_REL = "noopener noreferrer nofollow"
# A comment sits under the claim page's h2 headings, so `#` becomes h3 and so on.
_HEADING_SHIFT = 2


def _parser() -> MarkdownIt:
    parser = MarkdownIt(
        "commonmark",
        # `breaks`: a line break typed in the comment box stays a line break.
        {"html": False, "linkify": False, "typographer": False, "breaks": True},
    )
    # Images would load third-party addresses in every reader's browser (tracking).
    parser.disable("image")
    return parser


_markdown = _parser()


def _shift_headings(tokens) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + _HEADING_SHIFT, 6)
            token.tag = f"h{level}"


def render_markdown(text: str) -> SafeString:
    """Render a comment's Markdown to sanitized HTML, marked safe for templates.

    The HTML depends on the text alone (no user, workspace or language goes in), so each
    process keeps the most recent renderings: comments never change once written, and a
    claim page shows the same ones to everyone who opens it. Long texts are rendered each
    time, which bounds the memory kept (about 512 x 4,000 characters and their HTML).
    """
    text = text or ""
    if len(text) > _MEMO_MAX_CHARS:
        return _render_markdown(text)
    return _render_markdown_memo(text)


def _render_markdown(text: str) -> SafeString:
    env: dict = {}
    tokens = _markdown.parse(text, env)
    _shift_headings(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, env)
    cleaned = nh3.clean(
        html,
        tags=set(_BLOCK_TAGS | _INLINE_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in _ALLOWED_ATTRIBUTES.items()},
        set_tag_attribute_values={tag: {"dir": "auto"} for tag in _BLOCK_TAGS},
        url_schemes=set(_URL_SCHEMES),
        url_relative="deny",
        link_rel=_LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitized by nh3 with an allowlist just above


_MEMO_MAX_CHARS = 4000
_render_markdown_memo = functools.lru_cache(maxsize=512)(_render_markdown)
