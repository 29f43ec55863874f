"""One sheet read into a typed canonical frame, with the checks every table shares."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce

import polars as pl

from junheng.schema import Field, Table

from .cells import DTYPES, column_profile, has_non_ascii, normalised, quick_typed, to_typed, type_problem
from .errors import ErrorLog, InputError
from .headers import Column, find_header_row, map_columns, match_header
from .sources import Grid

SOURCE_ROW = "source_row"
_LISTED_ROWS = 20  # row numbers listed in one message (blank rows, a duplicate's twins)


def empty_frame(table: Table) -> pl.DataFrame:
    return pl.DataFrame(schema={**{f.id: DTYPES[f.type] for f in table.fields}, SOURCE_ROW: pl.Int64})


@dataclass(frozen=True)
class _Check:
    """A rule queued to run with the others: ``record`` runs only when some row is ``suspect``."""

    suspect: pl.Expr | None  # None: always
    record: Callable[[], None]


@dataclass
class Sheet:
    """A table as read: typed values, the text behind them, and where each came from.

    Rules are queued (:meth:`report`, :meth:`warn`, :meth:`check`) and run by :meth:`run_checks`:
    one pass over the rows tells which rules some row breaks, and only those are looked at row by
    row, so clean data pays a single pass whatever the number of rules.
    """

    table: Table
    name: str  # sheet or CSV file name, for messages
    header_row: int | None  # None for a sheet with nothing in it
    columns: dict[str, Column]  # the fields the sheet has a usable column for
    named: set[str]  # fields some header names, usable or not (a bad unit): not "missing"
    cells: pl.DataFrame  # the data rows as read (grid columns)
    text: pl.DataFrame  # the same rows: each present field's text, blank → null (normalised where needed)
    typed: pl.DataFrame  # the same rows: canonical columns + source_row
    log: ErrorLog
    queued: list[_Check] = dataclasses.field(default_factory=list)

    def header(self, field_id: str) -> str:
        """The column as the user knows it: their header, or the template's for an absent column."""
        column = self.columns.get(field_id)
        return column.header if column else self.table.field(field_id).display_header

    def as_entered(self, field_id: str | None, at: pl.Series | None = None) -> pl.Series:
        """The cells of ``field_id`` as the user typed them (trimmed), at row indices ``at`` or all."""
        if field_id not in self.columns:
            return pl.repeat(None, self.typed.height if at is None else len(at), dtype=pl.String, eager=True)
        column = self.cells.get_column(self.columns[field_id].source)
        return (column if at is None else column.gather(at)).str.strip_chars()

    def with_value(self, field_id: str | None) -> pl.DataFrame:
        """The typed rows plus ``value``: the cell of ``field_id`` as typed."""
        return self.typed.with_columns(value=self.as_entered(field_id))

    def check(self, suspect: pl.Expr | None, record: Callable[[], None]) -> None:
        """Queue ``record`` (which logs errors or warnings) to run if some row is ``suspect`` (None: always)."""
        self.queued.append(_Check(suspect, record))

    def run_checks(self) -> None:
        """Run the queued rules, in the order queued."""
        queued, self.queued = self.queued, []
        tests = [c.suspect.any().alias(str(i)) for i, c in enumerate(queued) if c.suspect is not None]
        found = self.typed.lazy().select(tests).collect().row(0, named=True) if tests else {}
        for i, c in enumerate(queued):
            if c.suspect is None or found[str(i)]:
                c.record()

    def report(self, field_id: str | None, failing: pl.Expr, message: Callable[[dict], str],
               extra: Sequence[pl.Expr] = (), entered: dict[str, str] | None = None,
               suspect: pl.Expr | None = None) -> None:
        """An error on each row where ``failing`` holds; ``message`` sees ``value`` (the cell as typed),
        ``source_row``, ``extra`` and, under each name of ``entered``, the cell of that field as typed.

        ``suspect``: a cheaper test that holds on every failing row, to skip the rule when none does.
        """
        self.check(failing if suspect is None else suspect,
                   lambda: self._report_rows(field_id, failing, message, extra, entered or {}))

    def _report_rows(self, field_id: str | None, failing: pl.Expr, message: Callable[[dict], str],
                     extra: Sequence[pl.Expr], entered: dict[str, str]) -> None:
        # Extras are computed on the whole table before filtering (they may be windows or whole columns).
        names = [e.meta.output_name() for e in extra]
        rows = (self.typed.with_columns(*extra).with_row_index("at").filter(failing)
                .select("at", SOURCE_ROW, *names))
        if rows.height:
            at = rows.get_column("at")
            rows = rows.with_columns(value=self.as_entered(field_id, at),
                                     **{name: self.as_entered(f, at) for name, f in entered.items()})
            self.log.add_rows(self.name, self.header(field_id) if field_id else None, rows, message)

    def warn(self, field_id: str, suspicious: pl.Expr, message: Callable[[str], str]) -> None:
        """A warning (not an error) on the first rows where ``suspicious`` holds; ``message`` gets the value."""
        self.check(suspicious, lambda: self._warn_rows(field_id, suspicious, message))

    def _warn_rows(self, field_id: str, suspicious: pl.Expr, message: Callable[[str], str]) -> None:
        at = self.typed.with_row_index("at").filter(suspicious).get_column("at")
        rows = self.typed.get_column(SOURCE_ROW).gather(at[:_LISTED_ROWS]).to_list()
        values = self.as_entered(field_id, at[:_LISTED_ROWS]).to_list()
        for row, value in zip(rows, values, strict=True):
            self.log.notice(self.name, f"第 {row} 行“{self.header(field_id)}”列：{message(value)}")
        if len(at) > _LISTED_ROWS:
            self.log.notice(self.name, f"“{self.header(field_id)}”列另有 {len(at) - _LISTED_ROWS} 行同样情况")


