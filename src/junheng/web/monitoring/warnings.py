"""Early warnings on the web: :func:`junheng.monitoring.early_warnings` over the county's accepted
years (the stored evaluation of each), computed once per data revision and stored; a warning
becomes a problem of the 问题清单 (source 监测预警) once, however many times it is clicked."""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from junheng.monitoring import EarlyWarning, early_warnings
from junheng.schema import STAGE_ZH

from .. import audit
from ..models import Account, CollectionYear, County, Problem, School
from ..results import current_revision, result_of
from ..services import WorkflowError
from .models import WarningSnapshot

logger = logging.getLogger(__name__)
_lock = threading.Lock()  # one computation at a time per process; the others then read its result


def warning_key(w: dict[str, Any]) -> str:
    """The problem key of a warning: the same warning for the same projected year is one problem."""
    return "|".join(("warning", w["kind"], w.get("school_code") or "", w.get("stage") or "", w["item"], str(w["year"])))


def _series(evaluations: list[tuple[int, dict]], w: EarlyWarning) -> list[tuple[int, Any]]:
    """The warned figure in each year given (from the engine's output, nothing recomputed)."""
    points = []
    for year, result in evaluations:
        value = None
        if w.kind == "cv":
            stage = (result["counties"][0].get("stages") or {}).get(w.stage) or {}
            value = ((stage.get("indicators") or {}).get(w.item) or {}).get("cv")
        elif w.kind == "school_size":
            school = next((s for s in result.get("schools", []) if s.get("school_code") == w.school_code), {})
            value = ((school.get("checks") or {}).get("G4") or {}).get("students")
        else:
            unit = next((u for u in result.get("units", [])
                         if u.get("school_code") == w.school_code and u.get("stage") == w.stage), {})
            value = ((unit.get("indicators") or {}).get(w.item) or {}).get("value")
        points.append((year, value))
    return points


def _cv_series(evaluations: list[tuple[int, dict]]) -> list[dict[str, Any]]:
    """Each 学段 and indicator's CV in each year given (``values`` in the order of the years)."""
    rows: dict[str, dict[str, Any]] = {}
    for n, (_, result) in enumerate(evaluations):
        for stage, data in (result["counties"][0].get("stages") or {}).items():
            for item, v in (data.get("indicators") or {}).items():
                row = rows.setdefault(f"{stage}|{item}", {"stage": STAGE_ZH.get(stage, stage), "item": item,
                                                          "values": [None] * len(evaluations)})
                row["values"][n], row["cv_max"] = v.get("cv"), v.get("cv_max")
    return list(rows.values())


def _compute(cy: CollectionYear) -> dict[str, Any]:
    evaluations = []
    for other in CollectionYear.objects.filter(county=cy.county_id, year__lte=cy.year).order_by("year"):
        result, _ = result_of(other, official=True)
        if result and result.get("counties"):
            evaluations.append((other.year, result))
    years = [y for y, _ in evaluations]
    try:
        warnings = [{**asdict(w), "series": _series(evaluations, w)} for w in early_warnings([r for _, r in evaluations])]
        cvs = _cv_series(evaluations)
    except Exception as exc:  # a fault of the trend must not take the dashboard down with it
        logger.exception("early warnings of %s %s failed", cy.county_id, cy.year)
        return {"years": years, "warnings": [], "cv_series": [],
                "error": f"预警测算出错，请联系系统管理员（{type(exc).__name__}: {exc}）"}
    for w in warnings:
        w["key"], w["stage_zh"] = warning_key(w), STAGE_ZH.get(w["stage"], "") if w["stage"] else ""
    return {"years": years, "warnings": warnings, "cv_series": cvs, "error": ""}


def warnings_of(cy: CollectionYear) -> WarningSnapshot:
    """The warnings for the county's current data revision, computed (once) when missing; stored
    only under the revision they were computed from (as the evaluation's snapshots are)."""
    def stored(revision: int) -> WarningSnapshot | None:
        return WarningSnapshot.objects.filter(county=cy.county_id, year=cy.year, revision=revision).first()

    revision = current_revision(cy.county_id)
    if (found := stored(revision)) is not None:
        return found
    with _lock:
        revision = current_revision(cy.county_id)
        if (found := stored(revision)) is not None:
            return found
        computed = _compute(cy)  # may store evaluations, which never bump the revision
        with transaction.atomic():
            if County.objects.select_for_update().get(pk=cy.county_id).revision == revision:
                found, created = WarningSnapshot.objects.get_or_create(
                    county_id=cy.county_id, year=cy.year, revision=revision, defaults=computed)
                if created:
                    WarningSnapshot.objects.filter(county=cy.county_id, year=cy.year, revision__lt=revision).delete()
                return found
    # the data changed while computing: show this result, store nothing (the next request computes again)
    return WarningSnapshot(county_id=cy.county_id, year=cy.year, revision=revision, **computed)


def raised_problems(cy: CollectionYear) -> dict[str, int]:
    """Warning key → id of the problem already made from it."""
    return dict(Problem.objects.filter(county=cy.county_id, year=cy.year, source="warning")
                .values_list("key", "id"))


def to_problem(acc: Account, cy: CollectionYear, key: str, request: HttpRequest | None = None) -> tuple[Problem, bool]:
    """The warning ``key`` of the current warnings as a problem of ``cy.year``'s list, owned by
    the bureau; a second click (or two at once) finds the first one's problem: the key is unique
    per county and year, and the create is conditional on it inside one transaction."""
    warning = next((w for w in warnings_of(cy).warnings if w["key"] == key), None)
    if warning is None:
        raise WorkflowError("该预警已不在最新的预警列表中（数据已更新），请刷新页面后再操作")
    school = (School.objects.filter(county=cy.county_id, code=warning["school_code"]).first()
              if warning.get("school_code") else None)
    with transaction.atomic():
        problem, made = Problem.objects.get_or_create(
            county_id=cy.county_id, year=cy.year, key=key,
            defaults={"source": "warning", "school": school, "stage": warning.get("stage") or "",
                      "item": warning["item"][:10], "kind": warning["kind"][:30], "value": warning.get("now"),
                      "standard": warning.get("threshold"), "shortfall": warning.get("resource_shortfall") or None,
                      "unit": warning.get("resource_unit") or ("人" if warning["kind"] == "school_size" else ""),
                      "blocking": False, "message": warning["message"], "raised_by": acc.user,
                      "owner": f"{cy.county.name}教育局"[:50]})
        if made:
            audit.record(acc.user, "problem.warning", request=request, county=cy.county,
                         target=f"问题 #{problem.pk} {school.name if school else cy.county.name} {problem.item}",
                         summary="监测预警转为问题", after={"key": key, "message": warning["message"]})
    return problem, made
