"""One declarative schema per sheet kind, in the order a year's sheets must be read."""

from importers.schemas.base import Field, FieldType, Schema
from importers.schemas.directory import DEPUTIES, LIAISONS, UNITS
from importers.schemas.evaluations import CO_EVALUATIONS, EVALUATIONS
from importers.schemas.follow_up import CONTACTS, NOTICES, PROGRESS
from importers.schemas.opinions import HANDLING, OPINIONS, SIGNOFFS

# Dependency order: units before anything naming a unit, opinions before anything
# naming an opinion.
SCHEMAS: dict[str, Schema] = {
    schema.kind: schema
    for schema in (
        UNITS, DEPUTIES, LIAISONS, OPINIONS, HANDLING, SIGNOFFS,
        CONTACTS, PROGRESS, EVALUATIONS, CO_EVALUATIONS, NOTICES,
    )
}
KINDS: tuple[str, ...] = tuple(SCHEMAS)

__all__ = ["KINDS", "SCHEMAS", "Field", "FieldType", "Schema"]
