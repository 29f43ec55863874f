"""Where each canonical field is in each version of the 基层表 (``shared/spec/shiye-tongji.md`` §2, §3, §6).

Every source is a table code plus labels: a row label, a column header, a 学段 block. The cell
addresses the spec records (``基础基312!H7``, ``教基3112!I6`` …) are what these labels resolve to in
the layouts seen so far; they are test expectations, not what the importer reads.

Choices the standard makes and the public importers got wrong (spec §5 "Bugs found in lexcel"):

* 高于规定学历 (教督〔2017〕6号 指标1): 小学 专科及以上 = 研究生 (博士 + 硕士) + 本科 + 专科;
  初中 本科及以上 = 研究生 (博士 + 硕士) + 本科 — never 本科 + 专科, never without 博士.
* 体育艺术 teachers: the 体育, 音乐, 美术 and 艺术 columns of the stage's own row, a subject group
  with a subtotal (艺术 / 计) counted once through its subtotal.
* 骨干教师: 县级及以上骨干教师 (小学)/(初中) rows of 基础基112 / 教基1102续.
* 一贯制 and 完全中学: stage figures from the stage's own block or table (初中 block of 424/4156 for a
  完全中学, never the table total); whole-school facilities are imported whole — the engine splits
  them by weighted enrolment (standard.md §1.3), so the importer never apportions them itself.
* 万元: a money cell whose header, row label, 单位 column or table unit says 万元 is × 10,000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

V2020 = "V2020"  # 基础基 (2020/2021 学年初 and earlier; 国统制[2018]86号)
V2021 = "V2021"  # 教基 (2021/2022 学年初 onwards)
VERSION_ZH = {V2020: "基础基（2020 年及以前）", V2021: "教基（2021 年起）"}
SHEET_PREFIX = {V2020: "基础基", V2021: "教基"}


def rx(pattern: str) -> re.Pattern:
    return re.compile(pattern)


@dataclass(frozen=True)
class Part:
    """One cell of a 甲/乙 table: a row by label (None: the total row of the table or 学段 block) and a
    column by header path (None: column number 1; several tuples: the first that is present)."""

    row: re.Pattern | None = None
    columns: tuple[tuple[re.Pattern, ...] | None, ...] = (None,)
    what: str = ""


@dataclass(frozen=True)
class Source:
    """A field's value: the sum of ``parts`` in table ``table``, read when the school has stage ``when``."""

    field: str
    table: str
    parts: tuple[Part, ...] = ()
    stage: str | None = None  # read inside this 学段's block of the table
    when: str | None = None  # only for schools with this 学段
    subjects: bool = False  # the PE/arts subject columns of the row (parts give the row)
    optional: bool = False  # a missing row or column leaves the field blank instead of refusing


STUDENTS = (rx(r"在校生数?(合计|计)?"),)
TOTAL = None
RESEARCH = rx(r"研究生(毕业)?")
DOCTOR = rx(r"博士(研究生)?(毕业)?")
MASTER = rx(r"硕士(研究生)?(毕业)?")
BACHELOR = rx(r"本科(毕业)?")
COLLEGE = rx(r"专科(毕业)?")
TITLES = (rx(r"正高级(职称)?"), rx(r"副高级(职称)?"), rx(r"中级(职称)?"))
PE_ARTS = rx(r"体育(与健康)?|音乐|美术|艺术")


def _key(stage_zh: str) -> re.Pattern:
    return rx(rf"县级(及)?以上(的)?骨干教师\({stage_zh}\)")


def _teacher_sources(table: str, stage: str, degrees: tuple[re.Pattern, ...]) -> tuple[Source, ...]:
    return (
        Source(f"{stage}_teachers", table, (Part(TOTAL, (None,), "专任教师合计"),), stage, stage),
        Source(f"{stage}_teachers_above_degree", table,
               tuple(Part(d, (None,), d.pattern.split("(")[0]) for d in degrees), stage, stage),
        Source(f"{stage}_pe_arts_teachers", table, (Part(TOTAL, (None,), "体育、音乐、美术、艺术"),), stage, stage,
               subjects=True),
    )


def _title_sources(table: str, stage: str) -> Source:
    return Source(f"{stage}_senior_title_teachers", table,
                  tuple(Part(t, (None,), t.pattern.split("(")[0]) for t in TITLES), stage, stage, optional=True)


# 教基5170: the current year's 校舍建筑面积 (lexcel moved from C to F, the 本学年 column), else the 合计 column.
_AREA_COLUMNS = ((rx(r"本学年校舍建筑面积"),), (rx(r"(校舍建筑面积)?(合计|计)"),), None)

