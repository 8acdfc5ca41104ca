"""Hostile content through every input, then every page that shows it, in Chromium.

Each payload, if it ever ran, would set `window.__pwned`; the pages are also watched
for Content-Security-Policy violations (a blocked inline script or style is still an
injection that reached the page), JavaScript dialogs, `javascript:` links, and layout
broken by long unbroken strings.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from app.articles.services import article_import_html, article_import_text
from app.claims.evidence import evidence_add_with_source
from app.claims.ratings import rating_create
from app.claims.services import claim_create, comment_add
from app.members.services import member_add
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PWN = "window.__pwned=1"
RLO = "\u202e"
LONG = "ن" * 600 + "A" * 600  # one unbroken "word"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
PAYLOADS = [
    f"<script>{PWN}</script>",
    f'<img src=x onerror="{PWN}">',
    f'<svg onload="{PWN}"><script>{PWN}</script></svg>',
    f'<a href="javascript:{PWN}">click</a>',
    f'<iframe src="data:text/html,<script>parent.{PWN}</script>"></iframe>',
    '</textarea></title><style>body{display:none}</style><p style="color:red">',
    f"&lt;script&gt;{PWN}&lt;/script&gt; &#60;img src=x onerror={PWN}&#62;",
    f"{RLO}gnp.exe{ZERO_WIDTH}",
    "{{ 7|add:7 }} {% now 'Y' %}",
]
HOSTILE = " ".join(PAYLOADS)
HOSTILE_SHORT = f'<img src=x onerror="{PWN}">{RLO}evil{ZERO_WIDTH}'
HOSTILE_HTML = f"""<!doctype html><html><head><title>{HOSTILE_SHORT}</title>
<script>{PWN}</script><style>body{{display:none}}</style>
<meta http-equiv="refresh" content="0;url=javascript:{PWN}"></head>
<body onload="{PWN}"><article><h1>Headline {HOSTILE_SHORT}</h1>
<p>The minister said the deal was signed on 18 June 2024, <b onmouseover="{PWN}">bold</b>
and the report was published the same week by the ministry of foreign affairs.</p>
<p>{LONG}</p>
<p>Second paragraph with <a href="javascript:{PWN}">a link</a> and
<svg><script>{PWN}</script></svg> an svg and a long explanation of the context of the
agreement, which covers trade, culture and transport between the two countries.</p>
<p>&lt;script&gt;{PWN}&lt;/script&gt; entities that decode to markup.</p>
</article></body></html>"""

# Watches for the page: sentinel, CSP violations, dialogs. Injected by Playwright,
# which the page's own policy does not restrict.
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""


@pytest.fixture
def hostile_workspace(team):
    workspace = team.workspace
    author = UserFactory(username="hostile-author", display_name=HOSTILE_SHORT + LONG[:80])
    member_add(workspace=workspace, user=author, role="reviewer", actor=team.admin)
    text_article = article_import_text(
        workspace=workspace,
        text=f"{HOSTILE}\n\n{LONG}\n\nThe mayor said ridership rose 12% in 2025.\n",
        title=HOSTILE_SHORT,
        outlet=HOSTILE_SHORT,
        author=HOSTILE_SHORT,
        actor=author,
    )
    html_article = article_import_html(
        workspace=workspace,
        html=HOSTILE_HTML.encode(),
        url="https://news.example/hostile",
        actor=author,
    )
    text = text_article.snapshot.text
    start = text.index("<script>")
    claim = claim_create(
        workspace=workspace,
        snapshot=text_article.snapshot,
        start=start,
        end=start + 40,
        exact=text[start : start + 40],
        restatement=HOSTILE,
        claimant=HOSTILE_SHORT,
        tags=[HOSTILE_SHORT[:60], LONG[:60]],
        actor=author,
    )
    evidence_add_with_source(
        claim=claim,
        url="https://source.example/a?q=%3Cscript%3E",
        stance="refutes",
        title=HOSTILE_SHORT,
        publisher=HOSTILE_SHORT,
        quote=HOSTILE,
        note=HOSTILE,
        actor=author,
    )
    comment_add(
        claim=claim,
        body=(
            f"{HOSTILE}\n\n[link](javascript:{PWN}) ![img](x onerror={PWN}) "
            f"<a href='data:text/html,x'>data</a>\n\n{LONG}"
        ),
        actor=author,
    )
    rating_create(
        workspace=workspace,
        label=HOSTILE_SHORT[:40],
        value=None,
        colour="#123456",
        actor=team.admin,
        description=HOSTILE,
    )
    return {
        "workspace": workspace,
        "articles": [text_article.article, html_article.article],
        "claim": claim,
        "source": claim.evidence.get().source,
    }


def pages_of(data) -> list[tuple[str, str]]:
    """(path, text the page must show literally) for every page that shows the data."""
    slug = data["workspace"].slug
    pages = [
        reverse("workspace-home", kwargs={"slug": slug}),
        reverse("workspace-members", kwargs={"slug": slug}),
        reverse("claim-list", kwargs={"slug": slug}),
        reverse("claim-detail", kwargs={"slug": slug, "pk": data["claim"].pk}),
        reverse("source-list", kwargs={"slug": slug}),
        reverse("source-detail", kwargs={"slug": slug, "pk": data["source"].pk}),
        reverse("rating-list", kwargs={"slug": slug}),
    ]
    text_article, html_article = data["articles"]
    pages.append(reverse("article-detail", kwargs={"slug": slug, "pk": text_article.pk}))
    shown = [(path, "onerror=") for path in pages]
    # The HTML page's markup is gone with extraction; its entities that decode to
    # markup are text, and must be shown as such.
    html_reader = reverse("article-detail", kwargs={"slug": slug, "pk": html_article.pk})
    shown.append((html_reader, f"<script>{PWN}</script>"))
    return shown


def test_no_hostile_input_runs_or_breaks_the_layout(
    page, live_server, log_in, team, hostile_workspace, screenshot_dir: Path
):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH)
    log_in(team.admin)  # the admin sees every control
    for path, literal in pages_of(hostile_workspace):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None, path
        assert page.evaluate("window.__cspViolations") == [], path
        # No markup from the payloads became elements.
        assert page.locator("#main iframe, #main svg script, #main img[src=x]").count() == 0, path
        hrefs = page.eval_on_selector_all("a[href]", "(as) => as.map((a) => a.href)")
        assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))], path
        # The text is shown, escaped: the payload appears as text on the page.
        assert literal in page.locator("body").inner_text(), path
        # Long unbroken strings wrap instead of widening the page.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} is {overflow}px wider than the window"
        # Right-to-left overrides stay inside a direction-isolated element.
        leaks = page.evaluate(
            """(rlo) => {
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                const bad = [];
                for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                    if (!n.data.includes(rlo)) continue;
                    const owner = n.parentElement;
                    if (["SCRIPT", "TEXTAREA", "OPTION"].includes(owner.tagName)) continue;
                    const isolated = owner.closest("[dir], bdi, input, textarea");
                    if (!isolated || isolated === document.documentElement) {
                        bad.push(owner.outerHTML.slice(0, 80));
                    }
                }
                return bad;
            }""",
            RLO,
        )
        assert leaks == [], f"{path}: {leaks}"
    assert dialogs == []
    page.screenshot(path=screenshot_dir / "hostile-claim.png", full_page=False)
