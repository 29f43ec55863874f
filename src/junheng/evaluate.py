"""Verdicts, 差异系数 and the county result (``shared/spec/standard.md`` §1–§2).

``evaluate(dataset, standard)`` is the one entry point every face calls. It builds the 学段 units,
computes each indicator per unit (vectorised), decides met / 85%-floor with exact re-checks at the
boundary, computes the enrolment-weighted 差异系数 per county × 学段 × indicator, the per-school
checks (G3 G4 G5 G6 Q4) and the county items (G, Q, S, V), and returns an :class:`Evaluation`
whose :meth:`~Evaluation.to_dict` is the JSON contract of ``shared/design.md``.

Three-valued results: ``True`` / ``False`` / ``None``; ``None`` means "not assessed: data
missing" and is never counted as a pass (Kleene logic: one failure fails, else one unknown is
unknown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import polars as pl

from junheng.dataset import Dataset
from junheng.exact import at_least, at_most, dec, frac, round_half_up, typed_less
from junheng.indicators import INDICATORS, Indicator, exact_value, indicators_of
from junheng.schema import COUNTY, STAGE_ZH
from junheng.standards import Params, Standard
from junheng.units import build_units, has_stage

STAGE_KEY = ("year", "county_name", "stage")
COUNTY_KEY = ("year", "county_name")


def all_of(results: Iterable[bool | None]) -> bool | None:
    """Kleene AND: False if any is False, else None if any is None, else True (also for none)."""
    unknown = False
    for result in results:
        if result is False:
            return False
        if result is None:
            unknown = True
    return None if unknown else True


# ── per-unit indicator values ───────────────────────────────────────────────────────────────


def _polars_column(name: str, default: Any = None) -> pl.Expr:
    column = pl.col(name).cast(pl.Float64)
    return column if default is None else column.fill_null(default)


def value_expr(ind: Indicator, params: Params) -> pl.Expr:
    """The unit's indicator value: per × R × w_s / Σ w_k·P_k (split) or per × R / P_s."""
    resource = ind.resource(_polars_column, params)
    if ind.split:
        return (ind.per * resource * pl.col("weight") / pl.col("weighted_pupils")).alias(f"{ind.id}_value")
    return (ind.per * resource / pl.col("students")).alias(f"{ind.id}_value")


def stage_threshold(params: Params, pattern: str, stage_column: str = "stage") -> pl.Expr:
    """A per-stage parameter (``pattern`` with ``{stage}``) as a float column."""
    return (pl.when(pl.col(stage_column) == "primary").then(params.f(pattern.format(stage="primary")))
            .otherwise(params.f(pattern.format(stage="junior"))))


def _unit_verdicts(units: pl.DataFrame, inds: list[Indicator], params: Params, standard: Standard) -> pl.DataFrame:
    units = units.with_columns(value_expr(ind, params) for ind in inds)
    if standard.id != "youzhi-2017":
        return units
    floor_ratio = params["unit.floor_ratio"]
    columns = []
    for ind in inds:
        pattern = f"{ind.id}.standard.{{stage}}"
        standard_value = units.select(stage_threshold(params, pattern)).to_series()
        floor_value = standard_value * float(floor_ratio)

        def exact(rows: list[int], ind: Indicator = ind, ratio: Fraction = Fraction(1)) -> list[tuple]:
            return [(exact_value(ind, row, params), ratio * params[f"{ind.id}.standard.{row['stage']}"])
                    for row in units[rows].to_dicts()]

        value = units[f"{ind.id}_value"]
        columns += [
            standard_value.alias(f"{ind.id}_standard"),
            floor_value.alias(f"{ind.id}_floor"),
            at_least(value, standard_value, exact).alias(f"{ind.id}_met"),
            at_least(value, floor_value, lambda rows, ind=ind: exact(rows, ind, floor_ratio)).alias(f"{ind.id}_floor_met"),
        ]
    units = units.with_columns(columns)
    met = [pl.col(f"{ind.id}_met") for ind in inds]
    floors = [pl.col(f"{ind.id}_floor_met") for ind in inds]
    return units.with_columns(
        pl.sum_horizontal(met).cast(pl.Int64).alias("met_count"),
        ((pl.sum_horizontal(met) >= int(params["unit.min_indicators_met"])) & pl.all_horizontal(floors))
        .alias("compliant"),
    )


# ── 差异系数 ───────────────────────────────────────────────────────────────────────────────


def weighted_cv(values: list[Fraction], students: list[int]) -> tuple[Fraction, Fraction]:
    """Exact (mean, CV²) of the official enrolment-weighted method (§1.2, population form)."""
    total = sum(students)
    mean = sum(Fraction(p) * x for p, x in zip(students, values, strict=True)) / total
    variance = sum(Fraction(p, total) * (x - mean) ** 2 for p, x in zip(students, values, strict=True))
    return mean, (variance / mean**2 if mean else Fraction(0))


