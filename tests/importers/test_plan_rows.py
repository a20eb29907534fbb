"""Planning rows against plain state: outcome, old -> new, and problems at their cells."""

import pickle
from datetime import date

import pytest

from importers.planning import (
    CoFacts,
    ContactFacts,
    EvaluationFacts,
    LiaisonFacts,
    OpinionFacts,
    Outcome,
    plan_import,
)
from importers.problems import Problem
from tests.importers.plan_builders import SESSION, records, state

LIST_HEADER = ["编号", "案由", "领衔代表", "附议代表", "代表团", "类别", "主办单位", "会办单位",
               "交办日期", "督办领导"]
HANDLING_HEADER = ["编号", "主办单位", "签收日期", "答复日期", "答复类型", "是否办结", "办结日期"]
EVALUATION_HEADER = ["编号", "主办单位", "对答复是否同意", "总体评价", "对会办单位评价",
                     "测评日期"]


def listed(number, **changes):
    values = {"编号": number, "案由": f"关于第{number}件的建议", "领衔代表": "张三",
              "附议代表": "李四、王五", "代表团": "莘庄镇代表团", "类别": "城市建设和管理",
              "主办单位": "区交通委", "会办单位": "区房管局", "交办日期": "2017-02-20",
              "督办领导": ""}
    values.update(changes)
    return [values[column] for column in LIST_HEADER]


def opinion(**changes) -> OpinionFacts:
    facts = OpinionFacts(title="关于第1件的建议", category="城市建设和管理", lead_deputy="张三",
                         delegation="莘庄镇代表团", cosigners=["李四", "王五"],
                         lead_unit="区交通委", co_units=["区房管局"],
                         assigned_on=date(2017, 2, 20))
    facts.co = {"区房管局": CoFacts()}
    for name, value in changes.items():
        setattr(facts, name, value)
    return facts


def test_rows_new_to_the_state_are_created_with_every_value(tmp_path):
    plan = plan_import(records(tmp_path, "opinions", [LIST_HEADER, listed(1)]), state())
    [row] = plan.rows
    assert row.outcome is Outcome.CREATE
    assert {c.field: c.new for c in row.changes} == {
        "number": 1, "title": "关于第1件的建议", "category": "城市建设和管理",
        "lead_unit": "区交通委", "co_units": ["区房管局"], "assigned_on": date(2017, 2, 20),
        "lead_deputy": "张三", "delegation": "莘庄镇代表团", "cosigners": ["李四", "王五"]}
    assert all(c.old is None for c in row.changes)
    assert row.refs["cosigners"] == [("李四", "七宝镇代表团"), ("王五", "七宝镇代表团")]
    assert plan.after.opinions[1] == opinion()


def test_planning_leaves_the_given_state_as_it_was(tmp_path):
    given = _with(opinion())
    before = pickle.dumps(given)
    plan_import(records(tmp_path, "opinions", [LIST_HEADER, listed(1, 案由="新标题"),
                                               listed(2)]), given)
    assert pickle.dumps(given) == before


def test_the_rows_planned_again_on_the_state_they_lead_to_are_unchanged(tmp_path):
    read = records(tmp_path, "opinions", [LIST_HEADER, listed(1), listed(2, 会办单位="")])
    first = plan_import(read, state())
    again = plan_import(read, first.after)
    assert [row.outcome for row in again.rows] == [Outcome.UNCHANGED] * 2
    assert not again.has_changes


def test_an_update_lists_only_the_fields_that_differ_with_old_and_new(tmp_path):
    read = records(tmp_path, "opinions", [
        LIST_HEADER, listed(1, 案由="关于第1件的建议（修订）", 附议代表="王五、李四",
                            主办单位="区绿化市容局")])
    [row] = plan_import(read, _with(opinion())).rows
    assert row.outcome is Outcome.UPDATE
    assert [(c.field, c.old, c.new) for c in row.changes] == [
        ("title", "关于第1件的建议", "关于第1件的建议（修订）"),
        ("lead_unit", "区交通委", "区绿化市容局")]  # co-signers in another order: the same


def _with(*opinions: OpinionFacts, **numbered):
    given = state()
    for number, facts in enumerate(opinions, start=1):
        given.opinions[number] = facts
    given.opinions.update(numbered)
    return given


