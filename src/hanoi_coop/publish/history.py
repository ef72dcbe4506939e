"""One record across every release: when it appeared, each change with old and new values,
and when it went (``hanoi-coop history ID``). Each release is read through its own
``datapackage.json``, so columns that came or went are shown as they were published."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hanoi_coop.errors import printable
from hanoi_coop.layout import RELEASES
from hanoi_coop.publish.diff import snapshot
from hanoi_coop.publish.release import released_versions


@dataclass(frozen=True)
class Event:
    version: str
    table: str
    what: str  # "added", "removed" or "changed"
    changes: tuple[tuple[str, str | None, str | None], ...] = ()  # (column, old, new)


def _rows_with(record_id: str, root: Path, version: str) -> dict[str, dict[str, str | None]]:
    """The record's row in every table of one release whose primary key holds it."""
    found = {}
    published = snapshot(root / RELEASES / version)
    for table, frame in published.frames.items():
        key = published.keys.get(table)
        if not key or key not in frame:
            continue
        rows = frame[frame[key] == record_id]
        if len(rows):
            row = rows.iloc[0]
            found[table] = {c: (None if pd.isna(v) or v == "" else str(v))
                            for c, v in row.items()}
    return found


def _changes(old: dict[str, str | None], new: dict[str, str | None],
             ) -> tuple[tuple[str, str | None, str | None], ...]:
    columns = [c for c in new if c in old] + [c for c in new if c not in old]
    return tuple((c, old.get(c), new[c]) for c in columns if old.get(c) != new[c]
                 and (c in old or new[c] is not None))


def history(record_id: str, root: Path) -> list[Event]:
    """Every release's appearance, change and removal of ``record_id``, oldest first."""
    events: list[Event] = []
    previous: dict[str, dict[str, str | None]] = {}
    for version in released_versions(root):
        current = _rows_with(record_id, root, version)
        for table in sorted(set(previous) | set(current)):
            if table not in previous:
                events.append(Event(version, table, "added"))
            elif table not in current:
                events.append(Event(version, table, "removed"))
            else:
                changes = _changes(previous[table], current[table])
                if changes:
                    events.append(Event(version, table, "changed", changes))
        previous = current
    return events


def format_history(record_id: str, events: list[Event]) -> str:
    if not events:
        return f"{printable(record_id)}: in no release"
    lines = []
    for event in events:
        lines.append(f"{event.version}  {event.table}  {event.what}")
        lines += [f"    {column}: {old!r} -> {new!r}" for column, old, new in event.changes]
    return "\n".join(lines)
