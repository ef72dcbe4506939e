"""hanoi-coop: build, validate, compare, release and fetch the Hanoi cooperation data package."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from hanoi_coop.errors import InputError

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a tool whose reader left


def _build(args: argparse.Namespace) -> int:
    from hanoi_coop.build import build, summary

    try:
        assembled = build(Path(args.root))
    except InputError as exc:
        print(f"build failed: {len(exc.problems)} problem(s)", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    say = (lambda *_: None) if args.quiet else print
    say(summary(assembled))
    say("build ok: data/, schemas/, datapackage.json and croissant.json written and validated "
        "(Pandera, cross-table rules, Frictionless, every quote against its article)")
    from hanoi_coop.docs import refresh_citation, refresh_readme
    from hanoi_coop.inputs import refresh_input_schemas

    if refresh_readme(Path(args.root)):
        say("README.md: generated blocks refreshed")
    if (Path(args.root) / "README.md").is_file() and refresh_citation(Path(args.root)):
        say("CITATION.cff: refreshed at the package's version")
    if refresh_input_schemas(Path(args.root)):
        say("curated/schemas/: input file schemas refreshed")
    return 0


def _validate(args: argparse.Namespace) -> int:
    import json

    from hanoi_coop.package_open import Unreadable
    from hanoi_coop.validation.validate import validate_package

    texts = Path(args.texts) if args.texts else None
    try:
        report = validate_package(Path(args.path), with_frictionless=args.frictionless,
                                  texts=texts)
    except Exception as exc:  # a user's file must never end in a traceback
        if not isinstance(exc, Unreadable):
            exc = Unreadable(f"{args.path}: {type(exc).__name__}: {exc}")
        if args.json:
            print(json.dumps({"valid": False, "unreadable": str(exc)}))
        else:
            print(f"cannot read package: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif report.valid:
        if not args.quiet:
            total = sum(report.rows.values())
            print(f"valid: {len(report.rows)} tables, {total} rows")
    else:
        print(f"invalid: {len(report.problems)} error(s)")
        for problem in report.problems:
            print(f"  {problem}")
    return 0 if report.valid else 1


def _diff(args: argparse.Namespace) -> int:
    import json

    from hanoi_coop.diff import diff, format_diff, resolve, snapshot
    from hanoi_coop.package_open import Unreadable

    root = Path(args.root)
    try:
        result = diff(snapshot(resolve(args.old, root)), snapshot(resolve(args.new, root)))
    except Unreadable as exc:
        print(f"cannot read package: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_dict(), indent=2) if args.json else format_diff(result))
    return 0 if result.empty else 1  # as `diff` and `git diff --exit-code`: 1 means they differ


def _release(args: argparse.Namespace) -> int:
    from hanoi_coop.release import ReleaseError, release

    try:
        target = release(Path(args.root), args.version)
    except ReleaseError as exc:
        print(f"release refused: {exc}", file=sys.stderr)
        return 1
    print(f"released {args.version}: {target}")
    return 0


def _known_names(root: Path) -> set[str]:
    """Names the last build's tables hold (persons, organizations, places, project titles)."""
    import csv

    names: set[str] = set()
    for table, column in (("persons", "name"), ("organizations", "name"), ("places", "name"),
                          ("projects", "title")):
        path = root / "data" / "csv" / f"{table}.csv"
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                names.update(row[column] for row in csv.DictReader(handle) if row[column])
    return names


def _add_source(args: argparse.Namespace) -> int:
    from hanoi_coop.intake import IntakeError, add_source, to_do

    root = Path(args.root)
    try:
        source = add_source(root, Path(args.file), args.id)
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
    items = to_do(source, _known_names(root))
    print(f"to do before `make build` passes ({len(items)}):")
    for item in items:
        print(f"  {item}")
    return 0


def _history(args: argparse.Namespace) -> int:
    from hanoi_coop.history import format_history, history
    from hanoi_coop.package_open import Unreadable

    try:
        events = history(args.id, Path(args.root))
    except Unreadable as exc:
        print(f"cannot read a release: {exc}", file=sys.stderr)
        return 2
    print(format_history(args.id, events))
    return 0 if events else 1


def _serve(args: argparse.Namespace) -> int:
    import os

    from hanoi_coop.portal import prepare

    command = prepare(Path(args.root).resolve(), Path(args.out).resolve())
    command += ["--host", args.host, "--port", str(args.port)]
    print(" ".join(command), flush=True)
    os.execv(command[0], command)
    return 0  # not reached


def _download(args: argparse.Namespace) -> int:
    from hanoi_coop.loader import DownloadError, download

    try:
        files = download(args.version, Path(args.to) if args.to else None,
                         progress=sys.stderr.isatty())
    except (DownloadError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) else str(exc)
        print(f"download failed: {message}", file=sys.stderr)
        return 2
    print(f"{len(files)} files of {args.version}, each checked against its published sha256: "
          f"{_common_folder(files)}")
    return 0


