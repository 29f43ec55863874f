"""Drawing the schools of a visit with :func:`junheng.inspection.sampling.draw_sample` and recording
the draw: seed, who drew, visit and notice dates, the schools it was drawn from and the strata.

The draw is made from the county's accepted data (what the evaluation judged); the schools it was
drawn from are stored with it, so :func:`reproduces` can draw again from the record and show that
the same seed gives the same schools, whatever the data became since.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from junheng.inspection.checklist import school_items
from junheng.inspection.sampling import (
    Sample,
    SamplingError,
    SamplingParameters,
    draw_sample,
    load_sampling_parameters,
)
from junheng.web import audit
from junheng.web.models import Account, CollectionYear, School
from junheng.web.results import current_revision, dataset_for
from junheng.web.services import DEADLINE_YEARS, WorkflowError

from .access import may_inspect
from .models import SampledSchool, Visit

POPULATION_SCHEMA = {"county_code": pl.String, "county_name": pl.String, "year": pl.Int64, "school_code": pl.String,
                     "school_name": pl.String, "school_type": pl.String, "area_type": pl.String}
SEED_MAX = 2**63 - 1


def parse_seed(text: str) -> int | None:
    """The typed seed, or None (blank: the draw makes one and records it)."""
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > SEED_MAX:
        raise WorkflowError(f"随机种子“{text[:30]}”无效：须为 0 到 {SEED_MAX} 之间的整数，或留空由系统生成")
    return int(text)


def parse_date(text: str, label: str) -> dt.date:
    text = text.strip()
    if not text:
        raise WorkflowError(f"请填写{label}")
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise WorkflowError(f"{label}“{text[:30]}”不是有效日期（格式 YYYY-MM-DD）") from None
    if not DEADLINE_YEARS[0] <= date.year <= DEADLINE_YEARS[1]:
        raise WorkflowError(f"{label}“{text}”不合理：年份须在 {DEADLINE_YEARS[0]} 到 {DEADLINE_YEARS[1]} 之间")
    return date


def _parameters_json(params: SamplingParameters) -> dict[str, Any]:
    return {"min_schools": params.min_schools, "max_schools": params.max_schools, "rate": str(params.rate),
            "school_types": list(params.school_types), "notice_days": params.notice_days,
            "references": params.references}


def _parameters(stored: dict[str, Any]) -> SamplingParameters:
    return SamplingParameters(min_schools=stored["min_schools"], max_schools=stored["max_schools"],
                              rate=Fraction(stored["rate"]), school_types=tuple(stored["school_types"]),
                              notice_days=stored["notice_days"], references=stored["references"])


def _sample(population: list[dict], seed: int | None, params: SamplingParameters, visit_date: dt.date) -> Sample:
    frame = pl.DataFrame(population, schema=POPULATION_SCHEMA, orient="row")
    try:
        return draw_sample(frame, seed=seed, params=params, visit_date=visit_date)
    except SamplingError as exc:
        raise WorkflowError(str(exc)) from None


def reproduces(visit: Visit) -> bool:
    """Drawing again from the recorded schools, seed and parameters gives the stored schools."""
    again = _sample(visit.population, visit.seed, _parameters(visit.parameters), visit.visit_date)
    stored = sorted(visit.schools.values_list("school__code", flat=True))
    return sorted(again.schools["school_code"].to_list()) == stored


def _plain(value: Any) -> Any:
    """Reported values as JSON numbers (the data's integers stay integers)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def draw(acc: Account, cy: CollectionYear, visit_date: dt.date, seed: int | None, *, replace_version: int | None = None,
         request: HttpRequest | None = None) -> Visit:
    """Draw and store the visit of ``visit_date``. An existing draw of that date is replaced only
    when asked (``replace_version``: the version the user saw), before any school was checked."""
    data = dataset_for(cy, official=True)
    if data.schools.is_empty():
        raise WorkflowError("还没有审核通过的学校数据，无法抽样（抽样以审核通过的数据为准）")
    population = data.schools.select(list(POPULATION_SCHEMA)).sort("school_code").to_dicts()
    params = load_sampling_parameters(cy.year)
    sample = _sample(population, seed, params, visit_date)
    rows = {row["school_code"]: row for row in data.schools.iter_rows(named=True)}
    schools = {s.code: s for s in School.objects.filter(county=cy.county_id, code__in=rows)}
    fields = {"seed": sample.seed, "notice_date": sample.notice_date, "population": population,
              "strata": {s: list(counts) for s, counts in sample.strata.items()},
              "parameters": _parameters_json(params), "revision": current_revision(cy.county_id),
              "drawn_by": acc.user, "drawn_by_name": acc.user.get_username(), "drawn_by_role": acc.role,
              "drawn_at": timezone.now()}
    with transaction.atomic():
        visit = Visit.objects.select_for_update(of=("self",)).filter(county=cy.county_id, year=cy.year,
                                                         visit_date=visit_date).first()
        before = None
        if visit is None:
            try:
                with transaction.atomic():
                    visit = Visit.objects.create(county_id=cy.county_id, year=cy.year, visit_date=visit_date, **fields)
            except IntegrityError:
                raise WorkflowError("抽样未保存：该督导日期刚被他人抽样，请刷新页面查看") from None
        else:
            before = _refuse_replacing(acc, visit, replace_version)
            made = Visit.objects.filter(pk=visit.pk, version=visit.version).update(**fields, version=F("version") + 1)
            if made != 1:
                raise WorkflowError("抽样未保存：该次抽样刚被他人重抽，请刷新页面后核对")
            visit.schools.all().delete()
            visit.refresh_from_db()
        SampledSchool.objects.bulk_create([
            SampledSchool(visit=visit, school=schools[row["school_code"]], stratum=row["stratum"],
                          school_type=row["school_type"], area_type=row["area_type"] or "",
                          items=[{"field": i.field, "label": i.label, "item": i.item, "evidence": i.evidence,
                                  "reported": _plain(i.reported)}
                                 for i in school_items(rows[row["school_code"]], data.rooms)])
            for row in sample.schools.iter_rows(named=True)])
        audit.record(acc.user, "onsite.draw", request=request, county=cy.county, target=str(visit),
                     summary=f"{'重新' if before else ''}抽取实地督导学校 {sample.schools.height} 所（随机种子 {sample.seed}）",
                     before=before, after={"seed": sample.seed, "schools": sample.schools["school_code"].to_list(),
                                           "notice_date": sample.notice_date.isoformat()})
    return visit


def _refuse_replacing(acc: Account, visit: Visit, replace_version: int | None) -> dict:
    """Why the stored draw may not be replaced now, else what it was (for the audit log)."""
    if replace_version is None:
        raise WorkflowError(f"{visit.visit_date.isoformat()} 已有抽样结果（抽样人 {visit.drawn_by_name}）。"
                            "如需重新抽样，请在该次抽样下选择“替换原抽样结果”。")
    if not may_inspect(acc, visit):
        raise WorkflowError("该次抽样由督导人员完成，教育局不能替换")
    if replace_version != visit.version:
        raise WorkflowError(f"抽样未替换：您查看期间该次抽样已被他人重抽（当前为第 {visit.version} 版，"
                            f"您看到的是第 {replace_version} 版），请刷新页面后核对")
    if visit.schools.exclude(observed={}).exists() or visit.schools.filter(findings__isnull=False).exists():
        raise WorkflowError("已开始实地核查（已有学校填写了核查值或生成了核查发现），不能重新抽样")
    return {"seed": visit.seed, "schools": list(visit.schools.values_list("school__code", flat=True))}
