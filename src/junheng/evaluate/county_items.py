"""County items: G Q S, the veto items and the prerequisite (standard.md §1.4–§1.6), column-wise.

One frame holds every county of one year (its 县级指标 row, the summaries of its schools' items and
of its 质量监测 rows); each item is a small named rule that adds ``{item}_status``, ``{item}_value``
and ``{item}_standard`` columns for all counties at once. Only the Chinese note of each item is
written per county, when the result is assembled (:meth:`Rule.note`).

Not applicable (不适用) is not "not assessed": an item whose subject does not exist in the county
does not block — G7 with no 特殊教育学校 pupils, G11 with no teacher eligible for rotation, G14 with no
优质高中 places, G15 with no eligible 随迁子女 (standard.md §1.4), and by the same words ("an item
whose subject does not exist in the county") G13 for a 学段 with no 城区和镇区 pupils and Q2 with no
school-age disabled children. A zero that cannot be a county's truth (no teachers for G9, no 公务员
pay for G8, no cohort for Q1) stays not assessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import polars as pl

from junheng.exact import at_least, frac
from junheng.outcome import MET, NOT_APPLICABLE, NOT_ASSESSED, NOT_MET, combine_expr, status_expr
from junheng.schema import COUNTY, LEVEL_LABELS
from junheng.standards import Params

COUNTY_KEY = ("year", "county_id")
NAMES_SHOWN = 8


def header(field_id: str) -> str:
    return COUNTY.field(field_id).header


def _status_when(complete: pl.Expr, specific: pl.Expr) -> pl.Expr:
    """Not assessed without the county row or a needed figure; else the rule's own status."""
    return pl.when(~pl.col("has_row") | ~complete).then(pl.lit(NOT_ASSESSED)).otherwise(specific)


def _complete(fields: tuple[str, ...]) -> pl.Expr:
    return pl.all_horizontal(pl.col(f).is_not_null() for f in fields) if fields else pl.lit(True)


def _missing_note(row: dict, fields: tuple[str, ...]) -> str | None:
    if not row["has_row"]:
        return "未提供县级指标数据"
    absent = [header(f) for f in fields if row[f] is None]
    return "缺少数据：" + "、".join(absent) if absent else None


def _percent(value: float | None, limit: float) -> str:
    return f"{value:.2f}%（标准 {limit:g}%）"


def _exact_at_least(frame: pl.DataFrame, values: pl.Expr, thresholds: pl.Expr,
                    exact: Callable[[dict], tuple[Any, Any]]) -> pl.Series:
    """``values ≥ thresholds`` with the exact re-check of :func:`junheng.exact.at_least`."""
    both = frame.select(values.cast(pl.Float64).alias("v"), thresholds.cast(pl.Float64).alias("t"))
    return at_least(both["v"], both["t"], lambda rows: [exact(r) for r in frame[rows].to_dicts()])


class Rule:
    """One county item: ``apply`` adds its columns for every county; ``note`` words one county's result."""

    fields: tuple[str, ...] = ()

    def apply(self, frame: pl.DataFrame, item: str, params: Params) -> pl.DataFrame:
        raise NotImplementedError

    def note(self, row: dict, item: str, params: Params) -> str:
        raise NotImplementedError

    def extras(self, row: dict, item: str) -> dict:
        return {}


@dataclass(frozen=True)
class Declared(Rule):
    """A yes/no the county declares with its evidence (G1 G2 G10 Q3 Q5–Q8)."""

    field: str

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.field,)

    def apply(self, frame, item, params):
        return frame.with_columns(_status_when(_complete(self.fields), status_expr(pl.col(self.field))).alias(f"{item}_status"),
                                  pl.lit(None, pl.Float64).alias(f"{item}_value"),
                                  pl.lit(None, pl.Float64).alias(f"{item}_standard"))

    def note(self, row, item, params):
        return _missing_note(row, self.fields) or ("已确认" if row[self.field] else "县级自评为“否”")


