"""Fetch front-end packages the tests need from the npm registry, checked by their integrity.

Usage: ``python scripts/npm_fetch.py`` (``scripts/test.sh`` runs it). Each package of
``scripts/npm-packages.json`` is unpacked once into ``.cache/npm/<name>-<version>/``; a
download whose SHA-512 differs from the pinned one is refused. No Node.js is needed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = ROOT / "scripts" / "npm-packages.json"
CACHE = ROOT / ".cache" / "npm"
REGISTRY = "https://registry.npmjs.org"


def package_dir(name: str, version: str) -> Path:
    """Where ``name@version`` is unpacked (its ``package/`` folder)."""
    return CACHE / f"{name}-{version}"


def fetch(name: str, version: str, integrity: str) -> Path:
    """Download and unpack ``name@version`` unless it is there already; its folder."""
    target = package_dir(name, version)
    if (target / "package.json").is_file():
        return target
    url = f"{REGISTRY}/{name}/-/{name}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (fixed https URL)
        data = response.read()
    algorithm, expected = integrity.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise SystemExit(f"error: {url} does not match its pinned {algorithm} digest")
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            archive.extractall(scratch, filter="data")
        Path(scratch, "package").rename(target)  # whole or not at all
    return target


def main() -> int:
    for name, pin in json.loads(PINS.read_text(encoding="utf-8")).items():
        try:
            fetch(name, pin["version"], pin["integrity"])
        except OSError as error:
            print(f"error: could not fetch {name}@{pin['version']}: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
