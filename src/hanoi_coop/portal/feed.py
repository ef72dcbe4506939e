"""The data releases as an Atom feed: one entry per release, its date, and which tables it
changed and how (rows added, removed, changed; tables and columns added or removed), read
from CHANGELOG.md's entries, which each release writes. Every value is XML-escaped."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

_ENTRY = re.compile(r"^## (\d+\.\d+\.\d+) — (\d{4}-\d{2}-\d{2})$", re.MULTILINE)
_TABLE = re.compile(r"^(?:(\w+): (\d+) added, (\d+) removed, (\d+) changed|table (added|removed): "
                    r"(\w+)|  (column (?:added|removed)): (\w+))$", re.MULTILINE)
_FIRST = re.compile(r"^First release: (.*)\.$", re.MULTILINE)


def release_changes(changelog: str) -> list[tuple[str, str, list[str]]]:
    """(version, date, one line per table it changed), newest first."""
    found = []
    marks = list(_ENTRY.finditer(changelog))
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        body = changelog[mark.end():following.start() if following else len(changelog)]
        lines: list[str] = []
        for m in _TABLE.finditer(body):
            if m.group(1):
                lines.append(f"{m.group(1)}: {m.group(2)} added, {m.group(3)} removed, "
                             f"{m.group(4)} changed")
            elif m.group(5):
                lines.append(f"table {m.group(5)}: {m.group(6)}")
            else:  # a column of the table named on the line before
                lines[-1:] = [f"{lines[-1]}, {m.group(7)} {m.group(8)}" if lines else
                              f"{m.group(7)} {m.group(8)}"]
        first = _FIRST.search(body)
        if first:
            lines.insert(0, f"first release: {first.group(1)}")
        found.append((mark.group(1), mark.group(2), lines))
    return found


def _database_path(version: str) -> str:
    """The release's database on the portal (Datasette tilde-encodes the dots)."""
    return f"/hanoi-coop-{version.replace('.', '~2E')}"


def releases_feed(root: Path, title: str, author: str) -> str:
    """The Atom document of the data releases CHANGELOG.md records under ``root``."""
    changelog = root / "CHANGELOG.md"
    releases = release_changes(changelog.read_text(encoding="utf-8")) if (
        changelog.exists()) else []
    entries = []
    for version, date, lines in releases:
        summary = "; ".join(lines) or "no table changed"
        entries.append(
            f"<entry><id>urn:hanoi-coop:release:{escape(version)}</id>"
            f"<title>{escape(title)} {escape(version)}</title>"
            f"<updated>{escape(date)}T00:00:00Z</updated>"
            f"<link href={quoteattr(_database_path(version))}/>"
            f"<summary>{escape(summary)}</summary></entry>")
    updated = releases[0][1] if releases else "1970-01-01"
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/">'
            f"<id>urn:hanoi-coop:releases</id><title>{escape(title)}: data releases</title>"
            f"<author><name>{escape(author)}</name></author>"
            '<link rel="self" href="/releases.atom"/>'
            f"<updated>{escape(updated)}T00:00:00Z</updated>" + "".join(entries) + "</feed>\n")
