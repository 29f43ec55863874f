"""The roll-up across a reviewer's counties, read from stored results only.

Each county's official result is cut once per data revision to what the roll-up shows
(:class:`CountySummary`); the page then reads one small row per county and four grouped counts,
and sorts with :func:`junheng.rollup.worst_first` (the 各县汇总 workbook's order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F

from junheng.rollup import holding_back, worst_cv, worst_first
from junheng.schema import AREA_ZH, STAGE_ZH, verdict_zh

from ..dashboard import verdict_class
from ..models import (
    CollectionYear,
    County,
    EvaluationSnapshot,
    Problem,
    ProblemStatus,
    School,
    Status,
    Submission,
)
from ..results import snapshot
from .models import CountySummary

STAGE_KEYS = ("units", "units_compliant", "composite_cv", "pass", "status")
INDICATOR_KEYS = ("cv", "cv_max", "cv_pass")


def compact(county: dict) -> dict:
    """The engine's county dict with what the roll-up reads: verdict, areas, each 学段's counts
    and CVs (no school lists, no item notes)."""
    stages = {stage: {**{k: data.get(k) for k in STAGE_KEYS},
                      "indicators": {i: {k: v.get(k) for k in INDICATOR_KEYS}
                                     for i, v in (data.get("indicators") or {}).items()}}
              for stage, data in county.get("stages", {}).items()}
    verdict = county.get("verdict", {})
    return {"year": county.get("year"), "county_code": county.get("county_code"),
            "county_name": county.get("county_name"), "stages": stages,
            "areas": {k: {"pass": v.get("pass"), "status": v.get("status")} for k, v in county.get("areas", {}).items()},
            "verdict": {"pass": verdict.get("pass"), "status": verdict.get("status"),
                        "reasons": list(verdict.get("reasons") or [])}}


def summary_of(cy: CollectionYear) -> CountySummary:
    """The county's summary for its current revision: stored, else cut from the stored snapshot
    (computed once when missing, as the bureau's dashboard does) and stored under the snapshot's
    revision. A result computed while the data kept changing is shown, not stored."""
    snap = snapshot(cy, official=True)
    counties = (snap.result or {}).get("counties") or []
    found = CountySummary(county_id=cy.county_id, year=cy.year, revision=snap.revision,
                          summary=compact(counties[0]) if counties else None,
                          reason=snap.error or ("" if counties else "没有测算结果"))
    if snap.pk is None:
        return found
    try:
        with transaction.atomic():
            stored, created = CountySummary.objects.get_or_create(
                county_id=cy.county_id, year=cy.year, revision=snap.revision,
                defaults={"summary": found.summary, "reason": found.reason})
            if created:
                CountySummary.objects.filter(county_id=cy.county_id, year=cy.year,
                                             revision__lt=snap.revision).delete()
    except IntegrityError:  # another request stored it meanwhile
        stored = CountySummary.objects.get(county_id=cy.county_id, year=cy.year, revision=snap.revision)
    return stored


def cut_stored(county_ids: list[int], year: int) -> dict[int, CountySummary]:
    """Summaries cut from the stored official snapshots of the counties' current revisions, read
    in one query that takes only each result's county (not its schools), and stored."""
    found = {}
    for county_id, revision, county, error in (
            EvaluationSnapshot.objects.filter(county__in=county_ids, year=year, official=True,
                                              revision=F("county__revision"))
            .values_list("county_id", "revision", "result__counties__0", "error")):
        found[county_id] = CountySummary(county_id=county_id, year=year, revision=revision,
                                         summary=compact(county) if county else None,
                                         reason=error or ("" if county else "没有测算结果"))
    if found:
        with transaction.atomic():
            CountySummary.objects.bulk_create(found.values(), ignore_conflicts=True)
            CountySummary.objects.filter(county__in=list(found), year=year,
                                         revision__lt=F("county__revision")).delete()
    return found


@dataclass
class RollupRow:
    county: County
    year: int
    opened: bool  # the county has opened this collection year
    summary: dict | None = None
    reason: str = ""
    schools: int = 0
    accepted: int = 0
    problems: int = 0
    closed: int = 0
    stages: list[dict[str, Any]] = field(default_factory=list)
    areas: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool | None:
        return None if self.summary is None else self.summary["verdict"]["pass"]

    @property
    def verdict_word(self) -> str:
        return "未开设该年度" if not self.opened else (self.reason or "无结果") if self.summary is None \
            else verdict_zh(self.passed)

    @property
    def css(self) -> str:
        return verdict_class(self.passed)

    @property
    def reasons(self) -> list[str]:
        return holding_back(self.summary) if self.summary else []

    @property
    def worst_cv(self) -> str:
        return worst_cv(self.summary)[1] if self.summary else ""

    @staticmethod
    def percent(part: int, whole: int) -> int:
        return round(100 * part / whole) if whole else 0

    @property
    def collection_percent(self) -> int:
        return self.percent(self.accepted, self.schools)

    @property
    def rectification_percent(self) -> int:
        return self.percent(self.closed, self.problems)


def _stage_rows(summary: dict) -> list[dict[str, Any]]:
    rows = []
    for stage, data in summary["stages"].items():
        indicators = data.get("indicators") or {}
        judged = [v for v in indicators.values() if v.get("cv_pass") is not None]
        rows.append({"stage": stage, "stage_zh": STAGE_ZH.get(stage, stage), "units": data.get("units"),
                     "units_compliant": data.get("units_compliant"), "composite_cv": data.get("composite_cv"),
                     "cv_met": sum(1 for v in judged if v["cv_pass"]), "cv_judged": len(judged),
                     "indicators": [{"id": i, **v} for i, v in indicators.items()]})
    return rows


def _area_rows(summary: dict) -> list[dict[str, Any]]:
    return [{"id": k, "name": AREA_ZH.get(k, k), "css": verdict_class(v.get("pass")),
             "word": verdict_zh(v.get("pass"))} for k, v in summary["areas"].items()]


def region_years(counties) -> list[int]:
    return sorted(set(CollectionYear.objects.filter(county__in=counties).values_list("year", flat=True)), reverse=True)


def rollup(counties, year: int) -> list[RollupRow]:
    """One row per county for ``year``, furthest from passing first; counties without a result
    (year not opened, no accepted data) last, by code."""
    counties = list(counties.order_by("code", "name"))
    ids = [c.id for c in counties]
    opened = {cy.county_id: cy for cy in CollectionYear.objects.filter(county__in=ids, year=year).select_related("county")}
    summaries = {s.county_id: s for s in CountySummary.objects.filter(county__in=ids, year=year,
                                                                      revision=F("county__revision"))}
    missing = [i for i in opened if i not in summaries]
    if missing:
        summaries.update(cut_stored(missing, year))
    for county_id in opened.keys() - summaries.keys():
        # computed now; its problems are opened with it, so they are counted below
        summaries[county_id] = summary_of(opened[county_id])
    schools = dict(School.objects.filter(county__in=ids).values_list("county").annotate(n=Count("id")))
    accepted = dict(Submission.objects.filter(school__county__in=ids, year=year, status=Status.ACCEPTED)
                    .values_list("school__county").annotate(n=Count("id")))
    problems: dict[int, dict[str, int]] = {}
    for county_id, status, n in (Problem.objects.filter(county__in=ids, year=year)
                                 .values_list("county", "status").annotate(n=Count("id"))):
        problems.setdefault(county_id, {})[status] = n
    rows = []
    for county in counties:
        by_status = problems.get(county.id, {})
        row = RollupRow(county, year, county.id in opened, schools=schools.get(county.id, 0),
                        accepted=accepted.get(county.id, 0), problems=sum(by_status.values()),
                        closed=by_status.get(ProblemStatus.CLOSED, 0))
        if row.opened:
            row.summary, row.reason = summaries[county.id].summary, summaries[county.id].reason
        if row.summary is not None:
            row.stages, row.areas = _stage_rows(row.summary), _area_rows(row.summary)
        rows.append(row)
    judged = [r for r in rows if r.summary is not None]
    order = worst_first([r.summary for r in judged])
    return [judged[i] for i in order] + [r for r in rows if r.summary is None]
