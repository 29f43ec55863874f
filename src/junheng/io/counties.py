"""One county is one county: names unified by code, stray years refused (shared/spec/data.md).

The engine groups schools by county name, so a school whose 县(区) reads ``某 县`` or
``某县教育局`` beside a hundred rows of ``某县`` would become a county of its own, and the real
county's 差异系数 would be computed without it. A county is identified by its code where one is
given: rows of one code whose names differ only in spacing or an added ``教育局`` are unified to
the name most rows use, with a notice; rows of one code under names that differ otherwise are an
error (a wrong code or a wrong name — the user must say which). Rows without a code are unified
when their name folds to the name of a county in the file. The county and monitoring tables
follow the 学校 table's names.

One school row typed with another 年度 would likewise become a second county-year. A year that
fewer than half as many of a county's rows carry as its main year is refused with the rows named;
a county with several full years is evaluated per year, with a notice.
"""

from __future__ import annotations

import polars as pl

from .table import SOURCE_ROW, Sheet

# Written after a county's name by clerks who name the bureau rather than the county.
BUREAU_SUFFIXES = ("教育和体育局", "教育体育局", "教育和科学技术局", "教育科技局", "教育和科技局", "教体局", "教育局")
# A year carried by fewer rows than this share of the county's main year is taken for a slip.
STRAY_YEAR_SHARE = 0.5
_LISTED = 20


def folded_name(name: pl.Expr) -> pl.Expr:
    """A county name as compared: NFKC, no spaces, no bureau suffix."""
    suffix = "(" + "|".join(BUREAU_SUFFIXES) + ")$"
    return name.str.normalize("NFKC").str.replace_all(r"\s+", "").str.replace(suffix, "")


