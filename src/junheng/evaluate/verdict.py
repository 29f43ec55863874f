"""The county result: 学段 entries, the areas, the veto items, the prerequisite and the verdict.

What is judged comes from the standard's ``judges`` (standard.md §1: 资源配置 + the areas' items +
no veto + the prerequisite; §2: the 综合差异系数 only). Every area carries ``status`` and a Chinese
``note``; an item or 学段 that is not applicable does not block and is not a reason.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from junheng.outcome import (
    MET,
    NOT_APPLICABLE,
    NOT_ASSESSED,
    NOT_MET,
    PASS_OF,
    RANK,
    combine_expr,
    outcome,
    rank_expr,
    status_of_rank,
)
from junheng.schema import AREA_ZH, STAGE_ZH
from junheng.standards import Params, Standard

from .county_items import COUNTY_KEY, RULES, VETO_FIELDS
from .variation import STAGE_KEY


def stage_statuses(units: pl.DataFrame, stats: pl.DataFrame, composite: dict, standard: Standard) -> pl.DataFrame:
    """Per county × 学段 with units: the status of its 资源配置 (every unit 达标 under a per-unit rule;
    each CV, or the 综合 CV, within its maximum), column-wise."""
    judges = standard.judges
    parts = [units.group_by(STAGE_KEY).agg(pl.lit(RANK[MET]).alias("rank"))]
    if judges.unit_rule:
        parts.append(units.group_by(STAGE_KEY).agg(rank_expr(pl.col("compliant")).max().alias("rank")))
    if judges.cv_test == "per_indicator":
        parts.append(stats.group_by(STAGE_KEY).agg(rank_expr(pl.col("cv_pass")).max().alias("rank")))
    else:
        rows = [{"year": y, "county_id": c, "stage": st, "pass": e.get("pass")} for (y, c, st), e in composite.items()]
        frame = pl.DataFrame(rows, schema={"year": pl.Int64, "county_id": pl.Utf8, "stage": pl.Utf8, "pass": pl.Boolean})
        parts.append(frame.select(*STAGE_KEY, rank_expr(pl.col("pass")).alias("rank")))
    ranks = pl.concat([p.select(*STAGE_KEY, pl.col("rank").cast(pl.Int32)) for p in parts])
    return ranks.group_by(STAGE_KEY).agg(pl.col("rank").max()).with_columns(status_of_rank(pl.col("rank")).alias("status"))


def county_verdicts(frame: pl.DataFrame, stages: pl.DataFrame, standard: Standard, params: Params) -> pl.DataFrame:
    """The county-items frame with ``resource_status``, ``{area}_status``, ``prerequisite_status`` and
    ``verdict_status``, column-wise: one failure fails, else one unknown is unknown (§1: all areas,
    no veto item, the prerequisite)."""
    judges = standard.judges
    resource = stages.group_by(COUNTY_KEY).agg(pl.col("rank").max().alias("resource_rank"))
    frame = frame.join(resource, on=list(COUNTY_KEY), how="left").with_columns(
        pl.col("resource_rank").fill_null(RANK[NOT_ASSESSED]))  # no unit at all: nothing shows the county passes
    ranks = [pl.col("resource_rank")]
    statuses = [status_of_rank(pl.col("resource_rank")).alias("resource_status")]
    for area, item_ids in judges.areas.items():
        area_status = combine_expr(*(pl.col(f"{item}_status") for item in item_ids))
        statuses.append(area_status.alias(f"{area}_status"))
        ranks.append(area_status.replace_strict(RANK, return_dtype=pl.Int32))
    for veto in judges.veto:
        present = pl.col(VETO_FIELDS[veto])
        ranks.append(pl.when(~pl.col("has_row")).then(RANK[NOT_ASSESSED]).otherwise(rank_expr(~present)))
    if judges.prerequisite:
        years = pl.col("year") - pl.col("basic_balance_year")
        prerequisite = pl.when(~pl.col("has_row")).then(RANK[NOT_ASSESSED]).otherwise(
            rank_expr(years >= int(params["prerequisite.min_years_after_basic"])))
        statuses.append(status_of_rank(prerequisite).alias("prerequisite_status"))
        ranks.append(prerequisite)
    return frame.with_columns(*statuses, status_of_rank(pl.max_horizontal(ranks)).alias("verdict_status"))


def stage_indicators(stats: pl.DataFrame, standard: Standard) -> dict[tuple[str, str], tuple[int, dict[str, dict]]]:
    """Each county and 学段's students and indicator entries, in the standard's indicator order: only
    the columns the JSON contract writes are read, one tuple per row, no per-row dict of the frame."""
    judges = standard.judges
    names = ("mean", "sd", "cv", *(("cv_max", "cv_pass") if judges.cv_test == "per_indicator" else ()),
             *(("units_meeting", "units_at_floor") if judges.unit_rule else ()))
    frame = stats.select("county_id", "stage", "students", "indicator", "mean",
                         pl.when(pl.col("mean").is_not_null()).then(pl.col("sd")).alias("sd"), *names[2:])
    grouped: dict[tuple[str, str], tuple[int, dict[str, dict]]] = {}
    for county, stage, students, indicator, *values in frame.iter_rows():
        key = (county, stage)
        if key not in grouped:
            grouped[key] = (students, {})
        grouped[key][1][indicator] = dict(zip(names, values, strict=True))
    return grouped


def unit_summaries(units: pl.DataFrame, unit_rule: bool) -> dict[tuple[str, str], dict]:
    compliant = pl.col("compliant") if unit_rule else pl.lit(True)
    frame = units.group_by("county_id", "stage").agg(pl.len().alias("units"), compliant.sum().alias("compliant"))
    summaries = {(row["county_id"], row["stage"]): {**row, "failing": []} for row in frame.iter_rows(named=True)}
    for county, stage, name in units.filter(~compliant).select("county_id", "stage", "school_name").iter_rows():
        summaries[(county, stage)]["failing"].append(name)
    return summaries


def stage_entry(standard: Standard, indicators: tuple[int, dict[str, dict]] | None, units: dict | None,
                composite: dict, status: str | None) -> dict:
    """One 学段's entry from its :func:`stage_indicators` (students, indicator entries) and units."""
    if not units:
        return {"units": 0, "students": 0, "applicable": False, "indicators": {}, "composite_cv": None, "pass": True,
                "status": NOT_APPLICABLE, "note": "无评估单元（不适用）"}
    judges = standard.judges
    per_indicator = judges.cv_test == "per_indicator"
    students, entries = indicators
    out = {"units": units["units"], "students": students, "applicable": True, "indicators": entries, **composite}
    if judges.unit_rule:
        out["units_compliant"] = units["compliant"]
        out["failing_units"] = units["failing"]
    out["pass"] = PASS_OF[status]
    out["status"] = status
    out["note"] = _stage_note(out, per_indicator, judges.unit_rule)
    return out


