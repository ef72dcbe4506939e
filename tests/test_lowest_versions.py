"""The library installs beside a user's own libraries: it declares ranges, and the loader gives
the same tables at the lowest declared versions as at the locked ones."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib

import hanoi_coop

from .conftest import ROOT

LOWEST_PYTHON = ROOT / ".venv-lowest" / "bin" / "python"


def _lowest() -> dict[str, str]:
    lines = (ROOT / "tests" / "lowest-requirements.txt").read_text(encoding="utf-8")
    return dict(re.findall(r"^([\w-]+)==(\S+)$", lines, flags=re.MULTILINE))


def test_the_lowest_versions_tested_are_the_lower_bounds_declared():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    bounds = {}
    for requirement in declared:
        name, lower = re.match(r"([\w-]+)(?:\[[\w,]+\])?>=([\w.]+)", requirement).groups()
        bounds[name] = lower
    assert all("==" not in r for r in declared)  # ranges, not pins
    lowest = _lowest()
    assert set(lowest) == set(bounds)
    for name, lower in bounds.items():  # 3.0 is 3.0.0
        assert lowest[name].split(".")[:len(lower.split("."))] == lower.split("."), name


def test_the_lock_pins_every_library_dependency_exactly():
    lock = dict(re.findall(r"^([\w.-]+)==(\S+)$",
                           (ROOT / "requirements.lock").read_text(encoding="utf-8"),
                           flags=re.MULTILINE))
    lock = {name.lower().replace("_", "-"): v for name, v in lock.items()}
    for name in _lowest():
        assert name in lock, name


def test_the_loader_gives_the_same_tables_at_the_lowest_versions():
    done = subprocess.run([str(LOWEST_PYTHON), str(ROOT / "tests" / "lowest_reader.py")],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    there = json.loads(done.stdout)
    assert {p: v for p, v in there["versions"].items()} == {
        p.lower(): v for p, v in _lowest().items()}
    for name in hanoi_coop.tables():
        frame = hanoi_coop.load(name)
        assert there["tables"][name] == {
            "dtypes": {c: str(t) for c, t in frame.dtypes.items()}, "rows": len(frame),
            "first": {c: str(v) for c, v in frame.iloc[0].items()}}, name


def test_serve_without_the_portal_extra_says_which_extra_to_install(tmp_path):
    """`pip install .` (here the lowest-versions environment, installed without extras) and
    then `hanoi-coop serve`: exit 2 naming the extra, no traceback."""
    command = ROOT / ".venv-lowest" / "bin" / "hanoi-coop"
    done = subprocess.run([str(command), "serve", "--root", str(ROOT), "--out",
                           str(tmp_path / "portal")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    assert "pip install 'hanoi-coop[portal]'" in done.stderr
    assert "Traceback" not in done.stderr
