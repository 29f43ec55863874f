"""The :class:`Evaluation` and its JSON contract (``shared/design.md``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from junheng.dataset import Dataset
from junheng.indicators import Indicator, indicators_of
from junheng.outcome import NOT_APPLICABLE, NOT_ASSESSED, PASS_OF
from junheng.problems import find_problems
from junheng.schema import STAGE_ZH
from junheng.standards import Params, Standard

from .schools import SCHOOL_ITEMS
from .verdict import county_entry, stage_entry, stats_by_stage, unit_summaries

COUNTY_RESULT_COLUMNS = ("year", "county_id", "county_code", "county_name")


@dataclass(frozen=True)
class YearResult:
    """One year's frames: every county's items and statuses (``counties``), computed column-wise."""

    year: int
    params: Params
    counties: pl.DataFrame
    units: pl.DataFrame
    stats: pl.DataFrame
    composite: dict
    stage_status: pl.DataFrame

    def county_dicts(self, standard: Standard) -> list[dict]:
        """Each county's result as the JSON contract writes it (only the wording is done per county)."""
        stats_by = stats_by_stage(self.stats)
        units_by = unit_summaries(self.units, standard.judges.unit_rule)
        names = self.params.item_names()
        status_by = {(c, s): status for c, s, status in self.stage_status.select("county_id", "stage", "status").iter_rows()}
        out = []
        for row in self.counties.iter_rows(named=True):
            cid = row["county_id"]
            stages = {stage: stage_entry(standard, stats_by.get((cid, stage), []), units_by.get((cid, stage)),
                                         self.composite.get((self.year, cid, stage), {}), status_by.get((cid, stage)))
                      for stage in standard.stages}
            out.append(county_entry(standard, self.params, row, stages, names))
        return out


@dataclass
class Evaluation:
    """The result of one evaluation; :meth:`to_dict` is the JSON contract of design.md.

    The verdicts are frames (``county_results``, ``stage_results``, ``units``, ``school_checks``);
    the per-county dicts (:attr:`counties`) are worded from them on first use.
    """

    standard: Standard
    dataset: Dataset
    units: pl.DataFrame
    excluded: pl.DataFrame
    stage_stats: pl.DataFrame
    school_checks: pl.DataFrame | None
    params_by_year: dict[int, Params]
    years: list[YearResult]
    _counties: list[dict] | None = field(default=None, repr=False)
    _problems: list[dict] | None = field(default=None, repr=False)
    _dict: dict | None = field(default=None, repr=False)

    @property
    def counties(self) -> list[dict]:
        if self._counties is None:
            self._counties = [c for year in self.years for c in year.county_dicts(self.standard)]
        return self._counties

    @property
    def county_results(self) -> pl.DataFrame:
        """One row per county and year: identity, ``verdict_status``, ``resource_status`` and each area's."""
        areas = ("resource", *self.standard.judges.areas)
        return pl.concat([y.counties.select(*COUNTY_RESULT_COLUMNS, "verdict_status", *(f"{a}_status" for a in areas))
                          for y in self.years], how="diagonal_relaxed")

    @property
    def stage_results(self) -> pl.DataFrame:
        """One row per county × 学段 with units: ``status`` of its 资源配置."""
        return pl.concat([y.stage_status for y in self.years], how="diagonal_relaxed")

    @property
    def indicators(self) -> list[Indicator]:
        return indicators_of(self.standard)

    @property
    def problems(self) -> list[dict]:
        if self._problems is None:
            self._problems = find_problems(self)
        return self._problems

    def units_list(self) -> list[dict]:
        unit_rule = self.standard.judges.unit_rule
        out = []
        for row in self.units.iter_rows(named=True):
            indicators = {}
            for ind in self.indicators:
                entry = {"value": row[f"{ind.id}_value"]}
                if unit_rule:
                    entry.update(standard=row[f"{ind.id}_standard"], floor=row[f"{ind.id}_floor"],
                                 met=row[f"{ind.id}_met"], floor_met=row[f"{ind.id}_floor_met"])
                indicators[ind.id] = entry
            out.append({
                "school_code": row["school_code"], "school_name": row["school_name"],
                "county_code": row["county_code"], "county_name": row["county_name"], "year": row["year"],
                "stage": row["stage"], "school_type": row["school_type"], "students": row["students"],
                "share": row["share"], "indicators": indicators,
                "met_count": row["met_count"] if unit_rule else None,
                "compliant": row["compliant"] if unit_rule else None,
            })
        return out

    def school_records(self) -> Iterator[dict]:
        """Every school with at least one per-school item in its scope, with each check's status and
        note, one at a time (the streamed JSON writes them without holding the list)."""
        if self.school_checks is None:
            return
        statuses = [f"{item}_status" for item in SCHOOL_ITEMS]
        listed = self.school_checks.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in statuses))
        for c in listed.iter_rows(named=True):
            params = self.params_by_year[c["year"]]
            checks = {item: check(item, c, params) for item in SCHOOL_ITEMS if c[f"{item}_status"] is not None}
            yield {"school_code": c["school_code"], "school_name": c["school_name"], "county_code": c["county_code"],
                   "county_name": c["county_name"], "year": c["year"], "checks": checks}

    def schools_list(self) -> list[dict]:
        return list(self.school_records())

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