def read_sheet(grid: Grid, table: Table, log: ErrorLog) -> Sheet:
    """Map headers, skip (and report) blank rows, type every cell; cell errors go to ``log``."""
    cells, text_columns = grid.cells, grid.text_columns
    header_index = find_header_row(table, cells, text_columns)
    if header_index is None:  # a wholly empty sheet: the table is supplied, with no rows
        empty = empty_frame(table)
        return Sheet(table, grid.name, None, {}, set(), cells.clear(), empty.select(), empty, log)
    header_row = cells.item(header_index, SOURCE_ROW)
    header = {c: cells.item(header_index, c) for c in text_columns}
    mapped, named, header_errors = map_columns(table, grid.name, header_row, header)
    for error in header_errors:
        log.add(error)
    columns = {c.field.id: c for c in mapped}

    body = cells.slice(header_index + 1)
    quick, careful = _type_quickly(body, mapped)
    # The careful way for the rest: NFKC only where a value column has non-ASCII text (it is costly).
    folded = [c for c in careful if c.field.type != "text"]
    unicode = body.select(has_non_ascii(pl.col(c.source)).alias(c.source) for c in folded).row(0, named=True) \
        if folded and body.height else {}
    text = body.select(
        *(pl.col(c.source).alias(c.field.id) for c in mapped if c not in careful),
        *(normalised(pl.col(c.source), unicode.get(c.source, False)).alias(c.field.id) for c in careful),
    ).select(c.field.id for c in mapped)
    unmapped = [c for c in text_columns if c not in {m.source for m in mapped}]
    _name_unused_columns(table, grid, header, body.select(unmapped), log)
    filled = _drop_blank_rows(text, body.select(*unmapped, SOURCE_ROW), grid.name, log)
    if filled is not None and not filled.all():
        # A frame without columns has no rows in polars: nothing to filter then.
        body, quick = body.filter(filled), quick.filter(filled)
        text = text.filter(filled) if text.width else text
    profile = text.select(column_profile(c.field, c.factor, pl.col(c.field.id)).alias(c.field.id) for c in careful
                          ).row(0, named=True) if careful else {}
    typed = quick.hstack(text.select(c.field.id for c in careful).get_columns()).select(
        *(_typed_column(f, columns.get(f.id), f.id in quick.columns, profile.get(f.id)) for f in table.fields),
        SOURCE_ROW)
    sheet = Sheet(table, grid.name, header_row, columns, named, body, text, typed, log)
    for column in careful:  # a filled cell that gave no value (the quick way leaves none such)
        if column.field.type != "text":
            sheet.report(column.field.id, pl.lit(text.get_column(column.field.id).is_not_null())
                         & pl.col(column.field.id).is_null(),
                         lambda row, field=column.field: type_problem(field, row["value"]))
    sheet.run_checks()
    return sheet


