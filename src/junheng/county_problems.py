"""County-level problems: what the county itself fails, for the bureau to rectify.

The engine's problem list names schools (their indicators, rooms, class sizes…). A county can
also fail on its own: a 政府保障程度 or 教育质量 item judged on county figures (G7 特殊教育
生均公用经费, G11 交流轮岗…), an indicator's 差异系数 above its maximum, the 社会认可度 survey,
a 一票否决 situation or the creation prerequisite. Those are the bureau's problems (教督〔2017〕6号
第四章、第五章; /work/shared/spec/standard.md). They are read here from ``Evaluation.to_dict()``
so that every face (web 问题清单, exports) shares one list.

Items that fail because of named schools (``schools_failing``, e.g. G3, G4, G5, Q4) are not
repeated: each failing school already has its own problem.
"""

from __future__ import annotations

from typing import Any

from junheng.schema import STAGE_ZH

COUNTY_KINDS = {
    "county_item": "县级评估项目未达标",
    "cv_above_max": "差异系数超过标准",
    "veto": "存在一票否决情形",
    "prerequisite": "不具备申报前提",
}


def _problem(county: dict, item: str, kind: str, message: str, *, stage: str | None = None,
             value: Any = None, standard: Any = None, shortfall: Any = None, unit: str = "") -> dict:
    return {"school_code": None, "school_name": None, "county_code": county.get("county_code"),
            "county_name": county.get("county_name"), "year": county.get("year"), "stage": stage,
            "item": item, "kind": kind, "value": value, "standard": standard, "shortfall": shortfall,
            "school_shortfall": None, "unit": unit, "blocking": True, "message": message, "level": "county"}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def county_problems(result: dict) -> list[dict]:
    """The county-level problems of every county in an evaluation's ``to_dict()``."""
    problems = []
    for county in result.get("counties", []):
        for area in county.get("areas", {}).values():
            items = area.get("items")
            if items is None and "name" in area:  # an area judged as one item (社会认可度)
                items = {"社会认可度": area}
            for item_id, item in (items or {}).items():
                if item.get("pass") is not False or "schools_failing" in item:
                    continue
                note = item.get("note") or ""
                problems.append(_problem(
                    county, item_id, "county_item",
                    f"{item_id} {item.get('name', '')}：未达标" + (f"（{note}）" if note else ""),
                    value=item.get("value"), standard=item.get("standard")))
        for stage, data in county.get("stages", {}).items():
            for ind_id, ind in (data.get("indicators") or {}).items():
                if ind.get("cv_pass") is not False:
                    continue
                cv, cv_max = ind.get("cv"), ind.get("cv_max")
                over = cv - cv_max if _number(cv) and _number(cv_max) else None
                problems.append(_problem(
                    county, ind_id, "cv_above_max",
                    f"{STAGE_ZH.get(stage, stage)}{ind_id} 差异系数 {cv:.3f} 超过 {cv_max}" if over is not None
                    else f"{STAGE_ZH.get(stage, stage)}{ind_id} 差异系数超过标准",
                    stage=stage, value=cv, standard=cv_max, shortfall=over))
        for veto_id, present in county.get("veto", {}).items():
            if present:
                problems.append(_problem(county, veto_id, "veto", f"{veto_id}：存在一票否决情形"))
        prerequisite = county.get("prerequisite") or {}
        if prerequisite.get("pass") is False:
            problems.append(_problem(county, "前提", "prerequisite",
                                     f"不具备申报前提：{prerequisite.get('note') or '基本均衡认定年限不足'}"))
    return problems

