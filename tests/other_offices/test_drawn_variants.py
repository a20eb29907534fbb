"""Offices drawn by Hypothesis from the vocabulary: every fact still reads back, no map."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.other_offices.conftest import load_truth
from tests.other_offices.generator import write_year
from tests.other_offices.recovery import read_year, recovery_report
from tests.other_offices.variants import YEARS

T = TypeVar("T")


class DrawingPicker:
    """Let Hypothesis make every choice the vocabulary leaves open, so a failure shrinks
    to the fewest unusual habits that still break the read."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def pick(self, options: Sequence[T], what: str) -> T:
        return self.data.draw(st.sampled_from(list(options)), label=what)

    def rng(self, what: str) -> random.Random:
        return random.Random(self.data.draw(st.integers(0, 2**32 - 1), label=what))


# Every fifth opinion with the whole directory of units, deputies and liaisons: a drawn
# office writes fewer rows, quicker to write and read, and still every kind and form.
TRUTHS = {year: load_truth(year, every=5) for year in YEARS}


# derandomize: the same offices on every run, so CI is reproducible. No shrinking: a
# failure names every habit of its office already (one draw per line), and shrinking a
# year of workbooks would take minutes.
@settings(max_examples=4, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(year=st.sampled_from(YEARS), data=st.data())
def test_a_drawn_office_s_year_reads_back_to_its_truth(year, data):
    truth = TRUTHS[year]
    with tempfile.TemporaryDirectory() as folder:
        files = write_year(truth, Path(folder), DrawingPicker(data))
        facts, message = recovery_report(read_year(Path(folder), truth), truth, files)
    assert not facts, message