@dataclass(frozen=True)
class Rate(Rule):
    """100 × Σ parts / whole ≥ the parameter ``minimum``, in exact integer arithmetic. A whole of 0 is
    not applicable with the reason ``empty`` when given, else not assessed."""

    parts: tuple[str, ...]
    whole: str
    minimum: str
    empty: str = ""
    label: str = ""  # for a part of a two-part item

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.parts, self.whole)

    def columns(self, params: Params, prefix: str) -> list[pl.Expr]:
        minimum: Fraction = params[self.minimum]
        numerator = pl.sum_horizontal(pl.col(p).cast(pl.Int64) for p in self.parts)
        whole = pl.col(self.whole).cast(pl.Int64)
        # a whole of 0 is decided before the parts: with nothing to count, a blank part is no gap
        status = (pl.when(~pl.col("has_row") | whole.is_null()).then(pl.lit(NOT_ASSESSED))
                  .when(whole <= 0).then(pl.lit(NOT_APPLICABLE if self.empty else NOT_ASSESSED))
                  .when(~_complete(self.parts)).then(pl.lit(NOT_ASSESSED))
                  .otherwise(status_expr(100 * numerator * minimum.denominator >= minimum.numerator * whole)))
        return [status.alias(f"{prefix}_status"),
                pl.when(whole > 0).then(100 * numerator / whole).alias(f"{prefix}_value"),
                pl.lit(float(minimum)).alias(f"{prefix}_standard")]

    def apply(self, frame, item, params):
        return frame.with_columns(self.columns(params, item))

    def note_for(self, row: dict, prefix: str, params: Params) -> str:
        status = row[f"{prefix}_status"]
        if status == NOT_APPLICABLE:
            return self.empty
        if status == NOT_ASSESSED:
            if row["has_row"] and row[self.whole] is not None and row[self.whole] <= 0:
                return f"{header(self.whole)}为 0，无法计算比例"
            return _missing_note(row, self.fields) or ""
        return _percent(row[f"{prefix}_value"], float(params[self.minimum]))

    def note(self, row, item, params):
        return self.note_for(row, item, params)


@dataclass(frozen=True)
class TwoRates(Rule):
    """An item of two rates that must both pass (G11: 交流比例 and 骨干比例; G13: 小学 and 初中)."""

    first: Rate
    second: Rate
    second_value: str  # the JSON names of the second rate's value and standard
    second_standard: str

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.first.fields, *self.second.fields)

    def apply(self, frame, item, params):
        frame = frame.with_columns(*self.first.columns(params, f"{item}_1"), *self.second.columns(params, f"{item}_2"))
        return frame.with_columns(
            combine_expr(pl.col(f"{item}_1_status"), pl.col(f"{item}_2_status")).alias(f"{item}_status"),
            pl.col(f"{item}_1_value").alias(f"{item}_value"), pl.col(f"{item}_1_standard").alias(f"{item}_standard"))

    def note(self, row, item, params):
        return (f"{self.first.label}：{self.first.note_for(row, f'{item}_1', params)}；"
                f"{self.second.label}：{self.second.note_for(row, f'{item}_2', params)}")

    def extras(self, row, item):
        return {self.second_value: row[f"{item}_2_value"], self.second_standard: row[f"{item}_2_standard"]}


class SpecialSchoolFunds(Rule):
    """G7: 特殊教育学校生均公用经费 ≥ G7.min_per_pupil_funds; no special-school pupils: 不适用."""

    fields = ("special_school_funds", "special_school_students")

    def apply(self, frame, item, params):
        minimum = params["G7.min_per_pupil_funds"]
        funds, students = pl.col("special_school_funds"), pl.col("special_school_students")
        passed = _exact_at_least(frame, funds, students * float(minimum),
                                 lambda r: (frac(r["special_school_funds"]), minimum * r["special_school_students"]))
        status = (pl.when(~pl.col("has_row") | students.is_null()).then(pl.lit(NOT_ASSESSED))
                  .when(students <= 0).then(pl.lit(NOT_APPLICABLE))  # no special-school pupils: blank funds are no gap
                  .when(funds.is_null()).then(pl.lit(NOT_ASSESSED)).otherwise(status_expr(pl.lit(passed))))
        return frame.with_columns(status.alias(f"{item}_status"),
                                  pl.when(students > 0).then(funds / students).alias(f"{item}_value"),
                                  pl.lit(float(minimum)).alias(f"{item}_standard"))

    def note(self, row, item, params):
        status = row[f"{item}_status"]
        if status == NOT_APPLICABLE:
            return "县域内无特殊教育学校学生，不适用"
        if status == NOT_ASSESSED:
            return _missing_note(row, self.fields) or ""
        return f"生均 {row[f'{item}_value']:.2f} 元（标准 {float(params['G7.min_per_pupil_funds']):g} 元）"


