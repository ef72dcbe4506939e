"""Generated documentation: the README's table list, error table and the phrases that name
each code, from the metadata model."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from hanoi_coop.metadata import RESOURCES
from hanoi_coop.metadata.problems import RULES

START, END = "<!-- tables:start -->", "<!-- tables:end -->"
ERRORS_START, ERRORS_END = "<!-- errors:start -->", "<!-- errors:end -->"
CODES_START, CODES_END = "<!-- codes:start -->", "<!-- codes:end -->"
_STAGES = {"input": "build (curated and source files)", "table": "build and validate",
           "file": "validate (published files)"}


def tables_markdown(root: Path) -> str:
    """A Markdown table of every table: name, rows, primary key, description."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    rows = {r["name"]: r["rows"] for r in descriptor["resources"]}
    lines = ["| table | rows | primary key | what it holds |", "|---|---:|---|---|"]
    for name, resource in RESOURCES.items():
        lines.append(f"| `{name}` | {rows[name]} | `{resource.primary_key}` | "
                     f"{resource.description} |")
    return "\n".join(lines)


def errors_markdown(root: Path | None = None) -> str:
    """A Markdown table of every rule an error can name, from the catalogue."""
    lines = ["| rule | what it means | reported by |", "|---|---|---|"]
    for rule in RULES.values():
        lines.append(f"| `{rule.name}` | **{rule.title}.** {rule.description} | "
                     f"{_STAGES[rule.stage]} |")
    return "\n".join(lines)


def _code_text(code: object) -> str:
    return f"`{str(code).lower() if isinstance(code, bool) else code}`"


def codes_markdown(root: Path | None = None) -> str:
    """A Markdown table of every code the words must name: the column, where its words are
    read, each code with the phrases that name it, and the code of words that name none."""
    lines = ["| column | named by | code ← phrases (whole words; the longest found decides) "
             "| no phrase |", "|---|---|---|---|"]
    for name, resource in RESOURCES.items():
        for rule in resource.named_by:
            codes = "; ".join(f"{_code_text(code)} ← " + ", ".join(f"“{p}”" for p in phrases)
                              for code, phrases in rule.phrases.items())
            default = "no code (leave it empty)" if rule.default is None else _code_text(
                rule.default)
            words = f"`{rule.words}`" if rule.words else "the row's quote"
            lines.append(f"| `{name}.{rule.field}` | {words} | {codes} | {default} |")
    return "\n".join(lines)


BLOCKS: list[tuple[str, str, Callable[[Path], str]]] = [
    (START, END, tables_markdown),
    (ERRORS_START, ERRORS_END, errors_markdown),
    (CODES_START, CODES_END, codes_markdown),
]


def _replaced(pattern: re.Pattern[str], block: str, text: str) -> str:
    return pattern.sub(lambda _: block, text)  # a function: the block is not a template


def refresh_readme(root: Path) -> bool:
    """Rewrite the README's generated blocks; return True when it changed."""
    path = root / "README.md"
    if not path.is_file():  # a scratch build (tests, benchmarks) has no README to refresh
        return False
    text = path.read_text(encoding="utf-8")
    new = text
    for start, end, render in BLOCKS:
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), flags=re.DOTALL)
        new = _replaced(pattern, f"{start}\n{render(root)}\n{end}", new)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text
