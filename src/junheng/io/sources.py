"""Find the four tables in a workbook or a folder of CSV files and read them as text grids.

Every cell is read as text so that "不详" in a number column becomes a located error rather than a
crash or a silent null. Each grid keeps every row, blank ones included, with ``source_row``: the
row number Excel shows (or the line number in a CSV file), so errors point where the user looks.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from junheng.io.calamine import unreadable_as
from junheng.schema import GUIDE_SHEET, SCHOOLS, TABLES

from .errors import ErrorLog, InputError, InputErrors, file_error
from .limits import check_csv, check_extent, check_workbook, column_letters, scan_workbook

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel on Chinese Windows saves CSV as GB18030 (GBK)


@dataclass(frozen=True)
class Grid:
    """One sheet or CSV file as text: columns ``c0``, ``c1`` … and ``source_row``."""

    name: str  # the sheet name or CSV file name, as errors show it
    cells: pl.DataFrame

    @property
    def text_columns(self) -> list[str]:
        return [c for c in self.cells.columns if c != "source_row"]

    def column_label(self, column: str) -> str:
        """``c27`` as the user finds it: 第 AB 列 in a sheet, 第 28 列 in a CSV file."""
        number = int(column[1:]) + 1
        return f"第 {number} 列" if self.name.lower().endswith(".csv") else f"第 {column_letters(number)} 列"


def open_tables(path: Path, log: ErrorLog) -> dict[str, Grid | None]:
    """The grid of each canonical table (``None`` when the input does not have that table);
    renamed and unused sheets or files are named in ``log``'s notices."""
    if not path.exists():
        raise file_error(f"找不到文件或文件夹“{path}”")
    if path.is_dir():
        return _csv_folder(path, log)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return _workbook(path, log)
    if suffix == ".csv":
        return _single_csv(path)
    raise file_error(f"无法识别的文件类型“{path.name}”：请提供 .xlsx、.xls 工作簿，或存放 CSV 文件的文件夹")


def table_named(name: str) -> str | None:
    """The table a sheet or file (stem) name stands for: its Chinese sheet name or canonical id."""
    folded = name.strip().lower()
    return next((t.id for t in TABLES.values() if folded in (t.id, t.sheet)), None)


def _folded_name(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).lower()


def table_resembling(name: str) -> str | None:
    """The one table whose name a renamed sheet or file contains, or is part of
    (``专用教室 (2)``, ``县级指标(2025)``, ``监测``); None when none or several fit."""
    folded = _folded_name(name)
    fits = {t.id for t in TABLES.values() for known in (t.sheet, t.id, *t.sheet_aliases)
            if known in folded or (len(folded) >= 2 and folded in known)}
    return fits.pop() if len(fits) == 1 else None


def _assign(names: list[str], stem_of, container: str, log: ErrorLog) -> dict[str, str | None]:
    """Which sheet/file holds each table; two holding the same table is an error, not a guess.

    An exact name wins; a table without one takes the single renamed sheet that resembles it
    (with a notice). Every sheet left over is named in a notice."""
    chosen: dict[str, str | None] = dict.fromkeys(TABLES)
    for name in names:
        table_id = table_named(stem_of(name))
        if table_id is None:
            continue
        if chosen[table_id] is not None:
            raise file_error(f"{container}中“{chosen[table_id]}”和“{name}”都是{TABLES[table_id].sheet}表，请只保留一个")
        chosen[table_id] = name
    left = [name for name in names if name not in chosen.values() and stem_of(name) != GUIDE_SHEET]
    resembling: dict[str, list[str]] = {}
    for name in left:
        table_id = table_resembling(stem_of(name))
        if table_id is not None and chosen[table_id] is None:
            resembling.setdefault(table_id, []).append(name)
    for table_id, found in resembling.items():
        if len(found) == 1:
            chosen[table_id] = found[0]
            log.notice(None, f"{container}中的“{found[0]}”按{TABLES[table_id].sheet}表读取")
        else:
            log.notice(None, f"{container}中“{'”“'.join(found)}”都像{TABLES[table_id].sheet}表，均未读取；"
                             f"请把要用的一个改名为“{TABLES[table_id].sheet}”")
    unused = [name for name in left if name not in chosen.values()]
    if unused:
        log.notice(None, f"{container}中的“{'”“'.join(unused)}”未使用（可读取的表："
                         f"{'、'.join(t.sheet for t in TABLES.values())}）")
    return chosen


