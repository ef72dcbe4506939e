"""Generated documentation: the README's table list, from the metadata model and the data."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hanoi_coop.metadata import RESOURCES

START, END = "<!-- tables:start -->", "<!-- tables:end -->"


def tables_markdown(root: Path) -> str:
    """A Markdown table of every table: name, rows, primary key, description."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    rows = {r["name"]: r["rows"] for r in descriptor["resources"]}
    lines = ["| table | rows | primary key | what it holds |", "|---|---:|---|---|"]
    for name, resource in RESOURCES.items():
        lines.append(f"| `{name}` | {rows[name]} | `{resource.primary_key}` | "
                     f"{resource.description} |")
    return "\n".join(lines)


def refresh_readme(root: Path) -> bool:
    """Rewrite the README's generated block; return True when it changed."""
    path = root / "README.md"
    if not path.is_file():  # a scratch build (tests, benchmarks) has no README to refresh
        return False
    text = path.read_text(encoding="utf-8")
    block = f"{START}\n{tables_markdown(root)}\n{END}"
    new = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text,
                 flags=re.DOTALL)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text