def _name_unused_columns(table: Table, grid: Grid, header: dict[str, str | None], unmapped: pl.DataFrame,
                         log: ErrorLog) -> None:
    """A notice naming every column not read: headed by something that is not a field of this table,
    or with no header but something in it."""
    unknown = [_shortened(header[c].strip()) for c in unmapped.columns
               if header[c] is not None and header[c].strip() and match_header(table, header[c]) is None]
    if unknown:
        log.notice(grid.name, f"“{'”“'.join(unknown)}”列不是{table.sheet}表的项目，未使用")
    headless = [c for c in unmapped.columns if not (header[c] or "").strip()]
    if not (headless and unmapped.height):
        return
    filled = unmapped.select(pl.col(c).str.strip_chars().str.len_chars().gt(0).any() for c in headless).row(0)
    places = [grid.column_label(c) for c, used in zip(headless, filled, strict=True) if used]
    if places:
        log.notice(grid.name, f"{'、'.join(places)}没有表头，其中填写的内容未使用")


def _shortened(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text):,} 字）"


def _type_quickly(body: pl.DataFrame, mapped: list[Column]) -> tuple[pl.DataFrame, list[Column]]:
    """``source_row`` and the columns typed the quick way (every filled cell gave a value); the columns
    left to type carefully."""
    quick = {c.field.id: (c, expr) for c in mapped
             if (expr := quick_typed(c.field, pl.col(c.source), c.factor)) is not None}
    typed = body.lazy().select(SOURCE_ROW, *(expr.alias(field_id) for field_id, (_, expr) in quick.items())).collect()
    done = [f for f, (c, _) in quick.items() if typed.get_column(f).null_count() == body.get_column(c.source).null_count()]
    return typed.select(SOURCE_ROW, *done), [c for c in mapped if c.field.id not in done]


def _typed_column(field: Field, column: Column | None, quick: bool, profile: dict | None) -> pl.Expr:
    if column is None:
        return pl.lit(None, dtype=DTYPES[field.type]).alias(field.id)
    if quick:
        return pl.col(field.id)
    return to_typed(field, pl.col(field.id), column.factor, profile).alias(field.id)


def _drop_blank_rows(text: pl.DataFrame, unmapped: pl.DataFrame, sheet: str, log: ErrorLog) -> pl.Series | None:
    """Which rows have something in them (None: all); blank rows between data rows are reported (never a stop).

    ``text`` is normalised (blank cells are null); ``unmapped`` holds the raw ignored columns, whose
    notes still make a row non-blank, and ``source_row``.
    """
    if any(text.get_column(c).null_count() == 0 for c in text.columns):  # a column filled on every row
        return None
    filled = pl.any_horizontal(
        *(pl.col(c).is_not_null() for c in text.columns),
        *(pl.col(c).str.strip_chars().str.len_chars().gt(0).fill_null(False)
          for c in unmapped.columns if c != SOURCE_ROW),
        pl.lit(False),
    )
    flags = pl.concat([text, unmapped], how="horizontal").select(filled.alias("filled"), SOURCE_ROW)
    last = flags.filter("filled").get_column(SOURCE_ROW).max()
    blank = flags.filter(~pl.col("filled") & (pl.col(SOURCE_ROW) < last)).get_column(SOURCE_ROW).to_list() \
        if last is not None else []
    if blank:
        listed = "、".join(map(str, blank[:_LISTED_ROWS]))
        more = f" 等 {len(blank)} 行" if len(blank) > _LISTED_ROWS else ""
        log.notice(sheet, f"第 {listed} 行{more}是空行，已跳过")
    return flags.get_column("filled")


def require(sheet: Sheet, field_id: str, needed: pl.Expr, message: Callable[[dict], str],
            extra: Sequence[pl.Expr] = ()) -> None:
    """An error on each row where ``needed`` holds but the cell is empty (a bad value is reported already).

    An absent column is reported once, by :func:`missing_columns` or :func:`require_column`.
    """
    if field_id in sheet.columns:
        empty = pl.lit(sheet.text.get_column(field_id).is_null())
        sheet.report(field_id, needed & empty, message, extra)


