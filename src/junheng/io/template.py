"""The fill-in workbook (填报模板): one sheet per canonical table, headers straight from the schema.

A school or county fills it in Excel or WPS and hands it back; the filled workbook goes unchanged
into ``read_dataset`` / ``junheng evaluate``. Every header is the field's ``display_header`` in
schema order, carries a note with its definition and 必填 status, and every column gets the input
check its type allows (drop-down for enums and 是/否, whole or decimal non-negative numbers).
The header row is locked (sheet protection without a password); data cells are unlocked.

Prefill: ``schools_from`` (last year's data set) fills the identity columns of the school list so a
school only updates its numbers; ``year``/``county`` fill 年度 and 县(区) on every prefilled row
(school rows and the county row). Rows whose number is unknown (a blank template's schools, rooms,
monitoring subjects) are not prefilled, since a row holding only 年度 and 县(区) would be an
incomplete row to the importer; there 年度 and 县(区) get a one-item drop-down instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
from xlsxwriter.worksheet import Worksheet

from junheng.dataset import Dataset
from junheng.io.errors import file_error
from junheng.io.xlsx import HEADER_FILL, atomic_workbook, text_width, wrapped_height
from junheng.schema import COUNTY, GUIDE_SHEET, MONITORING, ROOMS, SCHOOLS, STAGE_ZH, TABLES, Field, Table

DATA_ROWS = 2000  # rows that carry the input checks (cells below stay unlocked too)
GUIDE_WIDTHS = (12, 34, 22, 64)

# Columns copied from last year's school list: who the school is, not what it has.
IDENTITY_FIELDS = ("year", "county_code", "county_name", "school_code", "school_name", "school_type",
                   "ownership", "area_type", "boarding", "built_year")
# Identity columns that stay visible while scrolling right through the 学校 sheet.
FROZEN_SCHOOL_COLUMNS = 5  # 年度 … 学校名称

REQUIRED_FILL = "#F8CBAD"
STAGE_REQUIRED_FILL = "#FCE4D6"


def required_label(field: Field) -> str:
    if field.required == "yes":
        return "必填"
    if field.required == "stage":
        return f"按学段必填（学校有{STAGE_ZH[field.stage]}学段时必填）"
    return "选填"


def _is_year(field: Field) -> bool:
    return field.id == "year" or field.id.endswith("_year")


def _rule(field: Field) -> tuple[dict | None, str]:
    """The data-validation options for a column and the input rule (a short instruction) they enforce."""
    criteria, rule = _criteria(field)
    if criteria is None:
        return None, rule
    return {**criteria, "error_title": field.header, "error_message": f"请{rule}"}, rule


def _criteria(field: Field) -> tuple[dict | None, str]:
    if field.type in ("enum", "level", "bool"):
        choices = ("是", "否") if field.type == "bool" else field.choices
        return {"validate": "list", "source": list(choices)}, f"从下拉列表选择：{'、'.join(choices)}"
    if field.type == "int" and _is_year(field):
        return {"validate": "integer", "criteria": "between", "minimum": 1900, "maximum": 2100}, "填写四位年份，如 2024"
    if field.type == "int":
        return {"validate": "integer", "criteria": ">=", "value": 0}, "填写不小于 0 的整数"
    if field.type == "decimal" and field.unit == "%":
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100}, \
            "填写 0–100 之间的数，不带 % 号"
    if field.type == "decimal":
        return {"validate": "decimal", "criteria": ">=", "value": 0}, "填写不小于 0 的数，可带小数"
    if field.type == "code" and field.digits:
        return {"validate": "length", "criteria": "==", "value": field.digits}, f"按文本填写 {field.digits} 位代码"
    if field.type == "code":
        return None, "按文本填写，保留前导 0"
    return None, "填写文字"


def header_note(field: Field) -> str:
    """The cell note on a header: status, unit, rule and the statistical definition."""
    lines = [field.display_header, required_label(field)]
    if field.unit and field.unit != "是/否":
        lines.append(f"单位：{field.unit}")
    lines.append(_rule(field)[1])
    if field.help:
        lines.append(field.help)
    lines.append(f"字段标识：{field.id}")
    return "\n".join(lines)


def _school_rows(schools_from: Dataset, year: int | None, county: str | None) -> pl.DataFrame:
    """Last year's schools (the latest year present), limited to ``county`` when given."""
    schools = schools_from.schools
    if county:
        schools = schools.filter((pl.col("county_name") == county) | (pl.col("county_code") == county))
        if schools.is_empty():
            # An input problem like any other in the prefill data set, so the CLI reports it (exit 2).
            raise file_error(f"用于预填的数据中没有“{county}”的学校")
    if schools.is_empty():
        return schools
    latest = schools.filter(pl.col("year") == schools["year"].max())
    if year is not None:
        latest = latest.with_columns(pl.lit(int(year), dtype=pl.Int64).alias("year"))
    return latest.select([c for c in IDENTITY_FIELDS if c in latest.columns]).sort("school_code")


