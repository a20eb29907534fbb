"""Each sample year written by a few other offices reads back to its truth.json, no map."""

from __future__ import annotations

import pytest

from importers.headers import normalise_header
from tests.other_offices.conftest import load_truth
from tests.other_offices.generator import VOCABULARY
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
def test_other_offices_title_most_columns_unlike_this_office(generated_year, year):
    """The variants are not the samples again: most headers differ from the office's own."""
    own = {(kind, name): normalise_header(headers[0])
           for kind, fields in VOCABULARY["headers"].items() for name, headers in fields.items()}
    written = [(f.kind, name, normalise_header(header)) for office in FIXED[year]
               for f in generated_year(year, office)[1] for name, header in f.headers.items()]
    unlike = [w for w in written if w[2] != own[w[0], w[1]]]
    assert len(unlike) > len(written) / 2, written
