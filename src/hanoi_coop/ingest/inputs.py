"""Stage 0: every input file is checked against its schema before anything else reads it.

A malformed file (a missing key, a participant written as plain text, a misspelt field, a
broken segment spec) becomes a list of problems naming file, line, record and field, instead of
an exception deep in the pipeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from hanoi_coop.errors import InputError, Problem
from hanoi_coop.ingest.records import (
    Record,
    parsed_yaml,
    record_id,
    records_of,
    strip_lines,
    yaml_text,
)
from hanoi_coop.layout import INPUT_SCHEMAS
from hanoi_coop.metadata.inputs import EVIDENCE_KEY, InputFile, input_files

# jsonschema's keyword -> the rule name users read (the same names the build reports elsewhere).
# A keyword not listed here is reported under the catch-all rule.
SCHEMA_RULE = "schema"
RULES = {"type": "type", "enum": "codelist", "required": "required",
         "additionalProperties": "unknown-field", "minItems": "type", "maxItems": "type",
         "minLength": "required", "pattern": "pattern", "minimum": "minimum",
         "maximum": "maximum"}


def _rule(error: ValidationError) -> str:
    if error.validator == "minItems" and list(error.absolute_path)[-1:] == [EVIDENCE_KEY]:
        return "missing-quote"
    return RULES.get(str(error.validator), SCHEMA_RULE)


def _walk(raw: Any, path: list) -> tuple[int | None, dict | None]:
    """The line of the deepest mapping or key on ``path``, and the record (top-level item)."""
    line, record, node = None, None, raw
    for depth, step in enumerate(path):
        if isinstance(node, dict):
            line = node.get("__field_lines__", {}).get(step, line)
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            if isinstance(node, dict):
                line = node.get("__line__", line)
                record = node if depth == 0 else record
        else:
            break
    return line, record


def _record_label(record: dict | None, index: Any) -> str:
    found = record_id(record) if record is not None else None
    return found or (f"item {index + 1}" if isinstance(index, int) else "the file")


def _field_name(path: list) -> str | None:
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            if parts:
                parts[-1] += f"[{step}]"
        else:
            parts.append(str(step))
    return ".".join(parts) or None


def _problems_of(error: ValidationError, raw: Any, name: str) -> list[Problem]:
    if error.validator in ("oneOf", "anyOf") and error.context:
        # The alternative that came closest: the one whose failure lies deepest in the value.
        error = max(error.context, key=lambda e: (len(e.relative_path), e.validator != "type"))
    path = list(error.absolute_path)
    rule = _rule(error)
    if error.validator in ("additionalProperties", "required"):
        instance = error.instance if isinstance(error.instance, dict) else {}
        if error.validator == "additionalProperties":
            allowed = set(error.schema.get("properties", {}))
            keys = sorted(k for k in instance if k not in allowed)
            message = "not a field of this file's schema"
        else:
            keys = [k for k in error.validator_value if k not in instance]
            message = "is required"
        return [_located(name, raw, path + [key], rule, message,
                         instance.get(key) if error.validator == "additionalProperties" else None)
                for key in keys]
    return [_located(name, raw, path, rule, error.message, error.instance)]


def _located(name: str, raw: Any, path: list, rule: str, message: str,
             value: Any) -> Problem:
    line, record = _walk(raw, path)
    shown = None if value is None or isinstance(value, dict | list) else str(value)
    if isinstance(value, dict | list):
        shown = str(strip_lines(value))[:200]
    return Problem(name, rule, message, record=_record_label(record, path[0] if path else None),
                   line=line or 1, field=_field_name(path[1:]), value=shown)


Inputs = dict[str, list[Record]]  # each input file's records, by its path under the root


def read_file(path: Path, spec: InputFile) -> tuple[list[Record], list[Problem]]:
    """One input file, read once: its records and its problems against its schema."""
    try:
        raw, problems = parsed_yaml(spec.path, yaml_text(path, spec.path))
    except InputError as exc:
        return [], exc.problems
    problems = list(problems)
    validator = Draft202012Validator(spec.schema)
    for error in sorted(validator.iter_errors(strip_lines(raw)),
                        key=lambda e: [str(p) for p in e.absolute_path]):
        problems += _problems_of(error, raw, spec.path)
    if problems:
        return [], sorted(problems, key=lambda p: (p.line or 0, p.field or ""))
    return records_of(raw, spec.path), []


def read_inputs(root: Path) -> Inputs:
    """Every input file under ``root``, each read once and checked against its schema before
    any loader sees it; InputError with every problem of every file."""
    inputs: Inputs = {}
    problems: list[Problem] = []
    for spec in input_files():
        inputs[spec.path], found = read_file(root / spec.path, spec)
        problems += found
    if problems:
        raise InputError(problems)
    return inputs


SCHEMA_FOLDER = INPUT_SCHEMAS


def input_schema_files() -> dict[str, bytes]:
    """The shipped JSON Schemas of the input files, by path under the repository root."""
    from hanoi_coop.package.write import json_bytes

    return {f"{SCHEMA_FOLDER}/{Path(spec.path).stem}.schema.json": json_bytes(spec.schema)
            for spec in input_files()}


def refresh_input_schemas(root: Path) -> bool:
    """Rewrite ``curated/schemas/`` from the model; True when a file changed."""
    changed = False
    for relative, data in input_schema_files().items():
        target = root / relative
        if not target.exists() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed = True
    return changed
