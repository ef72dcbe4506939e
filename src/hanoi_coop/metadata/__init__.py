"""The one metadata model: fields, codelists and tables. Everything else is generated from it."""

from hanoi_coop.metadata.fields import FIELDS, Field
from hanoi_coop.metadata.resources import (
    EVIDENCE,
    RESOURCES,
    SEGMENTS,
    SOURCES,
    DatesInOrder,
    ForeignKey,
    Resource,
    SameAs,
)

__all__ = ["EVIDENCE", "FIELDS", "RESOURCES", "SEGMENTS", "SOURCES", "DatesInOrder", "Field",
           "ForeignKey", "Resource", "SameAs"]
