"""The county flat export: one row per school, one file per 学段, columns found by header path (spec §4).

An 一贯制 school or 完全中学 appears in each 学段's file with that 学段's figures; its rows are joined
by 学校标识码 (or, when the export has no code column, by 学校名称, and the code is left to fill).
Whole-school facilities are taken once; two files disagreeing on them is named in a notice. A row
with 是否计校数 = 0 (a 教学点 or 分校区 site) is imported as its own campus with a notice — never
merged into another school silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .grid import Workbook, address, normalise
from .layout import LayoutError, Table, clean_label, header_paths, parse_number, title_stages
from .school import _COUNTY_NAME, _YEAR, SCHOOL_TYPES, SchoolRecord
from .specs import BACHELOR, COLLEGE, DOCTOR, MASTER, MONEY_FIELDS, PE_ARTS, TITLES, rx

FLAT = "县级汇总导出"
_NAME = rx(r"学校(\(机构\))?名称")
_CODE = rx(r"学校(\(机构\))?标识码|标识码")
_TYPE = rx(r"办学类型")
_COUNTY = rx(r"统计三级|县\(区\)|区县|所在县\(区\)")
_COUNTED = rx(r"是否计校数")
TEACHERS = rx(r"专任教师(数)?")
BY_DEGREE = rx(r"按学历分")
BY_SUBJECT = rx(r"按授课课程分")
BY_TITLE = rx(r"按专业技术职务分|按职称分")
STAGE_ZH = {"primary": "小学", "junior": "初中", "senior": "高中"}

# field → header path (in order, others may lie between); optional fields may be absent.
WHOLE_SCHOOL = {
    "teaching_area": (rx(r"教学及辅助用房"),),
    "indoor_sports_area": (rx(r"室内体育用房|体育馆"),),
    "sports_field_area": (rx(r"运动场(地|馆)?面积"),),
    "equipment_value": (rx(r"教学仪器设备(资产)?值"),),
    "multimedia_rooms": (rx(r"网络多媒体教室(数)?"),),
}
OPTIONAL = {"computers": (rx(r"计算机(台数)?"),), "books": (rx(r"图书(藏量)?"),)}


@dataclass
class FlatFile:
    stage: str
    file: str
    rows: list[SchoolRecord] = field(default_factory=list)
    counted: dict[str, bool] = field(default_factory=dict)


def _stage_fields(stage: str) -> dict[str, tuple]:
    zh = STAGE_ZH[stage]
    if stage == "senior":  # the canonical data keeps only 高中 pupils (for a 完全中学's weighted split)
        return {"senior_students": ((rx(r"在校生数?"),),)}
    degrees = (DOCTOR, MASTER, BACHELOR, COLLEGE) if stage == "primary" else (DOCTOR, MASTER, BACHELOR)
    return {
        f"{stage}_students": ((rx(r"在校生数?"),),),
        f"{stage}_classes": ((rx(r"(教学)?班(级)?数"),),),
        f"{stage}_teachers": ((TEACHERS,),),
        f"{stage}_teachers_above_degree": tuple((TEACHERS, BY_DEGREE, d) for d in degrees),
        f"{stage}_key_teachers": ((rx(rf"县级(及)?以上骨干教师\({zh}\)"),),),
    }


def read_flat(workbook: Workbook, year: int | None, county: str | None) -> FlatFile:
    """One 学段's flat export file."""
    sheet = None
    for name in workbook.sheet_names:
        candidate = workbook.sheet(name)
        if any(_NAME.fullmatch(clean_label(v)) for v in candidate.cells.values()):
            sheet = candidate
            break
    if sheet is None:
        raise LayoutError(f"“{workbook.path.name}”既不是学校基层表导出（没有“基础基…”“教基…”工作表），"
                          f"也不是县级汇总导出（找不到“学校名称”表头）；现有工作表：{'、'.join(workbook.sheet_names)}")
    (top, name_col), = [(r, c) for (r, c), v in sheet.cells.items() if _NAME.fullmatch(clean_label(v))][:1]
    first_data = _first_data_row(sheet, top, name_col)
    columns = sorted({c for (r, c) in sheet.cells if top <= r < first_data})
    table = Table(sheet, first_data - 1, name_col, name_col, {}, header_paths(sheet, top, first_data, columns), [],
                  "", top, frozenset())
    title = "".join(normalise(v) for (r, _c), v in sheet.cells.items() if r < top) + workbook.path.stem + sheet.name
    stages = title_stages(title) - ({"junior", "senior"} if "中小学" in title else set())
    if len(stages) != 1:
        raise LayoutError(f"{sheet.where}：无法从标题或文件名判断学段（小学、初中或高中），请在文件名中注明，如“小学.xlsx”")
    stage = next(iter(stages))
    if year is None:
        m = _YEAR.search(title) or re.search(r"(?P<year>(19|20)\d{2})年?", title)
        if not m:
            raise LayoutError(f"{sheet.where}：标题和文件名中找不到年度，请用 --year 指定")
        year = int(m["year"])
    found = FlatFile(stage, workbook.path.name)
    place = f"{workbook.path.name}[{sheet.name}]"
    optional_columns = {key: _maybe(table, patterns) for key, patterns in
                        (("code", (_CODE,)), ("type", (_TYPE,)), ("county", (_COUNTY,)), ("counted", (_COUNTED,)))}
    stage_columns = {f: [table.find_column(p, f"{STAGE_ZH[stage]}{f}") for p in paths]
                     for f, paths in _stage_fields(stage).items()}
    subjects = table.subject_columns(PE_ARTS, within=(TEACHERS, BY_SUBJECT)) if stage != "senior" else [1]
    if not subjects:
        raise LayoutError(f"{sheet.where}中“专任教师 / 按授课课程分”下找不到体育、音乐、美术、艺术栏")
    titles = [c for c in (_maybe(table, (TEACHERS, BY_TITLE, t)) for t in TITLES) if c is not None and stage != "senior"]
    whole = {f: table.find_column(p, f) for f, p in WHOLE_SCHOOL.items()}
    whole |= {f: c for f, c in ((f, _maybe(table, p)) for f, p in OPTIONAL.items()) if c is not None}
    last = max(r for (r, _c) in sheet.cells)
    for row in range(first_data, last + 1):
        name = sheet.get(row, name_col)
        if not name or re.fullmatch(r"(总计|合计|小计)", normalise(name)):
            continue
        record = SchoolRecord(workbook.path.name, FLAT)
        record.values["year"] = year
        where = f"{place}!{address(row, name_col)}"
        record.add("school_name", normalise(name), where)
        _identity(record, sheet, place, row, optional_columns, stage, county)
        for field_id, cols in stage_columns.items():
            for col in cols:
                record.add(field_id, parse_number(sheet, row, col), f"{place}!{address(row, col)}")
        for col in subjects if stage != "senior" else ():
            record.add(f"{stage}_pe_arts_teachers", parse_number(sheet, row, col), f"{place}!{address(row, col)}")
        for col in titles:
            record.add(f"{stage}_senior_title_teachers", parse_number(sheet, row, col),
                       f"{place}!{address(row, col)}")
        for field_id, col in whole.items():
            value = parse_number(sheet, row, col)
            if field_id in MONEY_FIELDS:
                unit = table.unit_of(row, col)
                value *= Decimal(10_000) if "万元" in unit else Decimal(1)
            record.add(field_id, value, f"{place}!{address(row, col)}")
        counted = optional_columns["counted"]
        if counted is not None and normalise(sheet.get(row, counted)) in ("0", "否"):
            record.notices.append(f"{where}：是否计校数 = 0（教学点或分校区），已作为单独校区导入；如应并入主校，请在输出工作簿中合并")
        found.rows.append(record)
    return found


