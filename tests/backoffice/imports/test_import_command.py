"""`backoffice import`: exit 0 applied or clean dry run, 1 refused, 2 wrong call; JSON shape."""

import json

import pytest

from backoffice.demo import DATA
from tests.backoffice.imports.tables import (
    LOGS,
    NEW_SESSION,
    assignment_list,
    dump,
    opinion_row,
)

SHAPE = {"created", "updated", "unchanged", "skipped", "conflicted", "conflicts", "errors",
         "columns"}
COLUMN_SHAPE = {"file", "sheet", "column", "header", "field", "field_header", "how", "how_label",
                "confidence"}
ERROR_SHAPE = {"file", "sheet", "cell", "field", "value", "message"}


@pytest.fixture
def invoke(app):
    runner = app.test_cli_runner()

    def run(*args):
        return runner.invoke(args=["import", *map(str, args)])

    return run


def json_of(result):
    data = json.loads(result.output)
    assert set(data) == SHAPE
    assert all(set(column) == COLUMN_SHAPE for column in data["columns"])
    return {key: value for key, value in data.items() if key != "columns"}


def test_an_import_prints_its_counts_as_json_and_exits_0(app, invoke, tmp_path):
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [opinion_row(1), opinion_row(2)])
    result = invoke("opinions", path, "--session", NEW_SESSION, "--year", 2018,
                    "--format", "json")
    assert result.exit_code == 0, result.output
    assert json_of(result) == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0,
                               "conflicted": 0, "conflicts": [], "errors": []}
    again = invoke("auto", path, "--session", NEW_SESSION, "--format", "json")
    assert again.exit_code == 0
    assert json_of(again) == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 0,
                              "conflicted": 0, "conflicts": [], "errors": []}


def test_errors_apply_nothing_and_exit_1_with_their_places(app, invoke, tmp_path):
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [
            opinion_row(1), opinion_row(2, 交办日期="不详")])
        before = dump(exclude=LOGS)
    result = invoke("opinions", path, "--session", NEW_SESSION, "--year", 2018,
                    "--format", "json")
    assert result.exit_code == 1
    data = json_of(result)
    assert (data["created"], data["skipped"]) == (0, 2)
    [error] = data["errors"]
    assert set(error) == ERROR_SHAPE
    assert error == {"file": str(path), "sheet": "城市建设和管理",
                     "cell": "城市建设和管理!J3", "field": "assigned_on", "value": "不详",
                     "message": "交办日期：无法识别的日期，请写成 2017-03-05 或 2017年3月5日"}
    with app.app_context():
        assert dump(exclude=LOGS) == before

    skipped = invoke("opinions", path, "--session", NEW_SESSION, "--year", 2018,
                     "--skip-invalid", "--format", "json")
    assert skipped.exit_code == 0
    assert (json_of(skipped)["created"], json_of(skipped)["skipped"]) == (1, 1)


def test_a_dry_run_writes_nothing(app, invoke, tmp_path):
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [opinion_row(1)])
        before = dump()
    clean = invoke("opinions", path, "--session", NEW_SESSION, "--year", 2018, "--dry-run")
    assert clean.exit_code == 0
    assert "试运行，未写入数据库：新增 1 行" in clean.output
    assert "届次会议：区六届人大二次会议（2018年）（新建）" in clean.output
    with app.app_context():
        assert dump() == before


def test_a_dry_run_with_errors_exits_1(app, invoke, tmp_path):
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [opinion_row(1, 主办单位="区交通局")])
    result = invoke("opinions", path, "--session", NEW_SESSION, "--year", 2018, "--dry-run")
    assert result.exit_code == 1
    assert "未知单位“区交通局”" in result.output


def test_a_folder_imports_every_workbook_in_dependency_order(app, invoke):
    result = invoke("auto", DATA / "2017", "--session", "区六届人大一次会议", "--format",
                    "json")
    assert result.exit_code == 0
    data = json_of(result)
    assert data["created"] == data["updated"] == 0 and data["unchanged"] == 2898


def test_a_header_only_sheet_says_it_has_no_data_rows_and_exits_1(app, invoke, tmp_path):
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [])
        before = dump(exclude=LOGS)
    for extra in ((), ("--dry-run",)):
        result = invoke("auto", path, "--session", NEW_SESSION, "--year", 2018, *extra)
        assert result.exit_code == 1, result.output
        assert "表格没有数据行" in result.output
        assert "数据库中已是这些数据" not in result.output
    data = json.loads(invoke("opinions", path, "--session", NEW_SESSION, "--year", 2018,
                             "--format", "json").output)
    assert [e["message"].split("：")[0] for e in data["errors"]] == ["表格没有数据行"]
    with app.app_context():
        assert dump(exclude=LOGS) == before


def test_the_command_prints_the_column_mapping_it_used(app, invoke, tmp_path):
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [opinion_row(1)])
    result = invoke("opinions", path, "--session", NEW_SESSION, "--year", 2018, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "工作表“城市建设和管理”：11 列均按表头识别" in result.output
    data = json.loads(invoke("opinions", path, "--session", NEW_SESSION, "--year", 2018,
                             "--dry-run", "--format", "json").output)
    lead = next(c for c in data["columns"] if c["column"] == "H")
    assert lead.pop("file").endswith("list.xlsx")
    assert lead == {"sheet": "城市建设和管理", "column": "H",
                    "header": "主办单位", "field": "lead_unit", "field_header": "主办单位",
                    "how": "exact", "how_label": "表头一致", "confidence": 1.0}


WRONG_CALLS = [
    ["bogus", "."],  # unknown kind
    ["opinions", "/no/such/file.xlsx"],  # missing path
    ["opinions", "{list}", "--session", "新的届次"],  # a new session without its year
    ["opinions", "{list}", "--year", "2030"],  # no session of that year
    ["opinions", "{list}", "--map", "no-equals-sign"],  # a bad column mapping
    ["opinions", "{list}", "--map", "甲=不存在的列"],  # a mapping to no column
    ["opinions", "{list}", "--format", "xml"],
]


def test_a_wrong_command_line_exits_2_and_changes_nothing(app, invoke, tmp_path):
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [opinion_row(1)])
        before = dump()
    for args in WRONG_CALLS:
        result = invoke(*(arg.format(list=path) for arg in args))
        assert result.exit_code == 2, (args, result.output)
    with app.app_context():
        assert dump() == before
