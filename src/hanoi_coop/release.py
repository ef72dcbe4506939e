"""Publish a version: check that its number matches the diff, write the bundle and changelog.

SemVer for data: MAJOR when a table, column or id is removed (or renamed) or a type changes;
MINOR for new tables, columns or rows; PATCH for corrections to existing rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

from hanoi_coop import __version__
from hanoi_coop.diff import RELEASES, PackageDiff, diff, format_diff, snapshot
from hanoi_coop.metadata import RESOURCES
from hanoi_coop.outputs import json_bytes
from hanoi_coop.published import open_package, read_package
from hanoi_coop.sqlite_export import write_sqlite

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
REGISTRY = Path(__file__).parent / "registry.json"
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


class ReleaseError(Exception):
    pass


def parse_version(version: str) -> tuple[int, int, int]:
    match = SEMVER.match(version)
    if not match:
        raise ReleaseError(f"{version!r} is not a SemVer version (MAJOR.MINOR.PATCH)")
    return int(match[1]), int(match[2]), int(match[3])


def required_bump(change: PackageDiff) -> str | None:
    """'major', 'minor', 'patch', or None when nothing changed."""
    tables = [t for t in change.tables.values() if not t.empty]
    if change.tables_removed or any(t.columns_removed or t.types_changed or t.removed
                                    for t in tables):
        return "major"
    if change.tables_added or any(t.columns_added or t.added for t in tables):
        return "minor"
    if any(t.changed for t in tables):
        return "patch"
    return None


def bump_of(previous: str, proposed: str) -> str | None:
    old, new = parse_version(previous), parse_version(proposed)
    if new <= old:
        return None
    if new[0] > old[0]:
        return "major" if new[1:] == (0, 0) else None
    if new[1] > old[1]:
        return "minor" if new[2] == 0 else None
    return "patch"


def check_version(previous: str | None, proposed: str, change: PackageDiff | None) -> None:
    """Raise ReleaseError when ``proposed`` does not follow ``previous`` or understates."""
    parse_version(proposed)
    if previous is None:
        return
    given = bump_of(previous, proposed)
    if given is None:
        raise ReleaseError(f"{proposed} is not the next MAJOR, MINOR or PATCH after "
                           f"{previous}")
    needed = required_bump(change) if change is not None else None
    if needed is None:
        raise ReleaseError(f"nothing changed since {previous}: no release needed")
    order = ["patch", "minor", "major"]
    if order.index(given) < order.index(needed):
        raise ReleaseError(f"{proposed} is a {given.upper()} release but the changes since "
                           f"{previous} need {needed.upper()}:\n{format_diff(change)}")


def released_versions(root: Path) -> list[str]:
    folder = root / RELEASES
    found = [p.name for p in folder.iterdir() if SEMVER.match(p.name)] if folder.exists() else []
    return sorted(found, key=parse_version)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_zip(source: Path, names: list[str], target: Path, prefix: str) -> None:
    """A reproducible zip: sorted entries, fixed timestamps and permissions."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name in sorted(names):
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=ZIP_TIMESTAMP)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zipped.writestr(info, (source / name).read_bytes())


def _package_files(root: Path) -> list[str]:
    names = ["datapackage.json"]
    for folder in ("data", "schemas"):
        names += [str(p.relative_to(root)) for p in sorted((root / folder).rglob("*"))
                  if p.is_file()]
    return names


def write_bundle(root: Path, version: str) -> Path:
    """Copy the validated package into releases/VERSION with its zip, SQLite and manifest."""
    target = root / RELEASES / version
    if target.exists():
        raise ReleaseError(f"{RELEASES}/{version} exists: a released version is never rewritten")
    staging = root / RELEASES / f".{version}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    names = _package_files(root)
    for name in names:
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, staging / name)
    published = read_package(open_package(root))
    frames = {n: t.frame for n, t in published.csv.items()}
    stem = f"hanoi-coop-{version}"
    write_sqlite(frames, staging / f"{stem}.sqlite")
    _write_zip(root, names, staging / f"{stem}.zip", stem)
    rows = {f"data/csv/{n}.csv": len(f) for n, f in frames.items()}
    rows.update({f"data/parquet/{n}.parquet": len(f) for n, f in frames.items()})
    files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    manifest = {"name": "hanoi-coop", "version": version, "files": [
        {"path": f, "sha256": _sha256(staging / f), "bytes": (staging / f).stat().st_size,
         **({"rows": rows[f]} if f in rows else {})} for f in files]}
    (staging / "manifest.json").write_bytes(json_bytes(manifest))
    staging.rename(target)
    return target


def update_registry(root: Path, registry: Path | None = None) -> dict:
    """Rewrite the loader's registry (version -> file -> sha256) from every manifest."""
    registry = registry or REGISTRY
    data = {}
    for version in released_versions(root):
        manifest = json.loads((root / RELEASES / version / "manifest.json").read_text())
        data[version] = {f["path"]: f"sha256:{f['sha256']}" for f in manifest["files"]}
        data[version]["manifest.json"] = (
            f"sha256:{_sha256(root / RELEASES / version / 'manifest.json')}")
    registry.write_bytes(json_bytes(data))
    return data


def _changelog_entry(version: str, previous: str | None, change: PackageDiff | None) -> str:
    today = dt.date.today().isoformat()
    if previous is None:
        body = ("First release: " + ", ".join(f"{n}" for n in RESOURCES) + ".")
    else:
        body = f"Changes since {previous} ({required_bump(change).upper()}):\n\n```\n" \
               f"{format_diff(change)}\n```"
    return f"## {version} — {today}\n\n{body}\n"


def release(root: Path, version: str) -> Path:
    """Check the version against the diff, then write bundle, registry and changelog."""
    if version != __version__:
        raise ReleaseError(f"the package is at version {__version__}: set __version__ in "
                           f"src/hanoi_coop/__init__.py to {version} and run make build first")
    versions = released_versions(root)
    previous = versions[-1] if versions else None
    change = None
    if previous is not None:
        change = diff(snapshot(root / RELEASES / previous), snapshot(root))
    check_version(previous, version, change)
    target = write_bundle(root, version)
    update_registry(root)
    changelog = root / "CHANGELOG.md"
    old = changelog.read_text(encoding="utf-8") if changelog.exists() else "# Changelog\n"
    head, _, rest = old.partition("\n")
    changelog.write_text(f"{head}\n\n{_changelog_entry(version, previous, change)}{rest}",
                         encoding="utf-8")
    return target