def _common_folder(files: list[Path]) -> Path:
    return Path(os.path.commonpath([str(f.parent) for f in files]))


def _command(commands: argparse._SubParsersAction, name: str, func: Callable, help: str,
             root: bool = True, examples: tuple[str, ...] = (),
             exits: str = "0 done, 1 refused or bad input") -> argparse.ArgumentParser:
    """A subcommand that runs ``func``; with ``root``, it works in a repository folder. Its
    help ends with examples and what each exit code means."""
    epilog = "examples:\n" + "".join(f"  hanoi-coop {e}\n" for e in examples) if examples \
        else ""
    command = commands.add_parser(name, help=help, description=help,
                                  epilog=f"{epilog}\nexit codes: {exits}",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    if root:
        command.add_argument("--root", default=".", help="repository root (default: .)")
    command.set_defaults(func=func)
    return command


def _parser() -> argparse.ArgumentParser:
    from hanoi_coop.version import package_version

    parser = argparse.ArgumentParser(prog="hanoi-coop", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = _command(commands, "build", _build, "build and validate the package",
                         examples=("build", "build --quiet --root path/to/checkout"),
                         exits="0 built and published, 1 bad input (each problem located)")
    build_cmd.add_argument("--quiet", action="store_true",
                           help="print nothing when it succeeds (problems still go to stderr)")
    validate_cmd = _command(
        commands, "validate", _validate,
        "validate a copy of the package (folder, zip or datapackage.json)", root=False,
        examples=("validate", "validate releases/2.12.1/hanoi-coop-2.12.1.zip --json",
                  "validate --quiet && echo valid"),
        exits="0 valid, 1 invalid (each problem located), 2 unreadable or unsafe")
    validate_cmd.add_argument("path", nargs="?", default=".",
                              help="package folder, release zip or datapackage.json")
    validate_cmd.add_argument("--json", action="store_true", help="machine-readable output")
    validate_cmd.add_argument("--quiet", action="store_true",
                              help="print nothing for a valid package; errors as usual")
    validate_cmd.add_argument("--frictionless", action="store_true",
                              help="also run Frictionless row by row (slow; the vectorised "
                                   "validator already checks every rule it does)")
    validate_cmd.add_argument("--texts", help="folder of article texts: also check every "
                                              "quote against its source at its offsets")
    diff_cmd = _command(commands, "diff", _diff,
                        "rows and schema changes between two versions, each changed cell as "
                        "old -> new; exit 0 when they are the same, 1 when they differ, 2 "
                        "when one cannot be read",
                        examples=("diff 2.12.0 2.12.1", "diff 2.12.1 . --json"),
                        exits="0 the same, 1 they differ, 2 one cannot be read")
    diff_cmd.add_argument("old", help="a released version, '.' for the working tree, or a path")
    diff_cmd.add_argument("new", nargs="?", default=".", help="as OLD (default: .)")
    diff_cmd.add_argument("--json", action="store_true")
    release_cmd = _command(commands, "release", _release, "write the release bundle of VERSION",
                           examples=("release 2.12.2",),
                           exits="0 released, 1 refused (version, stale files, bad input)")
    release_cmd.add_argument("version")
    add_cmd = _command(commands, "add-source", _add_source,
                       "copy a new article in, record its checksum, propose its segments and "
                       "print what the build will ask to be cited",
                       examples=("add-source article.txt --id src-hanoi-paris-metro",),
                       exits="0 added, 2 refused (nothing written)")
    add_cmd.add_argument("file", help="the article as UTF-8 text, one paragraph per line")
    add_cmd.add_argument("--id", required=True, help="its source id, e.g. src-hanoi-paris-metro")
    history_cmd = _command(commands, "history", _history,
                           "one record across every release: added, each change (old -> "
                           "new), removed; exit 1 when no release has it",
                           examples=("history pos-pham-qui-tien-deputy-chairman",),
                           exits="0 found, 1 no release has it, 2 a release cannot be read")
    history_cmd.add_argument("id", help="a primary key, e.g. pos-pham-qui-tien-deputy-chairman")
    download_cmd = _command(commands, "download", _download,
                            "fetch every file of a released VERSION from the portal "
                            "($HANOI_COOP_PORTAL) through the verified cache; exit 2 when a "
                            "file cannot be fetched or does not match its sha256", root=False,
                            examples=("download 2.10.0 --to downloads/",),
                            exits="0 every file fetched and checked, 2 not fetched")
    download_cmd.add_argument("version", help="a released version, e.g. 2.10.0")
    download_cmd.add_argument("--to", help="copy the files to TO/VERSION/ (default: leave "
                                           "them in the cache and print where)")
    serve_cmd = _command(commands, "serve", _serve,
                         "serve the portal (Datasette) on localhost",
                         examples=("serve --port 8001",), exits="Datasette's")
    serve_cmd.add_argument("--out", default="build/portal", help="generated portal files")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8001)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `hanoi-coop diff | head`: the reader left, as with any Unix tool
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
