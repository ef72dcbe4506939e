"""hanoi-coop: build, validate, compare, release and fetch the Hanoi cooperation data package."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

TYPE_CHECKING = False  # typing and dataclasses would cost a third of `--version`'s start-up:
if TYPE_CHECKING:       # each command imports what it uses
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

    from hanoi_coop.errors import Problem

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool whose reader left


def _build(args: argparse.Namespace) -> int:
    from hanoi_coop.build import build, summary
    from hanoi_coop.errors import InputError, printable

    try:
        assembled = build(_path(args.root))
    except InputError as exc:
        print(f"build failed: {len(exc.problems)} problem(s)", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except Exception as exc:  # input no check foresaw: named, never a traceback
        print(f"build failed: {printable(f'{type(exc).__name__}: {exc}')} (nothing was "
              "published; please report the input that caused it)", file=sys.stderr)
        return 1
    say = (lambda *_: None) if args.quiet else print
    say(summary(assembled))
    say("build ok: data/, schemas/, datapackage.json and croissant.json written from tables "
        "checked once (Pandera, cross-table rules, every quote found in its article) and "
        "proven to read back to them")
    from hanoi_coop.docs import refresh_citation, refresh_readme
    from hanoi_coop.ingest.inputs import refresh_input_schemas

    if refresh_readme(_path(args.root)):
        say("README.md: generated blocks refreshed")
    if (_path(args.root) / "README.md").is_file() and refresh_citation(_path(args.root)):
        say("CITATION.cff: refreshed at the package's version")
    if refresh_input_schemas(_path(args.root)):
        say("curated/schemas/: input file schemas refreshed")
    return 0


def _unreadable(exc: Exception, where: object) -> Exception:
    """An error reading a user's package as the 'cannot read' message says it: the Unreadable
    it is, or any other exception (a file no check foresaw) named with its type."""
    from hanoi_coop.package.access import Unreadable

    if isinstance(exc, Unreadable):
        return exc
    return Unreadable(f"{where}: {type(exc).__name__}: {exc}")


def _path(text: str) -> Path:
    """pathlib, imported when a command needs a path (3 ms of `--help`)."""
    from pathlib import Path

    return Path(text)


def _validate(args: argparse.Namespace) -> int:
    import json

    from hanoi_coop.validation.validate import validate_package

    texts = _path(args.texts) if args.texts else None
    try:
        report = validate_package(_path(args.path), with_frictionless=args.frictionless,
                                  texts=texts)
    except Exception as exc:  # a user's file must never end in a traceback
        exc = _unreadable(exc, args.path)
        if args.json:
            print(json.dumps({"valid": False, "unreadable": str(exc)}))
        else:
            print(f"cannot read package: {exc}", file=sys.stderr)
        return 2
    if args.json:  # ASCII: a value's bidi or control characters reach no terminal raw
        print(json.dumps(report.to_dict(), ensure_ascii=True, indent=2))
    elif report.valid:
        if not args.quiet:
            total = sum(report.rows.values())
            print(f"valid: {len(report.rows)} tables, {total} rows")
            for notice in report.notices:
                print(f"  notice: {notice}")
    else:
        print(f"invalid: {len(report.problems)} error(s)")
        for problem in report.problems:
            print(f"  {problem}")
    return 0 if report.valid else 1


def _diff(args: argparse.Namespace) -> int:
    import json

    from hanoi_coop.publish.diff import diff, format_diff, resolve, snapshot

    root = _path(args.root)
    try:
        result = diff(snapshot(resolve(args.old, root)), snapshot(resolve(args.new, root)))
    except Exception as exc:  # 2, never 1: 1 means "they differ"
        print(f"cannot read package: {_unreadable(exc, f'{args.old} or {args.new}')}",
              file=sys.stderr)
        return 2
    print(json.dumps(result.to_dict(), indent=2) if args.json else format_diff(result))
    return 0 if result.empty else 1  # as `diff` and `git diff --exit-code`: 1 means they differ


def _release(args: argparse.Namespace) -> int:
    from hanoi_coop.publish.release import ReleaseError, release

    try:
        target = release(_path(args.root), args.version)
    except ReleaseError as exc:
        print(f"release refused: {exc}", file=sys.stderr)
        return 1
    print(f"released {args.version}: {target}")
    return 0


def _add_source(args: argparse.Namespace) -> int:
    from hanoi_coop.errors import InputError
    from hanoi_coop.ingest.intake import IntakeError, add_source

    root = _path(args.root)
    try:
        source = add_source(root, _path(args.file), args.id)
    except IntakeError as exc:
        print(f"add-source refused: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"add-source refused: the proposed entry does not load ({len(exc.problems)} "
              "problem(s)); nothing was written", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    kinds = sorted({s.kind for s in source.segments})
    print(f"added {source.source_id}: sources/articles/{source.source_id}.txt and its entry "
          f"in sources/sources.yaml (segments proposed: {', '.join(kinds)}; check them)")
    items = _build_problems(root)
    print(f"to do before `make build` passes: the build's own list ({len(items)}):")
    for item in items:
        print(f"  {item}")
    return 0


def _build_problems(root: Path) -> list[Problem]:
    """Every problem the build would report now (its checks, nothing written)."""
    from hanoi_coop.build import assemble
    from hanoi_coop.errors import InputError

    try:
        assemble(root)
    except InputError as exc:
        return exc.problems
    return []


def _history(args: argparse.Namespace) -> int:
    from hanoi_coop.publish.history import format_history, history

    try:
        events = history(args.id, _path(args.root))
    except Exception as exc:
        print(f"cannot read a release: {_unreadable(exc, args.root)}", file=sys.stderr)
        return 2
    print(format_history(args.id, events))
    return 0 if events else 1


PORTAL_EXTRA = "pip install 'hanoi-coop[portal]'"


def _serve(args: argparse.Namespace) -> int:
    import importlib.util
    import os

    missing = [m for m in ("datasette", "sqlite_utils") if importlib.util.find_spec(m) is None]
    if missing:
        print(f"serve needs the portal extra (not installed: {', '.join(missing)}): "
              f"{PORTAL_EXTRA}", file=sys.stderr)
        return 2
    from hanoi_coop.portal.serve import prepare

    command = prepare(_path(args.root).resolve(), _path(args.out).resolve())
    command += ["--host", args.host, "--port", str(args.port)]
    print(" ".join(command), flush=True)
    os.execv(command[0], command)
    return 0  # not reached


def _download(args: argparse.Namespace) -> int:
    from hanoi_coop.errors import printable
    from hanoi_coop.loader import DownloadError, download

    try:
        files = download(args.version, _path(args.to) if args.to else None,
                         progress=sys.stderr.isatty())
    except (DownloadError, KeyError, OSError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) else str(exc)
        print(f"download failed: {printable(message)}", file=sys.stderr)
        return 2
    print(f"{len(files)} files of {args.version}, each checked against its published sha256: "
          f"{_common_folder(files)}")
    return 0


def _cite(args: argparse.Namespace) -> int:
    from hanoi_coop.docs import citable_url, citation_bibtex
    from hanoi_coop.errors import printable
    from hanoi_coop.loader import PORTAL_ENV
    from hanoi_coop.publish.release import released_versions

    root = _path(args.root)
    version = args.version or (released_versions(root) or ["(none)"])[-1]
    portal = args.portal
    if portal is None and os.environ.get(PORTAL_ENV):  # the loader's, often a local one
        try:
            citable_url(os.environ[PORTAL_ENV], version)
            portal = os.environ[PORTAL_ENV]
        except ValueError as exc:
            print(f"cite: ${PORTAL_ENV} left out, {printable(str(exc))}", file=sys.stderr)
    try:
        entry = citation_bibtex(root, version, portal)
    except (KeyError, ValueError) as exc:
        print(f"cite: {printable(str(exc.args[0]))}", file=sys.stderr)
        return 2
    print(entry, end="")
    return 0


def _common_folder(files: list[Path]) -> Path:
    return _path(os.path.commonpath([str(f.parent) for f in files]))


class Command:
    """One subcommand as its help shows it: what it does, examples ({version} is the
    package's version, {next} the patch after it) and what each exit code means; ``root``:
    it works in a repository folder (--root)."""

    __slots__ = ("name", "func", "help", "examples", "exits", "arguments", "root")

    def __init__(self, name: str, func: Callable[[argparse.Namespace], int], help: str,
                 examples: tuple[str, ...], exits: str,
                 arguments: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (),
                 root: bool = True) -> None:
        self.name, self.func, self.help, self.examples = name, func, help, examples
        self.exits, self.arguments, self.root = exits, arguments, root


def _arg(*flags: str, **options: Any) -> tuple[tuple[str, ...], dict[str, Any]]:
    return flags, options


_QUIET = "print nothing when it succeeds (problems still go to stderr)"
COMMANDS = (
    Command("build", _build, "build and validate the package",
            ("build", "build --quiet --root path/to/checkout"),
            "0 built and published, 1 bad input (each problem located)",
            (_arg("--quiet", action="store_true", help=_QUIET),)),
    Command("validate", _validate,
            "validate a copy of the package (folder, zip or datapackage.json)",
            ("validate", "validate releases/{version}/hanoi-coop-{version}.zip --json",
             "validate --quiet && echo valid"),
            "0 valid, 1 invalid (each problem located), 2 unreadable or unsafe",
            (_arg("path", nargs="?", default=".",
                  help="package folder, release zip or datapackage.json"),
             _arg("--json", action="store_true", help="machine-readable output"),
             _arg("--quiet", action="store_true", help=_QUIET),
             _arg("--frictionless", action="store_true",
                  help="also run Frictionless row by row (slow; the vectorised validator "
                       "already checks every rule it does)"),
             _arg("--texts", help="folder of article texts: also check every quote against "
                                  "its source at its offsets")),
            root=False),
    Command("diff", _diff, "rows and schema changes between two versions, each changed cell "
                           "as old -> new",
            ("diff 1.0.0 {version}", "diff {version} . --json"),
            "0 the same, 1 they differ (as git diff --exit-code), 2 one cannot be read",
            (_arg("old", help="a released version, '.' for the working tree, or a path"),
             _arg("new", nargs="?", default=".", help="as OLD (default: .)"),
             _arg("--json", action="store_true"))),
    Command("release", _release, "write the release bundle of VERSION", ("release {next}",),
            "0 released, 1 refused (version, stale files, bad input)", (_arg("version"),)),
    Command("add-source", _add_source,
            "copy a new article in, record its checksum, propose its segments and print what "
            "the build will ask to be cited",
            ("add-source article.txt --id src-hanoi-paris-metro",),
            "0 added, 2 refused (nothing written)",
            (_arg("file", help="the article as UTF-8 text, one paragraph per line"),
             _arg("--id", required=True, help="its source id, e.g. src-hanoi-paris-metro"))),
    Command("history", _history,
            "one record across every release: added, each change (old -> new), removed",
            ("history pos-pham-qui-tien-deputy-chairman",),
            "0 found, 1 no release has it, 2 a release cannot be read",
            (_arg("id", help="a primary key, e.g. pos-pham-qui-tien-deputy-chairman"),)),
    Command("download", _download,
            "fetch every file of a released VERSION from the portal ($HANOI_COOP_PORTAL) "
            "through the verified cache",
            ("download {version} --to downloads/",),
            "0 every file fetched and checked against its sha256, 2 not fetched",
            (_arg("version", help="a released version"),
             _arg("--to", help="copy the files to TO/VERSION/ (default: leave them in the "
                               "cache and print where)")),
            root=False),
    Command("cite", _cite, "a BibLaTeX entry for a released VERSION (default: the newest): its "
            "number, date, manifest sha256 and, with a portal address, its URL",
            ("cite", "cite {version} --portal https://data.example.org"),
            "0 printed, 2 not a release of this repository or not an http(s) address",
            (_arg("version", nargs="?", help="a released version (default: the newest)"),
             _arg("--portal",
                  help="the portal it is published at (default: $HANOI_COOP_PORTAL)"))),
    Command("serve", _serve, "serve the portal (Datasette) on localhost",
            ("serve --port 8001",), "Datasette's",
            (_arg("--out", default="build/portal", help="generated portal files"),
             _arg("--host", default="127.0.0.1"),
             _arg("--port", type=int, default=8001))),
)


def _add_command(commands: argparse._SubParsersAction, spec: Command, version: str) -> None:
    parts = version.split(".")
    following = ".".join([*parts[:-1], str(int(parts[-1]) + 1)]) if parts[-1].isdigit() \
        else "X.Y.Z"
    shown = {"version": version, "next": following}
    examples = "".join(f"  hanoi-coop {e.format(**shown)}\n" for e in spec.examples)
    command = commands.add_parser(spec.name, help=spec.help, description=spec.help,
                                  epilog=f"examples:\n{examples}\nexit codes: {spec.exits}",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    if spec.root:
        command.add_argument("--root", default=".", help="repository root (default: .)")
    for flags, options in spec.arguments:
        command.add_argument(*flags, **options)
    command.set_defaults(func=spec.func)


def _parser() -> argparse.ArgumentParser:
    from hanoi_coop.version import package_version

    parser = argparse.ArgumentParser(prog="hanoi-coop", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    for spec in COMMANDS:
        _add_command(commands, spec, package_version())
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)  # --version and --help end here, before any heavy import
    if argv is None:  # the command's own process only (run()), not a caller's
        use_jemalloc()
        without_data_generators()
    try:
        return args.func(args)
    except BrokenPipeError:  # `hanoi-coop diff | head`: the reader left, as with any Unix tool
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def without_data_generators() -> None:
    """Pandera imports hypothesis for its data-generating strategies when it is installed
    (85 ms of every validate); no command generates data, so the command's own process marks
    it absent, which Pandera supports. A program importing the library is left alone."""
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]


def use_jemalloc() -> None:
    """Arrow's jemalloc pool for this process, unless the user chose one
    (ARROW_DEFAULT_MEMORY_POOL) or this pyarrow lacks it. It hands freed memory back to the
    system; the default pool keeps it, which made validate's peak at 10^6 rows 16 % higher
    (1,640 MB against 1,410). Only the command sets it: a program that imports the library
    keeps its own pool."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    import pyarrow as pa

    with contextlib.suppress(NotImplementedError):  # a build without jemalloc
        pa.set_memory_pool(pa.jemalloc_memory_pool())
        pa.jemalloc_set_decay_ms(0)


def run() -> None:
    """The ``hanoi-coop`` command."""
    if sys.argv[1:] == ["--version"]:  # the one answer that needs no parser (argparse: 8 ms)
        sys.exit(_print_version())
    sys.exit(main())


def _print_version() -> int:
    """What argparse's --version prints, and as it does, no traceback when the output
    cannot be written (a closed pipe, a full disk)."""
    from hanoi_coop.version import package_version

    try:
        print(f"hanoi-coop {package_version()}", flush=True)
    except OSError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    run()