def _maybe(table: Table, patterns) -> int | None:
    try:
        return table.find_column(patterns, "")
    except LayoutError:
        return None


def _first_data_row(sheet, top: int, name_col: int) -> int:
    numeric = re.compile(r"-?\d+(\.\d+)?")
    for row in range(top + 1, max(r for (r, _c) in sheet.cells) + 1):
        name = sheet.get(row, name_col)
        if not name or normalise(name) == "甲":
            continue
        if any(numeric.fullmatch(v) for (r, c), v in sheet.cells.items() if r == row and c != name_col):
            return row
    raise LayoutError(f"{sheet.where}中“学校名称”表头下没有学校数据行")


def _identity(record: SchoolRecord, sheet, place: str, row: int, columns: dict, stage: str, county: str | None) -> None:
    if columns["code"] is not None and sheet.get(row, columns["code"]):
        record.add("school_code", normalise(sheet.get(row, columns["code"])),
                   f"{place}!{address(row, columns['code'])}")
    else:
        record.to_fill["school_code"] = "县级汇总导出中没有学校标识码"
    type_text = normalise(sheet.get(row, columns["type"])) if columns["type"] is not None else ""
    canonical = SCHOOL_TYPES.get(type_text) or next(
        (t for t in ("九年一贯制学校", "十二年一贯制学校", "完全中学") if t[:4] in type_text), None)
    if canonical is None:
        canonical = {"primary": "小学", "junior": "初中", "senior": None}[stage]
    record.values["school_type"] = canonical
    county_text = normalise(sheet.get(row, columns["county"])) if columns["county"] is not None else ""
    m = _COUNTY_NAME.search(county_text)
    if county:
        record.values["county_name"] = county
    elif m:
        record.add("county_name", m["name"], f"{place}!{address(row, columns['county'])}")
    else:
        raise LayoutError(f"{sheet.where}第 {row + 1} 行：找不到所属县（区）（“统计三级”栏），请用 --county 指定")
    record.to_fill["ownership"] = "县级汇总导出中没有举办者"
    record.to_fill["area_type"] = "县级汇总导出中没有城乡类型"