def decimal_sqrt(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()


def _round3(value: float) -> Fraction:
    return Fraction(round_half_up(value, 3))


def _stage_stats(units: pl.DataFrame, inds: list[Indicator], params: Params, standard: Standard) -> pl.DataFrame:
    """One row per county × 学段 × indicator: units, students, mean, sd, cv, cv_pass …"""
    youzhi = standard.id == "youzhi-2017"
    students = pl.col("students").cast(pl.Float64)
    ids = [ind.id for ind in inds]
    # Two passes over the units, all indicators side by side: the weighted means, then the weighted
    # squared deviations from them (numerically safer than Σ P·X² − P·X̄²).
    means = units.group_by(STAGE_KEY).agg(
        ((students * pl.col(f"{i}_value")).sum() / students.sum()).alias(f"{i}_mean") for i in ids)
    sums = units.join(means, on=list(STAGE_KEY)).group_by(STAGE_KEY, maintain_order=True).agg(
        pl.len().alias("units"), pl.col("students").sum().alias("students"),
        *(expr for i in ids for expr in (
            pl.col(f"{i}_value").is_null().sum().alias(f"{i}_missing"),
            pl.col(f"{i}_mean").first(),
            ((students * (pl.col(f"{i}_value") - pl.col(f"{i}_mean")) ** 2).sum() / students.sum()).sqrt()
            .alias(f"{i}_sd"),
            (pl.col(f"{i}_met") if youzhi else pl.lit(None, pl.Boolean)).sum().alias(f"{i}_units_meeting"),
            ((pl.col(f"{i}_floor_met") & ~pl.col(f"{i}_met")) if youzhi else pl.lit(None, pl.Boolean)).sum()
            .alias(f"{i}_units_at_floor"),
        )))
    parts = ("missing", "mean", "sd", "units_meeting", "units_at_floor")
    stats = (
        pl.concat([sums.select(*STAGE_KEY, "units", "students", pl.lit(i).alias("indicator"),
                               *(pl.col(f"{i}_{part}").alias(part) for part in parts)) for i in ids])
        .with_columns(
            pl.when(pl.col("missing") > 0).then(None).otherwise(pl.col("mean")).alias("mean"),
            pl.when((pl.col("missing") > 0) | (pl.col("mean") <= 0)).then(None)
            .when(pl.col("units") == 1).then(0.0)  # one unit: CV 0 by definition (§1.2), not float dust
            .otherwise(pl.col("sd") / pl.col("mean")).alias("cv"),
        )
        .sort(*STAGE_KEY, pl.col("indicator").replace_strict({i: n for n, i in enumerate(ids)}), maintain_order=True)
    )
    if not youzhi:
        return stats.with_columns(pl.lit(None, pl.Float64).alias("cv_max"), pl.lit(None, pl.Boolean).alias("cv_pass"))
    stats = stats.with_columns(stage_threshold(params, "cv.max.{stage}").alias("cv_max"))
    if params["cv.judge_on_rounded"]:
        passes = [None if cv is None else _round3(cv) <= params[f"cv.max.{stage}"]
                  for cv, stage in zip(stats["cv"], stats["stage"], strict=True)]
        return stats.with_columns(pl.Series("cv_pass", passes, pl.Boolean))

    def exact(rows: list[int]) -> list[tuple[Fraction, Fraction]]:
        # CV = S / X̄ is irrational in general, but CV² is rational: compare squares.
        return [(exact_group_cv2(units, key, INDICATORS[key["indicator"]], params), params[f"cv.max.{key['stage']}"] ** 2)
                for key in stats[rows].to_dicts()]

    cv2 = stats.select(pl.col("cv") ** 2).to_series()
    max2 = stats.select(pl.col("cv_max") ** 2).to_series()
    return stats.with_columns(at_most(cv2, max2, exact).alias("cv_pass"))


def exact_group_cv2(units: pl.DataFrame, key: dict, ind: Indicator, params: Params) -> Fraction:
    rows = units.filter(*(pl.col(k) == key[k] for k in STAGE_KEY)).to_dicts()
    values = [exact_value(ind, row, params) for row in rows]
    return weighted_cv(values, [row["students"] for row in rows])[1]


def _composites(stats: pl.DataFrame, units: pl.DataFrame, params: Params, standard: Standard) -> dict:
    """综合差异系数 = mean of the indicators' CVs, per county × 学段; for 基本均衡 it is the test."""
    frame = stats.group_by(STAGE_KEY).agg(
        pl.when(pl.col("cv").null_count() > 0).then(None).otherwise(pl.col("cv").mean()).alias("composite_cv"))
    result = {}
    for row in frame.iter_rows(named=True):
        key = (row["year"], row["county_name"], row["stage"])
        entry = {"composite_cv": row["composite_cv"]}
        if standard.id == "jiben-2012":
            maximum = params[f"cv.composite_max.{row['stage']}"]
            entry["composite_cv_max"] = float(maximum)
            entry["pass"] = None if row["composite_cv"] is None else _composite_pass(
                row["composite_cv"], maximum, key, stats, units, params)
        result[key] = entry
    return result


def _composite_pass(composite: float, maximum: Fraction, key: tuple, stats: pl.DataFrame, units: pl.DataFrame,
                    params: Params) -> bool:
    if params["cv.judge_on_rounded"]:
        return _round3(composite) <= maximum
    if abs(composite - float(maximum)) > 1e-9:
        return composite <= float(maximum)
    group = stats.filter(*(pl.col(k) == v for k, v in zip(STAGE_KEY, key, strict=True)))
    cvs = [decimal_sqrt(exact_group_cv2(units, row, INDICATORS[row["indicator"]], params)) for row in group.to_dicts()]
    with localcontext() as ctx:
        ctx.prec = 60
        return sum(cvs) / len(cvs) <= Decimal(maximum.numerator) / Decimal(maximum.denominator)


# ── per-school checks: G3 G4 G5 G6 Q4 ──────────────────────────────────────────────────────

THROUGH_TYPES = ("九年一贯制学校", "十二年一贯制学校")


def _room_minimums(params: Params) -> list[pl.Expr]:
    """Minimum music / art room areas for each school, with the 2019 relaxations when enabled."""
    music, art = pl.lit(params.f("G3.music_min_area")), pl.lit(params.f("G3.art_min_area"))
    if params["G3.transitional.enabled"]:
        old = pl.col("built_year").fill_null(9999) <= int(params["G3.transitional.built_until"])
        music = pl.when(old).then(pl.min_horizontal(music, params.f("G3.transitional.music_min_area"))).otherwise(music)
        art = pl.when(old).then(pl.min_horizontal(art, params.f("G3.transitional.art_min_area"))).otherwise(art)
        largest = pl.max_horizontal(pl.col("primary_max_class_size"), pl.col("junior_max_class_size"))
        small = (pl.col("area_type") == "乡村") & (largest < int(params["G3.transitional.rural_small_max_class"]))
        rural = pl.when(has_stage("junior")).then(params.f("G3.transitional.rural_small_junior_min_area")).otherwise(
            params.f("G3.transitional.rural_small_primary_min_area"))
        music = pl.when(small.fill_null(False)).then(pl.min_horizontal(music, rural)).otherwise(music)
        art = pl.when(small.fill_null(False)).then(pl.min_horizontal(art, rural)).otherwise(art)
    return [music.alias("music_min_area"), art.alias("art_min_area")]


def _g3(scope: pl.DataFrame, rooms: pl.DataFrame | None, params: Params) -> pl.DataFrame:
    per = int(params["G3.rooms_per_classes"])
    classes = sum(pl.when(has_stage(s)).then(pl.col(f"{s}_classes").fill_null(0)).otherwise(0) for s in ("primary", "junior"))
    frame = scope.select("school_code", *_room_minimums(params), classes.alias("classes"),
                         ((classes + per - 1) // per).alias("rooms_required"))
    if rooms is None:
        return frame.with_columns(*(pl.lit(None, pl.Int64).alias(c) for c in
                                    ("music_rooms", "art_rooms", "music_rooms_total", "art_rooms_total")),
                                  pl.lit(None, pl.Boolean).alias("G3"))
    if params["G3.transitional.enabled"]:  # minimum areas differ by school: look each room's up
        rooms = rooms.join(frame.select("school_code", "music_min_area", "art_min_area"), on="school_code")
        music_min, art_min = pl.col("music_min_area"), pl.col("art_min_area")
    else:  # the same minimum everywhere: no join over every room
        music_min, art_min = pl.lit(params.f("G3.music_min_area")), pl.lit(params.f("G3.art_min_area"))
    counted = (
        rooms.lazy()
        .with_columns(pl.when(pl.col("room_type") == "音乐").then(music_min).otherwise(art_min).alias("min_area"))
        .group_by("school_code")
        .agg(
            *((pl.col("room_type") == kind).sum().alias(f"{name}_rooms_total") for kind, name in (("音乐", "music"), ("美术", "art"))),
            *(((pl.col("room_type") == kind) & (pl.col("area") >= pl.col("min_area"))).sum().alias(f"{name}_rooms")
              for kind, name in (("音乐", "music"), ("美术", "art"))),
        )
        .collect()
    )
    frame = frame.join(counted, on="school_code", how="left").with_columns(
        pl.col(c).fill_null(0).cast(pl.Int64) for c in ("music_rooms", "art_rooms", "music_rooms_total", "art_rooms_total"))
    if params["G3.count_combined"]:
        passed = pl.col("music_rooms") + pl.col("art_rooms") >= pl.col("rooms_required")
    else:
        passed = (pl.col("music_rooms") >= pl.col("rooms_required")) & (pl.col("art_rooms") >= pl.col("rooms_required"))
    return frame.with_columns(passed.alias("G3"))


def _g4_g5(scope: pl.DataFrame, params: Params) -> pl.DataFrame:
    pupils = sum(pl.when(has_stage(s)).then(pl.col(f"{s}_students").fill_null(0)).otherwise(0) for s in ("primary", "junior"))
    through = pl.col("school_type").is_in(THROUGH_TYPES)
    limit = pl.when(through).then(int(params["G4.max_students_through"])).otherwise(int(params["G4.max_students"]))
    if params["G4.transitional.enabled"]:
        old = pl.col("built_year").fill_null(9999) <= int(params["G4.transitional.built_until"])
        migrant = (pl.col("migrant_students").fill_null(0) / pupils) > params.f("G4.transitional.migrant_share")
        relaxed = pl.when(through).then(int(params["G4.transitional.max_students_through"])).otherwise(
            int(params["G4.transitional.max_students"]))
        limit = pl.when(old | migrant).then(relaxed).otherwise(limit)
    class_checks = [
        pl.when(has_stage(s)).then(pl.col(f"{s}_max_class_size") <= int(params[f"G5.max_class_size.{s}"]))
        .otherwise(True).alias(f"G5_{s}") for s in ("primary", "junior")
    ]
    return scope.select(
        "school_code", pupils.alias("compulsory_students"), limit.alias("size_limit"),
        (pupils <= limit).alias("G4"), *class_checks,
    ).with_columns((pl.col("G5_primary") & pl.col("G5_junior")).alias("G5"))


def _funds_checks(scope: pl.DataFrame, county: pl.DataFrame | None, params: Params) -> pl.DataFrame:
    """G6 (small village schools funded as 100 pupils) and Q4 (training ≥ 5% of the budget)."""
    minimum = int(params["G6.min_students"])
    pupils = pl.col("primary_students").fill_null(0) + pl.col("junior_students").fill_null(0)
    village = (pl.col("school_type") == "教学点") | ((pl.col("school_type") == "小学") & (pl.col("area_type") == "乡村"))
    small = village & (pl.col("ownership") == "公办") & (pupils < minimum)
    norms = (county.select("county_name", "per_pupil_norm_primary") if county is not None
             else pl.DataFrame(schema={"county_name": pl.Utf8, "per_pupil_norm_primary": pl.Float64}))
    frame = scope.join(norms, on="county_name", how="left").select(
        "school_code", small.fill_null(False).alias("G6_applies"), "public_funds_allocated", "per_pupil_norm_primary",
        (pl.col("per_pupil_norm_primary") * minimum).alias("G6_required"), "training_funds", "public_funds_budget",
        (pl.col("public_funds_budget") * params.f("Q4.min_training_share") / 100).alias("Q4_required"),
    )
    # Exact re-checks by cross-multiplication in Decimal: allocated ≥ min × norm; 100 × training ≥ share × budget.
    g6 = at_least(frame.select(pl.when("G6_applies").then("public_funds_allocated")).to_series(),
                  frame["G6_required"], lambda rows: [
                      (dec(r["public_funds_allocated"]), dec(r["per_pupil_norm_primary"]) * minimum)
                      for r in frame[rows].to_dicts()])
    share = params["Q4.min_training_share"]
    q4 = at_least(frame["training_funds"], frame["Q4_required"], lambda rows: [
        (dec(r["training_funds"]) * 100 * share.denominator, dec(r["public_funds_budget"]) * share.numerator)
        for r in frame[rows].to_dicts()])
    return frame.with_columns(pl.when(pl.col("G6_applies")).then(g6).otherwise(None).alias("G6"), q4.alias("Q4"))


IN_SCOPE_ITEMS = ("G3", "G4", "G5", "Q4")  # checked for the schools that form units


def _school_checks(schools: pl.DataFrame, rooms: pl.DataFrame | None, county: pl.DataFrame | None,
                   units: pl.DataFrame, params: Params) -> pl.DataFrame:
    """One row per school: G3 G4 G5 Q4 for the schools in scope; G6 for every small village school
    and 教学点, including those too small to be a unit (they are funded all the same)."""
    in_scope = pl.col("school_code").is_in(units["school_code"].unique().implode())
    checks = schools.select("year", "county_code", "county_name", "school_code", "school_name", "school_type",
                            "primary_max_class_size", "junior_max_class_size", in_scope.alias("in_scope"))
    for part in (_g3(schools, rooms, params), _g4_g5(schools, params), _funds_checks(schools, county, params)):
        checks = checks.join(part, on="school_code", how="left")
    return checks.with_columns(pl.when("in_scope").then(pl.col(item)).alias(item) for item in IN_SCOPE_ITEMS)


# ── county items: G Q S V ───────────────────────────────────────────────────────────────────


def _header(field_id: str) -> str:
    return COUNTY.field(field_id).header


class _CountyItems:
    """The county-level items of §1.4–§1.5, from one 县级指标 row (None when not supplied)."""

    def __init__(self, standard: Standard, params: Params, row: dict | None):
        self.standard, self.params, self.row = standard, params, row

    def item(self, item_id: str, passed: bool | None, value: Any = None, threshold: Any = None, note: str = "",
             **extra: Any) -> dict:
        return {"pass": passed, "name": self.standard.items.get(item_id, item_id),
                "value": _plain(value), "standard": _plain(threshold), "note": note, **extra}

    def missing(self, item_id: str, fields: Iterable[str]) -> dict | None:
        row = self.row
        if row is None:
            return self.item(item_id, None, note="未提供县级指标数据")
        for f in fields:
            if row.get(f) is None:
                absent = [f for f in fields if row.get(f) is None]
                return self.item(item_id, None, note="缺少数据：" + "、".join(_header(f) for f in absent))
        return None

    def declared(self, item_id: str, field_id: str) -> dict:
        return self.missing(item_id, [field_id]) or self.item(
            item_id, bool(self.row[field_id]), note="已确认" if self.row[field_id] else "县级自评为“否”")

    def rate(self, item_id: str, part: str | list[str], whole: str, minimum: Fraction) -> dict:
        """100 × part / whole ≥ minimum, for counts, in exact integer arithmetic."""
        parts = [part] if isinstance(part, str) else part
        absent = self.missing(item_id, [*parts, whole])
        if absent:
            return absent
        numerator, denominator = sum(self.row[p] for p in parts), self.row[whole]
        if denominator <= 0:
            return self.item(item_id, None, note=f"{_header(whole)}为 0，无法计算比例")
        passed = 100 * numerator * minimum.denominator >= minimum.numerator * denominator
        rate, limit = 100 * numerator / denominator, float(minimum)
        return self.item(item_id, passed, rate, limit, f"{rate:.2f}%（标准 {limit:g}%）")


def _plain(value: Any) -> Any:
    return float(value) if type(value) is Fraction else value


SCHOOL_ITEMS = {"G3": "in_scope", "G4": "in_scope", "G5": "in_scope", "G6": "G6_applies", "Q4": "in_scope"}
NAMES_SHOWN = 8


def _school_item_summaries(checks: pl.DataFrame | None) -> dict[str, dict[str, dict]]:
    """Per county and school item: how many schools it applies to, fail, lack data, and their names."""
    if checks is None:
        return {}
    outcomes = {}
    for item, applies in SCHOOL_ITEMS.items():
        relevant = pl.col(applies)
        outcomes[item] = {"relevant": relevant, "failing": relevant & (pl.col(item) == False),  # noqa: E712
                          "unknown": relevant & pl.col(item).is_null()}
    counts = checks.group_by("county_name").agg(
        expr.sum().alias(f"{item}|{kind}") for item, kinds in outcomes.items() for kind, expr in kinds.items())
    summaries = {row["county_name"]: {item: {
        "relevant": row[f"{item}|relevant"], "failing": row[f"{item}|failing"], "unknown": row[f"{item}|unknown"],
        "failing_names": [], "unknown_names": []} for item in SCHOOL_ITEMS} for row in counts.iter_rows(named=True)}
    for item, kinds in outcomes.items():
        for kind in ("failing", "unknown"):
            # one more name than shown, so that the note can say 等
            shown = checks.filter(kinds[kind]).group_by("county_name", maintain_order=True).head(NAMES_SHOWN + 1)
            for county, name in shown.select("county_name", "school_name").iter_rows():
                summaries[county][item][f"{kind}_names"].append(name)
    return summaries


def _names(names: list[str], count: int) -> str:
    return "、".join(names[:NAMES_SHOWN]) + ("等" if count > NAMES_SHOWN else "")


def _school_item(items: _CountyItems, item_id: str, summary: dict | None) -> dict:
    """A county item that every (applicable) school must pass: G3 G4 G5 G6 Q4."""
    s = summary or {"relevant": 0, "failing": 0, "unknown": 0, "failing_names": [], "unknown_names": []}
    passed = False if s["failing"] else (None if s["unknown"] else True)
    if s["failing"]:
        note = f"{s['failing']} 所学校未达标：{_names(s['failing_names'], s['failing'])}"
    elif s["unknown"]:
        note = f"{s['unknown']} 所学校缺少数据：{_names(s['unknown_names'], s['unknown'])}"
    else:
        note = f"{s['relevant']} 所学校均达标" if s["relevant"] else "无适用学校"
    return items.item(item_id, passed, s["failing"], 0, note, schools_failing=s["failing"],
                      schools_unknown=s["unknown"], schools=s["relevant"])


def _government(items: _CountyItems, checks: dict[str, dict], schools: dict) -> dict[str, dict]:
    p, row = items.params, items.row
    result = {
        "G1": items.declared("G1", "layout_ok"),
        "G2": items.declared("G2", "standards_unified"),
        "G3": _school_item(items, "G3", checks.get("G3")),
        "G4": _school_item(items, "G4", checks.get("G4")),
        "G5": _school_item(items, "G5", checks.get("G5")),
    }
    g6 = _school_item(items, "G6", checks.get("G6"))
    if g6["schools"] and (row is None or row.get("per_pupil_norm_primary") is None):
        g6 = items.missing("G6", ["per_pupil_norm_primary"])
    result["G6"] = g6
    g7 = items.missing("G7", ["special_school_funds", "special_school_students"])
    if g7 is None:
        students = row["special_school_students"]
        if students == 0:
            g7 = items.item("G7", None, note="特殊教育学校学生数为 0，无法计算生均公用经费")
        else:
            per_pupil = frac(row["special_school_funds"]) / students
            g7 = items.item("G7", per_pupil >= p["G7.min_per_pupil_funds"], per_pupil, p["G7.min_per_pupil_funds"],
                            f"生均 {float(per_pupil):.2f} 元（标准 {float(p['G7.min_per_pupil_funds']):g} 元）")
    result["G7"] = g7
    g8 = items.missing("G8", ["teacher_avg_pay", "civil_servant_avg_pay"])
    if g8 is None:
        ratio = frac(row["teacher_avg_pay"]) / frac(row["civil_servant_avg_pay"]) if row["civil_servant_avg_pay"] else None
        g8 = items.item("G8", None if ratio is None else ratio >= p["G8.min_pay_ratio"], row["teacher_avg_pay"],
                        row["civil_servant_avg_pay"],
                        f"教师 {row['teacher_avg_pay']:,.0f} 元，公务员 {row['civil_servant_avg_pay']:,.0f} 元")
    result["G8"] = g8
    result["G9"] = items.rate("G9", "teachers_trained_360h", "teachers_total", p["G9.min_rate"])
    result["G10"] = items.declared("G10", "staffing_unified")
    exchange = items.rate("G11", "exchanged", "exchange_eligible", p["G11.min_exchange_rate"])
    key_share = items.rate("G11", "exchanged_key", "exchanged", p["G11.min_key_share"])
    result["G11"] = items.item(
        "G11", all_of([exchange["pass"], key_share["pass"]]), exchange["value"], exchange["standard"],
        f"交流轮岗比例：{exchange['note']}；其中骨干教师比例：{key_share['note']}",
        key_share=key_share["value"], key_share_standard=key_share["standard"])
    result["G12"] = _certified(items, schools)
    primary = items.rate("G13", "zoned_primary_in_zone", "zoned_primary_students", p["G13.min_rate.primary"])
    junior = items.rate("G13", "zoned_junior_in_zone", "zoned_junior_students", p["G13.min_rate.junior"])
    result["G13"] = items.item("G13", all_of([primary["pass"], junior["pass"]]), primary["value"], primary["standard"],
                               f"小学：{primary['note']}；初中：{junior['note']}",
                               junior_value=junior["value"], junior_standard=junior["standard"])
    result["G14"] = items.rate("G14", "quality_hs_allocated", "quality_hs_plan", p["G14.min_rate"])
    result["G15"] = items.rate("G15", ["migrant_public", "migrant_purchased"], "migrant_eligible", p["G15.min_rate"])
    return result


def _certified(items: _CountyItems, schools: dict) -> dict:
    """G12 from the county sheet, or summed from the schools when every school reported it."""
    row, minimum = items.row, items.params["G12.min_rate"]
    if row is not None and row.get("certified_teachers_total") is not None and row.get("teachers_total"):
        return items.rate("G12", "certified_teachers_total", "teachers_total", minimum)
    if schools["certified_complete"] and schools["teachers"]:
        certified, teachers = schools["certified"], schools["teachers"]
        rate = Fraction(100 * certified, teachers)
        return items.item("G12", rate >= minimum, float(rate), float(minimum),
                          f"按学校汇总：持证 {certified} 人 / 专任教师 {teachers} 人 = {float(rate):.2f}%")
    return items.missing("G12", ["certified_teachers_total", "teachers_total"]) or items.item(
        "G12", None, note="缺少数据：持证专任教师数")


def _quality(items: _CountyItems, checks: dict[str, dict], monitoring: list[dict]) -> dict[str, dict]:
    p, row = items.params, items.row
    result = {}
    q1 = items.missing("Q1", ["q1_graduates", "q1_transfer_in", "q1_transfer_out", "q1_grade7_intake", "q1_deaths"])
    if q1 is None:
        cohort = row["q1_grade7_intake"] - row["q1_deaths"]
        kept = row["q1_graduates"] - row["q1_transfer_in"] + row["q1_transfer_out"]
        if cohort <= 0:
            q1 = items.item("Q1", None, note="三年前初一入学数为 0，无法计算巩固率")
        else:
            rate = Fraction(100 * kept, cohort)
            q1 = items.item("Q1", rate >= p["Q1.min_rate"], float(rate), float(p["Q1.min_rate"]),
                            f"巩固率 {float(rate):.2f}%（(毕业 {row['q1_graduates']} − 转入 {row['q1_transfer_in']} + 转出 "
                            f"{row['q1_transfer_out']}) / (入学 {row['q1_grade7_intake']} − 死亡 {row['q1_deaths']})）")
    result["Q1"] = q1
    result["Q2"] = items.rate("Q2", "disabled_enrolled", "disabled_school_age", p["Q2.min_rate"])
    result["Q3"] = items.declared("Q3", "charter_it_ok")
    result["Q4"] = _school_item(items, "Q4", checks.get("Q4"))
    for item_id, field_id in (("Q5", "it_teaching_ok"), ("Q6", "moral_culture_ok"), ("Q7", "curriculum_ok"),
                              ("Q8", "no_overload")):
        result[item_id] = items.declared(item_id, field_id)
    result["Q9"] = _monitoring(items, monitoring)
    return result


def _monitoring(items: _CountyItems, rows: list[dict]) -> dict:
    """Q9: every monitored subject at level Ⅲ or above and its 校际差异率 below 0.15."""
    if not rows:
        return items.item("Q9", None, note="未提供国家义务教育质量监测结果")
    min_level, max_gap = items.params["Q9.min_level"], items.params["Q9.max_gap_rate"]
    subjects, failing = {}, []
    for r in rows:
        ok = r["level"] >= min_level and typed_less(r["school_gap_rate"], max_gap)
        subjects[r["subject"]] = {"pass": ok, "level": r["level"], "school_gap_rate": r["school_gap_rate"]}
        if not ok:
            failing.append(f"{r['subject']}（{'ⅠⅡⅢⅣ'[r['level'] - 1]}级，差异率 {r['school_gap_rate']:g}）")
    note = ("未达标科目：" + "、".join(failing)) if failing else f"监测科目 {len(rows)} 科均达标"
    return items.item("Q9", not failing, None, None, note, subjects=subjects)


# ── the evaluation ─────────────────────────────────────────────────────────────────────────


@dataclass
class Evaluation:
    """The result of one evaluation; :meth:`to_dict` is the JSON contract of design.md."""

    standard: Standard
    dataset: Dataset
    units: pl.DataFrame
    excluded: pl.DataFrame
    stage_stats: pl.DataFrame
    school_checks: pl.DataFrame | None
    counties: list[dict]
    params_by_year: dict[int, Params]
    _problems: list[dict] | None = field(default=None, repr=False)
    _dict: dict | None = field(default=None, repr=False)

    @property
    def indicators(self) -> list[Indicator]:
        return indicators_of(self.standard)

    @property
    def problems(self) -> list[dict]:
        if self._problems is None:
            from junheng.problems import find_problems

            self._problems = find_problems(self)
        return self._problems

    def units_list(self) -> list[dict]:
        youzhi = self.standard.id == "youzhi-2017"
        out = []
        for row in self.units.iter_rows(named=True):
            indicators = {}
            for ind in self.indicators:
                entry = {"value": row[f"{ind.id}_value"]}
                if youzhi:
                    entry.update(standard=row[f"{ind.id}_standard"], floor=row[f"{ind.id}_floor"],
                                 met=row[f"{ind.id}_met"], floor_met=row[f"{ind.id}_floor_met"])
                indicators[ind.id] = entry
            out.append({
                "school_code": row["school_code"], "school_name": row["school_name"],
                "county_code": row["county_code"], "county_name": row["county_name"], "year": row["year"],
                "stage": row["stage"], "school_type": row["school_type"], "students": row["students"],
                "share": row["share"], "indicators": indicators,
                "met_count": row["met_count"] if youzhi else None,
                "compliant": row["compliant"] if youzhi else None,
            })
        return out

    def schools_list(self) -> list[dict]:
        if self.school_checks is None:
            return []
        out = []
        for c in self.school_checks.iter_rows(named=True):
            if not (c["in_scope"] or c["G6_applies"]):
                continue
            checks = {} if not c["in_scope"] else {
                "G3": {"pass": c["G3"], "classes": c["classes"], "rooms_required": c["rooms_required"],
                       "music_rooms": c["music_rooms"], "art_rooms": c["art_rooms"],
                       "music_rooms_total": c["music_rooms_total"], "art_rooms_total": c["art_rooms_total"],
                       "music_min_area": c["music_min_area"], "art_min_area": c["art_min_area"]},
                "G4": {"pass": c["G4"], "students": c["compulsory_students"], "limit": c["size_limit"]},
                "G5": {"pass": c["G5"], "primary_max_class_size": c["primary_max_class_size"],
                       "junior_max_class_size": c["junior_max_class_size"]},
                "Q4": {"pass": c["Q4"], "training_funds": c["training_funds"], "budget": c["public_funds_budget"]},
            }
            if c["G6_applies"]:
                checks["G6"] = {"pass": c["G6"], "allocated": c["public_funds_allocated"], "required": c["G6_required"]}
            out.append({"school_code": c["school_code"], "school_name": c["school_name"], "county_code": c["county_code"],
                        "county_name": c["county_name"], "year": c["year"], "checks": checks})
        return out

    def to_dict(self) -> dict:
        """The JSON contract, built once: every face of one run (JSON, 测算表, 问题清单, report) reads
        the same dict, so treat it as read-only."""
        if self._dict is None:
            self._dict = self._build_dict()
        return self._dict

    def _build_dict(self) -> dict:
        return {
            "standard": self.standard.id,
            "standard_name": self.standard.label,
            "counties": self.counties,
            "units": self.units_list(),
            "excluded": [{k: r[k] for k in ("school_code", "school_name", "county_code", "county_name", "year", "stage",
                                            "reason")}
                         for r in self.excluded.iter_rows(named=True)],
            "schools": self.schools_list(),
            "problems": self.problems,
        }


def _normalise_county_codes(frame: pl.DataFrame) -> pl.DataFrame:
    """One code per county and year (the first given), so a blank cell does not split a county."""
    return frame.with_columns(pl.col("county_code").drop_nulls().first().over(COUNTY_KEY).alias("county_code"))


def evaluate(dataset: Dataset, standard: Standard) -> Evaluation:
    """Evaluate every county and year in ``dataset`` against ``standard``."""
    inds = indicators_of(standard)
    schools = _normalise_county_codes(dataset.schools)
    unit_parts, excluded_parts, stat_parts, check_parts, counties, params_by_year = [], [], [], [], [], {}
    for year in sorted(schools["year"].unique().to_list()):
        params = params_by_year[year] = standard.at(year)
        these = schools.filter(pl.col("year") == year)
        units, excluded = build_units(these, params)
        units = _unit_verdicts(units, inds, params, standard)
        stats = _stage_stats(units, inds, params, standard)
        composites = _composites(stats, units, params, standard)
        county = _for_year(dataset.county, year)
        checks = None
        if standard.id == "youzhi-2017":
            checks = _school_checks(these, _rooms_reported(dataset.rooms, year), county, units, params)
            check_parts.append(checks)
        counties += _counties(standard, params, year, these, units, stats, composites, checks, county,
                              _for_year(dataset.monitoring, year))
        unit_parts.append(units)
        excluded_parts.append(excluded)
        stat_parts.append(stats)
    return Evaluation(
        standard=standard, dataset=dataset,
        units=pl.concat(unit_parts, how="diagonal_relaxed"),
        excluded=pl.concat(excluded_parts, how="diagonal_relaxed"),
        stage_stats=pl.concat(stat_parts, how="diagonal_relaxed"),
        school_checks=pl.concat(check_parts, how="diagonal_relaxed") if check_parts else None,
        counties=counties, params_by_year=params_by_year,
    )


def _rooms_reported(rooms: pl.DataFrame | None, year: int) -> pl.DataFrame | None:
    """The year's 专用教室 rows; none at all means the sheet was left blank (G3 not assessed), since
    a county where no school has a single music or art room is not a real case."""
    rooms = _for_year(rooms, year)
    return rooms if rooms is not None and rooms.height else None


def _for_year(frame: pl.DataFrame | None, year: int) -> pl.DataFrame | None:
    return None if frame is None else frame.filter(pl.col("year") == year)


def _group_rows(frame: pl.DataFrame | None, key: str = "county_name") -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    if frame is not None:
        for row in frame.iter_rows(named=True):
            groups.setdefault(row[key], []).append(row)
    return groups


def _school_summaries(schools: pl.DataFrame) -> dict[str, dict]:
    """Per county: its code, and the teacher totals G12 falls back on."""
    teachers = pl.col("primary_teachers").fill_null(0) + pl.col("junior_teachers").fill_null(0)
    frame = schools.group_by("county_name").agg(
        pl.col("county_code").first(),
        (pl.col("certified_teachers").null_count() == 0).alias("certified_complete"),
        pl.col("certified_teachers").sum().alias("certified"),
        teachers.sum().alias("teachers"),
    )
    return {row["county_name"]: row for row in frame.iter_rows(named=True)}


def _unit_summaries(units: pl.DataFrame, youzhi: bool) -> dict[tuple[str, str], dict]:
    compliant = pl.col("compliant") if youzhi else pl.lit(True)
    frame = units.group_by("county_name", "stage").agg(pl.len().alias("units"), compliant.sum().alias("compliant"))
    summaries = {(row["county_name"], row["stage"]): {**row, "failing": []} for row in frame.iter_rows(named=True)}
    for county, stage, name in units.filter(~compliant).select("county_name", "stage", "school_name").iter_rows():
        summaries[(county, stage)]["failing"].append(name)
    return summaries


def _counties(standard: Standard, params: Params, year: int, schools: pl.DataFrame, units: pl.DataFrame,
              stats: pl.DataFrame, composites: dict, checks: pl.DataFrame | None, county: pl.DataFrame | None,
              monitoring: pl.DataFrame | None) -> list[dict]:
    youzhi = standard.id == "youzhi-2017"
    stats_by = _stats_by_stage(stats)
    units_by = _unit_summaries(units, youzhi)
    checks_by = _school_item_summaries(checks)
    county_by = _group_rows(county)
    monitoring_by = _group_rows(monitoring)
    result = []
    for name, facts in sorted(_school_summaries(schools).items()):
        stages = {}
        for stage in standard.stages:
            stages[stage] = _stage_entry(standard, stats_by.get((name, stage), []), units_by.get((name, stage)),
                                         composites.get((year, name, stage), {}))
        county_rows = county_by.get(name, [])
        entry = {"year": year, "county_code": facts["county_code"], "county_name": name, "stages": stages}
        if youzhi:
            entry["unit_rule"] = {"floor_ratio": float(params["unit.floor_ratio"]),
                                  "min_indicators_met": int(params["unit.min_indicators_met"])}
            items = _CountyItems(standard, params, county_rows[0] if county_rows else None)
            entry.update(_youzhi_areas(items, stages, checks_by.get(name, {}), facts, monitoring_by.get(name, []), year))
        else:
            resource = all_of(s["pass"] for s in stages.values() if s["applicable"]) if any(
                s["applicable"] for s in stages.values()) else None
            entry["areas"] = {"resource": {"pass": resource}}
            entry["verdict"] = {"pass": resource is True, "reasons": _jiben_reasons(stages)}
        result.append(entry)
    return result


def _stats_by_stage(stats: pl.DataFrame) -> dict[tuple[str, str], list[dict]]:
    """The stats rows of each county and 学段, in the standard's indicator order."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    columns = stats.columns
    for values in stats.iter_rows():
        row = dict(zip(columns, values, strict=True))
        grouped.setdefault((row["county_name"], row["stage"]), []).append(row)
    return grouped


def _stage_entry(standard: Standard, stats: list[dict], units: dict | None, composite: dict) -> dict:
    if not units:
        return {"units": 0, "students": 0, "applicable": False, "indicators": {}, "composite_cv": None, "pass": None,
                "note": "无评估单元（不适用）"}
    youzhi = standard.id == "youzhi-2017"
    indicators = {}
    for s in stats:
        entry = {"mean": s["mean"], "sd": s["sd"] if s["mean"] is not None else None, "cv": s["cv"]}
        if youzhi:
            entry.update(cv_max=s["cv_max"], cv_pass=s["cv_pass"], units_meeting=s["units_meeting"],
                         units_at_floor=s["units_at_floor"])
        indicators[s["indicator"]] = entry
    out = {"units": units["units"], "students": stats[0]["students"], "applicable": True,
           "indicators": indicators, **composite}
    if youzhi:
        out["units_compliant"] = units["compliant"]
        out["failing_units"] = units["failing"]
        out["pass"] = all_of([units["compliant"] == units["units"], *(e["cv_pass"] for e in indicators.values())])
    return out


def _youzhi_areas(items: _CountyItems, stages: dict, checks: dict[str, dict], schools: dict,
                  monitoring: list[dict], year: int) -> dict:
    applicable = [s for s in stages.values() if s["applicable"]]
    resource = all_of(s["pass"] for s in applicable) if applicable else None
    government = _government(items, checks, schools)
    quality = _quality(items, checks, monitoring)
    recognition = items.missing("S1", ["recognition_rate"]) or items.item(
        "S1", not typed_less(items.row["recognition_rate"], items.params["S1.min_rate"]), items.row["recognition_rate"],
        float(items.params["S1.min_rate"]), f"{items.row['recognition_rate']:g}%（标准 {float(items.params['S1.min_rate']):g}%）")
    veto_fields = {"V1": "veto_exam_admission", "V2": "veto_school_choice", "V3": "veto_key_schools",
                   "V4": "veto_unfilled_posts", "V5": "veto_major_incident", "V6": "veto_fraud"}
    veto = {v: (None if items.row is None else items.row.get(f)) for v, f in veto_fields.items()}
    prerequisite = _prerequisite(items, year)
    areas = {
        "resource": {"pass": resource},
        "government": {"pass": all_of(i["pass"] for i in government.values()), "items": government},
        "quality": {"pass": all_of(i["pass"] for i in quality.values()), "items": quality},
        "recognition": {"pass": recognition["pass"], **{k: v for k, v in recognition.items() if k != "pass"}},
    }
    no_veto = all_of(None if v is None else not v for v in veto.values())
    passed = all_of([resource, areas["government"]["pass"], areas["quality"]["pass"], recognition["pass"], no_veto,
                     prerequisite["pass"]])
    reasons = _youzhi_reasons(items.standard, stages, areas, veto, prerequisite)
    return {"areas": areas, "veto": veto, "prerequisite": prerequisite,
            "verdict": {"pass": passed is True, "reasons": reasons}}


def _prerequisite(items: _CountyItems, year: int) -> dict:
    absent = items.missing("prerequisite", ["basic_balance_year"])
    if absent:
        return {"pass": None, "basic_balance_year": None, "note": absent["note"]}
    years = year - items.row["basic_balance_year"]
    minimum = int(items.params["prerequisite.min_years_after_basic"])
    return {"pass": years >= minimum, "basic_balance_year": items.row["basic_balance_year"],
            "note": f"{items.row['basic_balance_year']} 年通过基本均衡认定，至 {year} 年满 {years} 年（须满 {minimum} 年）"}


def _cv_text(cv: float) -> str:
    return f"{cv:.3f}"


def _youzhi_reasons(standard: Standard, stages: dict, areas: dict, veto: dict, prerequisite: dict) -> list[str]:
    reasons = []
    for stage, s in stages.items():
        if not s["applicable"]:
            continue
        zh = STAGE_ZH[stage]
        for ind_id, e in s["indicators"].items():
            name = standard.indicators[ind_id].name
            if e["cv_pass"] is False:
                reasons.append(f"{zh}{ind_id}（{name}）差异系数 {_cv_text(e['cv'])} 超过 {e['cv_max']:.2f}")
            elif e["cv_pass"] is None:
                reasons.append(f"{zh}{ind_id}（{name}）差异系数无法计算（数据缺失或全县平均值为 0）")
        failing = s["units"] - s["units_compliant"]
        if failing:
            names = "、".join(s["failing_units"][:5]) + ("等" if failing > 5 else "")
            reasons.append(f"{zh} {failing} 个评估单元资源配置未达标：{names}")
    for area in ("government", "quality"):
        for item_id, item in areas[area]["items"].items():
            if item["pass"] is False:
                reasons.append(f"{item_id} 未达标：{item['note']}")
            elif item["pass"] is None:
                reasons.append(f"{item_id} 未评估：{item['note']}")
    recognition = areas["recognition"]
    if recognition["pass"] is False:
        reasons.append(f"S1 社会认可度未达标：{recognition['note']}")
    elif recognition["pass"] is None:
        reasons.append(f"S1 社会认可度未评估：{recognition['note']}")
    for v, present in veto.items():
        if present:
            reasons.append(f"一票否决：{v} {standard.items[v]}")
        elif present is None:
            reasons.append(f"{v}（{standard.items[v]}）未填报")
    if prerequisite["pass"] is False:
        reasons.append(f"申报条件不满足：{prerequisite['note']}")
    elif prerequisite["pass"] is None:
        reasons.append(f"申报条件未核实：{prerequisite['note']}")
    return reasons


def _jiben_reasons(stages: dict) -> list[str]:
    reasons = []
    for stage, s in stages.items():
        if not s["applicable"]:
            continue
        zh = STAGE_ZH[stage]
        if s["pass"] is False:
            reasons.append(f"{zh}综合差异系数 {_cv_text(s['composite_cv'])} 超过 {s['composite_cv_max']:.2f}")
        elif s["pass"] is None:
            missing = "、".join(k for k, e in s["indicators"].items() if e["cv"] is None)
            reasons.append(f"{zh}综合差异系数无法计算：{missing} 数据缺失或全县平均值为 0")
    return reasons

