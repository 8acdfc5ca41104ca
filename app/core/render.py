"""A screenshot and a PDF of a fetched page, rendered by headless Chromium when installed.

The page is rendered from the bytes Sanad already fetched, never by letting Chromium go
to the URL itself: Chromium would otherwise load whatever the page points at (internal
addresses, `file:` frames) past the fetcher's guards. So the document is written to a
private folder with a Content-Security-Policy `<meta>` first in it that forbids every
subresource and every script, inline ones included (`default-src 'none'`; inline styles
and `data:` images only), and every network request is sent to a proxy that does not
exist. (Chromium's `scriptEnabled=false` setting would be simpler but stops headless
screenshots from being written.) The policy cannot stop a navigation, so elements that
navigate or embed on their own — `<meta http-equiv>` (a refresh to `file:///etc/…`
would otherwise be rendered), `<base>`, scripts, frames, objects — are removed first.
The rendering therefore shows the page's text and inline styles, without its external
stylesheets and images.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _
from lxml import etree

_CSP = (
    "<meta charset='utf-8'><meta http-equiv='Content-Security-Policy' content=\""
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:\">"
)
WINDOW = "1280,2400"


@dataclass(frozen=True)
class Rendering:
    screenshot: bytes | None
    pdf: bytes | None
    note: str

    @property
    def screenshot_sha256(self) -> str:
        return hashlib.sha256(self.screenshot).hexdigest() if self.screenshot else ""

    @property
    def pdf_sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest() if self.pdf else ""


def chromium_path() -> str | None:
    configured = getattr(settings, "SANAD_CHROMIUM", "")
    if configured:
        return configured if Path(configured).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


_REMOVED = (
    "//meta[@http-equiv]|//base|//script|//noscript|//iframe|//frame|//frameset"
    "|//object|//embed|//applet|//portal|//link"
)


def prepare_for_render(html: str) -> str:
    """The page without anything that navigates, embeds or runs by itself."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for element in tree.xpath(_REMOVED):
        element.drop_tree()
    return lxml.html.tostring(tree, encoding="unicode")


def render_page(html: str, *, title: str = "") -> Rendering:
    """Render `html` (already decoded) to PNG and PDF; says why when it cannot."""
    executable = chromium_path()
    if executable is None:
        return Rendering(None, None, _("No screenshot or PDF: Chromium is not installed."))
    document = f"<!doctype html>{_CSP}<title>{escape(title)}</title>{prepare_for_render(html)}"
    with tempfile.TemporaryDirectory(prefix="sanad-render-") as folder:
        root = Path(folder)
        page = root / "page.html"
        page.write_text(document, encoding="utf-8")
        shot, pdf = root / "page.png", root / "page.pdf"
        base = [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            # Every request that reaches the network stack goes nowhere.
            "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            f"--user-data-dir={root / 'profile'}",
            f"--window-size={WINDOW}",
            "--hide-scrollbars",
        ]
        try:
            # One start writes both files (halves the time of two runs).
            subprocess.run(  # noqa: S603  (fixed arguments, no shell)
                [
                    *base,
                    f"--screenshot={shot}",
                    f"--print-to-pdf={pdf}",
                    "--no-pdf-header-footer",
                    page.as_uri(),
                ],
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return Rendering(
                None, None, _("Chromium failed to render the page (%(e)s).") % {"e": error}
            )
        png = shot.read_bytes() if shot.exists() else None
        pdf_bytes = pdf.read_bytes() if pdf.exists() else None
    note = "" if png and pdf_bytes else _("Chromium did not produce both a screenshot and a PDF.")
    return Rendering(png, pdf_bytes, note)