class TeacherPay(Rule):
    """G8: 教师平均工资收入 ≥ G8.min_pay_ratio × 当地公务员平均工资收入."""

    fields = ("teacher_avg_pay", "civil_servant_avg_pay")

    def apply(self, frame, item, params):
        ratio = params["G8.min_pay_ratio"]
        teacher, civil = pl.col("teacher_avg_pay"), pl.col("civil_servant_avg_pay")
        passed = _exact_at_least(frame, teacher, civil * float(ratio), lambda r: (
            frac(r["teacher_avg_pay"]), frac(r["civil_servant_avg_pay"]) * ratio))
        specific = pl.when(civil <= 0).then(pl.lit(NOT_ASSESSED)).otherwise(status_expr(pl.lit(passed)))
        return frame.with_columns(_status_when(_complete(self.fields), specific).alias(f"{item}_status"),
                                  teacher.alias(f"{item}_value"), civil.alias(f"{item}_standard"))

    def note(self, row, item, params):
        missing = _missing_note(row, self.fields)
        if missing:
            return missing
        if not row["civil_servant_avg_pay"]:
            return f"{header('civil_servant_avg_pay')}为 0，无法比较"
        return f"教师 {row['teacher_avg_pay']:,.0f} 元，公务员 {row['civil_servant_avg_pay']:,.0f} 元"


class Retention(Rule):
    """Q1: 100 × (毕业 − 转入 + 转出) / (三年前初一入学 − 死亡) ≥ Q1.min_rate."""

    fields = ("q1_graduates", "q1_transfer_in", "q1_transfer_out", "q1_grade7_intake", "q1_deaths")

    def apply(self, frame, item, params):
        minimum: Fraction = params["Q1.min_rate"]
        cohort = pl.col("q1_grade7_intake") - pl.col("q1_deaths")
        kept = pl.col("q1_graduates") - pl.col("q1_transfer_in") + pl.col("q1_transfer_out")
        specific = (pl.when(cohort <= 0).then(pl.lit(NOT_ASSESSED))
                    .otherwise(status_expr(100 * kept * minimum.denominator >= minimum.numerator * cohort)))
        return frame.with_columns(_status_when(_complete(self.fields), specific).alias(f"{item}_status"),
                                  pl.when(cohort > 0).then(100 * kept / cohort).alias(f"{item}_value"),
                                  pl.lit(float(minimum)).alias(f"{item}_standard"))

    def note(self, row, item, params):
        missing = _missing_note(row, self.fields)
        if missing:
            return missing
        if row[f"{item}_value"] is None:
            return "三年前初一入学数为 0，无法计算巩固率"
        return (f"巩固率 {row[f'{item}_value']:.2f}%（(毕业 {row['q1_graduates']} − 转入 {row['q1_transfer_in']} + 转出 "
                f"{row['q1_transfer_out']}) / (入学 {row['q1_grade7_intake']} − 死亡 {row['q1_deaths']})）")


class Recognition(Rule):
    """S1: 社会认可度 ≥ S1.min_rate (the imported survey result)."""

    fields = ("recognition_rate",)

    def apply(self, frame, item, params):
        minimum = params["S1.min_rate"]
        passed = _exact_at_least(frame, pl.col("recognition_rate"), pl.lit(float(minimum)),
                                 lambda r: (frac(r["recognition_rate"]), minimum))
        return frame.with_columns(_status_when(_complete(self.fields), status_expr(pl.lit(passed))).alias(f"{item}_status"),
                                  pl.col("recognition_rate").alias(f"{item}_value"),
                                  pl.lit(float(minimum)).alias(f"{item}_standard"))

    def note(self, row, item, params):
        missing = _missing_note(row, self.fields)
        if missing:
            return missing
        figures = "，".join(f"{header(f)} {row[f]} {COUNTY.field(f).unit}" for f in TABLE_VI_FIELDS if row.get(f) is not None)
        return f"{row['recognition_rate']:g}%（标准 {float(params['S1.min_rate']):g}%）" + (f"；{figures}" if figures else "")


