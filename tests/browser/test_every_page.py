"""Every page of the demo data, in Persian and English, at 1280 px and 390 px.

For each page: it loads within its time budget, nothing is wider than the window
(no sideways scrolling), the browser logs no console error, and axe-core (vendored
by scripts/vendor.py, served by the app) finds no serious or critical accessibility
violation. One test per language (two test processes can share the walk), each with
one browser context and one sign-in for both widths; the language comes from the
browser's Accept-Language (the demo people choose none), the width from the viewport.
A page that hangs fails naming its URL instead of stalling the suite.

Screenshots of the Persian reader, claim page and dashboard are written to
artifacts/screenshots/ (docs/screenshots/ holds small copies for the README).
"""

import os
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse

from app.articles.models import Article
from app.claims.models import Claim
from app.sources.models import Source
from app.workspaces.models import Workspace
from app.workspaces.publishing import claim_slug
from tests.public.conftest import enable_site, publish

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANGUAGES = ("fa", "en")
WIDTHS = (1280, 390)
HEIGHT = 860
GOTO_TIMEOUT_MS = 15_000
# The whole check of one page: load, overflow, axe. Beyond it the page fails by name.
PAGE_BUDGET_S = 30.0
AXE_TIMEOUT_MS = 20_000
AXE_PATH = "/static/vendor/axe-core/axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
SCREENSHOTS = {
    ("fa", 1280, "reader"): "reader-fa.png",
    ("fa", 1280, "claim"): "claim-fa.png",
    ("fa", 1280, "dashboard"): "dashboard-fa.png",
    ("fa", 390, "claim"): "claim-fa-390.png",
}

# One round trip per page after it loads: wait for the fonts, read the language, look for
# sideways overflow, then load axe-core into the page (a <script src>, as Playwright's
# add_script_tag does) and run it. The overflow is measured before axe-core is added.
CHECK_JS = """async ([axePath, timeout]) => {
    await document.fonts.ready;
    const lang = document.documentElement.lang;
    const overflow = (() => {
        const root = document.documentElement;
        const width = root.clientWidth;
        if (root.scrollWidth <= width + 1) return null;
        const wide = [];
        for (const element of document.body.querySelectorAll("*")) {
            const box = element.getBoundingClientRect();
            if (box.width && (box.right > width + 1 || box.left < -1)) {
                const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
                    + (element.className && typeof element.className === "string"
                       ? "." + element.className.trim().split(/\\s+/).join(".") : "");
                wide.push(`${name} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
                if (wide.length >= 5) break;
            }
        }
        return `page is ${root.scrollWidth}px wide in a ${width}px window: ${wide.join("; ")}`;
    })();
    await new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = axePath;
        script.onload = resolve;
        script.onerror = () => reject(new Error(`${axePath} did not load`));
        document.head.appendChild(script);
    });
    const run = axe.run(document, { resultTypes: ["violations"] });
    const late = new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`axe-core took more than ${timeout} ms`)), timeout));
    const results = await Promise.race([run, late]);
    const violations = results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
    return { lang, overflow, violations };
}"""


@dataclass
class Page:
    name: str
    path: str
    # The public site speaks its own language whatever the browser asks.
    language: str | None = None
    problems: list[str] = field(default_factory=list)


