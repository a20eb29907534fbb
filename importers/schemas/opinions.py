"""The opinions themselves: the assignment list, units' handling reports, D sign-offs."""

from importers.schemas.base import ROW_COUNTS, Field, FieldType, Looks, Schema
from importers.schemas.common import (
    LEAD_DEPUTY,
    LEAD_UNIT,
    NUMBER,
    SUMMARY,
    TITLE,
    TITLED_BY_SUMMARY,
    titled,
)
from importers.vocabulary import AnswerType, Category, ContactMethod
from scoring.lateness import OVERDUE_NOW

OPINIONS = Schema(
    kind="opinions",
    title="书面意见交办清单",
    fields=(
        NUMBER,
        titled(TITLE, "案由", required=True),
        titled(LEAD_DEPUTY, "领衔代表", required=True),
        Field("cosigners", "附议代表", multi=True, looks=Looks.DEPUTY,
              synonyms=("附议人", "联名代表", "附议", "附议代表姓名", "联名人")),
        Field("delegation", "代表团", looks=Looks.DELEGATION,
              synonyms=("所属代表团", "领衔代表所属代表团", "代表团组", "所在代表团")),
        Field("category", "类别", FieldType.CHOICE, required=True, choices=Category,
              synonyms=("意见类别", "分类", "类型", "所属类别", "意见分类"), column="category"),
        LEAD_UNIT,
        Field("co_units", "会办单位", FieldType.UNIT, multi=True,
              synonyms=("承办单位(会办)", "会办", "协办单位", "会办部门", "协办部门", "配合单位")),
        Field("assigned_on", "交办日期", FieldType.DATE, synonyms=("交办时间",),
              column="assigned_on"),
        Field("supervisor", "督办领导", synonyms=("领导督办", "督办区领导", "督办"),
              column="supervisor"),
        # Not in the 2017 sheets, which carry only the title; kept when an office adds it.
        # A summary (意见摘要) is the content cut short; the title only when none is given.
        Field("content", "内容", synonyms=("主要内容", "意见内容", "具体内容", "建议内容",
                                          *SUMMARY), column="content"),
    ),
    key=("number",),
    sheet_field="category",
    stand_ins={"title": "content"},
)

# Each opinion's standing, written beside its handling row for the unit to read (a
# worklist's last columns) and never read back.
STANDING_HEADERS = ("办理状态", "下一期限", OVERDUE_NOW.label)

HANDLING = Schema(
    kind="handling",
    title="办理情况汇总表",
    fields=(
        NUMBER,
        TITLED_BY_SUMMARY,
        LEAD_UNIT,
        Field("accepted_on", "签收日期", FieldType.DATE, synonyms=("签收时间",),
              column="accepted_on"),
        Field("consulted_on", "面商日期", FieldType.DATE, synonyms=("面商时间",),
              column="consulted_on"),
        Field("consult_method", "面商方式", FieldType.CHOICE, choices=ContactMethod,
              column="consult_method"),
        Field("replied_on", "答复日期", FieldType.DATE,
              synonyms=("答复时间", "回复日期", "回复时间", "答复函日期"), column="replied_on"),
        Field("answer_type", "答复类型", FieldType.CHOICE, choices=AnswerType,
              synonyms=("答复类别", "办理类型", "类型", "办理结果", "答复结果"),
              column="answer_type"),
        Field("concluded", "是否办结", FieldType.BOOL,
              # Not 办结 alone: over dates it is 办结日期 (by its cells, or a group title
              # such as 办理时间 above it); over yes and no it is this field.
              synonyms=("已办结", "办结情况", "是否已办结")),
        Field("concluded_on", "办结日期", FieldType.DATE, synonyms=("办结时间",),
              required_if=("concluded", True), column="concluded_on"),
        Field("second_reply_on", "二次答复日期", FieldType.DATE,
              synonyms=("二次答复时间", "再次答复日期"), column="second_replied_on"),
        Field("contact_person", "联系人", synonyms=("经办人",)),
        Field("remarks", "备注", synonyms=("说明",)),
    ),
    key=("number",),
    ignored=(*ROW_COUNTS, *STANDING_HEADERS),
)

SIGNOFFS = Schema(
    kind="signoffs",
    title="留作参考件审批表",
    fields=(
        NUMBER,
        TITLED_BY_SUMMARY,
        LEAD_UNIT,
        Field("approver", "审批人", required=True,
              synonyms=("阅批人", "审批领导", "阅批领导", "分管副区长", "分管区领导"),
              column="signed_off_by"),
        Field("approved_on", "审批日期", FieldType.DATE, required=True,
              synonyms=("阅批日期", "审批时间", "阅批时间"), column="signed_off_on"),
    ),
    key=("number",),
)
