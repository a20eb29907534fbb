"""What happens around the handling: contacts, progress reports and notices."""

from importers.schemas.base import Field, FieldType, Schema
from importers.schemas.common import LEAD_UNIT, NUMBER, titled
from importers.vocabulary import ContactMethod, ContactStage, NoticeKind

CONTACTS = Schema(
    kind="contacts",
    title="沟通走访记录",
    fields=(
        NUMBER,
        titled(LEAD_UNIT, "承办单位", name="unit"),
        Field("stage", "沟通阶段", FieldType.CHOICE, required=True, choices=ContactStage,
              synonyms=("阶段",), column="stage"),
        Field("method", "沟通方式", FieldType.CHOICE, choices=ContactMethod, synonyms=("方式",),
              column="method"),
        Field("on", "沟通日期", FieldType.DATE, required=True, happened=True,
              synonyms=("日期", "沟通时间", "走访日期"), column="contacted_on"),
    ),
    key=("number", "unit", "stage", "on"),
)

PROGRESS = Schema(
    kind="progress",
    title="办理进展反馈",
    fields=(
        NUMBER,
        LEAD_UNIT,
        Field("on", "反馈日期", FieldType.DATE, required=True, happened=True,
              synonyms=("日期", "反馈时间"), column="reported_on"),
        Field("text", "进展情况", required=True,
              synonyms=("进展", "办理进展", "反馈内容", "进展反馈", "进展内容"), column="text"),
    ),
    key=("number", "on"),
)

NOTICES = Schema(
    kind="notices",
    title="情况专报通报记录",
    fields=(
        Field("on", "通报日期", FieldType.DATE, required=True, synonyms=("日期", "专报日期"),
              column="issued_on"),
        Field("kind", "类型", FieldType.CHOICE, required=True, choices=NoticeKind,
              synonyms=("通报类型", "类别"), column="kind"),
        Field("unit", "单位", FieldType.UNIT, required=True,
              synonyms=("被通报单位", "承办单位", "单位名称")),
        Field("reason", "事由", synonyms=("原因", "通报事由", "通报原因", "主要问题", "存在问题"),
              column="reason"),
    ),
    key=("on", "unit", "kind"),
)