def _stage_note(stage: dict, per_indicator: bool, unit_rule: bool) -> str:
    parts = []
    if unit_rule:
        parts.append(f"{stage['units_compliant']}/{stage['units']} 个评估单元达标")
    if per_indicator:
        judged = [e["cv_pass"] for e in stage["indicators"].values()]
        parts.append(f"差异系数 {sum(1 for p in judged if p)}/{len(judged)} 项达标")
    elif stage["composite_cv"] is not None:
        parts.append(f"综合差异系数 {stage['composite_cv']:.3f}（上限 {stage['composite_cv_max']:.2f}）")
    else:
        parts.append("综合差异系数无法计算")
    return "，".join(parts)


def _resource(stages: dict, status: str) -> dict:
    if not any(e["applicable"] for e in stages.values()):
        return outcome(status, "无评估单元")
    note = "；".join(f"{STAGE_ZH[s]}：{e['note']}" for s, e in stages.items())
    return outcome(status, note)


def item_entry(row: dict, item: str, params: Params, names: dict[str, str]) -> dict:
    rule = RULES[item]
    status = row[f"{item}_status"]
    return {"pass": PASS_OF[status], "status": status, "name": names[item],
            "value": row[f"{item}_value"], "standard": row[f"{item}_standard"],
            "note": rule.note(row, item, params), **rule.extras(row, item)}


def _area(items: dict[str, dict], status: str) -> dict:
    counts = {s: sum(1 for i in items.values() if i["status"] == s) for s in (MET, NOT_MET, NOT_ASSESSED, NOT_APPLICABLE)}
    words = {MET: "达标", NOT_MET: "未达标", NOT_ASSESSED: "未评估", NOT_APPLICABLE: "不适用"}
    note = f"{len(items)} 项中" + "、".join(f"{n} 项{words[s]}" for s, n in counts.items() if n)
    return {"pass": PASS_OF[status], "status": status, "note": note, "items": items}


