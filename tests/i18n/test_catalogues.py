"""The committed catalogues are complete and compile; makemessages finds nothing new."""

import gettext
import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

from app.core.i18n import LANGUAGES, MAKEMESSAGES_RUNS

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
DOMAINS = list(MAKEMESSAGES_RUNS)
pytestmark = pytest.mark.xdist_group("catalogues")
EVERY = [(language, domain) for language in LANGUAGES for domain in DOMAINS]


def catalogue(language: str, domain: str = "django") -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / f"{domain}.po"))


def msgids(po: polib.POFile) -> set[tuple[str, str]]:
    return {(entry.msgctxt or "", entry.msgid) for entry in po if not entry.obsolete}


@pytest.mark.parametrize(("language", "domain"), EVERY)
def test_every_entry_is_translated_and_none_is_fuzzy(language, domain):
    po = catalogue(language, domain)
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize("domain", DOMAINS)
def test_both_languages_hold_the_same_strings(domain):
    assert msgids(catalogue("fa", domain)) == msgids(catalogue("en", domain))


@pytest.mark.parametrize(("language", "domain"), EVERY)
def test_translations_keep_every_placeholder(language, domain):
    wrong = []
    for entry in catalogue(language, domain):
        wanted = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        strings = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        # Plural forms may leave the number out of the singular ("cited once").
        if any(not set(PLACEHOLDER.findall(s)) <= wanted for s in strings) or (
            set(PLACEHOLDER.findall(list(strings)[-1])) != wanted
        ):
            wrong.append(entry.msgid)
    assert wrong == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_persian_is_persian(domain):
    # A slip that pastes the English back in would pass the emptiness check.
    po = catalogue("fa", domain)
    english = [
        e.msgid
        for e in po
        if not e.msgid_plural and e.msgstr == e.msgid and re.search(r"[a-z]{3,} [a-z]{3,}", e.msgid)
    ]
    assert english == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_makemessages_finds_nothing_new(domain):
    if shutil.which("xgettext") is None:
        pytest.fail("makemessages needs GNU gettext's xgettext (apt-get install gettext)")
    # makemessages writes into the locale folder beside the sources it scans (the checkout's
    # own), whatever LOCALE_PATHS says: read what it wrote, then put the committed bytes back.
    # The module runs on one xdist worker (xdist_group), so no other test reads it meanwhile.
    target = LOCALE / "fa" / "LC_MESSAGES" / f"{domain}.po"
    before = target.read_bytes()
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        call_command("makemessages", **{**MAKEMESSAGES_RUNS[domain], "locale": ["fa"]})
        extracted = polib.pofile(target.read_text(encoding="utf-8"))
    finally:
        os.chdir(cwd)
        target.write_bytes(before)
    committed = polib.pofile(before.decode("utf-8"))
    assert sorted(msgids(extracted) - msgids(committed)) == [], "run ./sanad messages"
    assert sorted(msgids(committed) - msgids(extracted)) == [], "stale strings: ./sanad messages"
    # What is new arrives untranslated; nothing may be left that way.
    assert [e.msgid for e in extracted.untranslated_entries()] == []


def test_the_python_fallback_compiles_a_catalogue_gettext_reads(tmp_path):
    from scripts.compile_messages import compile_catalogue

    mo = tmp_path / "django.mo"
    compile_catalogue(LOCALE / "fa" / "LC_MESSAGES" / "django.po", mo, msgfmt=None)
    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    assert translations.gettext("Verdict") == "حکم"
    assert translations.ngettext("%(shown)s claim", "%(shown)s claims", 3) == "%(shown)s ادعا"
