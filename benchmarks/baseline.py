"""The plain vectorised baseline that ``bench_evaluate.py`` times ``junheng evaluate`` against.

What a competent analyst would write by hand, with none of junheng's validation, exact re-checks
or reporting: polars reads the four CSV files (types inferred), numpy computes the 7 优质均衡
indicators per 学段 unit with the same unit rules and enrolment-weighted split (standard.md §1.3),
the per-unit verdict, and the enrolment-weighted 差异系数 per county × 学段 × indicator (§1.2).

    python benchmarks/baseline.py benchmarks/data/national
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

from junheng.schema import SCHOOL_TYPES, STAGES, TABLES
from junheng.standards import load_standard

YEAR = 2024
INDICATORS = ("L1", "L2", "L3", "L4", "L5", "L6", "L7")


def read_tables(folder: Path) -> dict[str, pl.DataFrame]:
    frames = {}
    for table in TABLES.values():
        frame = pl.read_csv(folder / f"{table.id}.csv", infer_schema_length=10_000)
        ids = {f.display_header: f.id for f in table.fields}
        frames[table.id] = frame.rename({c: ids[c] for c in frame.columns if c in ids})
    return frames


def column(frame: pl.DataFrame, name: str) -> np.ndarray:
    return frame[name].fill_null(0).cast(pl.Float64).to_numpy()


def evaluate_stage(schools: pl.DataFrame, county: np.ndarray, n_counties: int, stage: str, params) -> tuple:
    pupils = {s: column(schools, f"{s}_students") for s in STAGES}
    weighted = sum(params.f(f"split.weight.{s}") * pupils[s] for s in STAGES)
    school_type = schools["school_type"].to_numpy()
    is_unit = np.isin(school_type, [t.label for t in SCHOOL_TYPES if stage in t.stages]) & (pupils[stage] > 0)
    is_unit &= ~((school_type == "教学点") & (pupils[stage] < params.f("scope.teaching_point_min_students")))
    rows = np.nonzero(is_unit)[0]
    p = pupils[stage][rows]
    share = params.f(f"split.weight.{stage}") * p / weighted[rows]

    def own(name: str) -> np.ndarray:
        return column(schools, f"{stage}_{name}")[rows]

    def split(name: str) -> np.ndarray:
        return column(schools, name)[rows] * share

    values = np.stack([
        100 * own("teachers_above_degree") / p,
        100 * own("key_teachers") / p,
        100 * own("pe_arts_teachers") / p,
        split("teaching_area") / p,
        (split("indoor_sports_area") + split("sports_field_area")) / p,
        split("equipment_value") / p,
        100 * split("multimedia_rooms") / p,
    ])
    standard = np.array([params.f(f"{i}.standard.{stage}") for i in INDICATORS])[:, None]
    met = values >= standard
    compliant = (met.sum(axis=0) >= params.f("unit.min_indicators_met")) & (
        values >= params.f("unit.floor_ratio") * standard).all(axis=0)

    group = county[rows]
    total = np.bincount(group, p, n_counties)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.stack([np.bincount(group, p * v, n_counties) / total for v in values])
        variance = np.stack([np.bincount(group, p * (v - m[group]) ** 2, n_counties) / total
                             for v, m in zip(values, mean, strict=True)])
        cv = np.sqrt(variance) / mean
    cv_pass = cv <= params.f(f"cv.max.{stage}")
    return len(rows), int(compliant.sum()), cv, cv_pass


def main(folder: str) -> int:
    params = load_standard("youzhi-2017").at(YEAR)
    frames = read_tables(Path(folder))
    schools = frames["schools"]
    names, county = np.unique(schools["county_name"].to_numpy(), return_inverse=True)
    for stage in ("primary", "junior"):
        units, compliant, cv, cv_pass = evaluate_stage(schools, county, len(names), stage, params)
        print(f"{stage}: {units} units, {compliant} compliant, "
              f"{int(cv_pass.all(axis=0).sum())} of {len(names)} counties pass every CV")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