# 表Ⅵ's counts behind the 社会认可度, printed with S1 where the county (or its survey) gives them.
TABLE_VI_FIELDS = ("survey_questionnaires", "survey_valid", "survey_satisfied", "survey_visited", "survey_visit_satisfied")


class SchoolItem(Rule):
    """An item every school in its scope must pass (G3 G4 G5 G6 Q4), from the schools' statuses."""

    def apply(self, frame, item, params):
        failing, unknown, schools = (pl.col(f"{item}_{k}").fill_null(0) for k in ("failing", "unknown", "schools"))
        status = (pl.when(failing > 0).then(pl.lit(NOT_MET)).when(unknown > 0).then(pl.lit(NOT_ASSESSED))
                  .when(schools > 0).then(pl.lit(MET)).otherwise(pl.lit(NOT_APPLICABLE)))
        if item == "G6":  # the schools are judged against the county's norm: without it, not assessed
            status = pl.when((schools > 0) & pl.col("per_pupil_norm_primary").is_null()).then(
                pl.lit(NOT_ASSESSED)).otherwise(status)
        return frame.with_columns(status.alias(f"{item}_status"), failing.cast(pl.Float64).alias(f"{item}_value"),
                                  pl.lit(0.0).alias(f"{item}_standard"))

    def note(self, row, item, params):
        return school_item_note(row, item)

    def extras(self, row, item):
        return {"schools_failing": row[f"{item}_failing"] or 0, "schools_unknown": row[f"{item}_unknown"] or 0,
                "schools": row[f"{item}_schools"] or 0}


def _names(names: list[str] | None, count: int) -> str:
    return "、".join((names or [])[:NAMES_SHOWN]) + ("等" if count > NAMES_SHOWN else "")


def school_item_note(row: dict, item: str, failing_text: str = "所学校未达标") -> str:
    failing, unknown, schools = (row[f"{item}_{k}"] or 0 for k in ("failing", "unknown", "schools"))
    if failing:
        return f"{failing} {failing_text}：{_names(row[f'{item}_failing_names'], failing)}"
    if item == "G6" and schools and row["per_pupil_norm_primary"] is None:
        return "缺少数据：" + header("per_pupil_norm_primary")
    if unknown:
        return f"{unknown} 所学校缺少数据：{_names(row[f'{item}_unknown_names'], unknown)}"
    return f"{schools} 所学校均达标" if schools else "无适用学校，不适用"


class Certified(Rule):
    """G12: the county's own total when given; else per school over the compulsory-stage 专任教师
    (standard.md §1.4 "G12 from schools": any school below 100% fails and is named)."""

    total = Rate(("certified_teachers_total",), "teachers_total", "G12.min_rate")

    def apply(self, frame, item, params):
        from_county = (pl.col("has_row") & pl.col("certified_teachers_total").is_not_null()
                       & (pl.col("teachers_total").fill_null(0) > 0))
        frame = frame.with_columns(*self.total.columns(params, "G12_county"), from_county.alias("G12_from_county"))
        failing, unknown, schools = (pl.col(f"{item}_{k}").fill_null(0) for k in ("failing", "unknown", "schools"))
        from_schools = (pl.when(failing > 0).then(pl.lit(NOT_MET)).when(unknown > 0).then(pl.lit(NOT_ASSESSED))
                        .when(schools > 0).then(pl.lit(MET)).otherwise(pl.lit(NOT_ASSESSED)))
        teachers = pl.col("G12_teachers").fill_null(0)
        return frame.with_columns(
            pl.when("G12_from_county").then(pl.col("G12_county_status")).otherwise(from_schools).alias(f"{item}_status"),
            pl.when("G12_from_county").then(pl.col("G12_county_value"))
            .when(teachers > 0).then(100 * pl.col("G12_certified").fill_null(0) / teachers).alias(f"{item}_value"),
            pl.lit(float(params["G12.min_rate"])).alias(f"{item}_standard"))

    def note(self, row, item, params):
        if row["G12_from_county"]:
            return self.total.note_for(row, "G12_county", params)
        if not row[f"{item}_schools"]:
            return "缺少数据：" + "、".join(header(f) for f in ("certified_teachers_total", "teachers_total"))
        if row[f"{item}_failing"] or row[f"{item}_unknown"]:
            return school_item_note(row, item, "所学校专任教师未全部持证")
        return (f"按学校汇总（义务教育阶段专任教师）：{row[f'{item}_schools']} 所学校均全员持证，"
                f"共 {row['G12_teachers']} 人")

    def extras(self, row, item):
        if row["G12_from_county"]:
            return {}
        return SchoolItem.extras(self, row, item)


