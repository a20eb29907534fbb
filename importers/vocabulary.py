"""The closed vocabularies of the domain (DOMAIN.md glossary).

Sheets, database constraints and forms all draw their choices from here, so a
value is spelled one way everywhere. Members are the Chinese words the office
writes; the names are the code names.
"""

from enum import StrEnum


class Category(StrEnum):
    URBAN = "城市建设和管理"
    SOCIAL = "社会事业"
    SECURITY = "公安和廉政建设"
    ECONOMY = "财政经济"


class AnswerType(StrEnum):
    """The reply's answer type, stored as its letter."""

    SOLVED = "A"
    SOLVING = "B"
    PLANNED = "C"
    REFERENCE = "D"

    @property
    def label(self) -> str:
        return ANSWER_TYPE_LABELS[self]


ANSWER_TYPE_LABELS = {
    AnswerType.SOLVED: "已经解决",
    AnswerType.SOLVING: "正在解决",
    AnswerType.PLANNED: "计划解决",
    AnswerType.REFERENCE: "留作参考",
}


class Grade(StrEnum):
    """Satisfaction grades, best first."""

    GOOD = "好"
    FAIRLY_GOOD = "较好"
    AVERAGE = "一般"
    FAIRLY_POOR = "较差"
    POOR = "差"


class UnitKind(StrEnum):
    BUREAU = "委办局"
    TOWN = "街镇"


class ContactStage(StrEnum):
    BEFORE = "办前"
    DURING = "办中"
    AFTER = "办后"


class ContactMethod(StrEnum):
    MEETING = "面商会"
    PHONE = "电话"
    VISIT = "走访"
    FORUM = "座谈"
    OTHER = "其他"


class NoticeKind(StrEnum):
    CRITICISM = "通报批评"
    REPORT = "情况专报"


class AttachmentKind(StrEnum):
    REPLY_LETTER = "答复函"
    CO_OPINION = "会办意见"
    SIGNOFF = "阅批件"
    OTHER = "其他"
