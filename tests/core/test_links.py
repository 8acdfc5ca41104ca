import pytest
from django.core.exceptions import ValidationError

from app.core.links import normalize_url, validate_web_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.ORG:443/a/b/", "https://example.org/a/b"),
        ("http://example.org:80/", "http://example.org"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        ("https://example.org/x?utm_source=nl&id=3&fbclid=abc#top", "https://example.org/x?id=3"),
        ("https://example.org/x?b=2&a=1", "https://example.org/x?b=2&a=1"),
    ],
)
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


def test_normalize_url_makes_tracking_variants_equal():
    plain = normalize_url("https://example.org/report")
    tracked = normalize_url("https://EXAMPLE.org/report/?utm_source=newsletter&utm_medium=email")
    assert plain == tracked


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>", "ftp://example.org/x", "example.org"]
)
def test_validate_web_url_refuses_non_web_urls_naming_the_field(url):
    with pytest.raises(ValidationError) as caught:
        validate_web_url(url, field="archived_url")
    assert "archived_url" in caught.value.message_dict


def test_validate_web_url_trims():
    assert validate_web_url("  https://example.org/a ", field="url") == "https://example.org/a"