def test_a_column_the_sheet_lacks_leaves_the_stored_value(tmp_path):
    header = [h for h in LIST_HEADER if h != "督办领导"]
    row = listed(1)[:-1]
    read = records(tmp_path, "opinions", [header, row])
    [planned] = plan_import(read, _with(opinion(supervisor="王副区长"))).rows
    assert planned.outcome is Outcome.UNCHANGED


def test_a_blank_cell_in_a_column_clears_the_value(tmp_path):
    read = records(tmp_path, "opinions", [LIST_HEADER, listed(1, 督办领导="")])
    [planned] = plan_import(read, _with(opinion(supervisor="王副区长"))).rows
    assert [(c.field, c.old, c.new) for c in planned.changes] == [
        ("supervisor", "王副区长", None)]


def test_a_report_on_a_number_not_in_the_session_is_an_error_at_its_cell(tmp_path):
    read = records(tmp_path, "handling", [HANDLING_HEADER,
                                          [7, "区交通委", "2017-02-22", "", "", "否", ""]])
    [row] = plan_import(read, _with(opinion())).rows
    assert row.outcome is Outcome.ERROR
    [problem] = row.problems
    assert (problem.cell, problem.field, problem.value) == ("Sheet1!A2", "number", "0007")
    assert problem.message == f"编号：{SESSION}没有编号为0007的意见，请核对编号或先导入交办清单"


def test_a_report_naming_another_lead_unit_is_an_error_so_a_wrong_number_shows(tmp_path):
    read = records(tmp_path, "handling", [HANDLING_HEADER,
                                          [1, "莘庄镇", "2017-02-22", "", "", "否", ""]])
    [row] = plan_import(read, _with(opinion())).rows
    assert [p.message for p in row.errors] == [
        "主办单位：第0001号意见的主办单位是“区交通委”，不是“莘庄镇”，请核对编号"]
    assert row.errors[0].cell == "Sheet1!B2"


def test_a_report_updates_the_handling_of_an_opinion_of_the_same_import(tmp_path):
    listing = records(tmp_path, "opinions", [LIST_HEADER, listed(1)], name="list.xlsx")
    report = records(tmp_path, "handling", [
        HANDLING_HEADER, [1, "区交通委", "2017-02-22", "2017-04-01", "A", "是", "2017-04-01"]],
        name="report.xlsx")
    plan = plan_import([*report, *listing], state())
    assert [(row.kind, row.outcome) for row in plan.rows] == [
        ("opinions", Outcome.CREATE), ("handling", Outcome.UPDATE)]
    assert plan.after.opinions[1].concluded_on == date(2017, 4, 1)


def test_rows_that_depend_on_a_failed_row_say_where_it_failed(tmp_path):
    listing = records(tmp_path, "opinions", [LIST_HEADER, listed(1, 交办日期="不详")],
                      name="list.xlsx")
    report = records(tmp_path, "handling", [
        HANDLING_HEADER, [1, "区交通委", "2017-02-22", "", "", "否", ""]], name="report.xlsx")
    listed_row, reported = plan_import([*listing, *report], state()).rows
    assert listed_row.outcome is reported.outcome is Outcome.ERROR
    assert [p.message for p in reported.errors] == [
        "编号：第0001号意见所在行（list.xlsx Sheet1!2:2）有错误，未导入"]


def test_an_unknown_deputy_is_an_error_with_suggestions(tmp_path):
    read = records(tmp_path, "opinions", [LIST_HEADER, listed(1, 领衔代表="张叁", 代表团="")])
    [row] = plan_import(read, state()).rows
    assert [(p.cell, p.message) for p in row.errors] == [
        ("Sheet1!C2", "领衔代表：代表名册中没有“张叁”，是否为：张三？")]


def test_a_deputy_of_another_delegation_is_an_error_at_the_delegation(tmp_path):
    read = records(tmp_path, "opinions", [LIST_HEADER, listed(1, 代表团="七宝镇代表团")])
    [problem] = plan_import(read, state()).rows[0].errors
    assert problem.cell == "Sheet1!E2"
    assert problem.message == "代表团：代表“张三”不属于七宝镇代表团（代表名册中为：莘庄镇代表团）"


def test_a_co_handler_that_is_the_lead_unit_is_an_error(tmp_path):
    read = records(tmp_path, "opinions", [LIST_HEADER, listed(1, 会办单位="交通委")])
    [problem] = plan_import(read, state()).rows[0].errors
    assert (problem.cell, problem.message) == ("Sheet1!H2",
                                               "会办单位：会办单位不能与主办单位相同：区交通委")


