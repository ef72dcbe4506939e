"""The package's version: set here before a release (the release stamps it into everything it
writes, and refuses when it differs from what it is asked to release)."""

from __future__ import annotations

__version__ = "6.0.0"


def package_version() -> str:
    """The version, read when asked (tests and releases may set it)."""
    return __version__
