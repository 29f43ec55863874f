"""From stored submissions to the engine's result: build a Dataset, evaluate, cache, sync problems.

The web app computes no indicator: it hands a :class:`junheng.dataset.Dataset` to
:func:`junheng.evaluate.evaluate` and keeps ``Evaluation.to_dict()``.
"""

from __future__ import annotations

import logging
import math
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import F, Subquery

from junheng.county_problems import county_problems
from junheng.dataset import Dataset
from junheng.schema import COUNTY, MONITORING, ROOMS, SCHOOLS, Table
from junheng.standards import Standard, StandardError, load_standard

from . import audit
from .models import CollectionYear, County, EvaluationSnapshot, Problem, School, Status, Submission
from .survey.feed import county_row as survey_county_row

logger = logging.getLogger(__name__)

# How the importer types each kind of field (see junheng.dataset).
POLARS_TYPES = {"int": pl.Int64, "decimal": pl.Float64, "bool": pl.Boolean, "level": pl.Int64}


def frame(table: Table, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Typed values (JSON as stored) → the canonical polars table."""
    schema = {f.id: POLARS_TYPES.get(f.type, pl.String) for f in table.fields}
    return pl.from_dicts(rows, schema=schema)  # keys outside the schema ignored, missing ones null


def json_rows(table: Table, df: pl.DataFrame | None) -> list[dict[str, Any]]:
    """The canonical table → JSON-able rows (the inverse of :func:`frame`), blanks left out."""
    if df is None:
        return []
    ids = [f.id for f in table.fields if f.id in df.columns]
    return [{k: v for k, v in row.items() if v is not None} for row in df.select(ids).iter_rows(named=True)]


def standard_of(county: County) -> Standard:
    """The county's standard, with its local profile (YAML text kept in the database) applied."""
    if not county.profile_yaml.strip():
        return load_standard(county.standard_id)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "地方实施方案.yaml"
        path.write_text(county.profile_yaml, encoding="utf-8")
        return load_standard(county.standard_id, profile=path)


def counted_statuses(official: bool) -> tuple[str, ...]:
    """Only accepted data is official; the provisional preview adds data waiting for review."""
    return (Status.ACCEPTED,) if official else (Status.ACCEPTED, Status.SUBMITTED)


def dataset_for(cy: CollectionYear, official: bool = True) -> Dataset:
    submissions = Submission.objects.filter(school__county=cy.county_id, year=cy.year,
                                            status__in=counted_statuses(official)).order_by("school__code")
    schools, rooms = [], []
    for sub in submissions:
        schools.append(sub.values)
        rooms.extend({**room, "year": cy.year, "school_code": sub.school.code} for room in sub.rooms)
    county_row = survey_county_row(cy)  # S1 from the 社会认可度 survey when it has a figure
    return Dataset(
        schools=frame(SCHOOLS, schools),
        rooms=frame(ROOMS, rooms),
        county=frame(COUNTY, [county_row]) if county_row is not None else None,
        monitoring=frame(MONITORING, cy.monitoring_rows) if cy.monitoring_supplied else None,
        source=f"{cy.county.name} {cy.year} 年度（{'审核通过数据' if official else '含待审核数据的预览'}）",
    )


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity (PostgreSQL refuses them): such figures become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class DuplicateProblemKey(ValueError):
    """Two problems of one result share a key: neither the result nor its problems are stored."""


_compute_lock = threading.Lock()
_parsed: dict[tuple, dict] = {}  # (snapshot id, created) → its result, parsed once per process


def evaluate_year(cy: CollectionYear, official: bool = True):
    """Run the engine on the stored data; returns the Evaluation object."""
    from junheng.evaluate import evaluate

    return evaluate(dataset_for(cy, official), standard_of(cy.county))


def current_revision(county_id: int) -> int:
    return County.objects.filter(pk=county_id).values_list("revision", flat=True).get()


def bump_revision(county_id: int) -> None:
    """Call inside the transaction of every change to what the county's results are computed from."""
    County.objects.filter(pk=county_id).update(revision=F("revision") + 1)


def _compute(cy: CollectionYear, official: bool) -> tuple[dict | None, str]:
    # Read afresh: the caller's copy may predate the revision being computed.
    cy = CollectionYear.objects.select_related("county").get(pk=cy.pk)
    if not Submission.objects.filter(school__county=cy.county_id, year=cy.year,
                                     status__in=counted_statuses(official)).exists():
        return None, "还没有审核通过的学校数据" if official else "还没有已提交的学校数据"
    try:
        return _finite(evaluate_year(cy, official).to_dict()), ""
    except StandardError as exc:
        return None, str(exc)
    except Exception as exc:  # an engine fault must not take the pages down with it
        logger.exception("evaluation of %s %s failed", cy.county.name, cy.year)
        return None, f"测算出错，请联系系统管理员（{type(exc).__name__}: {exc}）"


def _store(cy: CollectionYear, official: bool, revision: int, result: dict | None,
           error: str) -> EvaluationSnapshot | None:
    """The result and its problems in one transaction, only if the data is still at ``revision``."""
    with transaction.atomic():
        county = County.objects.select_for_update().get(pk=cy.county_id)
        if county.revision != revision:
            return None  # accepted changes arrived while computing: this result is already stale
        snap, created = EvaluationSnapshot.objects.get_or_create(
            county=county, year=cy.year, official=official, revision=revision,
            defaults={"result": result, "error": error})
        if created:
            EvaluationSnapshot.objects.filter(county=county, year=cy.year, official=official,
                                              revision__lt=revision).delete()
            if official and result is not None:
                sync_problems(cy, result)
        return snap


def snapshot(cy: CollectionYear, official: bool = True) -> EvaluationSnapshot:
    """The result for the county's current data revision, computed (once) when missing.

    A result is stored only under the revision it was computed from, checked in the transaction
    that stores it; when the data keeps changing meanwhile, the freshest result is returned
    without being stored (the next request computes again).
    """
    def stored(revision: int) -> EvaluationSnapshot | None:
        return EvaluationSnapshot.objects.filter(county=cy.county_id, year=cy.year, official=official,
                                                 revision=revision).first()

    for _ in range(3):
        revision = current_revision(cy.county_id)
        if (found := stored(revision)) is not None:
            return found
        with _compute_lock:  # one computation at a time per process; others wait for its result
            revision = current_revision(cy.county_id)
            if (found := stored(revision)) is not None:
                return found
            result, error = _compute(cy, official)
            try:
                found = _store(cy, official, revision, result, error)
            except DuplicateProblemKey as exc:  # nothing was stored: say so instead of failing the page
                logger.exception("problems of %s %s", cy.county_id, cy.year)
                result, error = None, f"问题清单生成出错，请联系系统管理员（{exc}）"
                break
            if found is not None:
                return found
    return EvaluationSnapshot(county_id=cy.county_id, year=cy.year, official=official, revision=revision,
                              result=result, error=error)


def result_of(cy: CollectionYear, official: bool = True) -> tuple[dict | None, str]:
    """``(to_dict(), "")`` or ``(None, Chinese reason)`` for the current data revision; the parsed
    JSON is kept per stored snapshot (one small query when it is)."""
    current = County.objects.filter(pk=cy.county_id).values("revision")
    stored = EvaluationSnapshot.objects.filter(county=cy.county_id, year=cy.year, official=official,
                                               revision=Subquery(current)).values_list("id", "created_at").first()
    if stored in _parsed:
        return _parsed[stored], ""
    snap = snapshot(cy, official)
    if snap.result is not None and snap.pk is not None:
        if len(_parsed) > 64:
            _parsed.clear()
        _parsed[(snap.id, snap.created_at)] = snap.result
    return snap.result, snap.error


def problem_key(p: dict) -> str:
    """Unique per school, 学段, item, kind and room type (a school lacking both a 音乐 and a 美术
    room has two G3 problems); a county-level problem has no school code."""
    parts = [str(p.get(k) or "") for k in ("school_code", "stage", "item", "kind")]
    if p.get("room_type"):
        parts.append(str(p["room_type"]))
    return "|".join(parts)


def tracked_problems(result: dict) -> list[dict]:
    """Every problem the 问题清单 tracks: the engine's (schools) and the county's own."""
    return [*result.get("problems", []), *county_problems(result)]


@transaction.atomic
def sync_problems(cy: CollectionYear, result: dict) -> int:
    """Open a problem for each new shortfall of the official evaluation; mark vanished ones.

    A problem already in the list keeps its owner, measure, status and the figures found when it
    was opened (the 成效清单 compares them with the latest evaluation).
    """
    schools = {s.code: s for s in School.objects.filter(county=cy.county_id)}
    existing = {p.key: p for p in Problem.objects.filter(county=cy.county_id, year=cy.year, source="evaluation")}
    seen, created = set(), 0
    for p in tracked_problems(result):
        key = problem_key(p)
        if key in seen:
            raise DuplicateProblemKey(f"两个问题的标识相同：{key}")  # rolls back the result with its problems
        seen.add(key)
        if key in existing:
            if existing[key].resolved_in_data:
                existing[key].resolved_in_data = False
                existing[key].save(update_fields=["resolved_in_data"])
            continue
        Problem.objects.create(
            county_id=cy.county_id, year=cy.year, school=schools.get(p.get("school_code") or ""), key=key,
            stage=p.get("stage") or "", item=p.get("item") or "", kind=p.get("kind") or "",
            value=p.get("value"), standard=p.get("standard"), shortfall=p.get("shortfall"),
            school_shortfall=p.get("school_shortfall"), unit=p.get("unit") or "",
            blocking=bool(p.get("blocking", True)), message=p.get("message") or key,
        )
        created += 1
    vanished = [p for k, p in existing.items() if k not in seen and not p.resolved_in_data]
    for p in vanished:
        p.resolved_in_data = True
        p.save(update_fields=["resolved_in_data"])
    if created or vanished:
        audit.record("系统（自动测算）", "problems.sync", county=cy.county, target=f"{cy.year} 年度问题清单",
                     summary=f"按最新测算新增问题 {created} 个，{len(vanished)} 个问题在最新测算中已不再出现",
                     after={"created": created, "no_longer_found": len(vanished)})
    return created


@dataclass(frozen=True)
class LatestState:
    """Where a problem stands in the latest official evaluation (for the 成效清单)."""

    value: Any  # the figure behind it now, when the engine reports one
    shortfall: Any  # what is still missing; 0 once the evaluation no longer finds the problem
    resolved: bool


def latest_state(problem: Problem, result: dict | None) -> LatestState | None:
    """Read from the engine's result: the same problem still listed, else the unit's indicator."""
    if result is None:
        return None
    for p in tracked_problems(result):
        if problem_key(p) == problem.key:
            return LatestState(p.get("value"), p.get("shortfall"), False)
    value = None
    if problem.school is not None:
        for unit in result.get("units", []):
            if unit.get("school_code") == problem.school.code and unit.get("stage") == problem.stage:
                value = (unit.get("indicators", {}).get(problem.item) or {}).get("value")
    return LatestState(value, 0, problem.source == "evaluation")
