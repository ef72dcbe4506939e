"""Every rule name the code can report is in the one catalogue of problems (and so in the
README's error table)."""

from __future__ import annotations

import ast
from pathlib import Path

from hanoi_coop.metadata.problems import RULES, is_known

from .conftest import ROOT

# Callables that take a rule name, and the position of that argument.
RULE_ARGUMENT = {"Problem": 1, "Finding": 3, "problem": 0, "_problem": 1, "_findings": 4,
                 "SameAs": 3, "DatesInOrder": 2,
                 "_located": 3, "_as_derived": 4}
# Mappings from another tool's names to ours: their values are rule names.
RULE_MAPPINGS = {"RULES", "RULE_NAMES", "SCHEMA_RULE"}


def _rule_literals(folder: Path = ROOT / "src" / "hanoi_coop") -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                index = RULE_ARGUMENT.get(name)
                if index is not None and len(node.args) > index:
                    argument = node.args[index]
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                        found[argument.value] = f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Assign) and any(
                    getattr(t, "id", None) in RULE_MAPPINGS for t in node.targets):
                values = [node.value] if isinstance(node.value, ast.Constant) else getattr(
                    node.value, "values", [])
                for value in values:
                    if isinstance(value, ast.Constant):
                        found[value.value] = f"{path.name}:{node.lineno}"
    return found


def test_every_rule_the_code_reports_is_in_the_catalogue():
    literals = _rule_literals()
    assert len(literals) > 30  # the scan found the call sites
    unknown = {rule: where for rule, where in literals.items() if not is_known(rule)}
    assert unknown == {}


def test_the_catalogue_lists_no_rule_the_code_never_reports():
    literals = _rule_literals()
    # Pandera's names reach us through validate.RULE_NAMES; the rest are literals.
    assert set(RULES) - set(literals) == set()


def test_a_new_rule_outside_the_catalogue_is_caught(tmp_path: Path):
    (tmp_path / "module.py").write_text(
        'Problem("data/x.csv", "made-up-rule", "message")\n'
        'record.problem("codelist", "fine")\n'
        '_findings("t", mask, frame, "f", "another-made-up-rule", "message")\n')
    found = _rule_literals(tmp_path)
    assert set(found) == {"made-up-rule", "codelist", "another-made-up-rule"}
    assert {r for r in found if not is_known(r)} == {"made-up-rule", "another-made-up-rule"}
