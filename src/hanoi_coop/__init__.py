"""hanoi-coop: a versioned, source-verified data package of Hanoi's urban-development cooperation.

    >>> import hanoi_coop
    >>> meetings = hanoi_coop.load("meetings")

The loader (and pandas, pyarrow) is imported on first use, not with the package: the command
line starts at once (`hanoi-coop --version`) and `import hanoi_coop` costs what it uses.
"""

from __future__ import annotations

from hanoi_coop.version import __version__

TYPE_CHECKING = False  # typing itself costs 10 ms of start-up
if TYPE_CHECKING:
    from hanoi_coop.loader import describe, load, tables

__all__ = ["__version__", "describe", "load", "tables"]
_LAZY = {"describe", "load", "tables"}


def __getattr__(name: str) -> object:  # PEP 562: the loader's functions, imported when asked
    if name in _LAZY:
        from hanoi_coop import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'hanoi_coop' has no attribute {name!r}")


def __dir__() -> list[str]:  # PEP 562: dir() and help() list the lazy functions too
    return sorted({*globals(), *_LAZY})