class Monitoring(Rule):
    """Q9: every monitored subject at level ≥ Q9.min_level and its 校际差异率 < Q9.max_gap_rate."""

    def apply(self, frame, item, params):
        if "Q9_subjects" not in frame.columns:  # no 质量监测 rows at all
            frame = frame.with_columns(pl.lit(None, pl.UInt32).alias("Q9_subjects"), pl.lit(None, pl.UInt32).alias("Q9_failing"),
                                       pl.lit(None, pl.List(pl.Utf8)).alias("Q9_failing_texts"),
                                       pl.lit(None, pl.List(pl.Null)).alias("Q9_rows"))
        subjects, failing = pl.col("Q9_subjects").fill_null(0), pl.col("Q9_failing").fill_null(0)
        status = (pl.when(subjects == 0).then(pl.lit(NOT_ASSESSED)).when(failing > 0).then(pl.lit(NOT_MET))
                  .otherwise(pl.lit(MET)))
        return frame.with_columns(status.alias(f"{item}_status"), pl.lit(None, pl.Float64).alias(f"{item}_value"),
                                  pl.lit(None, pl.Float64).alias(f"{item}_standard"))

    def note(self, row, item, params):
        if not row["Q9_subjects"]:
            return "未提供国家义务教育质量监测结果"
        if row["Q9_failing"]:
            return "未达标科目：" + "、".join(row["Q9_failing_texts"])
        return f"监测科目 {row['Q9_subjects']} 科均达标"

    def extras(self, row, item):
        return {"subjects": {s["subject"]: {"pass": s["pass"], "level": s["level"], "school_gap_rate": s["school_gap_rate"]}
                             for s in row["Q9_rows"] or []}}


# The rule of each item, by the id the standard's YAML lists under ``judges.areas``.
RULES: dict[str, Rule] = {
    "G1": Declared("layout_ok"),
    "G2": Declared("standards_unified"),
    "G3": SchoolItem(), "G4": SchoolItem(), "G5": SchoolItem(), "G6": SchoolItem(),
    "G7": SpecialSchoolFunds(),
    "G8": TeacherPay(),
    "G9": Rate(("teachers_trained_360h",), "teachers_total", "G9.min_rate"),
    "G10": Declared("staffing_unified"),
    "G11": TwoRates(
        Rate(("exchanged",), "exchange_eligible", "G11.min_exchange_rate", "无符合交流条件的教师，不适用", "交流轮岗比例"),
        Rate(("exchanged_key",), "exchanged", "G11.min_key_share", "无交流轮岗教师，不适用", "其中骨干教师比例"),
        "key_share", "key_share_standard"),
    "G12": Certified(),
    "G13": TwoRates(
        Rate(("zoned_primary_in_zone",), "zoned_primary_students", "G13.min_rate.primary", "无城区和镇区公办小学学生，不适用", "小学"),
        Rate(("zoned_junior_in_zone",), "zoned_junior_students", "G13.min_rate.junior", "无城区和镇区公办初中学生，不适用", "初中"),
        "junior_value", "junior_standard"),
    "G14": Rate(("quality_hs_allocated",), "quality_hs_plan", "G14.min_rate", "无优质高中招生名额，不适用"),
    "G15": Rate(("migrant_public", "migrant_purchased"), "migrant_eligible", "G15.min_rate", "无符合条件的随迁子女，不适用"),
    "Q1": Retention(),
    "Q2": Rate(("disabled_enrolled",), "disabled_school_age", "Q2.min_rate", "无适龄残疾儿童少年，不适用"),
    "Q3": Declared("charter_it_ok"),
    "Q4": SchoolItem(),
    "Q5": Declared("it_teaching_ok"), "Q6": Declared("moral_culture_ok"), "Q7": Declared("curriculum_ok"),
    "Q8": Declared("no_overload"),
    "Q9": Monitoring(),
    "S1": Recognition(),
}
VETO_FIELDS = {"V1": "veto_exam_admission", "V2": "veto_school_choice", "V3": "veto_key_schools",
               "V4": "veto_unfilled_posts", "V5": "veto_major_incident", "V6": "veto_fraud"}