def _with_folded(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` plus ``folded``, each distinct name folded once (a national file has 2,850 of them)."""
    names = frame.select("county_name").unique().with_columns(folded=folded_name(pl.col("county_name")))
    return frame.join(names, on="county_name", how="left", nulls_equal=True)


def _rows_text(rows: list[int]) -> str:
    more = f" 等 {len(rows)} 行" if len(rows) > _LISTED else ""
    return f"第 {'、'.join(map(str, rows[:_LISTED]))} 行{more}"


def unify_county_names(schools: Sheet, others: list[Sheet]) -> None:
    """Rename variant spellings in ``schools`` and ``others`` (county, monitoring) to one name per county."""
    if schools.typed.height == 0 or "county_name" not in schools.columns:
        return
    rows = schools.typed.select(SOURCE_ROW, "county_code", "county_name").with_row_index("at")
    # Each (code, name) once, with its row count and first row: 210,000 schools have ~2,850 such pairs.
    pairs = _with_folded(rows.group_by("county_code", "county_name").agg(pl.len().alias("rows"), pl.col("at").min()))
    _refuse_two_names_for_one_code(schools, pairs, rows)
    # The name most rows of each folded name use (the first such row breaks a tie).
    canonical = (pairs.filter(pl.col("folded").is_not_null())
                 .group_by("folded", "county_name").agg(pl.col("rows").sum(), pl.col("at").min())
                 .sort(["rows", "at"], descending=[True, False]).unique("folded", keep="first", maintain_order=True)
                 .select("folded", pl.col("county_name").alias("canonical")))
    by_code = (pairs.filter(pl.col("county_code").is_not_null() & pl.col("folded").is_not_null())
               .group_by("county_code", "folded").agg(pl.col("rows").sum(), pl.col("at").min())
               .sort(["rows", "at"], descending=[True, False]).unique("county_code", keep="first")
               .join(canonical, on="folded").select("county_code", pl.col("canonical").alias("by_code")))
    unified = _unified(pairs, canonical, by_code)
    if unified.filter(pl.col("unified") != pl.col("county_name")).height:  # a row's name hangs on its code and name
        _rename(schools, canonical, by_code)
    for sheet in others:
        _rename(sheet, canonical, by_code)


def _refuse_two_names_for_one_code(sheet: Sheet, pairs: pl.DataFrame, school_rows: pl.DataFrame) -> None:
    names = (pairs.filter(pl.col("county_code").is_not_null() & pl.col("folded").is_not_null())
             .group_by("county_code", "folded").agg(pl.col("rows").sum(), pl.col("at").min(),
                                                     pl.col("county_name").sort_by("at").first())
             .sort(["rows", "at"], descending=[True, False]))
    main = names.unique("county_code", keep="first", maintain_order=True)
    if main.height == names.height:
        return
    frame = _with_folded(school_rows)
    others = names.join(main.select("county_code", "folded"), on=["county_code", "folded"], how="anti")
    main_of = {r["county_code"]: r for r in main.iter_rows(named=True)}
    for other in others.iter_rows(named=True):
        first = main_of[other["county_code"]]
        rows = frame.filter((pl.col("county_code") == other["county_code"]) & (pl.col("folded") == other["folded"]))
        sheet.log.add_rows(sheet.name, sheet.header("county_name"), rows.with_columns(
            value=sheet.as_entered("county_name", rows.get_column("at"))),
            lambda row, first=first: f"县(区)代码 {row['county_code']} 在其他 {first['rows']} 行是“{first['county_name']}”，"
                                     f"同一代码只能是一个县(区)：请核对本行的县(区)名称或代码")


def _unified(frame: pl.DataFrame, canonical: pl.DataFrame, by_code: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (with ``at`` and ``folded``) in row order, plus ``unified``: the name each row is counted under."""
    return (frame.join(canonical, on="folded", how="left").join(by_code, on="county_code", how="left")
            .sort("at").with_columns(unified=pl.coalesce("by_code", "canonical", "county_name")))


def _rename(sheet: Sheet, canonical: pl.DataFrame, by_code: pl.DataFrame) -> None:
    if sheet.typed.height == 0 or "county_name" not in sheet.columns:
        return
    frame = _unified(_with_folded(sheet.typed.select(SOURCE_ROW, "county_code", "county_name").with_row_index("at")),
                     canonical, by_code)
    changed = frame.filter(pl.col("unified") != pl.col("county_name"))
    if not changed.height:
        return
    sheet.typed = sheet.typed.with_columns(county_name=frame.get_column("unified"))
    groups = changed.group_by("county_name", "unified", maintain_order=True).agg(pl.col(SOURCE_ROW))
    for typed, unified, rows in groups.iter_rows():
        sheet.log.notice(sheet.name, f"{_rows_text(rows)}的县(区)写作“{typed}”，已按同一县(区)其他行的“{unified}”计")


def check_years(schools: Sheet) -> None:
    """Refuse a county's stray year (a slip that would split the county); name several full years."""
    if schools.typed.height == 0:
        return
    county = pl.coalesce("county_code", "county_name")
    counts = (schools.typed.filter(pl.col("year").is_not_null() & county.is_not_null())
              .group_by(county.alias("county"), "year").agg(pl.len().alias("rows"), pl.col("county_name").first())
              .with_columns(main=pl.col("rows").max().over("county"))
              .with_columns(main_year=pl.col("year").sort_by("rows", descending=True).first().over("county"),
                            years=pl.col("year").n_unique().over("county")))
    stray = counts.filter(pl.col("rows") < pl.col("main") * STRAY_YEAR_SHARE)
    if stray.height:
        rows = (schools.typed.with_row_index("at").with_columns(county=county)
                .join(stray.select("county", "year", "main", "main_year"), on=["county", "year"]).sort(SOURCE_ROW))
        schools.log.add_rows(schools.name, schools.header("year"), rows.with_columns(
            value=schools.as_entered("year", rows.get_column("at"))),
            lambda row: f"年度 {row['year']} 与本县(区)其他 {row['main']} 行的 {row['main_year']} 年度不同；"
                        "若是笔误请改正，若确为另一年度的数据请与该年度其他学校一并填报")
    several = counts.filter((pl.col("years") > 1) & (pl.col("rows") >= pl.col("main") * STRAY_YEAR_SHARE))
    for (name,), group in several.sort("year").group_by(["county_name"], maintain_order=True):
        if group.height > 1:
            years = "、".join(f"{y} 年度 {n} 行" for y, n in group.select("year", "rows").iter_rows())
            schools.log.notice(schools.name, f"{name}有多个年度的数据（{years}），按年度分别测算")


def name_rows_without_schools(schools: Sheet, sheet: Sheet) -> None:
    """County or monitoring rows of a county-year with no school in the 学校 table are not used: say so."""
    if sheet.typed.height == 0:
        return
    known = schools.typed.select("year", "county_name").unique()
    unused = (sheet.typed.filter(pl.col("year").is_not_null() & pl.col("county_name").is_not_null())
              .join(known, on=["year", "county_name"], how="anti").sort(SOURCE_ROW))
    groups = unused.group_by("year", "county_name", maintain_order=True).agg(pl.col(SOURCE_ROW))
    for year, name, rows in groups.iter_rows():
        sheet.log.notice(sheet.name, f"{_rows_text(rows)}：“{schools.name}”表中没有{name} {year} 年度的学校，这些行未使用")
