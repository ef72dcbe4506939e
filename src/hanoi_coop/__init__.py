"""hanoi-coop: a versioned, source-verified data package of Hanoi's urban-development cooperation.

    >>> import hanoi_coop
    >>> meetings = hanoi_coop.load("meetings")
"""

__version__ = "1.2.0"

from hanoi_coop.loader import describe, load, tables  # noqa: E402

__all__ = ["describe", "load", "tables"]
