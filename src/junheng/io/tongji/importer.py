"""Import a county's 事业统计 exports: files or folders → one canonical data set (``shared/spec/data.md``).

Each workbook is either one school's 基层表 export (sheets 基础基… or 教基…, see :mod:`.school`) or a
county flat export (one row per school, one file per 学段, see :mod:`.flat`). Every file is read
before anything is reported: all layout problems come back together as :class:`InputErrors`
(the CLI's exit 2), nothing is half written. What the exports do not carry is listed per school in
``to_fill``; the faces print it and mark it in the output workbook.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from junheng.io.errors import InputError, InputErrors, file_error
from junheng.schema import SCHOOLS

from .grid import Workbook
from .layout import LayoutError
from .school import NotCompulsory, SchoolRecord, read_school, table_sheets
from .specs import NOT_IN_TONGJI

EXPORT_SUFFIXES = (".xlsx", ".xlsm")
# Legacy .xls does not say which cells a merged header spans, and without that a subject group
# (艺术 over 计 / 音乐 / 美术) cannot be told from side-by-side subjects: refused, not guessed.
LEGACY_SUFFIXES = (".xls", ".et")


@dataclass
class TongjiImport:
    """The schools read from the exports, what is left to fill, and the notices to show."""

    records: list[SchoolRecord]
    notices: list[str] = field(default_factory=list)

    def to_fill_lines(self) -> list[str]:
        """One Chinese line per school: the fields it still has to fill in."""
        lines = []
        for record in self.records:
            fields = "、".join(SCHOOLS.field(f).header for f in record.to_fill)
            lines.append(f"{record.label}：待补填 {fields}；专用教室（音乐、美术）逐间面积")
        return lines


def plain_value(value):
    """A value as the template writes it: whole decimals as ``int``, others as ``float`` (exact decimal repr)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def export_files(paths: Iterable[str | os.PathLike], exclude: str | os.PathLike | None = None) -> list[Path]:
    """The workbooks named, folders expanded (sorted; hidden and Office lock files ``~$…`` skipped, and
    ``exclude`` — the output being written, which may sit in the export folder from an earlier run)."""
    skip = Path(exclude).resolve() if exclude else None
    files = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise file_error(f"找不到文件或文件夹“{path}”")
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in EXPORT_SUFFIXES + LEGACY_SUFFIXES
                           and not p.name.startswith(("~$", ".")) and p.resolve() != skip)
            legacy = [p.name for p in found if p.suffix.lower() in LEGACY_SUFFIXES]
            if legacy:
                raise file_error(f"文件夹“{path}”中有旧版 Excel 格式的文件（{'、'.join(legacy)}），无法可靠识别合并的表头："
                                 "请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
            if not found:
                raise file_error(f"文件夹“{path}”中没有 Excel 工作簿（.xlsx/.xls）")
            files += found
        elif path.resolve() == skip:
            raise file_error(f"输出文件“{path.name}”不能同时是输入的导出文件，请换一个输出文件名")
        elif path.suffix.lower() in EXPORT_SUFFIXES:
            files.append(path)
        elif path.suffix.lower() in LEGACY_SUFFIXES:
            raise file_error(f"“{path.name}”是旧版 Excel 格式，无法可靠识别合并的表头：请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
        else:
            raise file_error(f"“{path.name}”不是 Excel 工作簿：请提供事业统计导出的 .xlsx 文件或其所在文件夹")
    return files


def import_tongji(paths: Iterable[str | os.PathLike], year: int | None = None, county: str | None = None,
                  exclude: str | os.PathLike | None = None) -> TongjiImport:
    """Read every export (``exclude``: a file not to read, the output); raise :class:`InputErrors`
    listing every file that cannot be read right."""
    from .flat import FlatFile, merge_flat, read_flat

    errors: list[InputError] = []
    records: list[SchoolRecord] = []
    flats: list[FlatFile] = []
    notices: list[str] = []
    for path in export_files(paths, exclude):
        try:
            workbook = Workbook(path)
            version, sheets, suffixes = table_sheets(workbook)
            if version is None:
                flats.append(read_flat(workbook, year, county))
            else:
                records.append(read_school(workbook, version, sheets, suffixes, year, county))
        except NotCompulsory as exc:
            notices.append(str(exc))
        except LayoutError as exc:
            errors.append(InputError(None, None, None, None, str(exc)))
        except InputErrors as exc:
            errors += exc.errors
    if flats:
        try:
            flat_records, skipped = merge_flat(flats)
            records += flat_records
            notices += skipped
        except LayoutError as exc:
            errors.append(InputError(None, None, None, None, str(exc)))
    _check_duplicates(records, errors)
    if errors:
        raise InputErrors(errors)
    if not records:
        raise file_error("所给文件中没有任何义务教育学校的事业统计数据" + (f"（{'；'.join(notices)}）" if notices else ""))
    for record in records:
        for field_id, reason in NOT_IN_TONGJI.items():
            if field_id in {f.id for f in SCHOOLS.fields} and field_id not in record.values:
                stage = SCHOOLS.field(field_id).stage
                if stage is None or stage in record.stages:
                    record.to_fill.setdefault(field_id, reason)
        record.notices += consistency_notices(record)
        notices += [f"{record.label}：{n}" for n in record.notices]
    unused = sorted({name for record in records for name in record.unused_sheets})
    if unused:
        notices.append(f"以下工作表与均衡指标无关，未读取：{'、'.join(unused)}")
    records.sort(key=lambda r: str(r.values.get("school_code", "")))
    return TongjiImport(records, notices)


def consistency_notices(record: SchoolRecord) -> list[str]:
    """The cross-field rules of data.md broken by the export itself (the fill-in workbook will be refused
    on them when read, so they are named now, with the cells they came from)."""
    values, found = record.values, []

    def where(field_id: str) -> str:
        return " + ".join(record.sources.get(field_id, []))

    for stage in record.stages:
        teachers = values.get(f"{stage}_teachers")
        for part in ("teachers_above_degree", "key_teachers", "pe_arts_teachers", "senior_title_teachers"):
            field_id = f"{stage}_{part}"
            if teachers is not None and values.get(field_id) is not None and values[field_id] > teachers:
                found.append(f"{SCHOOLS.field(field_id).header} {plain_value(values[field_id])}（{where(field_id)}）"
                             f"多于{SCHOOLS.field(f'{stage}_teachers').header} {plain_value(teachers)}（{where(f'{stage}_teachers')}）")
        if values.get(f"{stage}_students"):
            for need in (f"{stage}_classes", f"{stage}_teachers"):
                if values.get(need) == 0:
                    found.append(f"有{SCHOOLS.field(f'{stage}_students').header}，但{SCHOOLS.field(need).header}为 0（{where(need)}）")
    indoor, teaching = values.get("indoor_sports_area"), values.get("teaching_area")
    if indoor is not None and teaching is not None and indoor > teaching:
        found.append(f"室内体育用房面积 {plain_value(indoor)}（{where('indoor_sports_area')}）大于教学及辅助用房面积 "
                     f"{plain_value(teaching)}（{where('teaching_area')}）")
    return [f"事业统计数据自相矛盾：{line}，请核对导出" for line in found]


def _check_duplicates(records: list[SchoolRecord], errors: list[InputError]) -> None:
    seen: dict[tuple, SchoolRecord] = {}
    for record in records:
        key = (record.values.get("year"), record.values.get("school_code"))
        if key in seen:
            errors.append(InputError(None, None, None, None,
                                     f"学校标识码 {key[1]} 出现在两个导出文件中：“{seen[key].file}”和“{record.file}”，"
                                     "请只保留一个"))
        seen[key] = record


