"""The checks reviewers do by hand today, run on the web's stored (accepted) data of a region:
school lists and names against last year's, a school in two counties, the county sheet's
专任教师总数 against the schools' (:mod:`junheng.monitoring.checks`). Computed once per stamp of
the region's county revisions and stored."""

from __future__ import annotations

import hashlib
from dataclasses import asdict

import polars as pl
from django.db import IntegrityError, transaction

from junheng.dataset import Dataset
from junheng.monitoring import check_dataset, year_on_year
from junheng.schema import COUNTY, SCHOOLS

from ..models import Account, CollectionYear, County, Status, Submission
from ..results import frame
from .models import CrossCheck

KIND_ZH = {"school_missing": "学校减少", "school_new": "新增学校", "name_changed": "学校更名",
           "two_counties": "一校两县", "total_mismatch": "合计不符", "yoy_change": "变化过大", "yoy_fall": "数值减少"}


def stamp_of(counties: list[County], year: int) -> str:
    text = f"{year};" + ";".join(f"{c.id}:{c.revision}" for c in sorted(counties, key=lambda c: c.id))
    return hashlib.sha256(text.encode()).hexdigest()


def _schools(counties: list[County], year: int) -> tuple[pl.DataFrame, list[int]]:
    """The accepted schools of ``year`` (one frame) and the counties that have any."""
    rows, found = [], set()
    for county_id, values in (Submission.objects.filter(school__county__in=counties, year=year, status=Status.ACCEPTED)
                              .values_list("school__county", "values")):
        rows.append(values)
        found.add(county_id)
    return frame(SCHOOLS, rows), sorted(found)


def compute(counties: list[County], year: int) -> tuple[list[dict], list[dict]]:
    """The flags (with the school's own 年度变化说明 where it gave one) and each county's counts."""
    this, this_counties = _schools(counties, year)
    last, last_counties = _schools(counties, year - 1)
    sheets = [cy.county_values for cy in CollectionYear.objects.filter(county__in=counties, year=year,
                                                                         county_table_supplied=True)]
    flags = []
    if this.height:
        county_table = frame(COUNTY, sheets) if sheets else None
        flags = check_dataset(Dataset(schools=this, county=county_table))
        both = set(this_counties) & set(last_counties)  # a county new to the system is not "all schools new"
        if both:
            codes = {c.id: c.code for c in counties}
            names = {c.id: c.name for c in counties}
            keep = pl.col("county_code").is_in([codes[i] for i in both]) | pl.col("county_name").is_in([names[i] for i in both])
            this_both, last_both = this.filter(keep), last.filter(keep)
            if this_both.height and last_both.height:
                flags += year_on_year(this_both, last_both)
    explanations = {(code, field): text for code, given in
                    Submission.objects.filter(school__county__in=counties, year=year).exclude(explanations={})
                    .values_list("school__code", "explanations") for field, text in (given or {}).items()}
    rows = [{**asdict(f), "kind_zh": KIND_ZH.get(f.kind, f.kind),
             "explanation": explanations.get((f.school_code, f.field), "")} for f in flags]
    this_by = _count(this, counties)
    last_by = _count(last, counties)
    counts = [{"county": c.name, "code": c.code, "this": this_by.get(c.id, 0), "last": last_by.get(c.id, 0)}
              for c in sorted(counties, key=lambda c: (c.code, c.name))]
    return rows, counts


def _count(schools: pl.DataFrame, counties: list[County]) -> dict[int, int]:
    if not schools.height:
        return {}
    by_name = dict(schools.group_by("county_name").len().iter_rows())
    return {c.id: by_name.get(c.name, 0) for c in counties}


def cross_check(acc: Account, counties, year: int) -> CrossCheck:
    counties = list(counties)
    stamp = stamp_of(counties, year)
    found = CrossCheck.objects.filter(region_code=acc.region_code, year=year, stamp=stamp).first()
    if found is not None:
        return found
    flags, counts = compute(counties, year)
    try:
        with transaction.atomic():
            found = CrossCheck.objects.create(region_code=acc.region_code, year=year, stamp=stamp,
                                              flags=flags, counts=counts)
            CrossCheck.objects.filter(region_code=acc.region_code, year=year).exclude(pk=found.pk).delete()
    except IntegrityError:  # computed by another request meanwhile
        found = CrossCheck.objects.get(region_code=acc.region_code, year=year, stamp=stamp)
    return found
