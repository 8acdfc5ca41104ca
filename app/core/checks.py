"""System checks for settings that must never reach production."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def fetch_test_addresses_only_in_tests(app_configs, **kwargs):
    """The fetcher's loopback allowance exists for the test server alone."""
    if settings.SANAD_ENV != "test" and settings.SANAD_FETCH_TEST_ALLOWED_ADDRESSES:
        return [
            Error(
                "SANAD_FETCH_TEST_ALLOWED_ADDRESSES is set outside the test suite.",
                hint="Remove it: the URL fetcher must refuse loopback and private addresses.",
                id="sanad.E101",
            )
        ]
    return []