def demo_pages() -> tuple[list[Page], object]:
    """The URLs of the demo workspace, with one claim published on its public site."""
    call_command("seed_demo", verbosity=0)
    workspace = Workspace.objects.get(slug="demo")
    users = {m.role: m.user for m in workspace.memberships.select_related("user")}
    team = SimpleNamespace(
        workspace=workspace,
        admin=users["admin"],
        editor=users["editor"],
        reviewer=users["reviewer"],
    )
    enable_site(team, logo_url="", same_as=[])
    persian = Article.objects.filter(workspace=workspace, language="fa").order_by("pk").first()
    english = Article.objects.filter(workspace=workspace).exclude(language="fa").first()
    persian_claim = Claim.objects.filter(article=persian).order_by("pk").first()
    published = publish(persian_claim, team)
    open_claim = Claim.objects.filter(workspace=workspace, status="open").order_by("pk").first()
    source = Source.objects.filter(workspace=workspace).order_by("pk").first()
    slug = workspace.slug

    def w(name, **kwargs):
        return reverse(name, kwargs={"slug": slug, **kwargs})

    return [
        Page("workspace home", w("workspace-home")),
        Page("dashboard", w("workspace-dashboard")),
        Page("claims", w("claim-list")),
        Page("reader", w("article-detail", pk=persian.pk)),
        Page("reader (English article)", w("article-detail", pk=english.pk)),
        Page("claim", w("claim-detail", pk=published.pk)),
        Page("claim (open)", w("claim-detail", pk=open_claim.pk)),
        Page("import", w("article-import")),
        Page("import from a URL", w("article-import-url")),
        Page("sources", w("source-list")),
        Page("source", w("source-detail", pk=source.pk)),
        Page("link report", w("source-link-report")),
        Page("search", w("search") + "?q=%D9%82%D8%B1%D8%A7%D8%B1%D8%AF%D8%A7%D8%AF"),
        Page("exports", w("export-page")),
        Page("audit", w("audit-timeline")),
        Page("rating scale", w("rating-list")),
        Page("public site settings", w("public-settings")),
        Page("members", w("workspace-members")),
        Page("invitations", w("invitation-list")),
        Page("API tokens", w("api-tokens")),
        Page("my work", w("my-work")),
        Page("notifications", w("notification-list")),
        Page("account", reverse("account")),
        Page("new workspace", reverse("workspace-create")),
        Page("password change", reverse("password_change")),
        Page("public index", reverse("public-index", kwargs={"slug": slug}), "fa"),
        Page(
            "public claim",
            reverse(
                "public-claim",
                kwargs={"slug": slug, "pk": published.pk, "text_slug": claim_slug(published)},
            ),
            "fa",
        ),
    ], users["admin"]


def check_page(page, base: str, item: Page, language: str, width: int, shots) -> None:
    """Load one page and record its problems on `item` (never raises for a bad page)."""
    console: list[str] = []

    def on_console(message):
        if message.type == "error" and "favicon.ico" not in (message.location or {}).get("url", ""):
            console.append(message.text)

    def on_error(error):
        console.append(f"uncaught: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    started = time.monotonic()
    try:
        response = page.goto(base + item.path, timeout=GOTO_TIMEOUT_MS, wait_until="load")
        if response is None or response.status >= 400:
            item.problems.append(f"HTTP {response.status if response else 'no response'}")
            return
        found = page.evaluate(CHECK_JS, [AXE_PATH, AXE_TIMEOUT_MS])
        lang = found["lang"]
        expected = item.language or language
        if not lang.startswith(expected):
            item.problems.append(f'<html lang="{lang}">, expected {expected}')
        if found["overflow"]:
            item.problems.append(found["overflow"])
        for violation in found["violations"]:
            if violation["impact"] in BLOCKING_IMPACTS:
                item.problems.append(
                    f"axe {violation['impact']} {violation['id']}: {violation['help']} "
                    f"at {', '.join(violation['targets'])}"
                )
        shot = shots.get((language, width, item.name))
        if shot:
            page.screenshot(path=shot)
    except Exception as error:  # a timeout or a crash: the page fails, the walk goes on
        item.problems.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_error)
    elapsed = time.monotonic() - started
    if elapsed > PAGE_BUDGET_S:
        item.problems.append(f"took {elapsed:.1f} s (budget {PAGE_BUDGET_S:.0f} s)")
    item.problems.extend(f"console error: {text}" for text in console)


# One test per language, so that two test processes can share the walk; each seeds the
# demo data itself (well under a second).
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_at_both_widths(page, live_server, log_in, screenshot_dir, language):
    pages, admin = demo_pages()
    # SANAD_EVERY_PAGE_ONLY="claim,audit" narrows the walk while fixing a page.
    only = {name.strip() for name in os.environ.get("SANAD_EVERY_PAGE_ONLY", "").split(",")}
    if only - {""}:
        pages = [item for item in pages if item.name in only]
    log_in(admin)
    shots = {key: screenshot_dir / name for key, name in SCREENSHOTS.items() if key[0] == language}
    failures = []
    page.context.set_extra_http_headers({"Accept-Language": f"{language};q=1"})
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        for item in pages:
            result = Page(item.name, item.path, item.language)
            check_page(page, live_server.url, result, language, width, shots)
            failures.extend(
                f"[{language} {width}px] {result.name} {result.path}: {problem}"
                for problem in result.problems
            )
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
    for path in shots.values():
        assert path.is_file(), f"no screenshot {path}"