def require_column(sheet: Sheet, field_id: str, needed: pl.Expr, why: str) -> None:
    """One error for an absent column that some row needs."""
    if field_id in sheet.named:
        return

    def record() -> None:
        first = sheet.typed.filter(needed).item(0, SOURCE_ROW)
        sheet.log.add(InputError(sheet.name, None, sheet.header(field_id), None,
                                 f"缺少“{sheet.header(field_id)}”列（{why.format(row=first)}）"))
    sheet.check(needed, record)


def missing_columns(sheet: Sheet) -> None:
    """Every required column must be there, even on a sheet with no rows yet (but not on a blank sheet)."""
    if sheet.header_row is None:
        return
    for field in sheet.table.fields:
        if field.required == "yes" and field.id not in sheet.named:
            error = InputError(sheet.name, None, sheet.header(field.id), None, f"缺少必填列“{sheet.header(field.id)}”")
            sheet.check(None, lambda error=error: sheet.log.add(error))


def _first_identical(sheet: Sheet) -> pl.Expr:
    return pl.col(SOURCE_ROW).min().over([f.id for f in sheet.table.fields]).alias("first")


def _may_repeat(key: list[str]) -> pl.Expr:
    """Whether two rows may share ``key`` (blanks included), as rows identical in every field do.

    Equal keys hash alike, so fewer distinct hashes than rows whenever two rows share a key; a rare
    clash of unequal keys only costs the exact check.
    """
    hashed = reduce(operator.xor, (pl.col(k).hash(seed) for seed, k in enumerate(key)))
    return hashed.n_unique() < pl.len()


def exact_duplicates(sheet: Sheet, key: list[str]) -> pl.Expr:
    """Report each row identical in every field to an earlier one; the rows, for key checks to skip."""
    first = _first_identical(sheet)
    sheet.report(None, pl.col(SOURCE_ROW) != pl.col("first"),
                 lambda row: f"与第 {row['first']} 行完全相同（重复行）", extra=[first], suspect=_may_repeat(key))
    return pl.col(SOURCE_ROW) != first


def warn_exact_duplicates(sheet: Sheet, consequence: str) -> None:
    """Identical rows that may well be real (two rooms of one size): one summary notice, never a silent merge."""
    def record() -> None:
        rows = (sheet.typed.with_columns(_first_identical(sheet)).filter(pl.col(SOURCE_ROW) != pl.col("first"))
                .get_column(SOURCE_ROW).sort())
        if rows.len():
            more = f" 等 {rows.len()} 行" if rows.len() > _LISTED_ROWS else ""
            listed = "、".join(map(str, rows.head(_LISTED_ROWS).to_list()))
            sheet.log.notice(sheet.name, f"第 {listed} 行{more}与前面的某一行完全相同，{consequence}")
    sheet.check(_may_repeat([f.id for f in sheet.table.fields]), record)


def unique_key(sheet: Sheet, key: list[str], what: str, skip: pl.Expr) -> None:
    """Rows sharing ``key`` (all filled) are each reported with the others; ``skip`` rows were already.

    ``what`` may name the key's fields (``{year}``) and ``{value}``, the last field as typed."""
    filled = pl.all_horizontal(pl.col(k).is_not_null() for k in key)

    def record() -> None:
        candidates = sheet.with_value(key[-1]).filter(filled & ~skip)
        groups = (candidates.group_by(key)
                  .agg(pl.col(SOURCE_ROW).sort().head(_LISTED_ROWS).alias("group"), pl.len().alias("size"))
                  .filter(pl.col("size") > 1))
        if groups.height:
            rows = candidates.join(groups, on=key).sort(SOURCE_ROW)
            sheet.log.add_rows(sheet.name, sheet.header(key[-1]), rows, lambda row: f"{what.format(**row)}（{_others(row)}）")
    sheet.check(_may_repeat(key), record)


def _others(row: dict) -> str:
    others = [str(r) for r in row["group"] if r != row[SOURCE_ROW]]
    more = f"等 {row['size'] - 1} 行" if row["size"] - 1 > len(others) else ""
    return f"另见第 {'、'.join(others)} 行{more}"