def merge_flat(files: list[FlatFile]) -> tuple[list[SchoolRecord], list[str]]:
    """One record per school across the 学段 files, and the notices (高中-only schools not imported)."""
    merged: dict[tuple, SchoolRecord] = {}
    skipped: list[str] = []
    for flat in files:
        in_file: dict[tuple, SchoolRecord] = {}
        for record in flat.rows:
            key = (record.values["year"], record.values.get("school_code") or record.values["school_name"])
            if key in in_file:
                raise LayoutError(f"“{flat.file}”中“{key[1]}”出现两次（{in_file[key].sources['school_name'][0]}、"
                                  f"{record.sources['school_name'][0]}），请删除重复行")
            in_file[key] = record
            if record.values["school_type"] is None:  # a 高中-only school in the 高中 file
                skipped.append(f"“{record.values['school_name']}”（{record.sources['school_name'][0]}）只有高中学段，"
                               "不属于义务教育学校，未导入")
                continue
            if key not in merged:
                merged[key] = record
                continue
            into = merged[key]
            if into.values["school_type"] != record.values["school_type"] and record.values["school_type"] not in (
                    "小学", "初中"):
                into.values["school_type"] = record.values["school_type"]
            for field_id, value in record.values.items():
                if field_id not in into.values:
                    into.values[field_id] = value
                    into.sources[field_id] = record.sources.get(field_id, [])
                elif field_id in WHOLE_SCHOOL and into.values[field_id] != value:
                    into.notices.append(f"{field_id}：“{into.file}”为 {into.values[field_id]}，“{record.file}”为 {value}，"
                                        "已取前者，请核对")
            into.notices += record.notices
            into.file = f"{into.file}、{record.file}"
    for record in merged.values():
        if record.values.get("school_type") in ("九年一贯制学校", "十二年一贯制学校", "完全中学"):
            missing = [STAGE_ZH[s] for s in record.stages if f"{s}_students" not in record.values]
            if missing:
                raise LayoutError(f"{record.label}是{record.values['school_type']}，但所给文件中没有它的"
                                  f"{'、'.join(missing)}学段数据（每个学段一个导出文件）")
    return list(merged.values()), skipped
