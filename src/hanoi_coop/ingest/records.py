"""Read human-curated YAML records, keeping the line each record and field starts on.

The reader is strict where YAML is lenient: a key written twice in one mapping, an anchor or
alias (which can expand without bound), or a file that is not a list of mappings is a problem
that names the file and the line, never a traceback or a silently dropped value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from hanoi_coop.errors import InputError, Problem

# Curated files are a few hundred lines; anything far larger is not a curated file.
MAX_YAML_BYTES = 5_000_000


def record_id(values: dict) -> str | None:
    """The id a curated record is known by: its first ``*_id`` text value."""
    for key, value in values.items():
        if key.endswith("_id") and isinstance(value, str):
            return value
    return None


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
        return record_id(self.values) or f"at line {self.line}"

    def problem(self, rule: str, message: str, field: str | None = None,
                value: Any = None) -> Problem:
        line = self.field_lines.get(field, self.line) if field else self.line
        return Problem(self.file, rule, message, record=self.label, line=line, field=field,
                       value=None if value is None else str(value))


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping and of its keys, refuses aliases
    and collects keys written twice."""

    def __init__(self, stream: str, name: str):
        super().__init__(stream)
        self.name = name
        self.problems: list[Problem] = []

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"alias *{event.anchor} is not allowed in curated files: write "
                "the value out", event.start_mark)
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, f"anchor &{event.anchor} is not allowed in curated files",
                event.start_mark)
        return super().compose_node(parent, index)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key = key_node.value
        if key in lines:
            loader.problems.append(Problem(
                loader.name, "duplicate-key", f"key {key!r} is written twice in one mapping "
                f"(first on line {lines[key]}): a reader sees the first value, the build "
                "would keep the last", line=key_node.start_mark.line + 1, field=key))
        else:
            lines[key] = key_node.start_mark.line + 1
    mapping = loader.construct_mapping(node, deep=True)
    return {"__line__": node.start_mark.line + 1, "__field_lines__": lines, **mapping}


class _FastLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same loader on libyaml's parser (several times faster), for files with no anchor
    and no alias: libyaml composes in C, where ``compose_node`` above cannot refuse them."""

    def __init__(self, stream: str, name: str):
        super().__init__(stream)
        self.name = name
        self.problems: list[Problem] = []


# Dates stay text: YAML would turn 2026-02-05 into a date object and lose the EDTF form.
_IMPLICIT = {
    key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.yaml_implicit_resolvers = _IMPLICIT


def strip_lines(value: Any) -> Any:
    """The plain value without the line bookkeeping."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def _unclosed_quote_line(text: str, first: int, last: int) -> int | None:
    """The first line in [first, last] (0-based) whose double or single quotes do not pair up:
    where a quote was opened and never closed, though YAML read on into later lines."""
    for number, line in enumerate(text.split("\n")[first:last + 1], start=first):
        body = line.split(" #")[0].replace('\\"', "").replace("''", "")
        if body.count('"') % 2 or (body.count("'") % 2 and '"' not in body):
            return number
    return None


def _yaml_problem(name: str, exc: yaml.YAMLError, text: str) -> Problem:
    """The whole message on one line, at the line where the trouble starts.

    For an unclosed quote PyYAML reports where the enclosing mapping began or where the file
    ended; the line to fix is the one whose quote never closes.
    """
    context = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem_mark", None)
    mark = context or problem
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    message = "; ".join(p for p in parts if p) or str(exc).splitlines()[0]
    line = None if mark is None else mark.line
    if context is not None and problem is not None and context.line != problem.line:
        message += f" (noticed on line {problem.line + 1})"
        quote_line = _unclosed_quote_line(text, context.line, problem.line)
        if quote_line is not None:
            line = quote_line
            message = f"a quote on this line is not closed; {message}"
    return Problem(name, "yaml", f"cannot be read as YAML: {message}",
                   line=None if line is None else line + 1)


def parse_yaml(path: Path, name: str) -> tuple[Any, list[Problem]]:
    """The parsed document with line bookkeeping and the keys written twice in it; an
    InputError naming the file and line when it cannot be parsed at all."""
    return parsed_yaml(name, yaml_text(path, name))


