"""A national-scale synthetic data set for the benchmark: 210,000 schools in 2,850 counties.

Written as a CSV folder (``schools.csv``, ``rooms.csv``, ``county.csv``, ``monitoring.csv``) with the
Chinese headers of :mod:`junheng.schema`, exactly as a province would export it, through the same
writer the demo uses. Vectorised numpy with a fixed seed: the same arguments always give the same
files, in a few seconds. The figures are plausible, not real: school sizes, staffing and facilities
are drawn around the 优质均衡 standards so that most units pass and some fail, as in real counties.

    python benchmarks/generate.py [--out benchmarks/data/national] [--schools 210000] [--counties 2850]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from junheng.dataset import Dataset
from junheng.io.cells import DTYPES
from junheng.io.dataset_writer import write_dataset_csv
from junheng.schema import SUBJECTS, TABLES

HERE = Path(__file__).parent
DEFAULT_OUT = HERE / "data" / "national"
YEAR = 2024
SEED = 20240901

# National mix of school types (教育统计 order of magnitude: most are 小学, about a quarter 初中).
TYPE_MIX = {"小学": 0.585, "初中": 0.245, "九年一贯制学校": 0.075, "十二年一贯制学校": 0.005, "完全中学": 0.03,
            "教学点": 0.05, "特殊教育学校": 0.01}
AREA_MIX = {"城区": 0.25, "镇区": 0.40, "乡村": 0.35}
AREA_SIZE = {"城区": 1.8, "镇区": 1.0, "乡村": 0.4}  # relative school size by 城乡类型
PRIVATE_SHARE = 0.07
# Median pupils per stage by type (lognormal around these, scaled by AREA_SIZE).
MEDIAN_PUPILS = {
    "小学": {"primary": 520},
    "初中": {"junior": 760},
    "九年一贯制学校": {"primary": 480, "junior": 340},
    "十二年一贯制学校": {"primary": 620, "junior": 520, "senior": 600},
    "完全中学": {"junior": 880, "senior": 1400},
    "特殊教育学校": {"primary": 80, "junior": 40},
}
PROVINCES = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53,
             54, 61, 62, 63, 64, 65)
PUPILS_PER_CLASS = {"primary": (28, 46), "junior": (36, 52)}
PUPILS_PER_TEACHER = {"primary": (11, 20), "junior": (9, 14)}
FUNDS_NORM = {"primary": 800, "junior": 1000, "senior": 1200}
WEIGHTS = {"primary": 1.0, "junior": 1.1, "senior": 1.32}


def _choice(rng: np.random.Generator, mix: dict[str, float], size: int) -> np.ndarray:
    """Indices into ``mix`` drawn with its probabilities."""
    return rng.choice(len(mix), size=size, p=np.array(list(mix.values())))


def _schools(rng: np.random.Generator, n_schools: int, n_counties: int) -> tuple[dict, np.ndarray]:
    """The 学校 table as numpy columns (None-able columns as masked float/int arrays) and the
    compulsory class counts the rooms are sized from."""
    county_size = rng.multinomial(n_schools, (w := rng.lognormal(0, 0.5, n_counties)) / w.sum())
    county = np.repeat(np.arange(n_counties), county_size)
    type_index = _choice(rng, TYPE_MIX, n_schools)
    school_type = np.array(list(TYPE_MIX))[type_index]
    area_index = _choice(rng, AREA_MIX, n_schools)
    area_index[school_type == "教学点"] = list(AREA_MIX).index("乡村")
    area = np.array(list(AREA_MIX))[area_index]
    size = np.array([AREA_SIZE[a] for a in AREA_MIX])[area_index]

    cols: dict[str, np.ndarray] = {}
    pupils = {}
    for stage in ("primary", "junior", "senior"):
        median = np.array([MEDIAN_PUPILS.get(t, {}).get(stage, 0) for t in TYPE_MIX])[type_index]
        drawn = median * size * rng.lognormal(0, 0.55, n_schools)
        drawn = np.where(school_type == "特殊教育学校", median * rng.uniform(0.6, 1.4, n_schools), drawn)
        pupils[stage] = np.clip(np.rint(drawn), 0, 3000).astype(np.int64)
        pupils[stage][median == 0] = 0
    teaching_point = school_type == "教学点"
    pupils["primary"][teaching_point] = rng.integers(8, 120, teaching_point.sum())
    has_primary = np.array([bool(MEDIAN_PUPILS.get(t, {}).get("primary")) for t in TYPE_MIX])[type_index]
    pupils["primary"][(pupils["primary"] < 20) & has_primary & ~teaching_point] = 20

    classes = np.zeros(n_schools, np.int64)
    teachers = np.zeros(n_schools, np.int64)
    for stage in ("primary", "junior"):
        p = pupils[stage]
        has = p > 0
        n_classes = np.maximum(1, np.ceil(p / rng.uniform(*PUPILS_PER_CLASS[stage], n_schools))).astype(np.int64)
        average = np.ceil(p / n_classes)
        largest = np.minimum(p, average + rng.integers(0, 6, n_schools))  # no class larger than the 学段
        n_teachers = np.maximum(1, np.ceil(p / rng.uniform(*PUPILS_PER_TEACHER[stage], n_schools))).astype(np.int64)
        cols[f"{stage}_students"] = np.where(has, p, -1)
        cols[f"{stage}_classes"] = np.where(has, n_classes, -1)
        cols[f"{stage}_max_class_size"] = np.where(has, largest, -1)
        cols[f"{stage}_teachers"] = np.where(has, n_teachers, -1)
        for name, low, high in (("teachers_above_degree", 0.8, 1.0), ("key_teachers", 0.1, 0.3),
                                ("pe_arts_teachers", 0.12, 0.24), ("senior_title_teachers", 0.35, 0.65)):
            part = np.minimum(n_teachers, np.rint(n_teachers * rng.uniform(low, high, n_schools))).astype(np.int64)
            cols[f"{stage}_{name}"] = np.where(has, part, -1)
        classes += np.where(has, n_classes, 0)
        teachers += np.where(has, n_teachers, 0)
    cols["senior_students"] = np.where(pupils["senior"] > 0, pupils["senior"], -1)

    weighted = sum(WEIGHTS[s] * pupils[s] for s in pupils)
    total = pupils["primary"] + pupils["junior"] + pupils["senior"]
    teaching_area = np.round(weighted * rng.lognormal(np.log(6.6), 0.25, n_schools), 2)
    gym = (area == "城区") & (total > 1000)
    indoor = np.round(np.where(gym, teaching_area * rng.uniform(0.05, 0.11, n_schools), 0.0), 2)
    sports = weighted * rng.lognormal(np.log(13.5), 0.3, n_schools)
    budget = np.round(sum(FUNDS_NORM[s] * pupils[s] for s in pupils) * rng.uniform(1.0, 1.15, n_schools), -2)
    cols.update(
        migrant_students=np.rint(total * rng.uniform(0, 0.3, n_schools)).astype(np.int64),
        certified_teachers=teachers - (rng.random(n_schools) < 0.02),
        teaching_area=teaching_area,
        indoor_sports_area=indoor,
        sports_field_area=np.round(np.maximum(sports - indoor, 0.0), 2),
        equipment_value=np.round(weighted * rng.lognormal(np.log(3400), 0.3, n_schools), 2),
        multimedia_rooms=np.maximum(classes + rng.integers(0, 5, n_schools),
                                    np.rint(weighted * rng.lognormal(np.log(0.028), 0.3, n_schools))).astype(np.int64),
        computers=np.rint(total * rng.uniform(0.1, 0.25, n_schools)).astype(np.int64),
        books=np.rint(weighted * rng.uniform(25, 45, n_schools)).astype(np.int64),
        public_funds_budget=budget,
        training_funds=np.round(budget * rng.uniform(0.04, 0.09, n_schools), 2),
        public_funds_allocated=np.round(np.maximum(total, 100) * FUNDS_NORM["primary"], 2),
    )
    codes = _county_codes(n_counties)
    cols.update(
        year=np.full(n_schools, YEAR),
        county_code=codes[county],
        county_name=_county_names(n_counties)[county],
        school_code=np.char.add(codes[county], np.char.zfill((np.arange(n_schools) % 10_000).astype(str), 4)),
        school_type=school_type,
        ownership=np.where(rng.random(n_schools) < PRIVATE_SHARE, "民办", "公办"),
        area_type=area,
        boarding=rng.random(n_schools) < np.where(area == "乡村", 0.3, 0.1),
        built_year=rng.integers(1985, 2024, n_schools),
    )
    cols["school_name"] = np.char.add(np.char.add(cols["county_name"], "第"),
                                      np.char.add(np.char.zfill(np.arange(n_schools).astype(str), 6), "校"))
    return cols, classes


def _county_codes(n_counties: int) -> np.ndarray:
    """Distinct 6-digit codes: province, then city and county numbers within it."""
    i = np.arange(n_counties)
    within = i // len(PROVINCES)
    code = np.array(PROVINCES)[i % len(PROVINCES)] * 10_000 + (within // 20 + 1) * 100 + within % 20 + 1
    return code.astype(str)


def _county_names(n_counties: int) -> np.ndarray:
    return np.char.add("样本县", np.char.zfill(np.arange(1, n_counties + 1).astype(str), 4))


def _frame(table_id: str, cols: dict) -> pl.DataFrame:
    """Typed like :class:`~junheng.dataset.Dataset`; -1 in an integer column marks a blank cell."""
    fields = [f for f in TABLES[table_id].fields if f.id in cols]
    frame = pl.DataFrame({f.id: pl.Series(f.id, cols[f.id]).cast(DTYPES[f.type]) for f in fields})
    return frame.with_columns(pl.when(pl.col(f.id) >= 0).then(pl.col(f.id)).alias(f.id)
                              for f in fields if DTYPES[f.type] == pl.Int64)


def _rooms(rng: np.random.Generator, codes: np.ndarray, classes: np.ndarray) -> dict:
    """ceil(classes / 12) music and art rooms per school, a few missing or too small."""
    needed = np.ceil(classes / 12).astype(np.int64)
    kinds, owners = [], []
    for kind in ("音乐", "美术"):
        count = np.maximum(0, needed + rng.choice([-1, 0, 1], size=len(needed), p=[0.05, 0.85, 0.10]))
        owners.append(np.repeat(np.arange(len(needed)), count))
        kinds.append(np.full(count.sum(), kind))
    owner = np.concatenate(owners)
    kind = np.concatenate(kinds)
    area = np.round(np.where(kind == "音乐", rng.uniform(82, 135, len(kind)), rng.uniform(78, 125, len(kind))), 1)
    # Rooms of one kind in one school differ in the second decimal, so no two rows are identical
    # (the importer rightly warns about identical rows).
    first = np.r_[0, np.flatnonzero((owner[1:] != owner[:-1]) | (kind[1:] != kind[:-1])) + 1]
    position = np.arange(len(owner)) - np.repeat(first, np.diff(np.r_[first, len(owner)]))
    return {"year": np.full(len(kind), YEAR), "school_code": codes[owner], "room_type": kind,
            "area": np.round(area + 0.01 * position, 2)}


def _county(rng: np.random.Generator, n: int) -> dict:
    """县级指标: every item filled, most passing, each failing in a few per cent of counties."""
    def count(low: int, high: int) -> np.ndarray:
        return rng.integers(low, high, n)

    def share(total: np.ndarray, low: float, high: float) -> np.ndarray:
        return np.minimum(total, np.rint(total * rng.uniform(low, high, n))).astype(np.int64)

    teachers = count(800, 9000)
    eligible = share(teachers, 0.3, 0.5)
    exchanged = share(eligible, 0.09, 0.16)
    zoned_p, zoned_j = count(5000, 60000), count(2000, 25000)
    migrants = count(500, 20000)
    intake = count(1500, 15000)
    disabled = count(100, 1500)
    yes = np.ones(n, bool)
    cols = {
        "year": np.full(n, YEAR), "county_code": _county_codes(n), "county_name": _county_names(n),
        "basic_balance_year": rng.integers(2013, 2022, n),
        "layout_ok": yes, "standards_unified": yes, "staffing_unified": rng.random(n) > 0.02,
        "per_pupil_norm_primary": np.full(n, 800.0), "per_pupil_norm_junior": np.full(n, 1000.0),
        "special_school_students": count(40, 400),
        "teacher_avg_pay": np.round(rng.uniform(80000, 180000, n), -1),
        "teachers_total": teachers, "teachers_trained_360h": share(teachers, 0.97, 1.0),
        "exchange_eligible": eligible, "exchanged": exchanged, "exchanged_key": share(exchanged, 0.15, 0.35),
        "certified_teachers_total": share(teachers, 0.99, 1.0),
        "zoned_primary_students": zoned_p, "zoned_primary_in_zone": share(zoned_p, 0.99, 1.0),
        "zoned_junior_students": zoned_j, "zoned_junior_in_zone": share(zoned_j, 0.93, 1.0),
        "quality_hs_plan": (plan := count(800, 8000)), "quality_hs_allocated": share(plan, 0.45, 0.7),
        "migrant_eligible": migrants, "migrant_public": share(migrants, 0.7, 0.9),
        "migrant_purchased": share(migrants, 0.0, 0.1),
        "q1_grade7_intake": intake, "q1_graduates": share(intake, 0.93, 0.99), "q1_transfer_in": count(0, 200),
        "q1_transfer_out": count(0, 200), "q1_deaths": count(0, 10),
        "disabled_school_age": disabled, "disabled_enrolled": share(disabled, 0.92, 1.0),
        "charter_it_ok": yes, "it_teaching_ok": yes, "moral_culture_ok": yes, "curriculum_ok": yes, "no_overload": yes,
        "recognition_rate": np.round(rng.uniform(80, 98, n), 2),
    }
    cols["special_school_funds"] = np.round(cols["special_school_students"] * rng.uniform(5500, 9000, n), 2)
    cols["civil_servant_avg_pay"] = np.round(cols["teacher_avg_pay"] * rng.uniform(0.9, 1.03, n), -1)
    for veto in ("veto_exam_admission", "veto_school_choice", "veto_key_schools", "veto_unfilled_posts",
                 "veto_major_incident", "veto_fraud"):
        cols[veto] = rng.random(n) < 0.005
    return cols


def _monitoring(rng: np.random.Generator, n: int) -> dict:
    m = n * len(SUBJECTS)
    return {"year": np.full(m, YEAR), "county_code": np.repeat(_county_codes(n), len(SUBJECTS)),
            "county_name": np.repeat(_county_names(n), len(SUBJECTS)), "subject": np.tile(np.array(SUBJECTS), n),
            "level": rng.choice([2, 3, 4], size=m, p=[0.04, 0.56, 0.40]),
            "school_gap_rate": np.round(rng.uniform(0.03, 0.17, m), 2)}


def national_dataset(n_schools: int = 210_000, n_counties: int = 2_850, seed: int = SEED) -> Dataset:
    rng = np.random.default_rng(seed)
    schools, classes = _schools(rng, n_schools, n_counties)
    return Dataset(
        schools=_frame("schools", schools),
        rooms=_frame("rooms", _rooms(rng, schools["school_code"], classes)),
        county=_frame("county", _county(rng, n_counties)),
        monitoring=_frame("monitoring", _monitoring(rng, n_counties)),
        source="national synthetic",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成全国规模的合成数据（CSV 文件夹）")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--schools", type=int, default=210_000)
    parser.add_argument("--counties", type=int, default=2_850)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    dataset = national_dataset(args.schools, args.counties, args.seed)
    write_dataset_csv(dataset, args.out)
    print(f"{args.out}: {dataset.schools.height:,} 所学校, {dataset.rooms.height:,} 间专用教室, "
          f"{dataset.county.height:,} 个县, {time.perf_counter() - start:.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
