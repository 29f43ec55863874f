"""What a city or province reviewer (市级复核, 省级评估) looks at first across many counties: what
holds each county back, its worst 差异系数 against the maximum, and the counties furthest from
passing first. Read from the counties of the evaluation JSON (``shared/design.md``), so the 各县汇总
workbook and a stored result read the same thing."""

from __future__ import annotations

from junheng.schema import STAGE_ZH


def worst_cv(county: dict) -> tuple[float | None, str]:
    """The largest CV ÷ its maximum over both 学段 and every indicator judged on its own, and which
    it is (``小学L5 0.512/0.5``); (None, "") where no CV has a maximum (基本均衡's composite test)."""
    worst, label = None, ""
    for stage, stats in county["stages"].items():
        for item, value in (stats.get("indicators") or {}).items():
            if value.get("cv") is None or not value.get("cv_max"):
                continue
            ratio = value["cv"] / value["cv_max"]
            if worst is None or ratio > worst:
                worst, label = ratio, f"{STAGE_ZH[stage]}{item} {value['cv']:.3f}/{value['cv_max']:g}"
    return worst, label


def holding_back(county: dict) -> list[str]:
    """The reasons the county does not pass, as its verdict words them (empty when it passes)."""
    return list(county.get("verdict", {}).get("reasons") or [])


def worst_first(counties: list[dict]) -> list[int]:
    """The counties' positions, furthest from passing first: more reasons first, then the CV closest
    to (or furthest over) its maximum; ties by code, name and year."""
    def key(index: int) -> tuple:
        county = counties[index]
        return (-len(holding_back(county)), -(worst_cv(county)[0] or 0), county.get("county_code") or "",
                county["county_name"], county["year"])
    return sorted(range(len(counties)), key=key)
