"""The layout mirrors in Persian: no stylesheet of ours names a physical side.

`left`/`right` (margins, paddings, borders, insets, floats, text alignment) would keep
the chrome left-to-right around right-to-left text; the logical properties
(`margin-inline-start`, `inset-inline-end`, `text-align: start`…) follow `dir`.
Third-party files under static/vendor/ are theirs to write.
"""

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"
PHYSICAL = re.compile(
    r"(?<![\w-])(?:(?:margin|padding|border|scroll-margin|scroll-padding)-(?:left|right)"
    r"(?:-\w+)?|left|right|border-(?:top|bottom)-(?:left|right)-radius)\s*:"
    r"|(?:float|clear|text-align)\s*:\s*(?:left|right)\b"
)


def physical_sides(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [match.group(0) for match in PHYSICAL.finditer(css)]


def test_the_check_catches_physical_sides():
    css = ".a { margin-left: 1px; right: 0; text-align: right } .b { inset-inline-end: 0 }"
    assert physical_sides(css) == ["margin-left:", "right:", "text-align: right"]


@pytest.mark.parametrize(
    "path",
    sorted(p for p in STATIC.rglob("*.css") if "vendor" not in p.parts),
    ids=lambda p: str(p.relative_to(STATIC)),
)
def test_stylesheet_uses_logical_sides(path):
    assert physical_sides(path.read_text(encoding="utf-8")) == []