def yaml_text(path: Path, name: str) -> str:
    """The text of a curated file, or an InputError: missing, too large, not UTF-8."""
    if not path.is_file():
        raise InputError([Problem(name, "missing-file", "the file is not there")])
    if path.stat().st_size > MAX_YAML_BYTES:
        raise InputError([Problem(name, "too-large", f"more than {MAX_YAML_BYTES} bytes: not a "
                                  "curated file")])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, "encoding", "bytes that are not UTF-8",
                                  value=repr(exc.object[exc.start:exc.start + 4]))]) from None
    return text


def parsed_yaml(name: str, text: str) -> tuple[Any, list[Problem]]:
    """The parsed document and the keys written twice in it. libyaml reads a plain file; a
    file with an anchor, an alias or a syntax error is read by the Python loader, which
    refuses and locates them."""
    if _scanned(name, text):
        try:
            return _parse_with(_FastLineLoader, name, text)
        except (yaml.YAMLError, InputError):
            pass  # the Python loader reports it, with the lines it always gave
    return _parse_with(_LineLoader, name, text)


# Curated records nest four levels deep; the loaders build nodes recursively, so a value
# nested hundreds of levels deep would end in RecursionError instead of a located problem.
MAX_DEPTH = 32
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _event_problem(name: str, event: yaml.Event, message: str) -> InputError:
    mark = event.start_mark
    return InputError([Problem(name, "yaml", message, line=mark.line + 1 if mark else None)])


def _scanned(name: str, text: str) -> bool:
    """Whether the document is plain (no anchor, no alias) and libyaml reads it, found from
    its stream of events (no recursion). Raises InputError at the line where a value nests
    deeper than MAX_DEPTH or holds a lone surrogate. What libyaml refuses is scanned again
    by the Python parser, which the Python loader then follows."""
    fast = getattr(yaml, "CSafeLoader", None)
    for loader in ([fast] if fast else []) + [yaml.SafeLoader]:
        try:
            return _plain_events(name, yaml.parse(text, Loader=loader)) and loader is fast
        except yaml.YAMLError:
            continue
    return False


def _plain_events(name: str, events: Iterator[yaml.Event]) -> bool:
    plain, depth = True, 0
    for event in events:
        depth += isinstance(event, _OPEN) - isinstance(event, _CLOSE)
        if depth > MAX_DEPTH:
            raise _event_problem(name, event, f"values nested deeper than {MAX_DEPTH} levels")
        if isinstance(event, yaml.ScalarEvent) and _SURROGATE.search(event.value):
            raise _event_problem(name, event, "a lone surrogate (U+D800 to U+DFFF) is not a "
                                 "character: no file can hold it as UTF-8")
        plain = plain and not (isinstance(event, yaml.AliasEvent)
                               or getattr(event, "anchor", None))
    return plain


def _parse_with(kind: type, name: str, text: str) -> tuple[Any, list[Problem]]:
    loader = kind(text, name)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise InputError([_yaml_problem(name, exc, text)]) from None
    finally:
        loader.dispose()
    return data, [_in_record(p, data) for p in loader.problems]


def _in_record(problem: Problem, data: Any) -> Problem:
    """The problem with the id of the top-level record whose lines hold it."""
    if not isinstance(data, list) or problem.line is None:
        return problem
    starts = [item for item in data if isinstance(item, dict) and item["__line__"] <= problem.line]
    if not starts:
        return problem
    return replace(problem, record=record_id(starts[-1]) or f"at line {starts[-1]['__line__']}")


def read_yaml(path: Path, name: str) -> Any:
    """The parsed document, or an InputError naming file and line (keys written twice too)."""
    data, problems = parse_yaml(path, name)
    if problems:
        raise InputError(problems)
    return data


def records_of(data: Any, name: str) -> list[Record]:
    """The records of a parsed file that must be a list of mappings."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise InputError([Problem(name, "yaml", "must be a list of records", line=1)])
    records = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise InputError([Problem(name, "yaml", f"list item {index + 1} must be a mapping "
                                      "of field: value", value=str(item))])
        records.append(Record(name, item["__line__"], strip_lines(item),
                              item["__field_lines__"], item))
    return records


def load_records(path: Path, display_name: str | None = None) -> list[Record]:
    """The records of one YAML file (a list of mappings), or an InputError naming the file."""
    name = display_name or str(path)
    return records_of(read_yaml(path, name), name)
