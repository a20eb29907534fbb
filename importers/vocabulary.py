"""The closed vocabularies of the domain (docs/domain.md, "Glossary").

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


# Other ways offices write the same choice; the reader accepts these besides each
# member's own value, code name and label.
OTHER_SPELLINGS: dict[type[StrEnum], dict[str, StrEnum]] = {
    Category: {
        "城市建设与管理": Category.URBAN,
        "城建管理": Category.URBAN,
        "城市建设": Category.URBAN,
        "社会事业类": Category.SOCIAL,
        "公安与廉政建设": Category.SECURITY,
        "公安廉政": Category.SECURITY,
        "财政与经济": Category.ECONOMY,
        "财经": Category.ECONOMY,
    },
    AnswerType: {
        "已解决": AnswerType.SOLVED,
        "解决": AnswerType.SOLVED,
        "正解决": AnswerType.SOLVING,
        "计划": AnswerType.PLANNED,
        "参考": AnswerType.REFERENCE,
        "留参": AnswerType.REFERENCE,
    },
    UnitKind: {
        "委办": UnitKind.BUREAU,
        "委办局单位": UnitKind.BUREAU,
        "部门": UnitKind.BUREAU,
        "街道": UnitKind.TOWN,
        "镇": UnitKind.TOWN,
        "街道镇": UnitKind.TOWN,
    },
    ContactStage: {
        "办理前": ContactStage.BEFORE,
        "事前": ContactStage.BEFORE,
        "办理中": ContactStage.DURING,
        "事中": ContactStage.DURING,
        "办理后": ContactStage.AFTER,
        "事后": ContactStage.AFTER,
    },
    ContactMethod: {
        "面商": ContactMethod.MEETING,
        "当面": ContactMethod.MEETING,
        "电话沟通": ContactMethod.PHONE,
        "电话联系": ContactMethod.PHONE,
        "上门走访": ContactMethod.VISIT,
        "座谈会": ContactMethod.FORUM,
        "其它": ContactMethod.OTHER,
    },
    NoticeKind: {
        "通报": NoticeKind.CRITICISM,
        "批评": NoticeKind.CRITICISM,
        "专报": NoticeKind.REPORT,
    },
}


def spellings(choices: type[StrEnum]) -> dict[str, StrEnum]:
    """Return every accepted spelling of a vocabulary's members, mapped to the member."""
    found: dict[str, StrEnum] = {}
    for member in choices:
        found[member.value] = member
        found[member.name] = member
        label = getattr(member, "label", None)
        if isinstance(label, str):
            found[label] = member
    found.update(OTHER_SPELLINGS.get(choices, {}))
    return found
