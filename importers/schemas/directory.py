"""Who is who: handling units with their aliases, deputies, and units' liaisons."""

from importers.schemas.base import Field, FieldType, Looks, Schema
from importers.schemas.common import PHONE
from importers.vocabulary import UnitKind

UNITS = Schema(
    kind="units",
    title="承办单位名录",
    fields=(
        # 单位全称 is the unit's name: offices list 全称 beside 简称, the alias.
        Field("name", "单位名称", required=True, looks=Looks.UNIT,
              synonyms=("名称", "单位", "承办单位", "单位全称", "全称", "承办单位名称", "机构名称",
                        "部门名称")),
        Field("kind", "单位类别", FieldType.CHOICE, choices=UnitKind,
              synonyms=("类别", "单位类型", "类型", "单位性质")),
        Field("aliases", "简称/别名", multi=True,
              synonyms=("简称", "别名", "简称或别名", "别称", "单位简称", "其他名称", "曾用名",
                        "又称")),
    ),
    key=("name",),
)

DEPUTIES = Schema(
    kind="deputies",
    title="代表名册",
    fields=(
        Field("name", "姓名", required=True, looks=Looks.DEPUTY, synonyms=("代表姓名", "代表")),
        Field("delegation", "所属代表团", looks=Looks.DELEGATION,
              synonyms=("代表团", "代表团组", "所在代表团")),
        PHONE,
    ),
    key=("name",),
)

LIAISONS = Schema(
    kind="liaisons",
    title="联络员名册",
    fields=(
        Field("unit", "单位", FieldType.UNIT, required=True, synonyms=("承办单位", "单位名称")),
        Field("name", "联络员", required=True, synonyms=("联络员姓名", "姓名", "联络人")),
        PHONE,
        Field("start", "任职起始日期", FieldType.DATE, required=True,
              synonyms=("起始日期", "开始日期", "任职日期", "起始时间", "任职开始日期")),
        Field("end", "任职截止日期", FieldType.DATE,
              synonyms=("截止日期", "结束日期", "离任日期", "任职结束日期")),
    ),
    key=("unit", "start"),
)
