"""hanoi-coop: a versioned, source-verified data package of Hanoi's urban-development cooperation.

    >>> import hanoi_coop
    >>> meetings = hanoi_coop.load("meetings")
"""

from hanoi_coop.loader import describe, load, tables
from hanoi_coop.version import __version__

__all__ = ["__version__", "describe", "load", "tables"]
