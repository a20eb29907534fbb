"""Each sheet kind's fields name real columns of its model, declared once on the schema."""

import dataclasses

import pytest

from backoffice.imports import bindings
from importers.planning import OpinionFacts
from importers.schemas import SCHEMAS


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_every_column_a_field_names_is_one_of_its_model(kind: str) -> None:
    table = bindings.MODELS[kind].__table__
    assert set(bindings.columns(kind).values()) <= set(table.c.keys())


def test_the_opinion_s_stored_facts_are_the_planner_s_facts() -> None:
    facts = {field.name for field in dataclasses.fields(OpinionFacts)}
    assert set(bindings.opinion_columns()) <= facts
    assert bindings.opinion_columns()["second_reply_on"] == "second_replied_on"


def test_the_length_check_covers_every_limited_text_column() -> None:
    assert set(bindings.text_columns("opinions")) == {"title", "supervisor"}
    assert set(bindings.text_columns("units")) == {"name", "aliases"}
    assert bindings.text_columns("liaisons")["name"].name == "person"