def check(item: str, c: dict, params: Params) -> dict:
    """One school's check of ``item`` (a row of ``Evaluation.school_checks``) as the JSON writes it."""
    status = c[f"{item}_status"]
    figures, note = _FIGURES[item](c, params, status)
    return {"pass": PASS_OF[status], "status": status, "name": params.item_name(item), **figures, "note": note}


def _g3(c: dict, params: Params, status: str) -> tuple[dict, str]:
    figures = {k: c[k] for k in ("classes", "rooms_required", "music_rooms", "art_rooms", "music_rooms_total",
                                 "art_rooms_total", "music_min_area", "art_min_area")}
    if c["music_rooms"] is None:
        return figures, "未填报专用教室"
    return figures, (f"{c['classes']} 个班需音乐、美术专用教室各 {c['rooms_required']} 间，现有达标音乐教室 "
                     f"{c['music_rooms']} 间、美术教室 {c['art_rooms']} 间")


def _g4(c: dict, params: Params, status: str) -> tuple[dict, str]:
    figures = {"students": c["compulsory_students"], "limit": c["size_limit"]}
    if status == NOT_APPLICABLE:
        return figures, "无义务教育阶段在校生，不适用"
    return figures, f"义务教育阶段 {c['compulsory_students']} 人（上限 {c['size_limit']} 人）"


def _g5(c: dict, params: Params, status: str) -> tuple[dict, str]:
    figures = {"primary_max_class_size": c["primary_max_class_size"], "junior_max_class_size": c["junior_max_class_size"]}
    notes = []
    for stage in ("primary", "junior"):
        stage_status = c[f"G5_{stage}_status"]
        if stage_status is None:
            continue
        figures[f"{stage}_status"] = stage_status
        zh = STAGE_ZH[stage]
        if stage_status == NOT_APPLICABLE:
            notes.append(f"{zh}无在校生，不适用")
        elif stage_status == NOT_ASSESSED:
            notes.append(f"{zh}最大班额未填报")
        else:
            notes.append(f"{zh}最大班额 {c[f'{stage}_max_class_size']} 人（上限 "
                         f"{int(params[f'G5.max_class_size.{stage}'])} 人）")
    return figures, "；".join(notes)


def _g6(c: dict, params: Params, status: str) -> tuple[dict, str]:
    figures = {"allocated": c["public_funds_allocated"], "required": c["G6_required"]}
    if status == NOT_ASSESSED:
        return figures, "缺少数据：核定公用经费或小学生均公用经费基准定额"
    return figures, f"核定公用经费 {c['public_funds_allocated']:,.0f} 元（应不低于 {c['G6_required']:,.0f} 元）"


def _q4(c: dict, params: Params, status: str) -> tuple[dict, str]:
    figures = {"training_funds": c["training_funds"], "budget": c["public_funds_budget"]}
    if status == NOT_ASSESSED:
        return figures, "缺少数据：年度公用经费预算或教师培训经费"
    share = 100 * c["training_funds"] / c["public_funds_budget"] if c["public_funds_budget"] else 0.0
    return figures, (f"教师培训经费 {c['training_funds']:,.0f} 元，占公用经费预算 {share:.2f}%（应不低于 "
                     f"{float(params['Q4.min_training_share']):g}%）")


def _g12(c: dict, params: Params, status: str) -> tuple[dict, str]:
    figures = {"teachers": c["compulsory_teachers"], "certified": c["certified_teachers"]}
    if status == NOT_APPLICABLE:
        return figures, "无义务教育阶段专任教师，不适用"
    if status == NOT_ASSESSED:
        return figures, "缺少数据：持教师资格证专任教师数"
    return figures, f"义务教育阶段专任教师 {c['compulsory_teachers']} 人，持证 {c['certified_teachers']} 人"


_FIGURES = {"G3": _g3, "G4": _g4, "G5": _g5, "G6": _g6, "G12": _g12, "Q4": _q4}
