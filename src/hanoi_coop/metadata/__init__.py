"""The one metadata model: fields, codelists and tables. Everything else is generated from it."""

from hanoi_coop.metadata.fields import FIELDS, Field
from hanoi_coop.metadata.resources import (
    CELL_EVIDENCE,
    CLUE_DATE,
    EVIDENCE,
    RESOURCES,
    SEGMENTS,
    SOURCES,
    YEAR_CLUES,
    DatesInOrder,
    ForeignKey,
    Resource,
    SameAs,
)

__all__ = ["CELL_EVIDENCE", "CLUE_DATE", "EVIDENCE", "FIELDS", "RESOURCES", "SEGMENTS",
           "SOURCES", "YEAR_CLUES", "DatesInOrder", "Field", "ForeignKey", "Resource", "SameAs"]
