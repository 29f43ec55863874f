"""One row per county for a city or province reviewer (市级复核, 省级评估): the verdict by area, the
units compliant, the worst 差异系数 against its maximum, and what holds the county back.

Built from the evaluation JSON (``shared/design.md``), so the CLI, the web roll-up and a stored
result all read the same thing. Rows sort with the counties furthest from passing first: more
blocking reasons first, then the CV closest to (or furthest over) its maximum.
"""

from __future__ import annotations

from typing import Any

from junheng.schema import AREA_ZH, STAGE_ZH, outcome_zh, verdict_zh


def _worst_cv(county: dict) -> tuple[float | None, str]:
    """The largest CV ÷ maximum over both 学段 and every indicator, and which it is."""
    worst, label = None, ""
    for stage, stats in county["stages"].items():
        for item, value in (stats.get("indicators") or {}).items():
            if value.get("cv") is None or not value.get("cv_max"):
                continue
            ratio = value["cv"] / value["cv_max"]
            if worst is None or ratio > worst:
                worst, label = ratio, f"{STAGE_ZH[stage]}{item} {value['cv']:.3f}/{value['cv_max']:g}"
    return worst, label


def county_rows(evaluation: dict) -> list[dict[str, Any]]:
    """The roll-up rows of one evaluation (any number of counties and years), sorted worst first."""
    units: dict[tuple, list[int]] = {}
    for unit in evaluation.get("units", []):
        key = (unit["year"], unit.get("county_code") or unit["county_name"])
        counts = units.setdefault(key, [0, 0])
        counts[0] += bool(unit.get("compliant"))
        counts[1] += 1
    rows = []
    for county in evaluation["counties"]:
        key = (county["year"], county.get("county_code") or county["county_name"])
        compliant, total = units.get(key, [0, 0])
        worst, worst_label = _worst_cv(county)
        reasons = county["verdict"].get("reasons") or []
        rows.append({
            "year": county["year"], "county_code": county.get("county_code"), "county_name": county["county_name"],
            "verdict": verdict_zh(county["verdict"]["pass"]),
            **{AREA_ZH[area]: outcome_zh(result) for area, result in county["areas"].items()},
            "units_compliant": compliant, "units": total,
            "worst_cv": worst_label, "worst_cv_ratio": worst,
            "holding_back": len(reasons), "reasons": "；".join(reasons),
        })
    return sorted(rows, key=lambda r: (-r["holding_back"], -(r["worst_cv_ratio"] or 0), r["county_code"] or "",
                                       r["county_name"], r["year"]))


def render_lines(rows: list[dict[str, Any]]) -> list[str]:
    """One line per county, then the totals: what ``junheng evaluate`` prints for a province file."""
    lines = []
    for row in rows:
        code = f"（{row['county_code']}）" if row["county_code"] else ""
        first = row["reasons"].split("；")[0] if row["reasons"] else ""
        lines.append(f"{row['year']} {row['county_name']}{code}：{row['verdict']}；达标单元 {row['units_compliant']}/{row['units']}；"
                     f"差异系数最高 {row['worst_cv'] or '—'}" + (f"；{row['holding_back']} 项未通过，首项：{first}" if first else ""))
    passed = sum(row["verdict"] == "达标" for row in rows)
    unknown = sum(row["verdict"] == "未评估" for row in rows)
    lines.append(f"共 {len(rows)} 个县（区）：达标 {passed} 个，未达标 {len(rows) - passed - unknown} 个，未评估 {unknown} 个。")
    return lines
