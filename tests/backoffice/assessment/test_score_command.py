"""`backoffice score` on the demo database gives exactly the expected assessment."""

import json

import openpyxl

from tests.scoring.test_sample_years import differences
from tests.scoring.truth_facts import expected_assessment

# The day each sample year was assessed on (truth.json "as_of").
SAMPLE_DAYS = {2017: "2017-12-15", 2016: "2016-12-16"}


def test_score_json_of_both_sample_years_equals_expected_json(app) -> None:
    runner = app.test_cli_runner()
    for year, as_of in SAMPLE_DAYS.items():
        args = ["score", "--year", str(year), "--as-of", as_of, "--format", "json"]
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        got, expected = json.loads(result.stdout), expected_assessment(year)
        assert not differences(got, expected), "\n".join(differences(got, expected))
        # The exact shape: same keys in the same order, decimals as the same strings.
        assert json.dumps(got, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def test_score_writes_a_sheet_and_text_and_refuses_what_it_cannot_do(app, tmp_path) -> None:
    runner = app.test_cli_runner()
    sheet = tmp_path / "排名.xlsx"
    base = ["score", "--year", "2017", "--as-of", "2017-12-15"]
    assert runner.invoke(args=[*base, "--format", "xlsx", "-o", str(sheet)]).exit_code == 0
    rows = list(openpyxl.load_workbook(sheet).active.iter_rows(values_only=True))
    assert rows[0][0] == "2017年度书面意见办理考核排名　截至2017年12月15日"
    assert rows[2][:2] == (1, "区机管局")
    assert len(rows) == 2 + len(expected_assessment(2017)["units"])

    text = runner.invoke(args=base).stdout.splitlines()
    assert text[0] == rows[0][0]
    assert text[2].split()[:2] == ["1", "区机管局"]

    no_session = runner.invoke(args=["score", "--year", "2015"])
    assert no_session.exit_code == 1
    assert "没有2015年的届次会议，无法考核。" in no_session.output
    early = runner.invoke(args=["score", "--year", "2017", "--as-of", "2016-12-31"])
    assert early.exit_code == 1 and "早于2017年" in early.output
    no_file = runner.invoke(args=[*base, "--format", "xlsx"])
    assert no_file.exit_code == 2 and "xlsx 格式须用 -o 指定输出文件。" in no_file.output