def _prerequisite(row: dict, params: Params) -> dict:
    status = row["prerequisite_status"]
    if not row["has_row"] or row["basic_balance_year"] is None:
        return {"pass": None, "status": status, "basic_balance_year": None,
                "note": "未提供县级指标数据" if not row["has_row"] else "缺少数据：基本均衡认定年份"}
    year, recognised = row["year"], row["basic_balance_year"]
    minimum = int(params["prerequisite.min_years_after_basic"])
    return {"pass": PASS_OF[status], "status": status, "basic_balance_year": recognised,
            "note": f"{recognised} 年通过基本均衡认定，至 {year} 年满 {year - recognised} 年（须满 {minimum} 年）"}


def county_entry(standard: Standard, params: Params, row: dict, stages: dict, names: dict[str, str]) -> dict:
    """One county's result from its row of the county-items frame and its 学段 entries; ``names`` are
    the items' wordings with the year's parameters (:meth:`Params.item_names`)."""
    judges = standard.judges
    entry: dict[str, Any] = {"year": row["year"], "county_code": row["county_code"], "county_name": row["county_name"],
                             "stages": stages}
    if judges.unit_rule:
        entry["unit_rule"] = {"floor_ratio": float(params["unit.floor_ratio"]),
                              "min_indicators_met": int(params["unit.min_indicators_met"])}
    areas = {"resource": _resource(stages, row["resource_status"])}
    for area, item_ids in judges.areas.items():
        items = {item: item_entry(row, item, params, names) for item in item_ids}
        if len(items) == 1:  # an area of one item (社会认可度) is that item
            (only,) = items.values()
            areas[area] = dict(only)
        else:
            areas[area] = _area(items, row[f"{area}_status"])
    entry["areas"] = areas
    if judges.veto:
        entry["veto"] = {v: (row[VETO_FIELDS[v]] if row["has_row"] else None) for v in judges.veto}
    if judges.prerequisite:
        entry["prerequisite"] = _prerequisite(row, params)
    status = row["verdict_status"]
    entry["verdict"] = {"pass": PASS_OF[status] is True, "status": status,
                        "reasons": reasons(standard, names, entry)}
    return entry


def _cv_text(cv: float) -> str:
    return f"{cv:.3f}"


def reasons(standard: Standard, names: dict[str, str], county: dict) -> list[str]:
    """Every failing or unassessed part of the verdict, in Chinese; not applicable parts are none."""
    out = []
    per_indicator = standard.judges.cv_test == "per_indicator"
    for stage, s in county["stages"].items():
        if not s["applicable"]:
            continue
        zh = STAGE_ZH[stage]
        if per_indicator:
            for ind_id, e in s["indicators"].items():
                name = standard.indicators[ind_id].name
                if e["cv_pass"] is False:
                    out.append(f"{zh}{ind_id}（{name}）差异系数 {_cv_text(e['cv'])} 超过 {e['cv_max']:.2f}")
                elif e["cv_pass"] is None:
                    out.append(f"{zh}{ind_id}（{name}）差异系数无法计算（数据缺失或全县平均值为 0）")
        elif s["pass"] is False:
            out.append(f"{zh}综合差异系数 {_cv_text(s['composite_cv'])} 超过 {s['composite_cv_max']:.2f}")
        elif s["pass"] is None:
            missing = "、".join(k for k, e in s["indicators"].items() if e["cv"] is None)
            out.append(f"{zh}综合差异系数无法计算：{missing} 数据缺失或全县平均值为 0")
        failing = s["units"] - s.get("units_compliant", s["units"])
        if failing:
            shown = "、".join(s["failing_units"][:5]) + ("等" if failing > 5 else "")
            out.append(f"{zh} {failing} 个评估单元资源配置未达标：{shown}")
    for area, item_ids in standard.judges.areas.items():
        info = county["areas"][area]
        items = info["items"] if "items" in info else {item_ids[0]: info}
        label = "" if "items" in info else AREA_ZH.get(area, "")
        for item_id, item in items.items():
            if item["status"] == NOT_MET:
                out.append(f"{item_id} {label}未达标：{item['note']}")
            elif item["status"] == NOT_ASSESSED:
                out.append(f"{item_id} {label}未评估：{item['note']}")
    for v, present in county.get("veto", {}).items():
        if present:
            out.append(f"一票否决：{v} {names[v]}")
        elif present is None:
            out.append(f"{v}（{names[v]}）未填报")
    prerequisite = county.get("prerequisite")
    if prerequisite and prerequisite["status"] == NOT_MET:
        out.append(f"申报条件不满足：{prerequisite['note']}")
    elif prerequisite and prerequisite["status"] == NOT_ASSESSED:
        out.append(f"申报条件未核实：{prerequisite['note']}")
    return out
