"""The one metadata model: fields, codelists and tables. Everything else is generated from it."""

from hanoi_coop.metadata.fields import FIELDS, Field
from hanoi_coop.metadata.resources import RESOURCES, ForeignKey, Resource

__all__ = ["FIELDS", "RESOURCES", "Field", "ForeignKey", "Resource"]