def _county_rows(year: int | None, county: str | None, schools: pl.DataFrame | None) -> list[dict]:
    if schools is not None and not schools.is_empty():
        keys = [c for c in ("year", "county_code", "county_name") if c in schools.columns]
        return schools.select(keys).unique(maintain_order=True).to_dicts()
    if year is None and not county:
        return []
    return [{"year": year, "county_name": county}]


class TemplateWriter:
    """Writes the fill-in sheets with their formats and validations (shared by the template and the 事业统计 import)."""

    def __init__(self, workbook) -> None:
        self.workbook = workbook
        add = workbook.add_format
        header = {"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "border": 1,
                  "locked": True}
        self.header = {
            "yes": add({**header, "bg_color": REQUIRED_FILL}),
            "stage": add({**header, "bg_color": STAGE_REQUIRED_FILL}),
            "no": add({**header, "bg_color": HEADER_FILL}),
        }
        self.cell_text = add({"locked": False, "num_format": "@"})
        self.cell_number = add({"locked": False})

    def table_sheet(self, table: Table, rows: list[dict], year: int | None, county: str | None) -> Worksheet:
        sheet = self.workbook.add_worksheet(table.sheet)
        sheet.set_row(0, 48)
        for col, field in enumerate(table.fields):
            is_text = field.type in ("text", "code", "enum", "bool", "level")
            width = min(max(text_width(field.display_header) / 2 + 4, 10), 24)
            sheet.set_column(col, col, width, self.cell_text if is_text else self.cell_number)
            sheet.write_string(0, col, field.display_header, self.header[field.required])
            sheet.write_comment(0, col, header_note(field), {"x_scale": 2.2, "y_scale": 2.2, "author": "junheng"})
            validation, _ = _rule(field)
            prefill_only = self._prefill_choice(field, year, county)
            if prefill_only is not None and not rows:
                validation = {"validate": "list", "source": [prefill_only], "error_type": "warning",
                              "error_title": field.header, "error_message": f"本次填报为 {prefill_only}"}
            if validation:
                sheet.data_validation(1, col, DATA_ROWS, col, validation)
        for row_index, row in enumerate(rows, start=1):
            for col, field in enumerate(table.fields):
                self._write_value(sheet, row_index, col, field, row.get(field.id))
        frozen = FROZEN_SCHOOL_COLUMNS if table is SCHOOLS else 0
        sheet.freeze_panes(1, frozen)
        sheet.protect("", {"format_cells": True, "format_columns": True, "format_rows": True,
                           "insert_rows": True, "delete_rows": True, "sort": True, "autofilter": True})
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
        return sheet

    @staticmethod
    def _prefill_choice(field: Field, year: int | None, county: str | None) -> str | None:
        if field.id == "year" and year is not None:
            return str(year)
        if field.id == "county_name" and county:
            return county
        return None

    def _write_value(self, sheet: Worksheet, row: int, col: int, field: Field, value) -> None:
        if value is None:
            return
        if field.type == "bool":
            sheet.write_string(row, col, "是" if value else "否", self.cell_text)
        elif field.type in ("int", "decimal"):
            sheet.write_number(row, col, value, self.cell_number)
        else:
            sheet.write_string(row, col, str(value), self.cell_text)

    def guide_sheet(self, year: int | None, county: str | None) -> None:
        sheet = self.workbook.add_worksheet(GUIDE_SHEET)
        add = self.workbook.add_format
        title = add({"bold": True, "font_size": 14})
        wrap = add({"text_wrap": True, "valign": "top"})
        bold = add({"bold": True, "text_wrap": True, "valign": "top", "bg_color": HEADER_FILL, "border": 1})
        cell = add({"text_wrap": True, "valign": "top", "border": 1})
        for col, width in enumerate(GUIDE_WIDTHS):
            sheet.set_column(col, col, width)
        scope = "".join(filter(None, [f"{year} 年度" if year else "", county or ""]))
        sheet.write_string(0, 0, f"义务教育均衡发展评估数据填报模板{('（' + scope + '）') if scope else ''}", title)
        for row, line in enumerate(_GUIDE_LINES, start=2):
            sheet.merge_range(row, 0, row, 3, line, wrap)
            sheet.set_row(row, wrapped_height([(line, sum(GUIDE_WIDTHS))]))
        start = len(_GUIDE_LINES) + 3
        for col, head in enumerate(("工作表", "表头", "必填", "说明")):
            sheet.write_string(start, col, head, bold)
        row = start + 1
        for table in TABLES.values():
            for field in table.fields:
                sheet.write_string(row, 0, table.sheet, cell)
                sheet.write_string(row, 1, field.display_header, cell)
                sheet.write_string(row, 2, required_label(field), cell)
                explanation = "；".join(filter(None, [_rule(field)[1], field.help]))
                sheet.write_string(row, 3, explanation, cell)
                sheet.set_row(row, wrapped_height([(explanation, GUIDE_WIDTHS[3]),
                                                   (required_label(field), GUIDE_WIDTHS[2])]))
                row += 1
        sheet.repeat_rows(start)
        sheet.fit_to_pages(1, 0)
        sheet.activate()


