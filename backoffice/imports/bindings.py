"""Where each sheet kind is stored: its model, and the column of each field that has one.

The columns are declared once, on the schemas' fields (`Field.column`); what the import
reads from the database, writes to it and checks against it is derived here.
"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa

from backoffice.models import (
    CoHandling,
    Contact,
    Deputy,
    Evaluation,
    LiaisonTerm,
    Notice,
    Opinion,
    ProgressReport,
    Unit,
    UnitAlias,
)
from importers.schemas import SCHEMAS, FieldType

# The model whose rows a kind's rows are: the sheets about an opinion fill in its columns.
MODELS: dict[str, type] = {
    "units": Unit, "deputies": Deputy, "liaisons": LiaisonTerm, "opinions": Opinion,
    "handling": Opinion, "signoffs": Opinion, "contacts": Contact, "progress": ProgressReport,
    "evaluations": Evaluation, "co-evaluations": CoHandling, "notices": Notice,
}
OPINION_KINDS = ("opinions", "handling", "signoffs")


@cache
def columns(kind: str) -> dict[str, str]:
    """Return field -> column of the kind's fields stored in a column of its model."""
    return {field.name: field.column for field in SCHEMAS[kind].fields if field.column}


@cache
def happened_columns() -> frozenset[sa.Column]:
    """Return the columns holding a date of something done (their field says `happened`):
    never after today, on a form as in a sheet."""
    return frozenset(MODELS[kind].__table__.c[field.column]
                     for kind, schema in SCHEMAS.items() for field in schema.fields
                     if field.happened and field.column)


@cache
def opinion_columns() -> dict[str, str]:
    """Return fact -> column for every opinion fact a sheet sets, whichever sheet."""
    found: dict[str, str] = {}
    for kind in OPINION_KINDS:
        for field, column in columns(kind).items():
            found.setdefault(field, column)
    return found


@cache
def text_columns(kind: str) -> dict[str, sa.Column]:
    """Return field -> column of the kind's text fields whose column has a length limit."""
    table = MODELS[kind].__table__
    found = {field.name: table.c[field.column] for field in SCHEMAS[kind].fields
             if field.column and field.type is FieldType.TEXT
             and getattr(table.c[field.column].type, "length", None)}
    if kind == "units":  # a unit's aliases are rows of their own table
        found["aliases"] = UnitAlias.__table__.c.alias
    return found
