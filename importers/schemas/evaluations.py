"""Grades: deputies' evaluations of replies, and lead units' grades of co-handlers."""

from dataclasses import replace

from importers.schemas.base import Field, FieldType, Schema
from importers.schemas.common import LEAD_DEPUTY, LEAD_UNIT, NUMBER
from importers.vocabulary import Grade

# Several rows per opinion: a 不同意 row, then after the second reply a 同意 row with a grade.
EVALUATIONS = Schema(
    kind="evaluations",
    title="代表满意度测评表",
    fields=(
        NUMBER,
        # The deputy who evaluates is the opinion's lead deputy.
        replace(LEAD_DEPUTY, synonyms=(*LEAD_DEPUTY.synonyms, "测评代表", "评价代表")),
        LEAD_UNIT,
        Field("agree", "对答复是否同意", FieldType.BOOL, required=True, yes_no=("同意", "不同意"),
              synonyms=("是否同意", "对答复意见", "同意与否", "是否同意答复", "对答复的意见"),
              column="agrees"),
        Field("grade", "总体评价", FieldType.CHOICE, choices=Grade, required_if=("agree", True),
              synonyms=("满意度", "满意度评价", "总体满意度", "评价", "评议", "评议结果",
                        "测评结果", "满意程度", "测评等次"), column="grade"),
        Field("praised", "是否表扬", FieldType.BOOL, synonyms=("表扬",), column="praised"),
        Field("co_grades", "对会办单位评价", FieldType.UNIT_GRADES,
              synonyms=("会办单位评价", "会办单位满意度")),
        Field("evaluated_on", "测评日期", FieldType.DATE, required=True, happened=True,
              synonyms=("评价日期", "测评时间", "评议日期", "评价时间"), column="evaluated_on"),
        Field("consent_publish", "同意公开", FieldType.BOOL,
              synonyms=("是否同意公开", "是否公开", "公开"), column="consents_to_publish"),
    ),
    key=("number", "evaluated_on"),
)

CO_EVALUATIONS = Schema(
    kind="co-evaluations",
    title="会办单位评价表",
    fields=(
        NUMBER,
        LEAD_UNIT,
        Field("co_unit", "会办单位", FieldType.UNIT, required=True,
              synonyms=("会办", "协办单位", "会办部门", "协办部门", "配合单位")),
        Field("submitted_on", "会办意见送达日期", FieldType.DATE, happened=True,
              synonyms=("送达日期", "会办意见日期", "会办意见送达时间"), column="submitted_on"),
        Field("rating", "评价", FieldType.CHOICE, choices=Grade,
              synonyms=("主办单位评价", "评价等次", "等次", "评议", "评议结果", "评价结果"),
              column="lead_grade"),
    ),
    key=("number", "co_unit"),
)
