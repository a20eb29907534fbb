"""Fields that several sheet kinds share, so each is described once."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from importers.schemas.base import Field, FieldType, Looks


def titled(field: Field, header: str, **changes: Any) -> Field:
    """Return the field under another canonical header; the old one becomes a synonym."""
    names = dict.fromkeys((header, *field.headers))
    del names[header]
    return replace(field, header=header, synonyms=tuple(names), **changes)


NUMBER = Field(
    "number", "编号", FieldType.NUMBER, required=True,
    # Never 序号: that is a sheet's running row count, not the opinion's number.
    synonyms=("意见编号", "书面意见编号", "建议编号", "案号", "编号(号)", "意见号", "建议号",
              "代表意见编号"),
)
TITLE = Field(
    "title", "标题",
    synonyms=("案由", "意见标题", "书面意见标题", "建议标题", "题目", "主题", "意见名称",
              "意见题目", "建议名称", "意见案由"),
    column="title",
)
# A summary of the opinion: its content cut short. Where a sheet has a content column it
# feeds that; where it has no title column, the title (see `Schema.stand_ins`).
SUMMARY = ("意见摘要", "内容摘要", "摘要", "意见内容摘要")
TITLED_BY_SUMMARY = replace(TITLE, synonyms=(*TITLE.synonyms, *SUMMARY))
LEAD_UNIT = Field(
    "lead_unit", "主办单位", FieldType.UNIT, required=True,
    synonyms=("承办单位(主办)", "主办", "主办部门", "主办单位名称", "承办单位", "主办责任单位",
              "牵头单位", "牵头部门", "承办部门", "责任单位", "主责单位"),
)
LEAD_DEPUTY = Field(
    "lead_deputy", "领衔代表", looks=Looks.DEPUTY,
    synonyms=("领衔人", "提出代表", "提出人", "代表姓名", "领衔代表姓名", "提出者", "领衔人姓名"),
)
PHONE = Field("phone", "联系电话", looks=Looks.PHONE,
              synonyms=("电话", "手机", "手机号码", "联系方式", "手机号", "移动电话", "联系手机",
                        "电话号码", "办公电话"), column="phone")
