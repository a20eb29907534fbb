"""Reading every sample workbook of a year gives exactly the facts of its truth.json."""

import json
import time

import pytest

from importers.reading import read_folder
from tests.importers.truth_shape import comparable_truth, truth_shape
from tests.importers.workbook_builders import SAMPLES


@pytest.fixture(scope="module", params=["2017", "2016"])
def year_read(request):
    truth = json.loads((SAMPLES / request.param / "truth.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    result = read_folder(SAMPLES / request.param, session=truth["session"], year=truth["year"])
    return truth, result, time.perf_counter() - started


def test_samples_read_without_problems(year_read):
    _truth, result, _seconds = year_read
    assert [str(p) for p in result.problems] == []


def test_samples_give_the_truth(year_read):
    truth, result, _seconds = year_read
    got = truth_shape(result, truth["session"], truth["year"])
    want = comparable_truth(truth)
    for key in want:
        if key != "opinions":
            assert got[key] == want[key], key
    got_opinions = {o["number"]: o for o in got["opinions"]}
    assert sorted(got_opinions) == [o["number"] for o in want["opinions"]]
    for opinion in want["opinions"]:
        assert got_opinions[opinion["number"]] == opinion
    assert got == want


def test_folder_is_read_in_dependency_order(year_read):
    _truth, result, _seconds = year_read
    kinds = [file.kind for file in result.files]
    assert list(dict.fromkeys(kinds)) == [
        "units", "deputies", "liaisons", "opinions", "handling", "signoffs",
        "contacts", "progress", "evaluations", "co-evaluations", "notices",
    ]
