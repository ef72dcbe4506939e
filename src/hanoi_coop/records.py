"""Read human-curated YAML records, keeping the line each record and field starts on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hanoi_coop.errors import InputError, Problem


@dataclass
class Record:
    """One curated record: its values and where it stands in its file."""

    file: str
    line: int
    values: dict[str, Any]
    field_lines: dict[str, int]
    raw: dict[str, Any]

    @property
    def label(self) -> str:
        for key, value in self.values.items():
            if key.endswith("_id") and isinstance(value, str):
                return value
        return f"at line {self.line}"

    def problem(self, rule: str, message: str, field: str | None = None,
                value: Any = None) -> Problem:
        line = self.field_lines.get(field, self.line) if field else self.line
        return Problem(self.file, rule, message, record=self.label, line=line, field=field,
                       value=None if value is None else str(value))


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping and of its keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    lines = {key_node.value: key_node.start_mark.line + 1 for key_node, _ in node.value}
    return {"__line__": node.start_mark.line + 1, "__field_lines__": lines, **mapping}


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text: YAML would turn 2026-02-05 into a date object and lose the EDTF form.
_LineLoader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def strip_lines(value: Any) -> Any:
    """The plain value without the line bookkeeping."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def load_records(path: Path, display_name: str | None = None) -> list[Record]:
    """The records of one YAML file (a list of mappings), or an InputError naming the file."""
    name = display_name or str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError([Problem(name, "yaml", f"cannot be read: {exc}".splitlines()[0],
                                  line=None if line is None else line + 1)]) from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise InputError([Problem(name, "yaml", "must be a list of records")])
    records = []
    for item in data:
        if not isinstance(item, dict):
            raise InputError([Problem(name, "yaml", "every list item must be a mapping",
                                      value=str(item))])
        records.append(Record(name, item["__line__"], strip_lines(item),
                              item["__field_lines__"], item))
    return records