def test_dropping_a_co_handler_that_has_grades_warns_what_is_lost(tmp_path):
    given = _with(opinion())
    given.opinions[1].co = {"区房管局": CoFacts(date(2017, 3, 1), "好", "较好")}
    read = records(tmp_path, "opinions", [LIST_HEADER, listed(1, 会办单位="")])
    [row] = plan_import(read, given).rows
    assert row.outcome is Outcome.UPDATE
    assert [p.message for p in row.warnings] == [
        "会办单位：不再会办的“区房管局”的会办意见和评价将被删除"]


def test_the_latest_agreement_carries_the_co_handlers_grades(tmp_path):
    read = records(tmp_path, "evaluations", [
        EVALUATION_HEADER,
        [1, "区交通委", "不同意", "", "区房管局:差", "2017-05-01"],
        [1, "区交通委", "同意", "好", "区房管局：较好", "2017-06-01"],
    ])
    first, latest = plan_import(read, _with(opinion())).rows
    assert "co_grades" not in first.changed
    assert first.changed["agree"].new is False
    assert latest.changed["co_grades"].new == {"区房管局": "较好"}


def test_grading_a_unit_that_is_not_a_co_handler_is_an_error(tmp_path):
    read = records(tmp_path, "evaluations", [
        EVALUATION_HEADER, [1, "区交通委", "同意", "好", "莘庄镇:好", "2017-06-01"]])
    [row] = plan_import(read, _with(opinion())).rows
    [problem] = row.errors
    assert problem.cell == "Sheet1!E2"
    assert problem.message == ("对会办单位评价：“莘庄镇”不是第0001号意见的会办单位"
                               "（会办单位：区房管局）")


def test_an_older_evaluation_already_stored_does_not_take_the_grades(tmp_path):
    given = _with(opinion())
    given.opinions[1].evaluations = {date(2017, 7, 1): EvaluationFacts(True, "好")}
    read = records(tmp_path, "evaluations", [
        EVALUATION_HEADER, [1, "区交通委", "同意", "较好", "区房管局:好", "2017-06-01"]])
    [row] = plan_import(read, given).rows
    assert row.outcome is Outcome.CREATE and "co_grades" not in row.changed


def test_a_disagreement_without_grades_cannot_take_over_the_days_graded_agreement(tmp_path):
    """A paper 不同意 with no grade column, dated the day of a graded 同意 (the deputy's
    online one), would leave a 不同意 graded 好: refused at its cell. With the grade
    column it is a correction of that day's evaluation."""
    given = _with(opinion())
    given.opinions[1].evaluations = {date(2017, 6, 1): EvaluationFacts(True, "好")}
    read = records(tmp_path, "evaluations", [
        ["编号", "主办单位", "对答复是否同意", "测评日期"],
        [1, "区交通委", "不同意", "2017-06-01"]])
    [row] = plan_import(read, given).rows
    [problem] = row.errors
    assert problem.cell == "Sheet1!C2"
    assert problem.message.endswith(
        "第0001号意见2017年6月1日已有一条“同意、好”的测评，与本行“不同意”矛盾；同一天只能有一条"
        "测评，请核对测评日期，或先在书面意见中改正那条测评")
    read = records(tmp_path, "evaluations", [
        ["编号", "主办单位", "对答复是否同意", "总体评价", "测评日期"],
        [1, "区交通委", "不同意", "", "2017-06-01"]])
    [row] = plan_import(read, given).rows
    assert row.outcome is Outcome.UPDATE and not row.errors


def test_units_match_by_alias_and_take_the_sheets_aliases(tmp_path):
    read = records(tmp_path, "units", [["单位名称", "单位类别", "简称/别名"],
                                       ["闵行区交通委员会", "委办局", "交通委、区交通局"],
                                       ["区新设局", "", ""],
                                       ["区档案局", "委办局", "区房管局"]])
    moved, new, taken = plan_import(read, state()).rows
    assert moved.outcome is Outcome.UPDATE and moved.refs == {"unit": "区交通委"}
    assert moved.changed["aliases"].new == ["交通委", "区交通局", "闵行区交通委员会"]
    assert [p.message for p in new.errors] == ["单位类别：新增单位须填写单位类别（委办局或街镇）"]
    assert [p.message for p in taken.errors] == [
        "简称/别名：别名“区房管局”已是单位“区房管局”的名称或别名"]


