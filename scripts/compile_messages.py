"""Compile locale/*/LC_MESSAGES/*.po into the .mo files Django reads.

The .mo files are build output (not committed): ./sanad runs this on every set-up, and
it only rewrites a catalogue whose .po is newer than its .mo. GNU gettext's msgfmt is
used when it is installed (as Django's compilemessages does, with --check-format);
otherwise polib, a pure-Python library from the lock, writes the same binary format.

    python scripts/compile_messages.py [--force] [--quiet]
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"


def compile_catalogue(po: Path, mo: Path, msgfmt: str | None) -> None:
    if msgfmt:
        subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(po)], check=True)
        return
    import polib

    # Like msgfmt, polib writes only translated entries (no fuzzy or obsolete ones).
    polib.pofile(str(po)).save_as_mofile(str(mo))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="compile even if up to date")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--with", dest="tool", choices=["auto", "msgfmt", "polib"], default="auto")
    options = parser.parse_args(argv)
    msgfmt = shutil.which("msgfmt") if options.tool in ("auto", "msgfmt") else None
    if options.tool == "msgfmt" and not msgfmt:
        print("compile_messages: msgfmt is not installed", file=sys.stderr)
        return 1
    compiled = 0
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not options.force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            compile_catalogue(po, mo, msgfmt)
        except (subprocess.CalledProcessError, OSError, ValueError) as error:
            print(f"compile_messages: {po.relative_to(ROOT)}: {error}", file=sys.stderr)
            return 1
        compiled += 1
        if not options.quiet:
            print(f"compiled {mo.relative_to(ROOT)} with {'msgfmt' if msgfmt else 'polib'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
