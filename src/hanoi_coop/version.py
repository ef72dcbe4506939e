"""The package's version, read when asked (a release stamps it into everything it writes)."""

from __future__ import annotations


def package_version() -> str:
    import hanoi_coop

    return hanoi_coop.__version__
