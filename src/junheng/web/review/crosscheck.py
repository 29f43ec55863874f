"""The checks reviewers do by hand today, run on the web's stored (accepted) data of a region:
school lists and names against last year's, a school in two counties, the county sheet's
专任教师总数 against the schools' (:mod:`junheng.monitoring.checks`).

Each county's own checks are stored per county revision (:class:`CountyCheck`), so that a change
in one county recomputes that county only; the region's view (those plus the one check across
counties) is stored per stamp of its counties' revisions (:class:`CrossCheck`)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict

from django.db import IntegrityError, transaction
from django.db.models import Count, F

from junheng.dataset import Dataset
from junheng.monitoring import Flag, check_dataset
from junheng.schema import COUNTY, SCHOOLS

from ..models import Account, CollectionYear, County, Status, Submission
from ..results import frame
from .models import CountyCheck, CrossCheck

KIND_ZH = {"school_missing": "学校减少", "school_new": "新增学校", "name_changed": "学校更名",
           "two_counties": "一校两县", "total_mismatch": "合计不符", "yoy_change": "变化过大", "yoy_fall": "数值减少"}
IDENTITY = ("year", "school_code", "school_name", "county_code", "county_name")


def stamp_of(counties: list[County], year: int) -> str:
    text = f"{year};" + ";".join(f"{c.id}:{c.revision}" for c in sorted(counties, key=lambda c: c.id))
    return hashlib.sha256(text.encode()).hexdigest()


def _accepted(county_ids: list[int], year: int):
    return Submission.objects.filter(school__county__in=county_ids, year=year, status=Status.ACCEPTED)


def _rows(flags: list[Flag], county_ids: list[int], year: int) -> list[dict]:
    """The flags as stored, with the school's own 年度变化说明 where it gave one."""
    explanations = {(code, field): text for code, given in
                    Submission.objects.filter(school__county__in=county_ids, year=year).exclude(explanations={})
                    .values_list("school__code", "explanations") for field, text in (given or {}).items()}
    return [{**asdict(f), "kind_zh": KIND_ZH.get(f.kind, f.kind),
             "explanation": explanations.get((f.school_code, f.field), "")} for f in flags]


def county_flags(county: County, year: int) -> list[dict]:
    """The county's checks against last year and against its county sheet (a county with no
    accepted data last year is not compared: its schools would all read as new)."""
    this = frame(SCHOOLS, list(_accepted([county.id], year).values_list("values", flat=True)))
    if not this.height:
        return []
    last = frame(SCHOOLS, list(_accepted([county.id], year - 1).values_list("values", flat=True)))
    cy = CollectionYear.objects.filter(county=county, year=year, county_table_supplied=True).first()
    sheet = frame(COUNTY, [cy.county_values]) if cy else None
    flags = check_dataset(Dataset(schools=this, county=sheet), Dataset(schools=last) if last.height else None)
    return _rows([f for f in flags if f.kind != "two_counties"], [county.id], year)  # that one: across the region


def stored_county_flags(county: County, year: int) -> list[dict]:
    found = CountyCheck.objects.filter(county=county, year=year, revision=county.revision).first()
    if found is not None:
        return found.flags
    flags = county_flags(county, year)
    with transaction.atomic():
        CountyCheck.objects.bulk_create([CountyCheck(county=county, year=year, revision=county.revision, flags=flags)],
                                        ignore_conflicts=True)
        CountyCheck.objects.filter(county=county, year=year, revision__lt=F("county__revision")).delete()
    return flags


def region_flags(counties: list[County], year: int) -> list[dict]:
    """A 学校标识码 under two counties: the identity columns of every accepted school of the region."""
    keys = [f"values__{k}" for k in IDENTITY]
    rows = [dict(zip(IDENTITY, r, strict=True)) for r in _accepted([c.id for c in counties], year).values_list(*keys)]
    if not rows:
        return []
    flags = check_dataset(Dataset(schools=frame(SCHOOLS, rows)))
    return _rows([f for f in flags if f.kind == "two_counties"], [c.id for c in counties], year)


def counts_of(counties: list[County], year: int) -> list[dict]:
    ids = [c.id for c in counties]
    this = dict(_accepted(ids, year).values_list("school__county").annotate(n=Count("id")))
    last = dict(_accepted(ids, year - 1).values_list("school__county").annotate(n=Count("id")))
    return [{"county": c.name, "code": c.code, "this": this.get(c.id, 0), "last": last.get(c.id, 0)}
            for c in sorted(counties, key=lambda c: (c.code, c.name))]


def cross_check(acc: Account, counties, year: int) -> CrossCheck:
    counties = list(counties)
    stamp = stamp_of(counties, year)
    found = CrossCheck.objects.filter(region_code=acc.region_code, year=year, stamp=stamp).first()
    if found is not None:
        return found
    flags = region_flags(counties, year)
    for county in sorted(counties, key=lambda c: (c.code, c.name)):
        flags += stored_county_flags(county, year)
    try:
        with transaction.atomic():
            found = CrossCheck.objects.create(region_code=acc.region_code, year=year, stamp=stamp,
                                              flags=flags, counts=counts_of(counties, year))
            CrossCheck.objects.filter(region_code=acc.region_code, year=year).exclude(pk=found.pk).delete()
    except IntegrityError:  # computed by another request meanwhile
        found = CrossCheck.objects.get(region_code=acc.region_code, year=year, stamp=stamp)
    return found
