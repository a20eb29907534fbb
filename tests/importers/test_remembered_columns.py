"""A mapping remembered for a sheet's header signature reads that sheet, and only that
layout; the caller's own mapping wins over it."""

from importers import read_file
from importers.columns import How, header_signature
from tests.importers.workbook_builders import OPINION_HEADER, opinion_row, write_xlsx

HEADER = [*OPINION_HEADER, "详细情况"]


def _workbook(tmp_path, header=HEADER):
    row = opinion_row(1, 督办领导="王副区长")
    return write_xlsx(tmp_path / "list.xlsx", {"城市建设和管理": [
        header, [*row, "建议加装电梯"][:len(header)]]})


def _columns(result):
    return {c.header: (c.field, c.how) for c in result.columns}


def test_a_sheet_is_read_with_the_mapping_remembered_for_its_headers(tmp_path):
    asked = []

    def remembered(kind, signature):
        asked.append((kind, signature))
        return {"详细情况": "content", "督办领导": None}

    result = read_file(_workbook(tmp_path), remembered=remembered)
    assert asked == [("opinions", header_signature(HEADER))]
    columns = _columns(result)
    assert columns["详细情况"] == ("content", How.MAPPED)
    assert columns["督办领导"] == (None, How.MAPPED)
    [record] = result.records
    assert record.get("content") == "建议加装电梯" and record.get("supervisor") in (None, "")


def test_the_callers_own_mapping_wins_over_the_remembered_one(tmp_path):
    result = read_file(_workbook(tmp_path), mapping={"督办领导": "督办领导"},
                       remembered=lambda kind, signature: {"督办领导": None})
    assert _columns(result)["督办领导"] == ("supervisor", How.MAPPED)
    assert result.records[0].get("supervisor") == "王副区长"


def test_another_layout_is_not_read_with_it(tmp_path):
    wanted = header_signature(HEADER)
    result = read_file(_workbook(tmp_path, OPINION_HEADER), remembered=lambda kind, signature: (
        {"督办领导": None} if signature == wanted else None))
    assert _columns(result)["督办领导"] == ("supervisor", How.EXACT)
