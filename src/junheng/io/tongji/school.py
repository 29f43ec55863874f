"""One school's 基层表 workbook (基础基… or 教基…) → one canonical school row, with where each value came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from junheng.schema import SCHOOL_TYPE_BY_LABEL, SCHOOLS, UNIT_FACTORS

from .grid import Sheet, Workbook, address, normalise
from .layout import LayoutError, Table, form_value, locate_table, parse_number
from .specs import (
    IDENTITY_LABELS,
    IDENTITY_TABLE,
    MONEY_FIELDS,
    PE_ARTS,
    SHEET_PREFIX,
    SOURCES,
    TABLE_STAGES,
    V2020,
    V2021,
    VALUE_BELOW,
    Part,
    Source,
)

_SHEET_NAME = re.compile(r"(?P<prefix>基础基|教基)(?P<code>\d{3,4})(?P<cont>\(?续(表)?(?P<n>\d*)\)?)?(?:_(?P<type>.+))?")
_YEAR = re.compile(r"(?P<year>(19|20)\d{2})(年)?[/\-—至～~](19|20)?\d{2}(年)?学年")

# 办学类型 (name or national code) → the canonical 学校类型; None: not a compulsory-education school.
SCHOOL_TYPES = {
    "小学": "小学", "211": "小学", "小学教学点": "教学点", "教学点": "教学点", "218": "教学点",
    "初级中学": "初中", "初中": "初中", "311": "初中", "九年一贯制学校": "九年一贯制学校", "312": "九年一贯制学校",
    "十二年一贯制学校": "十二年一贯制学校", "345": "十二年一贯制学校", "完全中学": "完全中学", "341": "完全中学",
    "幼儿园": None, "111": None, "高级中学": None, "342": None, "中等技术学校": None, "职业高中学校": None,
    "其他特教学校": None, "特殊教育学校": None, "工读学校": None,
}
_AREA_BY_NAME = {"主城区": "城区", "城乡结合区": "城区", "镇中心区": "镇区", "镇乡结合区": "镇区", "特殊区域": "镇区",
                 "乡中心区": "乡村", "村庄": "乡村", "城区": "城区", "镇区": "镇区", "乡村": "乡村"}
_COUNTY_NAME = re.compile(r"(?P<name>[^省市州盟区县旗]+(自治县|自治旗|县|区|市|旗))(人民政府)?(教育[^局]{0,6}局|教体局)?$")
INT_FIELDS = frozenset(f.id for f in SCHOOLS.fields if f.type == "int")


class NotCompulsory(Exception):
    """The workbook is a kindergarten's, a senior high school's …: skipped with a notice."""


@dataclass
class SchoolRecord:
    """One school as read from 事业统计: values by field id, the cell each came from, what is left to fill."""

    file: str
    version: str
    values: dict[str, object] = field(default_factory=dict)
    unused_sheets: list[str] = field(default_factory=list)  # sheets of the export no field comes from
    sources: dict[str, list[str]] = field(default_factory=dict)
    to_fill: dict[str, str] = field(default_factory=dict)  # field id → why it is blank
    notices: list[str] = field(default_factory=list)

    def add(self, field_id: str, value: Decimal | str, where: str) -> None:
        if isinstance(value, Decimal):
            value = self.values.get(field_id, Decimal(0)) + value
        self.values[field_id] = value
        self.sources.setdefault(field_id, []).append(where)

    @property
    def stages(self) -> tuple[str, ...]:
        return SCHOOL_TYPE_BY_LABEL[self.values["school_type"]].stages

    @property
    def label(self) -> str:
        return f"{self.values.get('school_name', '')}（{self.values.get('school_code', '')}，{self.file}）"


def table_sheets(workbook: Workbook) -> tuple[str | None, dict[str, str], set[str]]:
    """(version, table code → sheet name, 办学类型 suffixes) of an export workbook."""
    versions, sheets, suffixes = set(), {}, set()
    for name in workbook.sheet_names:
        m = _SHEET_NAME.fullmatch(normalise(name))
        if not m:
            continue
        version = V2020 if m["prefix"] == "基础基" else V2021
        versions.add(version)
        code = m["code"] + (f"续表{m['n']}" if m["n"] else "续" if m["cont"] else "")
        if code in sheets:
            raise LayoutError(f"工作簿“{workbook.path.name}”中“{sheets[code]}”和“{name}”是同一张表（{code}），"
                              "一个工作簿应只含一所学校的基层表")
        sheets[code] = name
        if m["type"]:
            suffixes.add(m["type"])
    if len(versions) > 1:
        raise LayoutError(f"工作簿“{workbook.path.name}”同时含有基础基表和教基表，请分开导出")
    return (versions.pop() if versions else None), sheets, suffixes


def read_school(workbook: Workbook, version: str, sheets: dict[str, str], suffixes: set[str],
                year: int | None, county: str | None) -> SchoolRecord:
    """The school of one export workbook; :class:`LayoutError` if a needed table cannot be located."""
    record = SchoolRecord(workbook.path.name, version)
    _identity(record, workbook, version, sheets, suffixes)
    _year_and_county(record, workbook, sheets, year, county)
    stages = set(record.stages)
    tables: dict[str, Table] = {}
    for source in SOURCES[version]:
        if source.when and source.when not in stages:
            continue
        sheet_name = sheets.get(source.table)
        if sheet_name is None:
            if not source.optional and source.field not in record.values:
                record.to_fill[source.field] = f"导出中没有{SHEET_PREFIX[version]}{source.table}表"
            continue
        if source.table not in tables:
            tables[source.table] = locate_table(workbook.sheet(sheet_name))
        try:
            _read_source(record, tables[source.table], source, stages)
        except LayoutError:
            if not source.optional:
                raise
    for stage in ("primary", "junior"):
        code = CLASS_TABLES[version][stage]
        if stage in stages and code in tables:
            hint = largest_band(tables[code], stage, stages)
            if hint:
                record.to_fill[f"{stage}_max_class_size"] = (f"事业统计只有班额分段（本校最大的班在“{hint[0]}”段，"
                                                             f"见 {hint[1]}），请填写确切的最大班额")
    used = {sheets[IDENTITY_TABLE[version]], *(sheets[code] for code in tables)}
    record.unused_sheets = [name for name in workbook.sheet_names if name not in used and "封面" not in name]
    return record


CLASS_TABLES = {V2020: {"primary": "212", "junior": "213"}, V2021: {"primary": "2106", "junior": "2107"}}
_BAND = re.compile(r"\d+人及以下|\d+[-—–~至]\d+人|\d+人及以上|\d+人以上")


def largest_band(table: Table, stage: str, stages: set[str]) -> tuple[str, str] | None:
    """The 班额 band of the largest class (the highest band with a class in it) and its cell, whether
    the bands are columns (基础基212/213) or rows (教基2106/2107); None when the table has no bands."""
    sheet = table.sheet
    whole = len(stages & (table.stages or TABLE_STAGES.get("213" if stage == "junior" else "212", set()))) <= 1
    try:
        columns = [(c, path[-1]) for c, path in table.headers.items() if path and _BAND.fullmatch(path[-1])]
        if columns:
            row = table.find_row(None, stage, whole, "班额")
            cells = [(row, c, band) for c, band in columns]
        else:
            col = table.find_column(None, "班额")
            cells = [(r, col, label) for r, label in table.rows if _BAND.fullmatch(label)]
        filled = [(r, c, band) for r, c, band in cells if parse_number(sheet, r, c) > 0]
    except LayoutError:
        return None
    if not filled:
        return None
    top = max(filled, key=lambda cell: [int(n) for n in re.findall(r"\d+", cell[2])][-1] + ("以上" in cell[2]))
    return top[2], f"{sheet.name}!{address(top[0], top[1])}"


def _read_source(record: SchoolRecord, table: Table, source: Source, stages: set[str]) -> None:
    covered = table.stages or TABLE_STAGES.get(source.table, set())
    whole = len(stages & covered) <= 1
    sheet = table.sheet
    if source.subjects:
        row = table.find_row(None, source.stage, whole, source.parts[0].what)
        columns = table.subject_columns(PE_ARTS)
        if not columns:
            raise LayoutError(f"{sheet.where}中找不到体育、音乐、美术、艺术任一课程栏")
        for col in columns:
            record.add(source.field, parse_number(sheet, row, col), f"{sheet.name}!{address(row, col)}")
        return
    for part in source.parts:
        row = table.find_row(part.row, source.stage, whole, part.what)
        col = _column(table, part)
        value = parse_number(sheet, row, col)
        if source.field in MONEY_FIELDS:
            value *= _money_factor(record, table, row, col)
        if source.field in INT_FIELDS and value != value.to_integral_value():
            raise LayoutError(f"{sheet.where}{address(row, col)} 单元格（{part.what}）应为整数，实际为“{sheet.get(row, col)}”")
        record.add(source.field, value, f"{sheet.name}!{address(row, col)}")


def _column(table: Table, part: Part) -> int:
    error = None
    for columns in part.columns:
        try:
            return table.find_column(columns, part.what)
        except LayoutError as exc:
            error = error or exc
    raise error


def _money_factor(record: SchoolRecord, table: Table, row: int, col: int) -> Decimal:
    unit = table.unit_of(row, col)
    for name in ("亿元", "万元", "千元", "元"):
        if name in unit:
            return UNIT_FACTORS[name]
    record.notices.append(f"{table.sheet.name}!{address(row, col)} 的金额未注明单位，按元读取，请核对")
    return Decimal(1)


def _identity(record: SchoolRecord, workbook: Workbook, version: str, sheets: dict[str, str],
              suffixes: set[str]) -> None:
    code = IDENTITY_TABLE[version]
    prefix = SHEET_PREFIX[version]
    if code not in sheets:
        raise LayoutError(f"工作簿“{workbook.path.name}”中没有{prefix}{code}表（学校基本情况），无法确定是哪所学校")
    sheet = workbook.sheet(sheets[code])
    below = VALUE_BELOW[version]
    found = {}
    for field_id, pattern in IDENTITY_LABELS.items():
        value = form_value(sheet, pattern, below, field_id)
        if value is not None:
            found[field_id] = value
    for required, what in (("school_code", "学校标识码"), ("school_name", "学校名称")):
        if required not in found:
            raise LayoutError(f"{sheet.where}中找不到“{what}”")
    code_text, where = found["school_code"]
    if not re.fullmatch(r"\d{10}", code_text):
        raise LayoutError(f"{sheet.where}{where} 的学校标识码“{code_text}”不是 10 位数字")
    record.add("school_code", code_text, f"{sheet.name}!{where}")
    record.add("school_name", found["school_name"][0], f"{sheet.name}!{found['school_name'][1]}")
    _school_type(record, sheet, found.get("school_type"), below, suffixes)
    if "ownership" in found:
        text, where = found["ownership"]
        record.add("ownership", "民办" if "民办" in text else "公办", f"{sheet.name}!{where}")
    else:
        record.to_fill["ownership"] = f"{sheet.name} 中没有“举办者”"
    _area_type(record, sheet, found.get("area_type"), below)
    if "county" in found:
        text, where = found["county"]
        record.values["_county_text"] = (text, f"{sheet.name}!{where}")
        # the 12-digit 属地管理 code: its own label (教基1001), under the name (基础基111), or in the name cell
        code = found.get("county_code") or (form_value(sheet, IDENTITY_LABELS["county"], below, "county", offset=2)
                                            if below else None) or found["county"]
        digits = re.search(r"\d{6,12}", code[0])
        if digits:
            record.add("county_code", digits.group()[:6], f"{sheet.name}!{code[1]}")


def _school_type(record: SchoolRecord, sheet: Sheet, found, below: bool, suffixes: set[str]) -> None:
    names = []
    if found is not None:
        names.append((found[0], f"{sheet.name}!{found[1]}"))
    if len(suffixes) > 1:
        raise LayoutError(f"工作簿“{record.file}”的工作表名含有多种办学类型（{'、'.join(sorted(suffixes))}），"
                          "一个工作簿应只含一所学校的基层表")
    names += [(suffix, "工作表名") for suffix in suffixes]
    types = {}
    for text, where in names:
        key = normalise(text)
        if key not in SCHOOL_TYPES and below:
            code = form_value(sheet, IDENTITY_LABELS["school_type"], below, "办学类型", offset=2)
            key = normalise(code[0]) if code else key
        if key not in SCHOOL_TYPES:
            raise LayoutError(f"{sheet.where}的办学类型“{text}”无法识别")
        types.setdefault(SCHOOL_TYPES[key], (text, where))
    if not types:
        raise LayoutError(f"{sheet.where}中找不到“办学类型”，工作表名也没有“_办学类型”后缀")
    if len(types) > 1:
        shown = "、".join(f"“{t}”（{w}）" for t, w in types.values())
        raise LayoutError(f"工作簿“{record.file}”的办学类型互相矛盾：{shown}")
    (canonical, (text, where)), = types.items()
    if canonical is None:
        raise NotCompulsory(f"“{record.values['school_name']}”（{record.file}）的办学类型为“{text}”，"
                            "不属于义务教育学校，未导入")
    record.add("school_type", canonical, where)


def _area_type(record: SchoolRecord, sheet: Sheet, found, below: bool) -> None:
    if found is None:
        record.to_fill["area_type"] = f"{sheet.name} 中没有“城乡类型”"
        return
    text, where = found
    area = _AREA_BY_NAME.get(normalise(text))
    code = re.search(r"\b([12]\d{2})\b", text)
    if area is None and below:
        code_cell = form_value(sheet, IDENTITY_LABELS["area_type"], below, "城乡类型", offset=2)
        code = re.search(r"\b([12]\d{2})\b", code_cell[0]) if code_cell else None
    if area is None and code:
        area = "城区" if code.group(1).startswith("11") else "镇区" if code.group(1).startswith("12") else "乡村"
    if area is None:
        record.to_fill["area_type"] = f"{sheet.name}!{where} 的城乡类型“{text}”无法识别"
        return
    record.add("area_type", area, f"{sheet.name}!{where}")


def _year_and_county(record: SchoolRecord, workbook: Workbook, sheets: dict[str, str], year: int | None,
                     county: str | None) -> None:
    if year is None:
        year = _year_in(workbook, sheets)
    if year is None:
        raise LayoutError(f"工作簿“{workbook.path.name}”的封面和表头中找不到统计学年（如“2020/2021学年初”），"
                          "请用 --year 指定年度")
    record.values["year"] = year
    text, where = record.values.pop("_county_text", (None, None))
    if county:
        record.values["county_name"] = county
    elif text and (m := _COUNTY_NAME.search(normalise(text))):
        record.add("county_name", m["name"], where)
    else:
        raise LayoutError(f"工作簿“{workbook.path.name}”中找不到所属县（区）（属地管理教育行政部门），请用 --county 指定")


def _year_in(workbook: Workbook, sheets: dict[str, str]) -> int | None:
    names = [n for n in workbook.sheet_names if "封面" in n] + list(sheets.values())[:3]
    for name in names:
        for value in workbook.sheet(name).cells.values():
            m = _YEAR.search(normalise(value))
            if m:
                return int(m["year"])
    m = _YEAR.search(normalise(workbook.path.stem))
    return int(m["year"]) if m else None
