"""The ``hanoi-coop`` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hanoi_coop.errors import InputError


def _build(args: argparse.Namespace) -> int:
    from hanoi_coop.build import build, summary

    try:
        assembled = build(Path(args.root))
    except InputError as exc:
        print(f"build failed: {len(exc.problems)} problem(s)", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(summary(assembled))
    print("build ok: data/, schemas/ and datapackage.json written and validated")
    from hanoi_coop.docs import refresh_readme

    if refresh_readme(Path(args.root)):
        print("README.md: table list refreshed")
    return 0


def _validate(args: argparse.Namespace) -> int:
    import json

    from hanoi_coop.published import Unreadable
    from hanoi_coop.validate import validate_package

    texts = Path(args.texts) if args.texts else None
    try:
        report = validate_package(Path(args.path), with_frictionless=not args.fast, texts=texts)
    except Unreadable as exc:
        if args.json:
            print(json.dumps({"valid": False, "unreadable": str(exc)}))
        else:
            print(f"cannot read package: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif report.valid:
        total = sum(report.rows.values())
        print(f"valid: {len(report.rows)} tables, {total} rows")
    else:
        print(f"invalid: {len(report.problems)} error(s)")
        for problem in report.problems:
            print(f"  {problem}")
    return 0 if report.valid else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hanoi-coop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build and validate the package")
    build_cmd.add_argument("--root", default=".", help="repository root (default: .)")
    build_cmd.set_defaults(func=_build)
    validate_cmd = commands.add_parser(
        "validate", help="validate a copy of the package (folder, zip or datapackage.json)")
    validate_cmd.add_argument("path", nargs="?", default=".",
                              help="package folder, release zip or datapackage.json")
    validate_cmd.add_argument("--json", action="store_true", help="machine-readable output")
    validate_cmd.add_argument("--fast", action="store_true",
                              help="skip the Frictionless run (every rule is still checked "
                                   "by the vectorised validator)")
    validate_cmd.add_argument("--texts", help="folder of article texts: also check every "
                                              "quote against its source at its offsets")
    validate_cmd.set_defaults(func=_validate)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
