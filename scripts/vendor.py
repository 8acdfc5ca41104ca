#!/usr/bin/env python3
"""Copy third-party front-end files from their npm packages into static/vendor/.

    python scripts/vendor.py            fetch, verify and copy every package below
    python scripts/vendor.py --check    verify that static/vendor/ matches them, without writing

Each package is pinned to one version. The tarball's SHA-512 is checked against the
`dist.integrity` the npm registry publishes for that version, before anything is
unpacked; then only the files listed below (and the licence) are copied, under
names we choose. A file `static/vendor/<package>/VENDORED.json` records the version,
the tarball's integrity and each copied file's SHA-256, so `--check` (and the test
suite, tests/scripts/test_vendor.py) can tell whether the committed files are still
the pinned ones without the network. Re-running is safe: it rewrites the same bytes.

Only the Python standard library is used, so it runs before the virtualenv exists.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "static" / "vendor"
REGISTRY = "https://registry.npmjs.org"
MANIFEST = "VENDORED.json"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    # path inside the tarball (below "package/") -> path below static/vendor/<name>/
    files: dict[str, str] = field(default_factory=dict)


PACKAGES = [
    Package(
        "vazirmatn",
        "33.0.3",
        {
            # The variable font covers every weight in one file; bracketed names are
            # awkward in URLs, so it is renamed.
            "fonts/webfonts/Vazirmatn[wght].woff2": "Vazirmatn-Variable.woff2",
            "OFL.txt": "OFL.txt",
            "AUTHORS.txt": "AUTHORS.txt",
        },
    ),
    Package(
        "axe-core",
        "4.11.0",
        {
            "axe.min.js": "axe.min.js",
            "LICENSE": "LICENSE",
            "LICENSE-3RD-PARTY.txt": "LICENSE-3RD-PARTY.txt",
        },
    ),
]


class VendorError(Exception):
    """A package could not be fetched, failed its integrity check or lacks a file."""


def _get(url: str) -> bytes:
    # Only https: the registry's tarball URL comes from its metadata.
    if not url.startswith("https://"):
        raise VendorError(f"refusing a non-https URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "sanad-vendor"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.read()
    except OSError as error:
        raise VendorError(f"could not fetch {url}: {error}") from error


def registry_dist(package: Package) -> dict:
    """The registry's `dist` record (tarball URL and integrity) for the pinned version."""
    data = json.loads(_get(f"{REGISTRY}/{package.name}/{package.version}"))
    dist = data.get("dist") or {}
    if not dist.get("tarball") or not str(dist.get("integrity", "")).startswith("sha512-"):
        raise VendorError(f"{package.name}@{package.version}: the registry gives no sha512")
    return dist


def check_integrity(blob: bytes, integrity: str) -> None:
    """Raise unless `blob` has the Subresource-Integrity style `sha512-<base64>` digest."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise VendorError(f"unsupported integrity algorithm {algorithm!r}")
    actual = base64.b64encode(hashlib.sha512(blob).digest()).decode()
    if actual != expected:
        raise VendorError(f"integrity mismatch: registry says {expected}, tarball is {actual}")


def extract(package: Package, blob: bytes) -> dict[str, bytes]:
    """The listed files of a verified tarball, keyed by their target names."""
    wanted = {f"package/{source}": target for source, target in package.files.items()}
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as archive:
        for member in archive.getmembers():
            if member.name in wanted and member.isfile():
                found[wanted[member.name]] = archive.extractfile(member).read()
    missing = sorted(set(wanted.values()) - set(found))
    if missing:
        raise VendorError(f"{package.name}@{package.version} lacks {', '.join(missing)}")
    return found


def manifest(package: Package, integrity: str, files: dict[str, bytes]) -> dict:
    return {
        "package": package.name,
        "version": package.version,
        "integrity": integrity,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }


def vendor(package: Package) -> Path:
    """Fetch, verify and copy one package; return its folder."""
    dist = registry_dist(package)
    blob = _get(dist["tarball"])
    check_integrity(blob, dist["integrity"])
    files = extract(package, blob)
    target = VENDOR / package.name
    target.mkdir(parents=True, exist_ok=True)
    keep = set(files) | {MANIFEST}
    for stale in target.iterdir():
        if stale.is_file() and stale.name not in keep:
            stale.unlink()
    for name, data in files.items():
        (target / name).write_bytes(data)
    record = manifest(package, dist["integrity"], files)
    (target / MANIFEST).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return target


def check(package: Package) -> list[str]:
    """Problems with the committed copy of `package` (empty when it is the pinned one)."""
    target = VENDOR / package.name
    path = target / MANIFEST
    if not path.is_file():
        return [f"{package.name}: {path.relative_to(ROOT)} is missing; run scripts/vendor.py"]
    record = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    if record.get("version") != package.version:
        problems.append(
            f"{package.name}: vendored {record.get('version')}, pinned {package.version}"
        )
    expected_names = set(package.files.values())
    if set(record.get("files", {})) != expected_names:
        problems.append(f"{package.name}: the manifest lists other files than the pin")
    for name in sorted(expected_names):
        file = target / name
        if not file.is_file():
            problems.append(f"{package.name}: {name} is missing")
        elif hashlib.sha256(file.read_bytes()).hexdigest() != record["files"].get(name):
            problems.append(f"{package.name}: {name} differs from the vendored copy")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only, no network")
    args = parser.parse_args(argv)
    if args.check:
        problems = [problem for package in PACKAGES for problem in check(package)]
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print(f"static/vendor/ matches the {len(PACKAGES)} pinned packages")
        return 1 if problems else 0
    for package in PACKAGES:
        try:
            target = vendor(package)
        except VendorError as error:
            print(f"vendor: {error}", file=sys.stderr)
            return 1
        print(f"{package.name}@{package.version}: verified, copied to {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
