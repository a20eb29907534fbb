"""Random valid assignment lists, written messily as workbooks, plan to the same facts."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings

from importers import read_file
from importers.planning import DeputyFacts, Outcome, plan_import
from tests.importers.plan_builders import SESSION, state
from tests.importers.test_read_property import assignment_list
from tests.importers.workbook_builders import OPINION_HEADER, write_xlsx

FACT_NAMES = ("title", "lead_deputy", "delegation", "cosigners", "category", "lead_unit",
              "co_units", "assigned_on", "supervisor", "content")


def roster(table):
    """Return the deputies the table names: lead deputies with their delegation, co-signers."""
    deputies = {(facts["lead_deputy"], facts["delegation"]) for facts, _row in table}
    leads = {name for name, _delegation in deputies}
    deputies |= {(name, "浦江镇代表团") for facts, _row in table for name in facts["cosigners"]
                 if name not in leads}
    return deputies


# The two assumptions below turn away most drawn tables on some seeds (a small pool of
# units and names); drawing is cheap, and the 40 examples are still valid tables.
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(table=assignment_list())
def test_random_valid_tables_plan_to_their_facts_and_then_to_nothing(table):
    assume(all(facts["lead_unit"] not in facts["co_units"] for facts, _row in table))
    assume(len({name for name, _d in roster(table)}) == len(roster(table)))  # no namesakes
    given_state = state()
    given_state.deputies = {key: DeputyFacts() for key in roster(table)}
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(Path(folder) / "list.xlsx", [OPINION_HEADER, *(r for _f, r in table)])
        read = read_file(path, "opinions", session=SESSION, year=2017,
                         units=given_state.unit_lookup()).records
    plan = plan_import(read, given_state)
    assert [row.outcome for row in plan.rows] == [Outcome.CREATE] * len(table)
    for facts, _row in table:
        stored = plan.after.opinions[facts["number"]]
        assert {name: getattr(stored, name) for name in FACT_NAMES} == {
            name: facts[name] for name in FACT_NAMES}
    again = plan_import(read, plan.after)
    assert {row.outcome for row in again.rows} == {Outcome.UNCHANGED}