SOURCES: dict[str, tuple[Source, ...]] = {
    V2020: (
        Source("primary_students", "312", (Part(TOTAL, (STUDENTS,), "在校生数"),), when="primary"),
        Source("junior_students", "313", (Part(TOTAL, (STUDENTS,), "在校生数"),), when="junior"),
        Source("senior_students", "314", (Part(TOTAL, (STUDENTS,), "在校生数"),), when="senior"),
        Source("primary_classes", "212", (Part(TOTAL, (None,), "教学班数合计"),), "primary", "primary"),
        Source("junior_classes", "213", (Part(TOTAL, (None,), "教学班数合计"),), "junior", "junior"),
        *_teacher_sources("423", "primary", (RESEARCH, BACHELOR, COLLEGE)),
        *_teacher_sources("424", "junior", (RESEARCH, BACHELOR)),
        _title_sources("422", "primary"),
        _title_sources("422", "junior"),
        Source("primary_key_teachers", "112", (Part(_key("小学"), (None,), "县级及以上骨干教师（小学）"),),
               when="primary"),
        Source("junior_key_teachers", "112", (Part(_key("初中"), (None,), "县级及以上骨干教师（初中）"),),
               when="junior"),
        Source("teaching_area", "512", (Part(rx(r"教学及辅助用房"), (None,), "教学及辅助用房"),)),
        Source("indoor_sports_area", "512", (Part(rx(r"体育馆|室内体育用房"), (None,), "体育馆"),)),
        Source("sports_field_area", "522", (Part(TOTAL, ((rx(r"运动场(地|馆)?面积"),),), "运动场地面积"),)),
        Source("equipment_value", "522", (Part(TOTAL, ((rx(r"教学仪器设备(资产)?值"),),), "教学仪器设备资产值"),)),
        Source("multimedia_rooms", "522", (Part(TOTAL, ((rx(r"网络多媒体教室(数)?"),),), "网络多媒体教室"),)),
        Source("computers", "522", (Part(TOTAL, ((rx(r"计算机(台数)?"),),), "计算机"),), optional=True),
        Source("books", "522", (Part(TOTAL, ((rx(r"图书(藏量)?"),),), "图书"),), optional=True),
    ),
    V2021: (
        Source("primary_students", "3112", (Part(TOTAL, (STUDENTS,), "在校生数"),), when="primary"),
        Source("junior_students", "3115", (Part(TOTAL, (STUDENTS,), "在校生数"),), when="junior"),
        Source("senior_students", "3118", (Part(TOTAL, (STUDENTS,), "在校生数"),), when="senior"),
        Source("migrant_students", "3112", (Part(rx(r"随迁子女"), (STUDENTS,), "随迁子女"),), when="primary",
               optional=True),
        Source("migrant_students", "3115", (Part(rx(r"随迁子女"), (STUDENTS,), "随迁子女"),), when="junior",
               optional=True),
        Source("primary_classes", "2106", (Part(TOTAL, (None,), "班级数合计"),), "primary", "primary"),
        Source("junior_classes", "2107", (Part(TOTAL, (None,), "班级数合计"),), "junior", "junior"),
        *_teacher_sources("4155", "primary", (DOCTOR, MASTER, BACHELOR, COLLEGE)),
        *_teacher_sources("4156", "junior", (DOCTOR, MASTER, BACHELOR)),
        _title_sources("4153", "primary"),
        _title_sources("4153", "junior"),
        Source("primary_key_teachers", "1102续", (Part(_key("小学"), (None,), "县级以上骨干教师（小学）"),),
               when="primary"),
        Source("junior_key_teachers", "1102续", (Part(_key("初中"), (None,), "县级以上骨干教师（初中）"),),
               when="junior"),
        Source("teaching_area", "5170", (Part(rx(r"教学及辅助用房"), _AREA_COLUMNS, "教学及辅助用房"),)),
        Source("indoor_sports_area", "5170", (Part(rx(r"室内体育用房|体育馆"), _AREA_COLUMNS, "室内体育用房"),)),
        Source("sports_field_area", "5176", (Part(rx(r"运动场(地|馆)?面积"), (None,), "运动场地面积"),)),
        Source("equipment_value", "5176", (Part(rx(r"教学仪器设备(资产)?值"), (None,), "教学仪器设备资产值"),)),
        Source("multimedia_rooms", "5176", (Part(rx(r"网络多媒体教室(数)?"), (None,), "网络多媒体教室"),)),
        Source("computers", "5176", (Part(rx(r"计算机(台数)?"), (None,), "计算机"),), optional=True),
        Source("books", "5176", (Part(rx(r"图书(藏量)?"), (None,), "图书"),), optional=True),
    ),
}

MONEY_FIELDS = frozenset({"equipment_value"})

# The 学段 each table can hold when its title does not say: a table without 学段 blocks is read
# whole only when the school has just one of these 学段 (a 完全中学's 424 must show its 初中 block).
TABLE_STAGES = {
    "212": {"primary"}, "213": {"junior", "senior"}, "422": {"primary", "junior", "senior"}, "423": {"primary"},
    "424": {"junior", "senior"}, "2106": {"primary"}, "2107": {"junior"}, "4153": {"primary", "junior", "senior"},
    "4155": {"primary"}, "4156": {"junior", "senior"},
}

# The 基本情况 form: label, and whether the value is under the label (基础基111) or beside it (教基1001).
IDENTITY_TABLE = {V2020: "111", V2021: "1001"}
VALUE_BELOW = {V2020: True, V2021: False}
IDENTITY_LABELS = {
    "school_code": rx(r"学校(\(机构\))?(标识码|识别码)"),
    "school_name": rx(r"学校(\(机构\))?名称"),
    "school_type": rx(r"办学类型"),
    "ownership": rx(r"举办者(类型)?"),
    "area_type": rx(r"(所在地)?城乡(分类|类型)(代码)?"),
    "county": rx(r"属地管理教育行政部门(名称)?"),
    "county_code": rx(r"属地管理教育行政部门代码|行政区划代码"),
}

# Fields the 基层表 does not carry (spec §7): always left for the school to fill in.
NOT_IN_TONGJI = {
    "built_year": "事业统计无建成年份",
    "boarding": "事业统计只有寄宿生人数，没有“是否寄宿制”",
    "primary_max_class_size": "事业统计只有班额分段，没有确切的最大班额",
    "junior_max_class_size": "事业统计只有班额分段，没有确切的最大班额",
    "certified_teachers": "事业统计无持教师资格证人数",
    "public_funds_budget": "经费不在事业统计中（见教育经费统计）",
    "training_funds": "经费不在事业统计中（见教育经费统计）",
    "public_funds_allocated": "经费不在事业统计中（见教育经费统计）",
}
ROOMS_NOTE = "事业统计没有逐间的音乐、美术专用教室及其使用面积，请在“专用教室”表补填"
