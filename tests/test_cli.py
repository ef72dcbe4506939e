"""The command line as users and their CI run it: exit codes, output, no tracebacks."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hanoi_coop import cli

from .corruption import copy_package, set_cell

CLI = [sys.executable, "-m", "hanoi_coop.cli"]


def _run(*args: str) -> subprocess.CompletedProcess:
    """The command in this process (the entry point itself is run once, below)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def test_the_installed_command_runs_as_a_process(package: Path):
    result = subprocess.run([*CLI, "validate", str(package)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("valid:")


@pytest.mark.parametrize(("chosen", "pool"), [(None, "jemalloc"), ("system", "system")])
def test_the_command_takes_the_pool_that_returns_memory_unless_the_user_chose(chosen, pool,
                                                                                monkeypatch):
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    if chosen:
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", chosen)
    script = ("from hanoi_coop.cli import use_jemalloc; use_jemalloc(); import pyarrow as pa; "
              "print(pa.default_memory_pool().backend_name)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == pool


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return copy_package(tmp_path / "package")


def test_valid_package_exits_0(package: Path):
    result = _run("validate", str(package))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("valid:")


def test_invalid_package_exits_1_with_located_errors_and_no_traceback(package: Path):
    line = set_cell(package, "meetings", 2, "event_type", "MEET")
    result = _run("validate", str(package / "datapackage.json"), "--frictionless")
    assert result.returncode == 1
    assert f"data/csv/meetings.csv:{line}" in result.stdout
    assert "field event_type: [codelist]" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_json_output_for_machines(package: Path):
    set_cell(package, "persons", 0, "name", "=1+1")
    result = _run("validate", str(package), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    error = report["errors"][0]
    assert error["file"] == "data/csv/persons.csv" and error["field"] == "name"
    assert error["line"] == 2 and error["rule"] == "pattern" and error["value"] == "=1+1"


def test_unreadable_input_exits_2(tmp_path: Path):
    (tmp_path / "datapackage.json").write_text("not json")
    result = _run("validate", str(tmp_path))
    assert result.returncode == 2
    assert "cannot read package" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_errors_are_lines_not_tracebacks(tmp_path: Path):
    import shutil

    from .conftest import ROOT, replace_in

    for folder in ("sources", "curated"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    replace_in(tmp_path / "curated" / "places.yaml", "  place_type: river\n",
               "  place_type: stream\n")
    result = _run("build", "--root", str(tmp_path))
    assert result.returncode == 1
    assert "curated/places.yaml:" in result.stderr and "[codelist]" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_is_the_package_version(capsys):
    from hanoi_coop import cli
    from hanoi_coop.version import package_version

    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"hanoi-coop {package_version()}"


def test_the_quick_version_answer_is_argparses_and_survives_a_full_disk(capsys):
    """`hanoi-coop --version` answers before the parser is built: the same line as the
    parser's, and, like it, no traceback when the output cannot be written."""
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    parsers = capsys.readouterr().out
    command = [sys.executable, "-c", "from hanoi_coop.cli import run; run()", "--version"]
    quick = subprocess.run(command, capture_output=True, text=True)
    assert quick.returncode == 0 and quick.stdout == parsers
    with open("/dev/full", "w") as full:
        failed = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True)
    assert failed.returncode == 0 and failed.stderr == ""


def test_the_command_runs_without_pandera_importing_hypothesis():
    """The command's own process marks hypothesis absent (Pandera's data generators are
    never needed); validation still runs, and a program importing the library is left
    alone."""
    from .conftest import ROOT

    script = ("import sys\n"
              "from hanoi_coop.cli import main, without_data_generators\n"
              "import hanoi_coop.validation.validate\n"
              "print('hypothesis' in sys.modules and sys.modules['hypothesis'] is not None)\n"
              "without_data_generators()\n"
              "sys.exit(main(['validate', '.', '--quiet']))\n")
    library = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             cwd=ROOT)
    assert library.returncode == 0, library.stderr
    assert library.stdout.strip() == "True"  # imported by the library: left alone
    command = subprocess.run([sys.executable, "-c", "import sys; sys.argv[1:] = ['validate', "
                              "'.', '--quiet']; from hanoi_coop.cli import run; import atexit; "
                              "atexit.register(lambda: print(sys.modules.get('hypothesis', 0)))"
                              "; run()"], capture_output=True, text=True, cwd=ROOT)
    assert command.returncode == 0, command.stderr
    assert command.stdout.strip() == "None"  # the command's own process: never imported


def test_diff_shows_old_and_new_values_and_exits_1_when_versions_differ(capsys):
    from hanoi_coop import cli

    from .conftest import ROOT

    assert cli.main(["diff", "1.2.2", "1.2.3", "--root", str(ROOT)]) == 1
    output = capsys.readouterr().out
    assert "  ~ pos-xu-jian-vice-mayor: label 'Vice Mayor of Chongqing' -> 'Vice Mayor'" in output
    assert cli.main(["diff", "1.2.3", "1.2.3", "--root", str(ROOT)]) == 0
    assert capsys.readouterr().out.strip() == "no changes"
    assert cli.main(["diff", "9.9.9", "--root", str(ROOT)]) == 2


def test_quiet_prints_nothing_on_success_and_everything_on_failure(capsys, tmp_path):
    from hanoi_coop import cli

    from .conftest import ROOT
    from .corruption import copy_package, set_cell

    assert cli.main(["validate", str(ROOT), "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    package = copy_package(tmp_path / "package")
    line = set_cell(package, "meetings", 0, "event_type", "MEET")
    assert cli.main(["validate", str(package), "--quiet"]) == 1
    assert f"data/csv/meetings.csv:{line}" in capsys.readouterr().out


def test_quiet_build_prints_nothing_when_it_succeeds(workspace, capsys):
    from hanoi_coop import cli

    assert cli.main(["build", "--root", str(workspace), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_every_command_help_has_examples_and_exit_codes_and_no_markup(capsys):
    commands = cli._parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(commands) >= {"build", "validate", "diff", "release", "download"}
    for name in commands:
        with pytest.raises(SystemExit):
            cli.main([name, "--help"])
        text = capsys.readouterr().out
        assert f"hanoi-coop {name}" in text.split("examples:")[1], name
        assert "exit codes: " in text and "``" not in text, name
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "``" not in capsys.readouterr().out
