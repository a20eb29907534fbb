"""Each sample year written by a few other offices reads back to its truth.json, no map."""

from __future__ import annotations

import pytest

from importers.headers import normalise_header
from importers.schemas import SCHEMAS
from tests.other_offices.conftest import load_truth
from tests.other_offices.recovery import read_year, recovery_report
from tests.other_offices.variants import FIXED

CASES = [(year, office) for year, offices in FIXED.items() for office in ("own", *offices)]


@pytest.mark.parametrize(("year", "office"), CASES, ids=[f"{y}-{o}" for y, o in CASES])
def test_every_fact_is_recovered_without_a_column_map(generated_year, year, office):
    folder, files = generated_year(year, office)
    truth = load_truth(year)
    facts, message = recovery_report(read_year(folder, truth), truth, files)
    assert not facts, message


@pytest.mark.parametrize("year", sorted(FIXED))
def test_other_offices_write_headers_no_synonym_lists(generated_year, year):
    """The variants are not the samples again: most of their headers are no known synonym."""
    known = {normalise_header(h) for schema in SCHEMAS.values()
             for f in schema.fields for h in f.headers}
    headers = set()
    for office in FIXED[year]:
        _folder, files = generated_year(year, office)
        headers |= {(f.kind, name) for f in files for name in f.headers.values()}
    unknown = {h for h in headers if normalise_header(h[1]) not in known}
    assert len(unknown) > len(headers) / 3, sorted(headers)
