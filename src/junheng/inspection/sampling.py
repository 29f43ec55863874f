"""A reproducible, stratified random draw of the schools an inspection team visits.

How many: ``ceil(rate × schools)``, kept between the minimum and the maximum (8–12 by default),
and every school when a county has fewer than the minimum. Which strata: one school from each
stratum while the sample allows (largest strata first), the rest shared in proportion to the
strata's sizes (largest remainder), never more than a stratum holds. Which schools: a seeded
random choice within each stratum, over the schools sorted by 学校标识码, so that the order of
the rows in the data does not change the draw.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import polars as pl

from junheng.parameter_files import values_in_force

HERE = Path(__file__).parent
AREA_UNKNOWN = "城乡类型未填"

# The kind of school a stratum is drawn from; 一贯制 schools are a stratum of their own because
# they have both 学段.
STRATUM_KIND = {
    "小学": "小学", "初中": "初中", "完全中学": "初中", "九年一贯制学校": "一贯制", "十二年一贯制学校": "一贯制",
    "教学点": "教学点", "特殊教育学校": "特殊教育学校", "职业学校": "职业学校",
}


class SamplingError(ValueError):
    """The draw cannot be made as asked; the message is Chinese."""


@dataclass(frozen=True)
class SamplingParameters:
    min_schools: int
    max_schools: int
    rate: Fraction
    school_types: tuple[str, ...]
    notice_days: int
    references: dict[str, str]


def load_sampling_parameters(year: int) -> SamplingParameters:
    """The sampling parameters in force on 1 September of ``year`` (``sampling.yaml``)."""
    values, references = values_in_force(HERE / "sampling.yaml", year)
    return SamplingParameters(
        min_schools=int(values["sample.min_schools"]), max_schools=int(values["sample.max_schools"]),
        rate=Fraction(values["sample.rate"]), school_types=tuple(values["sample.school_types"]),
        notice_days=int(values["sample.notice_days"]), references=references,
    )


@dataclass(frozen=True)
class Sample:
    """The schools drawn for one county, with everything needed to draw them again."""

    county_code: str | None
    county_name: str
    year: int
    seed: int
    population: int  # schools that could be drawn
    strata: dict[str, tuple[int, int]]  # stratum → (schools in it, schools drawn)
    schools: pl.DataFrame  # the drawn schools: code, name, type, area, stratum
    visit_date: dt.date | None
    notice_date: dt.date | None


def sample_size(population: int, params: SamplingParameters) -> int:
    """ceil(rate × N) kept within [min, max], and never more than the N schools there are."""
    wanted = math.ceil(params.rate * population)
    return min(population, max(params.min_schools, min(params.max_schools, wanted)))


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Share ``n`` draws among strata: one each (largest first) while n allows, then the rest in
    proportion to what each stratum has left, by largest remainder; never above a stratum's size."""
    order = sorted(sizes, key=lambda s: (-sizes[s], s))
    taken = {s: 0 for s in order}
    for stratum in order[:n]:
        taken[stratum] = 1
    left = n - sum(taken.values())
    while left > 0:
        room = {s: sizes[s] - taken[s] for s in order if sizes[s] > taken[s]}
        total = sum(room.values())
        quotas = {s: Fraction(left * r, total) for s, r in room.items()}
        shares = {s: min(room[s], math.floor(q)) for s, q in quotas.items()}
        rest = left - sum(shares.values())
        by_remainder = sorted(room, key=lambda s: (-(quotas[s] - math.floor(quotas[s])), -sizes[s], s))
        for stratum in by_remainder:
            if rest == 0:
                break
            if shares[stratum] < room[stratum]:
                shares[stratum] += 1
                rest -= 1
        for stratum, share in shares.items():
            taken[stratum] += share
        left = n - sum(taken.values())
    return taken


def _strata(schools: pl.DataFrame) -> pl.DataFrame:
    return schools.with_columns(
        (pl.col("area_type").fill_null(AREA_UNKNOWN) + "·"
         + pl.col("school_type").replace_strict(STRATUM_KIND, default=pl.col("school_type"))).alias("stratum"))


def draw_sample(schools: pl.DataFrame, *, seed: int | None = None, params: SamplingParameters | None = None,
                visit_date: dt.date | None = None) -> Sample:
    """Draw the schools of ONE county (one year) to visit. ``seed`` None draws a fresh seed, which
    the sample records so that the draw can be repeated and checked."""
    counties = schools.select("county_code", "county_name").unique()
    if counties.height != 1:
        raise SamplingError(f"一次抽样只针对一个县（区），数据中有 {counties.height} 个，请用 --county 指定县(区)代码")
    years = schools["year"].unique().to_list()
    if len(years) != 1:
        raise SamplingError(f"一次抽样只针对一个年度，数据中有：{'、'.join(map(str, sorted(years)))}")
    year = int(years[0])
    params = params or load_sampling_parameters(year)
    if seed is None:
        seed = secrets.randbelow(10**9)
    if not 0 <= seed < 2**63:
        raise SamplingError(f"随机种子须为 0 到 {2**63 - 1} 之间的整数")
    pool = _strata(schools.filter(pl.col("school_type").is_in(params.school_types))).sort("school_code")
    if pool.is_empty():
        raise SamplingError("没有可抽查的学校（学校类型均不在抽样范围内）")
    sizes = dict(pool.group_by("stratum").len().iter_rows())
    allocation = allocate(sizes, sample_size(pool.height, params))
    rng = np.random.default_rng(seed)
    drawn = []
    for stratum in sorted(allocation):  # a fixed order, so the seed means the same draw every time
        members = pool.filter(pl.col("stratum") == stratum)
        if allocation[stratum]:
            picks = rng.choice(members.height, size=allocation[stratum], replace=False)
            drawn.append(members[sorted(int(i) for i in picks)])
    chosen = pl.concat(drawn).select("school_code", "school_name", "school_type", "area_type", "stratum")
    code, name = counties.row(0)
    notice = visit_date - dt.timedelta(days=params.notice_days) if visit_date else None
    return Sample(county_code=code, county_name=name, year=year, seed=seed, population=pool.height,
                  strata={s: (sizes[s], allocation[s]) for s in sorted(sizes)}, schools=chosen,
                  visit_date=visit_date, notice_date=notice)


def render(sample: Sample) -> str:
    """The sample as the inspection team's notice lists it, in Chinese."""
    county = f"{sample.county_name}（{sample.county_code}）" if sample.county_code else sample.county_name
    lines = [f"{county} {sample.year} 年度实地督导抽样：从 {sample.population} 所学校中随机抽取 "
             f"{sample.schools.height} 所（随机种子 {sample.seed}，用同一数据和种子可复现）"]
    if sample.visit_date:
        lines.append(f"督导日期 {sample.visit_date.isoformat()}，通知学校日期 {sample.notice_date.isoformat()}")
    lines.append("分层（学校数 → 抽取数）：" + "；".join(f"{s} {n}→{k}" for s, (n, k) in sample.strata.items()))
    for row in sample.schools.iter_rows(named=True):
        lines.append(f"  {row['school_code']}  {row['school_name']}（{row['stratum']}）")
    return "\n".join(lines)
