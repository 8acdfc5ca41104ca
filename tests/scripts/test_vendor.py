"""scripts/vendor.py: the committed front-end files are the pinned, verified ones."""

import base64
import gzip
import hashlib
import importlib.util
import io
import json
import sys
import tarfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "vendor.py"
_spec = importlib.util.spec_from_file_location("sanad_vendor", SCRIPT)
vendor = importlib.util.module_from_spec(_spec)
# dataclasses look their module up in sys.modules.
sys.modules[_spec.name] = vendor
_spec.loader.exec_module(vendor)


def tarball(files: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue())


def integrity_of(blob: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(blob).digest()).decode()


def test_committed_vendor_files_match_their_pins_and_manifests():
    assert vendor.main(["--check"]) == 0
    for package in vendor.PACKAGES:
        record = json.loads((vendor.VENDOR / package.name / vendor.MANIFEST).read_text())
        assert record["version"] == package.version
        assert record["integrity"].startswith("sha512-")


def test_every_vendored_package_carries_its_licence():
    for package in vendor.PACKAGES:
        names = set(package.files.values())
        assert names & {"LICENSE", "OFL.txt"}, package.name


def test_a_tampered_tarball_fails_the_integrity_check():
    blob = tarball({"a.js": b"1"})
    vendor.check_integrity(blob, integrity_of(blob))
    with pytest.raises(vendor.VendorError, match="integrity mismatch"):
        vendor.check_integrity(blob + b"x", integrity_of(blob))
    with pytest.raises(vendor.VendorError, match="unsupported"):
        vendor.check_integrity(blob, "sha1-abc")


def test_only_listed_files_are_extracted_under_their_new_names():
    package = vendor.Package("demo", "1.0.0", {"dist/x[wght].js": "x.js", "LICENSE": "LICENSE"})
    blob = tarball({"dist/x[wght].js": b"code", "LICENSE": b"MIT", "evil.sh": b"rm"})
    assert vendor.extract(package, blob) == {"x.js": b"code", "LICENSE": b"MIT"}


def test_a_package_missing_a_listed_file_is_refused():
    package = vendor.Package("demo", "1.0.0", {"LICENSE": "LICENSE", "a.js": "a.js"})
    with pytest.raises(vendor.VendorError, match=r"lacks a\.js"):
        vendor.extract(package, tarball({"LICENSE": b"MIT"}))


def test_check_reports_an_edited_vendored_file(tmp_path, monkeypatch):
    package = vendor.Package("demo", "1.0.0", {"LICENSE": "LICENSE"})
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "LICENSE").write_bytes(b"MIT")
    record = vendor.manifest(package, "sha512-x", {"LICENSE": b"MIT"})
    (folder / vendor.MANIFEST).write_text(json.dumps(record))
    monkeypatch.setattr(vendor, "VENDOR", tmp_path)
    assert vendor.check(package) == []
    (folder / "LICENSE").write_bytes(b"GPL")
    assert vendor.check(package) == ["demo: LICENSE differs from the vendored copy"]
