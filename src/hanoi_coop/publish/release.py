"""Publish a version: check that its number matches the diff, write the bundle and changelog.

SemVer for data: MAJOR when a table, column or id is removed (or renamed) or a type changes;
MINOR for new tables, columns or rows; PATCH for corrections to existing rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from hanoi_coop.layout import (
    CROISSANT,
    DATA,
    DESCRIPTOR,
    MANIFEST,
    REGISTRY,
    RELEASES,
    SCHEMAS,
    csv_path,
    parquet_path,
    release_stem,
)
from hanoi_coop.metadata import RESOURCES
from hanoi_coop.metadata.package import NAME as PACKAGE_NAME
from hanoi_coop.package.access import Unreadable
from hanoi_coop.package.read import read_frames
from hanoi_coop.package.sqlite import write_sqlite
from hanoi_coop.package.write import json_bytes
from hanoi_coop.publish.diff import PackageDiff, diff, format_diff, snapshot
from hanoi_coop.version import package_version

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
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


def check_version(previous: str | None, proposed: str, change: PackageDiff | None,
                  noted: bool = False) -> None:
    """Raise ReleaseError when ``proposed`` does not follow ``previous`` or understates.

    ``noted``: the changelog says, under "## Unreleased", what changed besides the data (the
    bundle's format, the tools): such a release may carry unchanged data."""
    parse_version(proposed)
    if previous is None:
        return
    given = bump_of(previous, proposed)
    if given is None:
        raise ReleaseError(f"{proposed} is not the next MAJOR, MINOR or PATCH after "
                           f"{previous}")
    needed = required_bump(change) if change is not None else None
    if needed is None or change is None:
        if noted:
            return
        raise ReleaseError(f"nothing changed since {previous}: no release needed (a release "
                           f"of the same data says why under {UNRELEASED!r} in CHANGELOG.md)")
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


def _write_zip(source: Path, names: list[str], target: Path) -> None:
    """A reproducible zip (sorted entries, fixed timestamps and permissions) with
    datapackage.json at its root, so that Frictionless opens it as a package (releases up to
    2.5.0 put everything under a hanoi-coop-VERSION/ folder; validate reads both)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name in sorted(names):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zipped.writestr(info, (source / name).read_bytes())


def _package_files(root: Path) -> list[str]:
    names = [DESCRIPTOR] + ([CROISSANT] if (root / CROISSANT).is_file() else [])
    for folder in (DATA, SCHEMAS):
        names += [p.relative_to(root).as_posix() for p in sorted((root / folder).rglob("*"))
                  if p.is_file()]
    return names


def write_bundle(package: Path, staging: Path, version: str) -> dict:
    """The release bundle of a built, validated package, in ``staging``; returns the manifest."""
    names = _package_files(package)
    for name in names:
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package / name, staging / name)
    frames = read_frames(package)
    stem = release_stem(PACKAGE_NAME, version)
    write_sqlite(frames, staging / f"{stem}.sqlite")
    _write_zip(package, names, staging / f"{stem}.zip")
    rows = {csv_path(n): len(f) for n, f in frames.items()}
    rows.update({parquet_path(n): len(f) for n, f in frames.items()})
    files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    manifest = {"name": "hanoi-coop", "version": version, "files": [
        {"path": f, "sha256": _sha256(staging / f), "bytes": (staging / f).stat().st_size,
         **({"rows": rows[f]} if f in rows else {})} for f in files]}
    (staging / MANIFEST).write_bytes(json_bytes(manifest))
    return manifest


def _registry_entry(folder: Path) -> dict[str, str]:
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    entry = {f["path"]: f"sha256:{f['sha256']}" for f in manifest["files"]}
    entry[MANIFEST] = f"sha256:{_sha256(folder / MANIFEST)}"
    return entry


def registry_bytes(root: Path, extra: dict[str, Path] | None = None) -> bytes:
    """The loader's registry (version -> file -> sha256) from every released manifest, plus
    ``extra`` versions still in their staging folders."""
    folders = {v: root / RELEASES / v for v in released_versions(root)} | (extra or {})
    ordered = sorted(folders, key=parse_version)
    return json_bytes({v: _registry_entry(folders[v]) for v in ordered})


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def _changelog_entry(version: str, previous: str | None, change: PackageDiff | None) -> str:
    today = dt.date.today().isoformat()
    if previous is None or change is None:
        body = ("First release: " + ", ".join(f"{n}" for n in RESOURCES) + ".")
    elif change.empty:
        body = f"No data changed since {previous} (see the notes)."
    else:
        body = f"Changes since {previous} ({str(required_bump(change)).upper()}):\n\n```\n" \
               f"{format_diff(change)}\n```"
    return f"## {version} — {today}\n\n{body}\n"


UNRELEASED = "## Unreleased"


def _unreleased_notes(root: Path) -> str:
    changelog = root / "CHANGELOG.md"
    body = changelog.read_text(encoding="utf-8").partition("\n")[2].lstrip("\n") if (
        changelog.exists()) else ""
    return body[len(UNRELEASED):].partition("\n## ")[0].strip() if body.startswith(
        UNRELEASED) else ""


def _changelog_with(root: Path, entry: str) -> str:
    """The changelog with ``entry`` on top; notes written under "## Unreleased" (changes to the
    tools, corrections and their reasons) become part of the entry."""
    changelog = root / "CHANGELOG.md"
    old = changelog.read_text(encoding="utf-8") if changelog.exists() else "# Changelog\n"
    head, _, rest = old.partition("\n")
    body = rest.lstrip("\n")
    if body.startswith(UNRELEASED):
        notes, _, after = body[len(UNRELEASED):].partition("\n## ")
        entry += "\n" + notes.strip("\n") + "\n"
        body = "## " + after if after else ""
    return f"{head}\n\n{entry}\n{body}".rstrip("\n") + "\n"


def _journal_path(root: Path, version: str) -> Path:
    return root / RELEASES / f".{version}.journal.json"


def _finish(root: Path, version: str) -> None:
    """The steps after the commit point: registry and changelog from the journal."""
    journal = _journal_path(root, version)
    pending = json.loads(journal.read_text(encoding="utf-8"))
    _write_atomic(root / REGISTRY, pending["registry"].encode())
    _write_atomic(root / "CHANGELOG.md", pending["changelog"].encode())
    if "citation" in pending:
        from hanoi_coop.docs import CITATION_FILE

        _write_atomic(root / CITATION_FILE, pending["citation"].encode())
    journal.unlink()


def _verify_bundle(folder: Path) -> None:
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if _sha256(folder / entry["path"]) != entry["sha256"]:
            raise ReleaseError(f"{folder / entry['path']} does not match its manifest: the "
                               "interrupted release cannot be finished; remove the folder and "
                               "release again")


def _differences(built: Path, root: Path) -> list[str]:
    """Files of the working tree's package that are not what a fresh build makes."""
    made, there = set(_package_files(built)), set(_package_files(root))
    differ = sorted((made ^ there) | {n for n in made & there
                                      if (built / n).read_bytes() != (root / n).read_bytes()})
    return differ


def release(root: Path, version: str) -> Path:
    """Rebuild and validate the package, check the version against the diff, then publish
    bundle, registry and changelog as one transaction (a retry finishes or redoes it)."""
    from hanoi_coop.build import exclusive, stage

    parse_version(version)
    if version != package_version():
        raise ReleaseError(f"the package is at version {package_version()}: set __version__ in "
                           f"src/hanoi_coop/version.py to {version} and run make build first")
    _citation_current(root)
    target = root / RELEASES / version
    with exclusive(root):
        if target.exists():
            if not _journal_path(root, version).exists():
                raise ReleaseError(f"{RELEASES}/{version} exists: a released version is never "
                                   "rewritten")
            _verify_bundle(target)
            _finish(root, version)
            return target
        _version_precheck(root, version)
        (root / RELEASES).mkdir(exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=root / RELEASES))
        try:
            _stage_release(root, version, work, stage)
            os.replace(work / "bundle", target)  # the commit point
        finally:
            shutil.rmtree(work, ignore_errors=True)
        _finish(root, version)
    return target


