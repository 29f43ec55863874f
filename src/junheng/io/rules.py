"""The cross-field rules of shared/spec/data.md, one function per table, all vectorised."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from junheng.schema import PLAUSIBLE_PER_PUPIL, SCHOOL_TYPES, SCHOOLS, STAGE_ZH, STAGES

from .table import (
    SOURCE_ROW,
    Sheet,
    exact_duplicates,
    missing_columns,
    require,
    require_column,
    unique_key,
    warn_exact_duplicates,
)

# Schools outside the compulsory-stage evaluation (特殊教育学校, 职业学校): they have no 学段 of
# their own, and their L4–L7 resources are not assessed, so these need not be filled for them.
_UNEVALUATED_TYPES = [t.label for t in SCHOOL_TYPES if not t.stages]
_FACILITY_FIELDS = ("teaching_area", "sports_field_area", "equipment_value", "multimedia_rooms")
# Teachers counted within a stage's 专任教师数: each can be at most that number.
_TEACHER_SUBSETS = ("teachers_above_degree", "key_teachers", "pe_arts_teachers", "senior_title_teachers")
# County sub-counts and the totals they are part of.
_COUNTY_PARTS = (
    ("exchanged_key", "exchanged"), ("exchanged", "exchange_eligible"),
    ("teachers_trained_360h", "teachers_total"),
    ("zoned_primary_in_zone", "zoned_primary_students"), ("zoned_junior_in_zone", "zoned_junior_students"),
    ("disabled_enrolled", "disabled_school_age"), ("quality_hs_allocated", "quality_hs_plan"),
)
_MAX_PERCENT = 100
# Four-digit years, the same bounds as the fill-in template's input check.
_FIRST_YEAR, _LAST_YEAR = 1900, 2100
_SCHOOL_FIELDS = {f.id for f in SCHOOLS.fields}
_TYPE = pl.col("school_type")


def _required(row: dict) -> str:
    return "必填项为空"


def _shift(value: str, places: int) -> str:
    """``value`` × 10^places, written exactly (0.915, 2 → 91.5)."""
    return f"{Decimal(value.replace(',', '')).scaleb(places).normalize():f}"


def _with_stage(stage: str) -> pl.Expr:
    return _TYPE.is_in([t.label for t in SCHOOL_TYPES if stage in t.stages])


def not_above(sheet: Sheet, part: str, whole: str) -> None:
    """``part`` ≤ ``whole`` on every row where both are filled."""
    if part not in sheet.columns or whole not in sheet.columns:
        return
    sheet.report(part, pl.col(part) > pl.col(whole),
                 lambda row: f"值“{row['value']}”大于“{sheet.header(whole)}”（{row['limit']}）",
                 entered={"limit": whole})


def check_common(sheet: Sheet) -> None:
    """Required columns and values, and plausible years: the rules every table shares."""
    missing_columns(sheet)
    for field in sheet.table.fields:
        if field.required == "yes" and not (sheet.table is SCHOOLS and field.id in _FACILITY_FIELDS):
            require(sheet, field.id, pl.lit(True), _required)
        if field.id == "year" or field.id.endswith("_year"):
            sheet.report(field.id, ~pl.col(field.id).is_between(_FIRST_YEAR, _LAST_YEAR),
                         lambda row: f"值“{row['value']}”不是四位年份（{_FIRST_YEAR}–{_LAST_YEAR}）")


def check_schools(sheet: Sheet) -> None:
    check_common(sheet)
    for field_id in _FACILITY_FIELDS:
        require(sheet, field_id, ~_TYPE.is_in(_UNEVALUATED_TYPES).fill_null(False), _required)
    for field in SCHOOLS.fields:
        if field.required == "stage":
            needed = _with_stage(field.stage)
            require_column(sheet, field.id, needed, "第 {row} 行等学校的学校类型须填写此列")
            require(sheet, field.id, needed, lambda row: f"学校类型为{row['school_type']}，此项必填", extra=[_TYPE])
    for stage in STAGES:
        _stage_rules(sheet, stage)
    _pupils_somewhere(sheet)
    _implausible(sheet)
    not_above(sheet, "indoor_sports_area", "teaching_area")
    key = ["year", "school_code"]
    unique_key(sheet, key, "学校标识码“{value}”在 {year} 年度重复", exact_duplicates(sheet, key))


def _stage_rules(sheet: Sheet, stage: str) -> None:
    zh = STAGE_ZH[stage]
    students = f"{stage}_students"
    without = [t.label for t in SCHOOL_TYPES if t.stages and stage not in t.stages]
    sheet.report(students, _TYPE.is_in(without) & (pl.col(students) > 0),
                 lambda row: f"学校类型为{row['school_type']}，没有{zh}学段，{zh}在校生数应为 0 或不填",
                 extra=[_TYPE])
    teachers = f"{stage}_teachers"
    if teachers not in _SCHOOL_FIELDS:
        return
    for subset in _TEACHER_SUBSETS:
        not_above(sheet, f"{stage}_{subset}", teachers)
    for needed in (f"{stage}_classes", teachers):
        sheet.report(needed, _with_stage(stage) & (pl.col(students) > 0) & (pl.col(needed) == 0),
                     lambda row, needed=needed: f"{zh}在校生数为 {row['pupils']}，{sheet.header(needed)}不能为 0",
                     extra=[pl.col(students).alias("pupils")])
    _class_rules(sheet, stage)


def _class_rules(sheet: Sheet, stage: str) -> None:
    """The impossible: more classes than pupils, a largest class above the 学段's pupils or below
    its average class (pupils ÷ classes)."""
    zh, students, classes, largest = STAGE_ZH[stage], f"{stage}_students", f"{stage}_classes", f"{stage}_max_class_size"
    pupils = {"pupils": students}
    sheet.report(classes, (pl.col(students) > 0) & (pl.col(classes) > pl.col(students)),
                 lambda row: f"{zh}班级数 {row['value']} 多于{zh}在校生数（{row['pupils']}）", entered=pupils)
    sheet.report(largest, (pl.col(students) > 0) & (pl.col(largest) > pl.col(students)),
                 lambda row: f"{zh}最大班额 {row['value']} 人多于{zh}在校生数（{row['pupils']}）", entered=pupils)
    sheet.report(largest, (pl.col(classes) > 0) & (pl.col(largest) * pl.col(classes) < pl.col(students)),
                 lambda row: f"{zh}最大班额 {row['value']} 人小于平均班额（{row['pupils']} 人 ÷ {row['classes']} 个班）",
                 entered={**pupils, "classes": classes})


def _implausible(sheet: Sheet) -> None:
    """Per-pupil figures no school has: almost always a unit slip (万元 under a 元 header). A notice."""
    pupils = pl.sum_horizontal(pl.col(f"{s}_students").fill_null(0) for s in STAGES)
    for field_id, (low, high) in PLAUSIBLE_PER_PUPIL.items():
        field = SCHOOLS.field(field_id)
        if field_id not in sheet.columns:
            continue
        factor = sheet.columns[field_id].factor
        per_pupil = pl.col(field_id) / pupils
        unit = f"{field.unit}/生"
        sheet.warn(field_id, (pupils > 0) & (per_pupil < float(low)),
                   lambda value, field=field, low=low, unit=unit, factor=factor: (
                       f"值“{value}”折合每生不足 {low} {unit}，" + (
                           f"是否按万{field.unit}填写？若是，请把表头改为“{field.header}(万{field.unit})”"
                           if factor == 1 and field.unit == "元" else "请核对数值和单位")))
        sheet.warn(field_id, (pupils > 0) & (per_pupil > float(high)),
                   lambda value, high=high, unit=unit: f"值“{value}”折合每生超过 {high:,} {unit}，请核对数值和表头中的单位")


def _pupils_somewhere(sheet: Sheet) -> None:
    """A school of a type with 学段 must have pupils in one of them (all filled and 0 is an error)."""
    typed = [t for t in SCHOOL_TYPES if t.stages]
    no_pupils = pl.lit(False)
    for school_type in typed:
        none = pl.all_horizontal(pl.col(f"{s}_students") == 0 for s in school_type.stages)
        no_pupils = pl.when(_TYPE == school_type.label).then(none).otherwise(no_pupils)
    stages_of = {t.label: "、".join(STAGE_ZH[s] for s in t.stages) for t in typed}
    sheet.report(None, no_pupils, lambda row: f"学校类型为{row['school_type']}，但{stages_of[row['school_type']]}"
                 "在校生数均为 0", extra=[_TYPE])


def check_rooms(sheet: Sheet, schools: Sheet) -> None:
    check_common(sheet)
    warn_exact_duplicates(sheet, f"按不同的教室分别计入（同一间教室重复填写的请删除；不同教室可在“{sheet.header('room_name')}”列注明以区分）")

    def orphans() -> None:
        known = schools.typed.lazy().select("year", "school_code")
        rows = (sheet.typed.lazy().with_row_index("at")
                .filter(pl.col("year").is_not_null() & pl.col("school_code").is_not_null())
                .join(known, on=["year", "school_code"], how="anti").sort(SOURCE_ROW).collect())
        rows = rows.with_columns(value=sheet.as_entered("school_code", rows.get_column("at")))
        sheet.log.add_rows(sheet.name, sheet.header("school_code"), rows,
                           lambda row: f"学校标识码“{row['value']}”在“{schools.name}”表 {row['year']} 年度中不存在")
    sheet.check(None, orphans)


def _unique_per_county(sheet: Sheet, rest: list[str], what: str) -> None:
    """A county is its 县(区)代码 where given, its name otherwise (shared/spec/data.md): two 鼓楼区 with
    two codes are two counties, each with its own row."""
    coded = pl.col("county_code").is_not_null()
    duplicates = exact_duplicates(sheet, ["year", "county_name", *rest])
    unique_key(sheet, ["year", "county_code", "county_name", *rest], what, duplicates)
    unique_key(sheet, ["year", "county_name", *rest], what, duplicates | coded)


def check_county(sheet: Sheet) -> None:
    check_common(sheet)
    _unique_per_county(sheet, [], "同一年度同一县(区)只能有一行")
    for part, whole in _COUNTY_PARTS:
        not_above(sheet, part, whole)
    sheet.report("recognition_rate", pl.col("recognition_rate") > _MAX_PERCENT,
                 lambda row: f"值“{row['value']}”超出 0–{_MAX_PERCENT} 的百分数范围")
    # A cell formatted as 91.5% holds 0.915: read as 0.915%, S1 would fail without anyone noticing.
    sheet.warn("recognition_rate", pl.col("recognition_rate").is_between(0, 1, closed="none"),
               lambda value: f"值“{value}”按百分数读作 {value}%；若本意是 {_shift(value, 2)}%，请填 {_shift(value, 2)}")


def check_monitoring(sheet: Sheet) -> None:
    check_common(sheet)
    _unique_per_county(sheet, ["subject"], "同一年度同一县(区)同一科目只能有一行")
    # The rate is a fraction (Q9: below 0.15); 12 most likely means 12%.
    sheet.warn("school_gap_rate", pl.col("school_gap_rate") > 1,
               lambda value: f"值“{value}”大于 1；校际差异率按小数填写，若本意是 {value}%，请填 {_shift(value, -2)}")

