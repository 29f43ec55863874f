"""The :class:`Evaluation` and its JSON contract (``shared/design.md``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import polars as pl

from junheng.dataset import Dataset
from junheng.indicators import Indicator, indicators_of
from junheng.outcome import PASS_OF
from junheng.problems import problem_frame, problem_records
from junheng.standards import Params, Standard

from .school_notes import FIGURES, OPTIONAL_FIGURES, PLACE, school_check_frame
from .schools import SCHOOL_ITEMS
from .verdict import county_entry, stage_entry, stage_indicators, unit_summaries

COUNTY_RESULT_COLUMNS = ("year", "county_id", "county_code", "county_name")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the county results are built: they are a million small
    acyclic dicts kept alive, and the collections their allocation triggers would each walk all of
    them again (measured: about a third of the time at national scale)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
        indicators_by = stage_indicators(self.stats, standard)
        units_by = unit_summaries(self.units, standard.judges.unit_rule)
        names = self.params.item_names()
        status_by = {(c, s): status for c, s, status in self.stage_status.select("county_id", "stage", "status").iter_rows()}
        out = []
        for row in self.counties.rows(named=True):
            cid = row["county_id"]
            stages = {stage: stage_entry(standard, indicators_by.get((cid, stage)), units_by.get((cid, stage)),
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
    _problem_frame: pl.DataFrame | None = field(default=None, repr=False)
    _problems: list[dict] | None = field(default=None, repr=False)
    _dict: dict | None = field(default=None, repr=False)

    @property
    def counties(self) -> list[dict]:
        if self._counties is None:
            with _collector_paused():
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
    def problem_frame(self) -> pl.DataFrame:
        """The 问题清单, one row per problem (:func:`junheng.problems.problem_frame`)."""
        if self._problem_frame is None:
            self._problem_frame = problem_frame(self)
        return self._problem_frame

    @property
    def problems(self) -> list[dict]:
        """The 问题清单 as the JSON's dicts."""
        if self._problems is None:
            self._problems = problem_records(self.problem_frame)
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

    def school_check_frame(self) -> pl.DataFrame | None:
        """The schools the JSON lists, with each item's note (:mod:`.school_notes`)."""
        return None if self.school_checks is None else school_check_frame(self.school_checks, self.params_by_year)

    def school_records(self) -> Iterator[dict]:
        """Every school with at least one per-school item in its scope, with each check's status,
        figures and note, one at a time."""
        frame = self.school_check_frame()
        if frame is None:
            return
        names = {year: params.item_names() for year, params in self.params_by_year.items()}
        wanted = {*PLACE, *(f"{item}_{part}" for item in SCHOOL_ITEMS for part in ("status", "note"))}
        wanted |= {column for figures in (*FIGURES.values(), *OPTIONAL_FIGURES.values()) for _, column in figures}
        for c in frame.select(name for name in frame.columns if name in wanted).iter_rows(named=True):
            checks = {}
            for item in SCHOOL_ITEMS:
                status = c[f"{item}_status"]
                if status is None:
                    continue
                check = {"pass": PASS_OF[status], "status": status, "name": names[c["year"]][item]}
                check.update((key, c[column]) for key, column in FIGURES[item])
                check.update((key, c[column]) for key, column in OPTIONAL_FIGURES.get(item, ()) if c[column] is not None)
                check["note"] = c[f"{item}_note"]
                checks[item] = check
            yield {**{key: c[key] for key in PLACE}, "checks": checks}

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

