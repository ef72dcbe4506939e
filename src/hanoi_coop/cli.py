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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hanoi-coop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build and validate the package")
    build_cmd.add_argument("--root", default=".", help="repository root (default: .)")
    build_cmd.set_defaults(func=_build)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