def _workbook(path: Path, log: ErrorLog) -> dict[str, Grid | None]:
    check_workbook(path)
    if path.suffix.lower() == ".ods":  # its reader expands every sheet on opening: check them all first
        for sheet, extent in scan_workbook(path, None).items():
            check_extent(path.name, sheet, extent)
    with unreadable_as(lambda _: _unreadable(path)):
        sheet_names = fastexcel.read_excel(path).sheet_names
    chosen = _assign(sheet_names, lambda name: name, f"工作簿“{path.name}”", log)
    if chosen[SCHOOLS.id] is None:
        raise file_error(f"工作簿“{path.name}”中没有“{SCHOOLS.sheet}”工作表（现有工作表：{'、'.join(sheet_names)}）")
    wanted = [name for name in chosen.values() if name is not None]
    for sheet, extent in scan_workbook(path, wanted).items():
        check_extent(path.name, sheet, extent)
    return {table_id: None if name is None else Grid(name, _read_sheet(path, name))
            for table_id, name in chosen.items()}


def _unreadable(path: Path) -> InputErrors:
    return file_error(f"无法读取“{path.name}”：文件已损坏、已加密或不是 Excel 工作簿（可用 Excel 打开后另存为 .xlsx 再试）")


def _read_sheet(path: Path, sheet: str) -> pl.DataFrame:
    with unreadable_as(lambda _: _unreadable(path)):
        cells = pl.read_excel(
            path, sheet_name=sheet, engine="calamine", infer_schema_length=0, has_header=False,
            drop_empty_rows=False, drop_empty_cols=False, raise_if_empty=False,
            # Without skip_rows=0 calamine starts at the first non-empty row and row numbers shift.
            read_options={"skip_rows": 0},
        )
    cells = cells.rename({c: f"c{i}" for i, c in enumerate(cells.columns)})
    return cells.with_columns(source_row=pl.int_range(1, cells.height + 1, dtype=pl.Int64))


def _csv_folder(folder: Path, log: ErrorLog) -> dict[str, Grid | None]:
    files = sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    chosen = _assign(files, lambda name: Path(name).stem, f"文件夹“{folder.name}”", log)
    if chosen[SCHOOLS.id] is None:
        raise file_error(f"文件夹“{folder}”中没有 {SCHOOLS.id}.csv 或 {SCHOOLS.sheet}.csv")
    return {table_id: None if name is None else _read_csv(folder / name) for table_id, name in chosen.items()}


def _single_csv(path: Path) -> dict[str, Grid | None]:
    """A lone CSV file is the 学校 table (the other tables are then not supplied)."""
    table_id = table_named(path.stem) or SCHOOLS.id
    if table_id != SCHOOLS.id:
        raise file_error(f"“{path.name}”是{TABLES[table_id].sheet}表；请指定存放全部 CSV 文件的文件夹")
    return {t: _read_csv(path) if t == SCHOOLS.id else None for t in TABLES}


def _read_csv(path: Path) -> Grid:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise file_error(f"无法读取“{path.name}”：没有读取权限，或文件正被其他程序占用") from exc
    check_csv(path.name, data)
    try:  # UTF-8, with or without a BOM: polars reads and validates it directly
        cells = _parse_csv(data)
    except pl.exceptions.ComputeError:  # another encoding, or a malformed line
        text = _decode(path, data)
        data = text.encode("utf-8")
        try:
            cells = _parse_csv(data)
        except pl.exceptions.ComputeError as exc:
            raise _ragged(path, text) from exc
    # One chunk per column: the parser's many chunks would be realigned (copied) by every later step.
    cells = cells.rename({c: f"c{i}" for i, c in enumerate(cells.columns)}).rechunk()
    # Only a quoted cell can hold a line break that shifts the line numbers of the records below it.
    return Grid(path.name, cells.with_columns(source_row=_line_numbers(cells, quoted=b'"' in data)))


def _parse_csv(data: bytes) -> pl.DataFrame:
    return pl.read_csv(io.BytesIO(data), has_header=False, infer_schema=False, raise_if_empty=False)


def _decode(path: Path, data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise file_error(f"无法识别“{path.name}”的文字编码：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV")


def _line_numbers(cells: pl.DataFrame, quoted: bool) -> pl.Expr:
    """The line each record starts on: its index, plus the line breaks inside quoted cells above it."""
    numbers = pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    if not (quoted and cells.width):
        return numbers
    breaks = pl.sum_horizontal(pl.col(c).str.count_matches("\n", literal=True).fill_null(0) for c in cells.columns)
    return numbers + breaks.cum_sum().shift(1, fill_value=0).cast(pl.Int64)


def _ragged(path: Path, text: str) -> InputErrors:
    """Name the first line with more cells than the header, or the line whose quotes do not pair
    (only reached on such a file)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        width = len(next(reader, []))
        for record in reader:
            if len(record) > width:
                return InputErrors([InputError(path.name, reader.line_num, None, None,
                                               f"本行有 {len(record)} 个单元格，多于表头的 {width} 列")])
    except csv.Error:
        return InputErrors([InputError(path.name, max(reader.line_num, 1), None, None,
                                       "本行的引号不成对（单元格中的英文双引号须写成两个 \"\"）")])
    return file_error(f"无法读取 CSV 文件“{path.name}”：格式有误（如引号不成对）")