_GUIDE_LINES = (
    "一、本工作簿共四张表：学校（每所学校或校区一行）、专用教室（每间音乐或美术专用教室一行）、"
    "县级指标（每个县每年一行）、质量监测（每个县每年每个科目一行）。学校只需填写“学校”和“专用教室”两张表。",
    "二、请勿修改表头。表头括号内为单位：人数、班数、间数、台数、册数填整数；面积（㎡）、金额（元）可填小数。"
    "金额如需按万元填写，可撤销工作表保护（无密码）后把表头改为如“教学仪器设备值(万元)”，系统自动换算为元。",
    "三、表头颜色：深橙色为必填；浅橙色为按学段必填（学校类型含该学段时必填，如九年一贯制学校须填小学和初中两个学段）；"
    "蓝色为选填。将鼠标移到表头上可查看每一项的统计口径。",
    "四、“是/否”、学校类型、办学性质、城乡类型、教室类型、科目、学业水平从下拉列表选择。"
    "学校标识码、行政区划代码按文本填写，保留前导 0。",
    "五、空白表示“未填报”，不等于 0；确实为 0 的请填 0。一行一所学校，不要合并单元格，不要在表格中加小计或合计行。",
    "六、填好后保存为 .xlsx 文件，按通知要求报送县（区）教育局教育督导部门；县级汇总后可直接用 junheng 测算。",
)


def write_template(path: str | os.PathLike, year: int | None = None, county: str | None = None,
                   schools_from: Dataset | None = None) -> Path:
    """Write the fill-in workbook to ``path`` and return the path.

    ``year``/``county`` prefill 年度 and 县(区) (``county`` is a name; with ``schools_from`` it may
    also be a 县(区)代码 that selects the schools); ``schools_from`` prefills the school list with
    the identity columns of its latest year.
    """
    schools = _school_rows(schools_from, year, county) if schools_from is not None else None
    school_rows = schools.to_dicts() if schools is not None else []
    county_name = school_rows[0]["county_name"] if county and school_rows else county  # a code selects a name
    county_rows = _county_rows(year, county_name, schools)
    with atomic_workbook(path) as workbook:
        writer = TemplateWriter(workbook)
        writer.guide_sheet(year, county_name)
        writer.table_sheet(SCHOOLS, school_rows, year, county_name)
        writer.table_sheet(ROOMS, [], year, county_name)
        writer.table_sheet(COUNTY, county_rows, year, county_name)
        writer.table_sheet(MONITORING, [], year, county_name)
    return Path(path)
