"""The checks reviewers do by hand today, run on the web's stored (accepted) data of a region:
school lists and names against last year's, a school in two counties, the county sheet's
专任教师总数 against the schools' (:mod:`junheng.monitoring.checks`).

Each county's own checks are stored per county revision (:class:`CountyCheck`), so that a change
in one county recomputes that county only; the region's view (those plus the one check across
counties) is stored per stamp of its counties' revisions (:class:`CrossCheck`)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict

import polars as pl
from django.db import IntegrityError, transaction
from django.db.models import Count, F, TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from junheng.dataset import Dataset
from junheng.monitoring import Flag, check_dataset
from junheng.schema import COUNTY, SCHOOLS

from ..models import Account, CollectionYear, County, Status, Submission
from ..results import POLARS_TYPES, frame
from .models import CountyCheck, CrossCheck

KIND_ZH = {"school_missing": "学校减少", "school_new": "新增学校", "name_changed": "学校更名",
           "two_counties": "一校两县", "total_mismatch": "合计不符", "yoy_change": "变化过大", "yoy_fall": "数值减少"}
IDENTITY = ("school_code", "school_name", "county_code", "county_name")
COUNTIES_PER_READ = 20  # a batch's schools' values in memory at once: ~2,500 schools of a large county set


def stamp_of(counties: list[County], year: int) -> str:
    text = f"{year};" + ";".join(f"{c.id}:{c.revision}" for c in sorted(counties, key=lambda c: c.id))
    return hashlib.sha256(text.encode()).hexdigest()


def _accepted(county_ids: list[int], year: int):
    return Submission.objects.filter(school__county__in=county_ids, year=year, status=Status.ACCEPTED)


def _explanations(county_ids: list[int], year: int) -> dict[tuple[int, str, str], str]:
    """(county id, school code, field) → the school's own 年度变化说明, where it gave one."""
    return {(county, code, field): text for county, code, given in
            Submission.objects.filter(school__county__in=county_ids, year=year).exclude(explanations={})
            .values_list("school__county", "school__code", "explanations") for field, text in (given or {}).items()}


def _rows(flags: list[Flag], explanations: dict[tuple[str, str], str]) -> list[dict]:
    """The flags as stored, with the school's explanation (by school code and field) of the flagged field."""
    return [{**asdict(f), "kind_zh": KIND_ZH.get(f.kind, f.kind),
             "explanation": explanations.get((f.school_code, f.field), "")} for f in flags]


def _schools_by_county(county_ids: list[int], year: int) -> dict[int, pl.DataFrame]:
    """The accepted schools of the counties as canonical tables, by county id: the stored JSON is
    read as text and parsed by polars (several times faster than decoding each school's dict)."""
    rows = list(_accepted(county_ids, year).annotate(text=Cast("values", TextField()))
                .values_list("school__county", "text"))
    if not rows:
        return {}
    schema = pl.Struct({f.id: POLARS_TYPES.get(f.type, pl.String) for f in SCHOOLS.fields})
    counties, texts = zip(*rows, strict=True)
    schools = pl.Series(texts, dtype=pl.String).str.json_decode(schema).struct.unnest()
    return {county: part.drop("_county") for (county,), part in
            schools.with_columns(pl.Series("_county", counties)).partition_by("_county", as_dict=True).items()}


def county_flags(counties: list[County], year: int) -> dict[int, list[dict]]:
    """Each county's checks against last year and against its county sheet, by county id (a county
    with no accepted data last year is not compared: its schools would all read as new). The
    counties' data is read together, a batch of counties per query."""
    flagged: dict[int, list[dict]] = {}
    for start in range(0, len(counties), COUNTIES_PER_READ):
        batch = counties[start:start + COUNTIES_PER_READ]
        ids = [c.id for c in batch]
        this, last = _schools_by_county(ids, year), _schools_by_county(ids, year - 1)
        sheets = dict(CollectionYear.objects.filter(county__in=ids, year=year, county_table_supplied=True)
                      .values_list("county", "county_values"))
        explanations = _explanations(ids, year)
        for county in batch:
            if county.id not in this:
                flagged[county.id] = []
                continue
            sheet = frame(COUNTY, [sheets[county.id]]) if county.id in sheets else None
            flags = check_dataset(Dataset(schools=this[county.id], county=sheet),
                                  Dataset(schools=last[county.id]) if county.id in last else None,
                                  across_counties=False)  # that one: across the region (region_flags)
            own = {(code, field): text for (c, code, field), text in explanations.items() if c == county.id}
            flagged[county.id] = _rows(flags, own)
    return flagged


def stored_county_flags(counties: list[County], year: int) -> dict[int, list[dict]]:
    """Each county's stored checks of its current revision; the missing ones computed and stored
    in one transaction."""
    revision = {c.id: c.revision for c in counties}
    found = {county: flags for county, stored, flags in
             CountyCheck.objects.filter(county__in=list(revision), year=year).values_list("county", "revision", "flags")
             if stored == revision[county]}
    missing = [c for c in counties if c.id not in found]
    if missing:
        computed = county_flags(missing, year)
        with transaction.atomic():
            CountyCheck.objects.bulk_create([CountyCheck(county=c, year=year, revision=c.revision, flags=computed[c.id])
                                             for c in missing], ignore_conflicts=True)
            CountyCheck.objects.filter(county__in=[c.id for c in missing], year=year,
                                       revision__lt=F("county__revision")).delete()
        found.update(computed)
    return found


def region_flags(counties: list[County], year: int) -> list[dict]:
    """A 学校标识码 under two counties: the identity columns of every accepted school of the region
    (read as text, not decoded from each school's whole JSON)."""
    ids = [c.id for c in counties]
    rows = _accepted(ids, year).values_list(*(KT(f"values__{k}") for k in IDENTITY))
    if not rows:
        return []
    identity = pl.DataFrame(list(rows), schema=dict.fromkeys(IDENTITY, pl.String), orient="row")
    flags = check_dataset(Dataset(schools=identity.with_columns(pl.lit(year).alias("year"))))
    explanations = {(code, field): text for (_, code, field), text in _explanations(ids, year).items()}
    return _rows([f for f in flags if f.kind == "two_counties"], explanations)


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
    by_county = stored_county_flags(counties, year)
    for county in sorted(counties, key=lambda c: (c.code, c.name)):
        flags += by_county[county.id]
    try:
        with transaction.atomic():
            found = CrossCheck.objects.create(region_code=acc.region_code, year=year, stamp=stamp,
                                              flags=flags, counts=counts_of(counties, year))
            CrossCheck.objects.filter(region_code=acc.region_code, year=year).exclude(pk=found.pk).delete()
    except IntegrityError:  # computed by another request meanwhile
        found = CrossCheck.objects.get(region_code=acc.region_code, year=year, stamp=stamp)
    return found