def _citation_current(root: Path) -> None:
    """CITATION.cff, where the repository has one, is the one ``make build`` writes at this
    version: a release is never cited under the previous number."""
    from hanoi_coop.docs import CITATION_FILE, citation_cff, released_on

    path = root / CITATION_FILE
    expected = citation_cff(released_on(root, package_version()))  # dated once released
    if path.exists() and path.read_text(encoding="utf-8") != expected:
        raise ReleaseError(f"{CITATION_FILE} is not the one make build writes at this version: "
                           "run make build and commit it first")


def _version_precheck(root: Path, version: str) -> None:
    """Refuse at once a number that understates the committed package's diff, before the
    rebuild; the rebuilt copy is checked again below (it must equal the committed one)."""
    versions = released_versions(root)
    if not versions:
        return
    try:
        change = diff(snapshot(root / RELEASES / versions[-1]), snapshot(root))
    except Unreadable:
        return  # the rebuild reports what is wrong with the committed package
    if not change.empty:  # no change yet: the rebuild says whether the inputs moved on
        check_version(versions[-1], version, change)


def _stage_release(root: Path, version: str, work: Path, stage) -> None:  # type: ignore[no-untyped-def]
    """Everything of the release, written beside ``releases/`` and checked, nothing published:
    the rebuilt package, its bundle, and the journal of registry and changelog."""
    from hanoi_coop.errors import InputError

    built = work / "package"
    built.mkdir()
    try:
        stage(root, built, version)
    except InputError as exc:
        raise ReleaseError("the package does not build and validate from sources/ and "
                           f"curated/:\n{exc}") from None
    differ = _differences(built, root)
    if differ:
        raise ReleaseError("the package in this folder is not what a build of sources/ and "
                           "curated/ makes; run make build and commit it first. Differs: "
                           + ", ".join(differ[:10]))
    versions = released_versions(root)
    previous = versions[-1] if versions else None
    change = None
    if previous is not None:
        change = diff(snapshot(root / RELEASES / previous), snapshot(built))
    check_version(previous, version, change, noted=bool(_unreleased_notes(root)))
    bundle = work / "bundle"
    bundle.mkdir()
    write_bundle(built, bundle, version)
    pending = {"registry": registry_bytes(root, {version: bundle}).decode(),
               "changelog": _changelog_with(root, _changelog_entry(version, previous, change))}
    from hanoi_coop.docs import CITATION_FILE, citation_cff

    if (root / CITATION_FILE).exists():  # now it has a date: the citation names it
        pending["citation"] = citation_cff(dt.date.today().isoformat())
    journal = _journal_path(root, version)
    _write_atomic(journal, json_bytes(pending))
