"""Shared fixtures: a scratch copy of the repository's inputs to build and break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def _offline_authorities():
    from hanoi_coop.assemble.authorities import Authorities

    return Authorities.load()


@pytest.fixture(autouse=True)
def _one_load_of_the_offline_datasets(request, _offline_authorities, monkeypatch):
    """The GeoNames and ISO datasets are inputs that do not change during a test run: the
    suite loads them once (0.3 s) and hands every build that same value, which ``build`` would
    otherwise load for itself. A test marked ``fresh_authorities`` gets the real loader."""
    if "fresh_authorities" in request.keywords:
        return
    from hanoi_coop.assemble.authorities import Authorities

    monkeypatch.setattr(Authorities, "load", classmethod(lambda cls: _offline_authorities))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of sources/ and curated/ in a temporary folder, ready for ``build``."""
    for folder in ("sources", "curated"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One clean build of the repository's inputs, shared by read-only tests."""
    from hanoi_coop.build import build

    root = tmp_path_factory.mktemp("built")
    for folder in ("sources", "curated"):
        shutil.copytree(ROOT / folder, root / folder)
    build(root)
    return root


@pytest.fixture(scope="session")
def portal_server(tmp_path_factory: pytest.TempPathFactory):
    """One Datasette portal over the repository's releases, shared by the tests that only
    read from it: (its address, its log file)."""
    from .portal_server import running_portal

    workdir = tmp_path_factory.mktemp("portal")
    with running_portal(ROOT, workdir) as url:
        yield url, workdir / "datasette.log"


@pytest.fixture
def scratch_tmp(tmp_path: Path, monkeypatch) -> Path:
    """The temporary folder validate unpacks into, to prove it is always removed."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(folder))
    return folder


def cli_output(capsys, *args: str) -> tuple[int, str]:
    """The command's exit code and all it printed, which must hold no traceback."""
    from hanoi_coop import cli

    code = cli.main(list(args))
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    return code, output


def copy_outputs(built: Path, root: Path) -> None:
    """The session's build of the unchanged inputs, as if ``root`` had just been built."""
    from .corruption import copy_published

    copy_published(built, root)


def copy_releases(root: Path, *versions: str) -> list[str]:
    """The named releases (by default the newest, which a new release is compared with) copied
    into ``root/releases``: copying all of them costs every test that needs one a second."""
    from hanoi_coop.publish.release import released_versions

    chosen = sorted(set(versions) | {released_versions(ROOT)[-1]})
    for version in chosen:
        shutil.copytree(ROOT / "releases" / version, root / "releases" / version)
    return chosen


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit a file in place, failing loudly if ``old`` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# The longest tests (a browser, a Datasette server, property runs) start first, so that the two
# workers do not end with one of them still running alone.
_LONG_FIRST = ("test_portal.py", "test_properties.py", "test_portal_gates.py", "test_release.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name not in _LONG_FIRST)  # stable: order kept within