def school_summaries(checks: pl.DataFrame, items: tuple[str, ...]) -> pl.DataFrame:
    """Per county: for each school item, the schools it applies to, fail, lack data, and their names
    (one more than shown, so that a note can say 等); and G12's teacher totals."""
    aggs = []
    for item in items:
        status = pl.col(f"{item}_status")
        failing, unknown = status == NOT_MET, status == NOT_ASSESSED
        aggs += [(status.is_in([MET, NOT_MET, NOT_ASSESSED])).sum().alias(f"{item}_schools"),
                 failing.sum().alias(f"{item}_failing"), unknown.sum().alias(f"{item}_unknown"),
                 pl.col("school_name").filter(failing).head(NAMES_SHOWN + 1).alias(f"{item}_failing_names"),
                 pl.col("school_name").filter(unknown).head(NAMES_SHOWN + 1).alias(f"{item}_unknown_names")]
    if "G12" in items:
        counted = pl.col("G12_status").is_in([MET, NOT_MET])
        aggs += [pl.col("compulsory_teachers").filter(counted).sum().alias("G12_teachers"),
                 pl.col("certified_counted").filter(counted).sum().alias("G12_certified")]
    return checks.group_by(COUNTY_KEY).agg(aggs)


def monitoring_summaries(monitoring: pl.DataFrame | None, params: Params) -> pl.DataFrame:
    schema = {"year": pl.Int64, "county_id": pl.Utf8}
    if monitoring is None or not monitoring.height:
        return pl.DataFrame(schema=schema)
    max_gap = params["Q9.max_gap_rate"]
    gap_ok = ~_exact_at_least(monitoring, pl.col("school_gap_rate"), pl.lit(float(max_gap)),
                              lambda r: (frac(r["school_gap_rate"]), max_gap))
    rows = monitoring.with_columns(
        ((pl.col("level") >= int(params["Q9.min_level"])) & pl.lit(gap_ok)).alias("pass"))
    level = pl.col("level").replace_strict(dict(enumerate(LEVEL_LABELS, start=1)), default="?", return_dtype=pl.Utf8)
    return rows.group_by(COUNTY_KEY, maintain_order=True).agg(
        pl.len().alias("Q9_subjects"), (~pl.col("pass")).sum().alias("Q9_failing"),
        pl.format("{}（{}级，差异率 {}）", "subject", level, pl.col("school_gap_rate").round(4).cast(pl.Utf8))
        .filter(~pl.col("pass")).alias("Q9_failing_texts"),
        pl.struct("subject", "pass", "level", "school_gap_rate").alias("Q9_rows"))


def county_items(counties: pl.DataFrame, county: pl.DataFrame | None, schools: pl.DataFrame | None,
                 monitoring: pl.DataFrame | None, params: Params, items: tuple[str, ...]) -> pl.DataFrame:
    """``counties`` (year, county_id, …) with every item's columns, all counties at once."""
    if county is not None and county.height:
        sheet = county.drop("county_name", "source_row", strict=False).rename({"county_code": "sheet_code"})
        frame = counties.join(sheet.with_columns(pl.lit(True).alias("has_row")), on=list(COUNTY_KEY), how="left",
                              maintain_order="left")
        frame = frame.with_columns(pl.col("has_row").fill_null(False),
                                   pl.coalesce("county_code", "sheet_code").alias("county_code")).drop("sheet_code")
    else:
        frame = counties.with_columns(pl.lit(False).alias("has_row"),
                                      *(pl.lit(None, dtype).alias(name) for name, dtype in _county_schema().items()))
    for summary in (schools, monitoring_summaries(monitoring, params) if "Q9" in items else None):
        if summary is not None and summary.width > 2:
            frame = frame.join(summary, on=list(COUNTY_KEY), how="left")
    for item in items:
        frame = RULES[item].apply(frame, item, params)
    return frame


def _county_schema() -> dict[str, pl.DataType]:
    from junheng.frames import table_schema

    return {k: v for k, v in table_schema(COUNTY).items() if k not in ("year", "county_code", "county_name", "source_row")}
