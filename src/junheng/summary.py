"""The readable Chinese summary ``junheng evaluate`` prints.

One county: the verdict, each area, each 差异系数 against its maximum, units compliant, the failing
units and the reasons. Many counties: one line per county and the totals. Figures are rounded as
the official tables print them (means 2 decimals, CVs 3); verdicts come from unrounded values.
"""

from __future__ import annotations

import polars as pl

from junheng.schema import AREA_ZH, STAGE_ZH, outcome_zh, verdict_zh

DETAIL_LIMIT = 3  # up to this many counties are shown in full
FAILING_UNITS_SHOWN = 20

def _title(evaluation, county: dict) -> str:
    return f"{county['county_name']}（{county['county_code'] or '无代码'}）{county['year']} 年 · {evaluation.standard.label}"


def _stage_lines(evaluation, county: dict) -> list[str]:
    judges = evaluation.standard.judges
    unit_rule, per_indicator = judges.unit_rule, judges.cv_test == "per_indicator"
    lines = []
    for stage, s in county["stages"].items():
        zh = STAGE_ZH[stage]
        if not s["applicable"]:
            lines.append(f"{zh}：无评估单元（不适用）")
            continue
        head = f"{zh}：{s['units']} 个评估单元，在校生 {s['students']:,} 人"
        if unit_rule:
            head += f"，资源配置达标单元 {s['units_compliant']} 个"
        lines.append(head + f" —— {outcome_zh(s)}")
        lines.append("  指标  全县平均值    差异系数   " + ("上限   判定" if per_indicator else ""))
        for ind_id, e in s["indicators"].items():
            decimals = evaluation.standard.indicators[ind_id].decimals
            mean = "—" if e["mean"] is None else f"{e['mean']:.{decimals}f}"
            cv = "—" if e["cv"] is None else f"{e['cv']:.3f}"
            row = f"  {ind_id:<4}{mean:>11}{cv:>12}"
            if per_indicator:
                row += f"   ≤{e['cv_max']:.2f}  {verdict_zh(e['cv_pass'])}"
            lines.append(row)
        composite = "—" if s["composite_cv"] is None else f"{s['composite_cv']:.3f}"
        limit = f"（上限 {s['composite_cv_max']:.2f}）" if "composite_cv_max" in s else "（仅供参考，不作判定）"
        lines.append(f"  综合差异系数 {composite}{limit}")
        failing = s.get("failing_units") or []
        if failing:
            shown = "、".join(failing[:FAILING_UNITS_SHOWN])
            more = f" 等 {len(failing)} 个" if len(failing) > FAILING_UNITS_SHOWN else ""
            lines.append(f"  未达标单元：{shown}{more}")
    return lines


def _county_detail(evaluation, county: dict) -> list[str]:
    verdict = county["verdict"]
    lines = [_title(evaluation, county), f"结论：{'通过' if verdict['pass'] else '未通过'}"]
    areas = county.get("areas", {})
    if "government" in areas:
        parts = [f"{AREA_ZH[a]} {outcome_zh(areas[a])}" for a in AREA_ZH if a in areas]
        veto = [v for v, present in county["veto"].items() if present]
        parts.append("一票否决 " + ("、".join(veto) if veto else "无"))
        lines.append("  " + " | ".join(parts))
    lines += _stage_lines(evaluation, county)
    not_applicable = [f"{item_id}（{item['note']}）" for area in areas.values()
                      for item_id, item in (area.get("items") or {}).items() if item.get("status") == "not_applicable"]
    if not_applicable:
        lines.append("不适用（不影响结论）：" + "；".join(not_applicable))
    if verdict["reasons"]:
        lines.append("未通过或未评估的原因：")
        lines += [f"  - {reason}" for reason in verdict["reasons"]]
    return lines


def _county_table(evaluation) -> list[str]:
    """One line per county, read from the evaluation's frames (no per-county dicts at national scale)."""
    key = ["year", "county_id"]
    results = evaluation.county_results
    worst = (evaluation.stage_stats.group_by(*key, "stage").agg(pl.col("cv").max())
             .pivot(on="stage", index=key, values="cv"))
    units = evaluation.units
    failing = (units.filter(pl.col("compliant") == False).group_by(key).agg(pl.len().alias("failing"))  # noqa: E712
               if "compliant" in units.columns else pl.DataFrame(schema={"year": pl.Int64, "county_id": pl.Utf8}))
    table = results.join(worst, on=key, how="left", maintain_order="left").join(
        failing, on=key, how="left", maintain_order="left")
    lines = [f"{evaluation.standard.label}：{results.height} 个县（区）",
             "年度  县(区)        结论    小学最大差异系数  初中最大差异系数  未达标单元"]
    for row in table.iter_rows(named=True):
        cvs = [f"{row[stage]:.3f}" if row.get(stage) is not None else "—" for stage in ("primary", "junior")]
        verdict = "通过" if row["verdict_status"] in ("met", "not_applicable") else "未通过"
        lines.append(f"{row['year']}  {row['county_name']:<10}  {verdict:<4}  "
                     f"{cvs[0]:>14}  {cvs[1]:>16}  {row.get('failing') or 0:>8}")
    passed = results.filter(pl.col("verdict_status").is_in(["met", "not_applicable"])).height
    lines.append(f"合计：{passed} 个县（区）通过，{results.height - passed} 个未通过")
    return lines


def render(evaluation) -> str:
    excluded = evaluation.excluded.height
    if evaluation.county_results.height <= DETAIL_LIMIT:
        text = "\n\n".join("\n".join(_county_detail(evaluation, c)) for c in evaluation.counties)
    else:
        text = "\n".join(_county_table(evaluation))
    units = evaluation.units.height
    return text + f"\n\n评估单元 {units:,} 个；不纳入评估的学校或学段 {excluded:,} 个（原因见 JSON 的 excluded）。"