def test_deputies_match_by_name_alone_when_the_sheet_has_no_delegation(tmp_path):
    read = records(tmp_path, "deputies", [["姓名", "联系电话"], ["张三", "13800000000"],
                                          ["赵六", ""]])
    known, new = plan_import(read, state()).rows
    assert known.outcome is Outcome.UPDATE and known.refs == {"deputy": ("张三", "莘庄镇代表团")}
    assert new.outcome is Outcome.CREATE and new.refs == {"deputy": ("赵六", "")}


def test_a_later_roster_ends_a_term_and_no_term_ends_before_it_starts(tmp_path):
    given = state()
    given.liaisons[("区交通委", date(2015, 1, 1))] = LiaisonFacts("孙七", "139", None)
    read = records(tmp_path, "liaisons", [["单位", "联络员", "联系电话", "任职起始日期",
                                           "任职截止日期"],
                                          ["交通委", "孙七", "139", "2015-01-01", "2017-06-30"],
                                          ["区房管局", "周八", "", "2017-07-01", "2017-06-30"]])
    ended, backwards = plan_import(read, given).rows
    assert [(c.field, c.old, c.new) for c in ended.changes] == [
        ("end", None, date(2017, 6, 30))]
    assert [(p.cell, p.message) for p in backwards.errors] == [
        ("Sheet1!E3", "任职截止日期：截止日期不能早于起始日期（2017-07-01）")]


def test_a_contact_without_a_method_is_recorded_as_other_with_a_warning(tmp_path):
    read = records(tmp_path, "contacts", [["编号", "承办单位", "沟通阶段", "沟通方式", "沟通日期"],
                                          [1, "区交通委", "办前", "", "2017-03-01"]])
    [row] = plan_import(read, _with(opinion())).rows
    assert row.outcome is Outcome.CREATE and row.changed["method"].new == "其他"
    assert [p.level for p in row.problems] == ["warning"]


def test_extra_problems_of_the_back_office_make_a_row_an_error(tmp_path):
    read = records(tmp_path, "opinions", [LIST_HEADER, listed(1)])
    extra = Problem(read[0].file, "Sheet1", "Sheet1!I2", "assigned_on", None, "不行")
    [row] = plan_import(read, state(), extra={(read[0].file, "Sheet1", 1): [extra]}).rows
    assert row.outcome is Outcome.ERROR and row.problems == [extra]


def test_a_plan_survives_pickling_and_its_fingerprint_tells_plans_apart(tmp_path):
    read = records(tmp_path, "opinions", [LIST_HEADER, listed(1), listed(2)])
    plan = plan_import(read, state()).without_state()
    copy = pickle.loads(pickle.dumps(plan))
    assert copy.fingerprint() == plan.fingerprint()
    assert [row.changes for row in copy.rows] == [row.changes for row in plan.rows]
    other = plan_import(read, _with(opinion())).without_state()
    assert other.fingerprint() != plan.fingerprint()


@pytest.mark.parametrize("kind", ["signoffs", "progress", "co-evaluations"])
def test_each_opinion_sheet_needs_its_opinion(tmp_path, kind):
    rows = {
        "signoffs": [["编号", "主办单位", "审批人", "审批日期"], [9, "区交通委", "赵磊",
                                                             "2017-04-01"]],
        "progress": [["编号", "主办单位", "反馈日期", "进展情况"], [9, "区交通委", "2017-05-01",
                                                               "在办"]],
        "co-evaluations": [["编号", "主办单位", "会办单位", "评价"], [9, "区交通委", "区房管局",
                                                                 "好"]],
    }[kind]
    [row] = plan_import(records(tmp_path, kind, rows), _with(opinion())).rows
    assert [p.message for p in row.errors] == [
        f"编号：{SESSION}没有编号为0009的意见，请核对编号或先导入交办清单"]


def test_a_blank_kind_or_method_leaves_what_every_unit_and_contact_must_have(tmp_path):
    given = _with(opinion())
    given.opinions[1].contacts = {("办前", date(2017, 3, 1)): ContactFacts("电话")}
    units = records(tmp_path, "units", [["单位名称", "单位类别"], ["区交通委", ""]],
                    name="units.xlsx")
    contacts = records(tmp_path, "contacts", [
        ["编号", "承办单位", "沟通阶段", "沟通方式", "沟通日期"],
        [1, "区交通委", "办前", "", "2017-03-01"]], name="contacts.xlsx")
    plan = plan_import([*units, *contacts], given)
    assert [row.outcome for row in plan.rows] == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    assert plan.warnings == []
